/**
 * Readers for option values that several option sets share (the cache's own
 * options and option `shared`), so each rule has one wording.
 */
import { describe } from './describe.js';

/** A positive finite number of milliseconds; `fallback` when undefined, if one is given. */
export function readMilliseconds(caller: string, option: string, value: unknown, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const rule = 'must be a positive finite number of milliseconds';
  if (typeof value !== 'number') throw new TypeError(`${caller}: option '${option}' ${rule}, received ${describe(value)}`);
  if (!(value > 0 && Number.isFinite(value))) {
    throw new RangeError(`${caller}: option '${option}' ${rule}, received ${describe(value)}`);
  }
  return value;
}

/** An optional function-valued option. */
export function readFunction(caller: string, option: string, value: unknown): unknown {
  if (value === undefined || typeof value === 'function') return value;
  throw new TypeError(`${caller}: option '${option}' must be a function, received ${describe(value)}`);
}
