/**
 * lru-memo: Python's `functools.lru_cache` for TypeScript, without the trap:
 * bounded memoization for functions and class members that never keeps an
 * instance or an argument object alive.
 *
 * @packageDocumentation
 */
export { cache, lruCache } from './wrap.js';
export { createBudget, type Budget } from './budget.js';
export { cached, type CachedDecorator, type CachedOptions } from './decorate.js';
export {
  cacheClear,
  cacheContains,
  cacheInfo,
  cacheInvalidate,
  sharedStats,
  type MemberName,
} from './introspect.js';
export { taggedJsonCodec, type SharedCodec } from './shared/codec.js';
export type { SharedEvent, SharedOptions, SharedStats, SharedStore } from './shared/types.js';
export type { AnyFunction, CacheControl, CachedFunction, CacheInfo, CacheParameters, LruCacheOptions } from './types.js';
