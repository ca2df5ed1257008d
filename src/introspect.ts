/**
 * Free-function forms of the cache controls: `cacheInfo(fn)`, `cacheClear(fn)`.
 * They accept only functions made by this library and say so otherwise.
 */
import { describe } from './options.js';
import type { CacheGroup } from './scope.js';
import type { CacheInfo } from './types.js';
import { groupOf, infoOf } from './wrap.js';

/**
 * Statistics of a cached function, like `fn.cacheInfo()`.
 *
 * @throws TypeError when `target` is not a function made by `lruCache` or `cache`
 * @example
 * import { cacheInfo, lruCache } from 'lru-memo';
 *
 * const double = lruCache((n: number) => n * 2);
 * double(2); double(2);
 * cacheInfo(double); // { hits: 1, misses: 1, maxSize: 128, currSize: 1 }
 */
export function cacheInfo(target: unknown): CacheInfo {
  return infoOf(requireGroup(target, 'cacheInfo'));
}

/**
 * Clears a cached function's entries and counters, like `fn.cacheClear()`.
 *
 * @throws TypeError when `target` is not a function made by `lruCache` or `cache`
 * @example
 * import { cacheClear, lruCache } from 'lru-memo';
 *
 * const double = lruCache((n: number) => n * 2);
 * double(2);
 * cacheClear(double); // currSize 0, hits 0, misses 0
 */
export function cacheClear(target: unknown): void {
  requireGroup(target, 'cacheClear').clearAll();
}

function requireGroup(target: unknown, caller: string): CacheGroup {
  const group = groupOf(target);
  if (group === undefined) {
    throw new TypeError(
      `${caller}: expected a function made by lruCache() or cache(), received ${describe(target)}`,
    );
  }
  return group;
}
