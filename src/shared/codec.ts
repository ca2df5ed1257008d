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
 * const jsonCodec: SharedCodec = { encode: JSON.stringify, decode: JSON.parse };
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

function objectToJson(value: object, path: string, open: Set<object>): Json {
  if (Array.isArray(value)) {
    const items: Json[] = [];
    for (let i = 0; i < value.length; i++) items.push(toJson(value[i], `${path}[${i}]`, open));
    return items;
  }
  if (value instanceof Date) return tagged('d', String(value.getTime()));
  if (value instanceof Map) {
    const entries: Json[] = [];
    let i = 0;
    for (const [k, v] of value) {
      entries.push([toJson(k, `${path}<key ${i}>`, open), toJson(v, `${path}<value ${i}>`, open)]);
      i++;
    }
    return tagged('m', entries);
  }
  if (value instanceof Set) {
    const items: Json[] = [];
    let i = 0;
    for (const item of value) items.push(toJson(item, `${path}<item ${i++}>`, open));
    return tagged('s', items);
  }
  if (!isPlainObject(value)) {
    const kind = (value.constructor as { name?: unknown } | undefined)?.name;
    throw new TypeError(
      `lru-memo codec: cannot encode an instance of ${typeof kind === 'string' && kind !== '' ? kind : 'a class'} at ${path} ` +
        '(plain objects, arrays, Date, Map, Set and primitives are supported; give option shared.codec for others)',
    );
  }
  // No prototype: a "__proto__" key is then plain data, not the prototype setter.
  const object = Object.create(null) as Record<string, Json>;
  for (const key of Object.keys(value)) {
    object[key] = toJson((value as Record<string, unknown>)[key], `${path}.${key}`, open);
  }
  return Object.hasOwn(object, TAG) ? tagged('o', object) : object;
}

function fromJson(json: Json): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map(fromJson);
  if (!Object.hasOwn(json, TAG)) return plainFromJson(json);
  const payload = json.v as Json;
  switch (json[TAG]) {
    case 'u':
      return undefined;
    case 'n':
      return payload === '-0' ? -0 : Number(payload);
    case 'b':
      return BigInt(payload as string);
    case 'd':
      return new Date(Number(payload));
    case 'm':
      return new Map((payload as [Json, Json][]).map(([k, v]) => [fromJson(k), fromJson(v)]));
    case 's':
      return new Set((payload as Json[]).map(fromJson));
    case 'o':
      return plainFromJson(payload as Record<string, Json>);
    default:
      throw new TypeError(`lru-memo codec: unknown tag ${JSON.stringify(json[TAG])}`);
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
 * import { taggedJsonCodec } from 'lru-memo';
 * const text = taggedJsonCodec.encode(new Map([[1n, new Date(0)]]));
 * taggedJsonCodec.decode(text); // Map { 1n => 1970-01-01T00:00:00.000Z }
 */
export const taggedJsonCodec: SharedCodec = Object.freeze({
  encode(value: unknown): string {
    return JSON.stringify(toJson(value, 'value', new Set()));
  },
  decode(text: string): unknown {
    return fromJson(JSON.parse(text) as Json);
  },
});
