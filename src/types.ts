/** Public types shared by the function wrapper, the decorator and introspection. */
import type { Budget } from './budget.js';
import type { SharedOptions } from './shared/types.js';

/** Any function, with any `this`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (this: any, ...args: any[]) => any;

/**
 * A snapshot of a cache's statistics, as Python's `cache_info()` gives them.
 *
 * @example
 * const square = lruCache((n: number) => n * n);
 * square(3); square(3);
 * square.cacheInfo(); // { hits: 1, misses: 1, maxSize: 128, currSize: 1 }
 */
export interface CacheInfo {
  /** Calls answered from the cache since it was created or last cleared. */
  readonly hits: number;
  /** Calls that ran the function since it was created or last cleared. */
  readonly misses: number;
  /** The bound on entries (per receiver for methods); `Infinity` when unbounded. */
  readonly maxSize: number;
  /** Entries held now (expired entries and collected object keys are not counted). */
  readonly currSize: number;
}

/**
 * The settings a cache was created with.
 *
 * @example
 * lruCache(Math.sqrt, { maxSize: 10, ttl: 1000 }).cacheParameters(); // { maxSize: 10, ttl: 1000 }
 */
export interface CacheParameters {
  /** Entries kept (per receiver); `Infinity` when unbounded. */
  readonly maxSize: number;
  /** Milliseconds an entry stays fresh; `undefined` when entries never expire. */
  readonly ttl: number | undefined;
}

/**
 * Options for {@link lruCache}.
 *
 * @example
 * lruCache(fetchRate, { maxSize: 500, ttl: 60_000 });
 * lruCache(area, { key: (shape) => shape.id }); // cache by id instead of identity
 */
export interface LruCacheOptions<A extends readonly unknown[] = readonly unknown[], R = unknown> {
  /**
   * Most entries kept; the least recently used entry is evicted beyond it.
   * `Infinity` keeps everything; `0` keeps nothing (every call is a miss).
   * Must be a non-negative integer or `Infinity`.
   * @default 128
   */
  maxSize?: number;
  /**
   * Milliseconds an entry stays fresh. An older entry is never returned: the
   * call is a miss and runs the function again. A positive finite number.
   * @default undefined (never expires)
   */
  ttl?: number;
  /**
   * Computes the cache key from the arguments, instead of the argument list
   * itself. Runs exactly once per call. An object key is held weakly.
   * @default undefined (key = the argument list, each by SameValueZero)
   */
  key?: (...args: A) => unknown;
  /**
   * A budget made by {@link createBudget}: this cache's entries also count
   * against its bound on entries across many caches.
   * @default undefined (no shared bound)
   */
  budget?: Budget;
  /**
   * A tier shared by every process (e.g. Redis) behind this process's cache,
   * for functions that return a promise. Requires `ttl`; arguments (or the
   * `key` option's result) must be primitives. See {@link SharedOptions}.
   * @default undefined (this process only)
   */
  shared?: unknown extends R ? SharedOptions : R extends PromiseLike<unknown> ? SharedOptions : never;
}

/** The statistics and control every cached function carries. */
export interface CacheControl<F extends AnyFunction> {
  /**
   * Statistics; for a function called on several receivers, totals over them.
   * @example
   * const f = lruCache((x: number) => x + 1);
   * f(1); f(1);
   * f.cacheInfo().hits; // 1
   */
  cacheInfo(): CacheInfo;
  /**
   * Drops every entry (of every receiver) and resets the counters.
   * @example
   * f.cacheClear();
   * f.cacheInfo(); // { hits: 0, misses: 0, maxSize: 128, currSize: 0 }
   */
  cacheClear(): void;
  /**
   * The settings the cache was created with.
   * @example
   * lruCache(Math.abs).cacheParameters(); // { maxSize: 128, ttl: undefined }
   */
  cacheParameters(): CacheParameters;
  /**
   * Removes the entry for these arguments (from the cache of calls without a
   * receiver; for a member, use `cacheInvalidate(instance, 'member', ...args)`).
   * Counters are unchanged.
   * @returns whether an entry was removed
   * @example
   * const f = lruCache((n: number) => n * 2);
   * f(1);
   * f.cacheInvalidate(1); // true
   * f.cacheInvalidate(1); // false
   */
  cacheInvalidate(...args: Parameters<F>): boolean;
  /**
   * Whether a call with these arguments would be a hit now: a pure peek (no
   * recency refresh, no counters). False after expiry or invalidation; true
   * while a stored promise is pending.
   * @example
   * const f = lruCache((n: number) => n * 2);
   * f.cacheContains(1); // false
   * f(1);
   * f.cacheContains(1); // true
   */
  cacheContains(...args: Parameters<F>): boolean;
  /**
   * The original function. Calling it bypasses the cache and its counters.
   * @example
   * const f = lruCache(Math.abs);
   * f.wrapped(-1); // 1, counters untouched
   */
  readonly wrapped: F;
}

/**
 * A function wrapped by {@link lruCache}: callable exactly like `F` (parameters,
 * `this` and return type preserved) plus {@link CacheControl}.
 *
 * @example
 * const cachedFib: CachedFunction<(n: number) => number> = lruCache(fib);
 */
export type CachedFunction<F extends AnyFunction> = F & CacheControl<F>;
