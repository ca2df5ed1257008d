/**
 * The default codec for shared values: JSON with type tags, so what a process
 * reads back is what another one computed. Plain JSON would turn `undefined`
 * into a missing key or `null`, `NaN` into `null`, `-0` into `0`, a Date into a
 * string, a Map or Set into `{}`, and throw on a BigInt.
 *
 * Encoding: JSON-native values (strings, booleans, null, finite numbers other
 * than -0, arrays, plain objects) are written as they are; everything else is
 * a one-key object `{ "$": tag, "v": payload }`. A plain object that itself
 * has a `$` key is escaped the same way (tag `o`), so no user data is ever
 * mistaken for a tag. Values that cannot come back as the same thing (class
 * instances, functions, symbols, cycles) are refused with a TypeError: the
 * tier reports it and stores nothing, rather than store something else.
 */

/**
 * Turns values into strings for the shared store and back. Replace it (option
 * `shared.codec`) to use another format; `decode(encode(v))` must give back an
 * equal value.
 *
 * @example
 * ```ts
 * const jsonCodec: SharedCodec = { encode: JSON.stringify, decode: JSON.parse };
 * ```
 */
export interface SharedCodec {
  /** A string for `value`; throws for a value it cannot represent. */
  encode(value: unknown): string;
  /** The value `encode` was given; throws for text it did not produce. */
  decode(text: string): unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const TAG = '$';

function tagged(tag: string, payload: Json): Json {
  return { [TAG]: tag, v: payload };
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Exactly a `kind`, not a subclass: a subclass would come back as its base. */
function isExactly(value: object, kind: { prototype: object }): boolean {
  return Object.getPrototypeOf(value) === kind.prototype;
}

function describeKind(value: object): string {
  const kind = (value.constructor as { name?: unknown } | undefined)?.name;
  return typeof kind === 'string' && kind !== '' ? kind : 'a class';
}

/**
 * Own keys that JSON would drop without a word: symbol keys and
 * non-enumerable properties. Refused, since what came back would differ.
 */
function refuseHiddenKeys(value: object, path: string, enumerable: readonly string[]): void {
  const symbols = Object.getOwnPropertySymbols(value);
  if (symbols.length > 0) {
    throw new TypeError(`lru-memo codec: cannot encode the symbol-keyed property ${String(symbols[0])} at ${path}`);
  }
  const names = Object.getOwnPropertyNames(value);
  if (names.length === enumerable.length) return;
  const hidden = names.find((name) => !Object.prototype.propertyIsEnumerable.call(value, name));
  throw new TypeError(`lru-memo codec: cannot encode the non-enumerable property "${String(hidden)}" at ${path}`);
}

function toJson(value: unknown, path: string, open: Set<object>): Json {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? value : tagged('n', Object.is(value, -0) ? '-0' : String(value));
    case 'bigint':
      return tagged('b', value.toString());
    case 'undefined':
      return tagged('u', null);
    case 'object':
      if (value === null) return null;
      break;
    default:
      throw new TypeError(`lru-memo codec: cannot encode a ${typeof value} at ${path}`);
  }
  if (open.has(value)) throw new TypeError(`lru-memo codec: cannot encode a cycle at ${path}`);
  open.add(value);
  try {
    return objectToJson(value, path, open);
  } finally {
    open.delete(value);
  }
}

/**
 * The enumerable own keys an array may have: its indices. A hole or an extra
 * named property would not survive the round trip, so both are refused.
 */
function arrayKeys(value: readonly unknown[], path: string): string[] {
  const keys = Object.keys(value);
  // Indices come first in key order, ascending: key i must be "i" for every index.
  for (let i = 0; i < value.length; i++) {
    if (keys[i] !== String(i)) throw new TypeError(`lru-memo codec: cannot encode a sparse array at ${path}`);
  }
  if (keys.length > value.length) {
    throw new TypeError(`lru-memo codec: cannot encode the named array property "${keys[value.length]!}" at ${path}`);
  }
  // "length" is the one non-enumerable own key every array has.
  return [...keys, 'length'];
}

function objectToJson(value: object, path: string, open: Set<object>): Json {
  if (Array.isArray(value) && isExactly(value, Array)) {
    refuseHiddenKeys(value, path, arrayKeys(value, path));
    const items: Json[] = [];
    for (let i = 0; i < value.length; i++) items.push(toJson(value[i], `${path}[${i}]`, open));
    return items;
  }
  if (isExactly(value, Date)) {
    refuseHiddenKeys(value, path, []);
    return tagged('d', String((value as Date).getTime()));
  }
  if (isExactly(value, Map)) {
    refuseHiddenKeys(value, path, []);
    const entries: Json[] = [];
    let i = 0;
    for (const [k, v] of value as Map<unknown, unknown>) {
      entries.push([toJson(k, `${path}<key ${i}>`, open), toJson(v, `${path}<value ${i}>`, open)]);
      i++;
    }
    return tagged('m', entries);
  }
  if (isExactly(value, Set)) {
    refuseHiddenKeys(value, path, []);
    const items: Json[] = [];
    let i = 0;
    for (const item of value as Set<unknown>) items.push(toJson(item, `${path}<item ${i++}>`, open));
    return tagged('s', items);
  }
  if (!isPlainObject(value)) {
    throw new TypeError(
      `lru-memo codec: cannot encode an instance of ${describeKind(value)} at ${path} ` +
        '(plain objects, arrays, Date, Map, Set and primitives are supported; give option shared.codec for others)',
    );
  }
  const keys = Object.keys(value);
  refuseHiddenKeys(value, path, keys);
  // No prototype: a "__proto__" key is then plain data, not the prototype setter.
  const object = Object.create(null) as Record<string, Json>;
  for (const key of keys) {
    object[key] = toJson((value as Record<string, unknown>)[key], `${path}.${key}`, open);
  }
  return Object.hasOwn(object, TAG) ? tagged('o', object) : object;
}

/** The numbers `encode` writes as text: the ones JSON cannot carry. */
const SPECIAL_NUMBERS: Readonly<Record<string, number>> = { '-0': -0, NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function malformed(tag: string, expected: string, payload: unknown): TypeError {
  return new TypeError(`lru-memo codec: tag "${tag}" needs ${expected} as payload, got ${JSON.stringify(payload) ?? 'nothing'}`);
}

function fromJson(json: Json): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map(fromJson);
  if (!Object.hasOwn(json, TAG)) return plainFromJson(json);
  const tag = json[TAG];
  const payload = json.v;
  // A tag is exactly { "$": tag, "v": payload }; anything else was not written by encode.
  if (typeof tag !== 'string' || Object.keys(json).length !== 2 || !Object.hasOwn(json, 'v')) {
    throw new TypeError(`lru-memo codec: malformed tag ${JSON.stringify(json)}`);
  }
  switch (tag) {
    case 'u':
      if (payload !== null) throw malformed(tag, 'null', payload);
      return undefined;
    case 'n':
      if (typeof payload !== 'string' || !Object.hasOwn(SPECIAL_NUMBERS, payload)) {
        throw malformed(tag, 'one of "-0", "NaN", "Infinity", "-Infinity"', payload);
      }
      return SPECIAL_NUMBERS[payload];
    case 'b':
      if (typeof payload !== 'string' || !/^-?\d+$/.test(payload)) throw malformed(tag, 'a decimal integer string', payload);
      return BigInt(payload);
    case 'd': {
      const time = typeof payload === 'string' ? Number(payload) : NaN;
      // An Invalid Date is written as "NaN"; any other text must be a number.
      if (typeof payload !== 'string' || (Number.isNaN(time) && payload !== 'NaN')) throw malformed(tag, 'a time value string', payload);
      return new Date(time);
    }
    case 'm':
      if (!Array.isArray(payload) || !payload.every((entry) => Array.isArray(entry) && entry.length === 2)) {
        throw malformed(tag, 'an array of [key, value] pairs', payload);
      }
      return new Map((payload as [Json, Json][]).map(([k, v]) => [fromJson(k), fromJson(v)]));
    case 's':
      if (!Array.isArray(payload)) throw malformed(tag, 'an array', payload);
      return new Set(payload.map(fromJson));
    case 'o':
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw malformed(tag, 'an object', payload);
      return plainFromJson(payload);
    default:
      throw new TypeError(`lru-memo codec: unknown tag ${JSON.stringify(tag)}`);
  }
}

function plainFromJson(json: { [key: string]: Json }): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const key of Object.keys(json)) {
    // defineProperty: a "__proto__" key comes back as data, not as a prototype.
    Object.defineProperty(object, key, { value: fromJson(json[key]!), enumerable: true, writable: true, configurable: true });
  }
  return object;
}

/**
 * The codec used when `shared.codec` is not given: JSON with type tags.
 * Round-trips exactly: primitives including `undefined`, `NaN`, `±Infinity`,
 * `-0` and BigInt; Date; Map and Set (any keys); arrays; plain objects.
 *
 * @example
 * ```ts
 * import { taggedJsonCodec } from 'lru-memo/shared';
 * const text = taggedJsonCodec.encode(new Map([[1n, new Date(0)]]));
 * taggedJsonCodec.decode(text); // Map { 1n => 1970-01-01T00:00:00.000Z }
 * ```
 */
export const taggedJsonCodec: SharedCodec = Object.freeze({
  encode(value: unknown): string {
    return JSON.stringify(toJson(value, 'value', new Set()));
  },
  decode(text: string): unknown {
    return fromJson(JSON.parse(text) as Json);
  },
});
