/**
 * lru-memo: Python's `functools.lru_cache` for TypeScript, without the trap:
 * bounded memoization for functions and class members that never keeps an
 * instance or an argument object alive.
 *
 * Optional tiers live behind their own subpaths and are never imported here:
 * `lru-memo/shared` (a tier shared by every process), `lru-memo/redis` (its
 * Redis store), `lru-memo/eslint-plugin`.
 *
 * @packageDocumentation
 */
export { cache, lruCache } from './wrap.js';
export { createBudget } from './budget.js';
export { cached, type CachedDecorator, type CachedOptions } from './decorate.js';
export {
  cacheClear,
  cacheContains,
  cacheInfo,
  cacheInvalidate,
  namedCaches,
  type MemberArguments,
  type MemberName,
  type NamedCache,
} from './introspect.js';
export { EVICT_CHANNEL, MISS_CHANNEL, type CacheEvent } from './notify.js';
export type { AttachedTier, LocalCaches, Tier, TierAnswer, TierContext } from './tier.js';
export type {
  AnyFunction,
  Budget,
  CacheControl,
  CachedFunction,
  CacheInfo,
  CacheParameters,
  LruCacheOptions,
  OverloadParameters,
  SharedNeedsAPromise,
} from './types.js';
