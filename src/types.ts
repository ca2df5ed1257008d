/** Public types shared by the function wrapper, the decorator, budgets and introspection. */
import type { Tier } from './tier.js';

/**
 * Any function, with any `this`: what `lruCache` and `cacheInfo` accept.
 *
 * @example
 * ```ts
 * function totalsOf(fns: AnyFunction[]) { return fns.map((fn) => cacheInfo(fn)); }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (this: any, ...args: any[]) => any;

/**
 * A snapshot of a cache's statistics, as Python's `cache_info()` gives them.
 *
 * @example
 * ```ts
 * const square = lruCache((n: number) => n * n);
 * square(3); square(3);
 * square.cacheInfo(); // { hits: 1, misses: 1, maxSize: 128, currSize: 1, evictions: 0 }
 * ```
 */
export interface CacheInfo {
  /** Calls answered from the cache since it was created or last cleared. */
  readonly hits: number;
  /** Calls that ran the function since it was created or last cleared. */
  readonly misses: number;
  /** The bound on entries (per receiver for methods); `Infinity` when unbounded. */
  readonly maxSize: number;
  /**
   * Entries held now (expired entries and collected object keys are not
   * counted; with option `grace`, a stale entry is, until its grace ends).
   */
  readonly currSize: number;
  /**
   * Entries dropped to make room under `maxSize` (or a budget) since the
   * cache was created or last cleared; not expired or invalidated ones.
   * Not in Python's `cache_info()`, whose four fields stay as they are.
   */
  readonly evictions: number;
  /**
   * With option `grace` only: calls answered with a stale value (the
   * function failed, or a refresh outlasted `softTimeoutMs`), over every
   * receiver, since the function's last `cacheClear()`.
   */
  readonly staleAnswers?: number;
}

/**
 * A bound on the total number of entries across every cache that opts in
 * with `{ budget }`, evicting the globally least recently used entry. Made by
 * {@link createBudget}.
 *
 * @example
 * ```ts
 * const budget = createBudget({ maxSize: 10_000 });
 * class Pricing {
 *   @cached({ budget, maxSize: Infinity }) quote(sku: string) { return lookUp(sku); }
 * }
 * budget.info(); // totals over every attached cache
 * ```
 */
export interface Budget {
  /** The bound on entries across every attached cache. */
  readonly maxSize: number;
  /**
   * Totals over the live attached caches: hits, misses, the budget's maxSize,
   * and entries held now.
   * @example
   * ```ts
   * budget.info(); // { hits: 40, misses: 12, maxSize: 10000, currSize: 12, evictions: 0 }
   * ```
   */
  info(): CacheInfo;
  /**
   * Clears every attached cache (entries and counters).
   * @example
   * ```ts
   * budget.clear();
   * ```
   */
  clear(): void;
}

/**
 * The settings a cache was created with.
 *
 * @example
 * ```ts
 * lruCache(Math.sqrt, { maxSize: 10, ttl: 1000 }).cacheParameters(); // { maxSize: 10, ttl: 1000 }
 * ```
 */
export interface CacheParameters {
  /** Entries kept (per receiver); `Infinity` when unbounded. */
  readonly maxSize: number;
  /**
   * Milliseconds an entry stays fresh, or the function given as option `ttl`
   * that decides it per value; `undefined` when entries never expire.
   */
  readonly ttl: number | ((value: never, args: never) => number) | undefined;
}

/**
 * Options for {@link lruCache}.
 *
 * @example
 * ```ts
 * lruCache(fetchRate, { maxSize: 500, ttl: 60_000 });
 * lruCache(area, { key: (shape) => shape.id }); // cache by id instead of identity
 * ```
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
   * call is a miss and runs the function again. A positive finite number, or
   * a function of the value (a promise's: when it fulfils) and the arguments
   * that returns the milliseconds for that value: `Infinity` never expires,
   * `0` leaves it uncached. Any other answer fails the call with a
   * TypeError/RangeError (a promise rejects) and nothing is cached.
   * @default undefined (never expires)
   * @example
   * ```ts
   * lruCache(fetchRate, { ttl: (rate) => (rate.volatile ? 1_000 : 60_000) });
   * ```
   */
  ttl?: number | ((value: Awaited<R>, args: A) => number);
  /**
   * Decides per result whether it is cached: `false` leaves it uncached (the
   * call counts as a miss, nothing is kept, the next call runs again). Asked
   * with the value (a promise's: when it fulfils, so the promise is shared by
   * concurrent callers meanwhile) and the arguments. Must return a boolean.
   * With `shared`, a result not cached locally is not shared either.
   * @default undefined (every result is cached)
   * @example
   * ```ts
   * lruCache(findUser, { shouldCache: (user) => user !== undefined }); // a miss is asked again
   * ```
   */
  shouldCache?: (value: Awaited<R>, args: A) => boolean;
  /**
   * Names the cache: it is listed by `namedCaches()` (for metrics exporters)
   * and its `lru-memo:miss` / `lru-memo:evict` diagnostics events carry the
   * name. A non-empty string; need not be unique.
   * @default undefined (not listed; events carry '')
   * @example
   * ```ts
   * lruCache(fetchUser, { name: 'users' });
   * ```
   */
  name?: string;
  /**
   * Told of every entry that leaves the cache, with the key list it was
   * cached under (the arguments, or `[key]` with option `key`), the value it
   * held (a promise for an async function) and why: `'evict'` (made room
   * under `maxSize` or a budget), `'expire'` (past its ttl, and grace),
   * `'invalidate'` (`cacheInvalidate`), `'clear'` (`cacheClear`). Called once
   * the operation that removed it is over, never in the middle of one (it may
   * call the cache). Not called for entries whose object argument the
   * garbage collector took, nor for the per-instance caches a `cacheClear()`
   * of the whole function releases in O(1) (they go with their instances).
   * An error it throws is reported as an uncaught exception. Not with
   * `grace` (a stale value may answer again after it expired).
   * @default undefined
   * @example
   * lruCache(openFile, { maxSize: 10, onEvict: (_key, handle) => handle.close() });
   */
  onEvict?: (key: unknown[], value: R, reason: 'evict' | 'expire' | 'invalidate' | 'clear') => void;
  /**
   * Milliseconds an entry is kept past its ttl as a fallback (needs `ttl`).
   * A call on such a stale entry runs the function again; if that throws or
   * rejects, the call answers with the stale value instead, and the next
   * call tries again, until grace ends. A failure is never cached.
   * Positive, or `Infinity` (kept until evicted).
   * @default undefined (an expired entry is never used)
   * @example
   * ```ts
   * lruCache(fetchRates, { ttl: 60_000, grace: 3_600_000 }); // an hour of last-known rates if the source is down
   * ```
   */
  grace?: number;
  /**
   * With `grace`, for functions that return a promise: a refresh of a stale
   * entry that has not settled after this many milliseconds answers with the
   * stale value and runs on; calls meanwhile answer stale at once, and the
   * first call after it fulfils stores its value. `0` serves stale at once
   * (stale-while-revalidate). A non-negative finite number.
   * @default undefined (wait for the refresh)
   * @example
   * ```ts
   * lruCache(fetchPrice, { ttl: 10_000, grace: 600_000, softTimeoutMs: 50 });
   * ```
   */
  softTimeoutMs?: number;
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
   * for functions that return a promise: `sharedTier({ store, namespace })`
   * from `lru-memo/shared`. Requires `ttl`; arguments (or the `key` option's
   * result) must be primitives.
   * @default undefined (this process only)
   */
  shared?: unknown extends R ? Tier : R extends PromiseLike<unknown> ? Tier : SharedNeedsAPromise;
  /**
   * `'request'`: one cache per request, as React's `cache()` gives server
   * components. Requests are entered with `runInRequest` (or its middleware)
   * from `lru-memo/request`; a call outside any request runs uncached. The
   * request's cache goes when the request does.
   * @default undefined (one cache for calls without a receiver, one per receiver)
   */
  scope?: 'request';
}

/**
 * The parameter lists of every overload of `F` (up to four), not only the
 * last one as `Parameters<F>` gives: `cacheInvalidate` and `cacheContains`
 * accept what a call accepts.
 *
 * @example
 * ```ts
 * function parse(text: string): object;
 * function parse(bytes: Uint8Array): object;
 * function parse(input: string | Uint8Array): object { return {}; }
 * type P = OverloadParameters<typeof parse>; // [text: string] | [bytes: Uint8Array]
 * ```
 */
export type OverloadParameters<F> = F extends {
  (...args: infer A1): unknown;
  (...args: infer A2): unknown;
  (...args: infer A3): unknown;
  (...args: infer A4): unknown;
}
  ? A1 | A2 | A3 | A4
  : F extends (...args: infer A) => unknown
    ? A
    : never;

/**
 * What option `shared` accepts on a function that does not return a promise:
 * nothing (the type names the rule, so the compiler's message does).
 *
 * @example
 * ```ts
 * lruCache((id: number) => id, { ttl: 1000, shared: tier });
 * // error: Property '"option 'shared' is for functions that return a promise"' is missing in type 'Tier'
 * ```
 */
export interface SharedNeedsAPromise {
  readonly "option 'shared' is for functions that return a promise": never;
}

/**
 * The statistics and control every cached function carries.
 *
 * @example
 * ```ts
 * const area = lruCache((w: number, h: number) => w * h);
 * area(2, 3);
 * area.cacheContains(2, 3); // true
 * area.cacheInvalidate(2, 3); // true
 * area.cacheInfo(); // { hits: 0, misses: 1, maxSize: 128, currSize: 0, evictions: 0 }
 * ```
 */
export interface CacheControl<F extends AnyFunction> {
  /**
   * Statistics. For a function called on several receivers (a decorated
   * member's prototype function included), totals over all of them: hits and
   * misses since the last `cacheClear()`; `currSize` over the receivers alive
   * (a collected one leaves it once the garbage collector reports it, which
   * may take a GC cycle).
   * @example
   * ```ts
   * const f = lruCache((x: number) => x + 1);
   * f(1); f(1);
   * f.cacheInfo().hits; // 1
   * ```
   */
  cacheInfo(): CacheInfo;
  /**
   * Drops every entry (of every receiver) and resets the counters.
   * @example
   * ```ts
   * f.cacheClear();
   * f.cacheInfo(); // { hits: 0, misses: 0, maxSize: 128, currSize: 0, evictions: 0 }
   * ```
   */
  cacheClear(): void;
  /**
   * The settings the cache was created with.
   * @example
   * ```ts
   * lruCache(Math.abs).cacheParameters(); // { maxSize: 128, ttl: undefined }
   * ```
   */
  cacheParameters(): CacheParameters;
  /**
   * Removes the entry for these arguments from every cache of the function,
   * however it was called: without a receiver, with any receiver (each
   * receiver's cache drops it when next used), with any scope key. After it,
   * no call with these arguments returns the old result. Counters are
   * unchanged. For one instance only: `cacheInvalidate(instance, 'member', ...args)`.
   * @returns whether an entry was removed, or may have been (some receiver's
   *   cache exists and drops it lazily)
   * @example
   * ```ts
   * const f = lruCache((n: number) => n * 2);
   * f(1);
   * f.cacheInvalidate(1); // true
   * f.cacheInvalidate(1); // false
   * ```
   */
  cacheInvalidate(...args: OverloadParameters<F>): boolean;
  /**
   * Whether a call with these arguments and no receiver (or a primitive
   * one) would be a hit now: a pure peek (no recency refresh, no counters).
   * False after expiry or invalidation; true while a stored promise is
   * pending. For an object receiver (an instance, or the object a function is
   * a property of): `cacheContains(receiver, 'name', ...args)`.
   * @example
   * ```ts
   * const f = lruCache((n: number) => n * 2);
   * f.cacheContains(1); // false
   * f(1);
   * f.cacheContains(1); // true
   * ```
   */
  cacheContains(...args: OverloadParameters<F>): boolean;
  /**
   * The original function. Calling it bypasses the cache and its counters.
   * @example
   * ```ts
   * const f = lruCache(Math.abs);
   * f.wrapped(-1); // 1, counters untouched
   * ```
   */
  readonly wrapped: F;
}

/**
 * A function wrapped by {@link lruCache}: callable exactly like `F` (parameters,
 * `this` and return type preserved) plus {@link CacheControl}.
 *
 * @example
 * ```ts
 * const cachedFib: CachedFunction<(n: number) => number> = lruCache(fib);
 * ```
 */
export type CachedFunction<F extends AnyFunction> = F & CacheControl<F>;
