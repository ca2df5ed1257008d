/**
 * How every option is read and worded, once: the core's options
 * (options.ts), `createBudget`'s and the plug-ins' (lru-memo/shared) all use
 * these readers, so "unknown option", "must be a plain object" and the
 * number rules read the same everywhere.
 *
 * Options are the own enumerable string keys of a plain object (its prototype
 * is Object.prototype or null). Anything else is a TypeError: a Map, a class
 * instance, a symbol key, a non-enumerable or inherited property would
 * otherwise be silently ignored. Nothing is coerced.
 */
import { describe } from './describe.js';

/** Who is reading (the message prefix, e.g. "lruCache") and where (e.g. "shared." for nested options). */
export interface OptionPath {
  readonly caller: string;
  readonly prefix: string;
}

/**
 * The options object itself: a plain object whose keys are all known. The
 * name `option` is what messages call it ("options" at the top, "option
 * 'shared'" when nested).
 */
export function readOptions(path: OptionPath, value: unknown, known: readonly string[]): Record<string, unknown> {
  const what = path.prefix === '' ? 'options' : `option '${path.prefix.slice(0, -1)}'`;
  if (!isPlainObject(value)) {
    throw new TypeError(`${path.caller}: ${what} must be a plain object, received ${describe(value)}`);
  }
  for (const name of Reflect.ownKeys(value)) {
    if (typeof name === 'symbol') {
      throw new TypeError(`${path.caller}: ${what} must have string keys only, received the key ${name.toString()}`);
    }
    if (!known.includes(name)) throw unknownOption(path, name, known);
    if (!Object.prototype.propertyIsEnumerable.call(value, name)) {
      throw new TypeError(`${path.caller}: option '${path.prefix}${name}' must be an enumerable own property`);
    }
  }
  return value as Record<string, unknown>;
}

/** An object whose prototype is Object.prototype (of any realm) or null. */
function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as object | null;
  return (
    prototype === null ||
    (Object.getPrototypeOf(prototype) === null && Object.prototype.hasOwnProperty.call(prototype, 'isPrototypeOf'))
  );
}

function unknownOption(path: OptionPath, name: string, known: readonly string[]): TypeError {
  const lower = name.toLowerCase();
  // A hint for a case slip ('maxsize') or a prefix/extension of a known name ('timeout' -> 'timeoutMs').
  const close =
    known.find((candidate) => candidate.toLowerCase() === lower) ??
    (lower.length < 3
      ? undefined
      : known.find((candidate) => candidate.toLowerCase().startsWith(lower) || lower.startsWith(candidate.toLowerCase())));
  const hint = close === undefined ? '' : ` (did you mean '${path.prefix}${close}'?)`;
  return new TypeError(
    `${path.caller}: unknown option '${path.prefix}${name}'${hint}; known options are ${known.map((k) => `'${k}'`).join(', ')}`,
  );
}

/** A positive finite number of milliseconds; `fallback` when undefined, if one is given. */
export function readMilliseconds(path: OptionPath, option: string, value: unknown, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const rule = `${path.caller}: option '${path.prefix}${option}' must be a positive finite number of milliseconds`;
  if (typeof value !== 'number') throw new TypeError(`${rule}, received ${describe(value)}`);
  if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`${rule}, received ${describe(value)}`);
  return value;
}

/** A positive integer; `fallback` when undefined, if one is given. */
export function readPositiveInteger(path: OptionPath, option: string, value: unknown, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const rule = `${path.caller}: option '${path.prefix}${option}' must be a positive integer`;
  if (typeof value !== 'number') throw new TypeError(`${rule}, received ${describe(value)}`);
  if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`${rule}, received ${describe(value)}`);
  return value;
}

/** An optional function-valued option. */
export function readFunction(path: OptionPath, option: string, value: unknown): unknown {
  if (value === undefined || typeof value === 'function') return value;
  throw new TypeError(`${path.caller}: option '${path.prefix}${option}' must be a function, received ${describe(value)}`);
}

