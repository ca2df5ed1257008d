/**
 * `lru-memo/grace`: options `grace` and `softTimeoutMs`, stale answers when
 * the source fails or is slow. Import it once, anywhere before the caches
 * that use it are made; it installs its part (parts.ts) and exports nothing.
 *
 * @example
 * ```ts
 * import 'lru-memo/grace';
 * import { lruCache } from 'lru-memo';
 *
 * const rates = lruCache(fetchRates, { ttl: 60_000, grace: 3_600_000, softTimeoutMs: 100 });
 * ```
 *
 * @packageDocumentation
 */
import { describe } from '../describe.js';
import { parts, type GraceSettings } from '../parts.js';
import type { OptionPath } from '../read.js';
import { Grace } from './stage.js';

/** Option `grace`: positive milliseconds or Infinity, for a cache whose entries expire. */
function readGrace(path: OptionPath, given: Record<string, unknown>): number {
  const value = given.grace;
  if (value === undefined) {
    throw new TypeError(
      `${path.caller}: option 'softTimeoutMs' answers a slow refresh with the stale value, so it needs option 'grace' ` +
        `(received softTimeoutMs ${describe(given.softTimeoutMs)} without grace)`,
    );
  }
  const rule = `${path.caller}: option 'grace' must be a positive number of milliseconds or Infinity`;
  if (typeof value !== 'number') throw new TypeError(`${rule}, received ${describe(value)}`);
  if (!(value > 0)) throw new RangeError(`${rule}, received ${describe(value)}`);
  if (given.ttl === undefined) {
    throw new TypeError(
      `${path.caller}: option 'grace' keeps entries past their ttl, so it needs option 'ttl' (entries that never expire are never stale)`,
    );
  }
  if (given.onEvict !== undefined) {
    throw new TypeError(
      `${path.caller}: options 'onEvict' and 'grace' cannot be combined: a stale value may answer again after it expired, ` +
        'so there is no one moment it leaves the cache',
    );
  }
  return value;
}

/** Option `softTimeoutMs`: non-negative finite milliseconds. */
function readSoftTimeout(path: OptionPath, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const rule = `${path.caller}: option 'softTimeoutMs' must be a non-negative finite number of milliseconds`;
  if (typeof value !== 'number') throw new TypeError(`${rule}, received ${describe(value)}`);
  if (!(value >= 0 && Number.isFinite(value))) throw new RangeError(`${rule}, received ${describe(value)}`);
  return value;
}

parts.grace ??= {
  read(path, given): GraceSettings {
    const ms = readGrace(path, given);
    return { ms, softTimeoutMs: readSoftTimeout(path, given.softTimeoutMs) };
  },
  stage: (settings) => new Grace(settings.ms, settings.softTimeoutMs).stage,
};
