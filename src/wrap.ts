/**
 * The function wrapper: `lruCache` and `cache`.
 *
 * Wrapping picks, once, a call path specialised for the function's declared
 * parameter count (0 to 3 arguments without a rest array, or a general path),
 * so a hit does no option checks, allocates nothing and builds no key string.
 * A call with a different argument count than declared takes the general path.
 *
 * Which cache serves a call is decided by a `select` function, also fixed at
 * wrap time: by default one cache per receiver (`this`), held weakly, and one
 * for calls without a receiver. The decorator reuses all of this with other
 * `select` functions.
 */
import { isThenable, watchSettlement, capLocalExpiry } from './async.js';
import { Cache, MISS } from './cache.js';
import { DEFAULT_SETTINGS, FUNCTION_OPTIONS, describe, readSettings, type Settings } from './options.js';
import { CacheGroup } from './scope.js';
import { SharedTier, type LoadCap } from './shared/tier.js';
import type { AnyFunction, CachedFunction, CacheInfo, CacheParameters, LruCacheOptions } from './types.js';

/** Picks the cache for a call from its receiver. */
export type SelectCache = (receiver: unknown) => Cache;

/**
 * What a miss runs: the function itself, or (option `shared`) a load through
 * the shared tier. `keys` is what the local cache keys the call by: the
 * arguments, or the one value option `key` returned.
 */
type Compute = (receiver: unknown, args: ArrayLike<unknown>, keys: ArrayLike<unknown>, keyCount: number) => unknown;

/** Wrapped function → its caches. Weak: a dropped wrapper takes its caches along. */
const groupsByWrapper = new WeakMap<AnyFunction, CacheGroup>();

/** Wrapped function → its shared tier, for functions with option `shared`. */
const tiersByWrapper = new WeakMap<AnyFunction, SharedTier>();

/** The caches behind a function made by this library, or undefined. */
export function groupOf(candidate: unknown): CacheGroup | undefined {
  return typeof candidate === 'function' ? groupsByWrapper.get(candidate as AnyFunction) : undefined;
}

/** The shared tier behind a function made by this library, or undefined. */
export function tierOf(candidate: unknown): SharedTier | undefined {
  return typeof candidate === 'function' ? tiersByWrapper.get(candidate as AnyFunction) : undefined;
}

/**
 * Wraps `fn` with a least-recently-used cache: Python's
 * `functools.lru_cache` for TypeScript.
 *
 * Arguments are compared one by one with SameValueZero (`NaN` matches `NaN`,
 * `1` and `'1'` differ); objects and functions by identity, held weakly, so
 * the cache never keeps an argument alive. Called on different receivers
 * (`this`), it keeps one cache per receiver, also held weakly.
 *
 * @param fn the function to cache
 * @param options `maxSize` (default 128), `ttl` in ms, `key`
 * @returns `fn` with a cache, plus `cacheInfo()`, `cacheClear()`,
 *   `cacheParameters()` and `wrapped`
 * @throws TypeError when `fn` is not a function or an option has the wrong
 *   type or is unknown; RangeError when a number option is out of range
 *
 * @example
 * import { lruCache } from 'lru-memo';
 *
 * const fib = lruCache((n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2)));
 * fib(80);          // 23416728348467685, in microseconds
 * fib.cacheInfo();  // { hits: 78, misses: 81, maxSize: 128, currSize: 81 }
 */
export function lruCache<F extends AnyFunction>(
  fn: F,
  options?: LruCacheOptions<Parameters<F>, ReturnType<F>>,
): CachedFunction<F> {
  assertFunction(fn, 'lruCache');
  return createCachedFunction(fn, readSettings(options, 'lruCache', FUNCTION_OPTIONS));
}

/**
 * An unbounded cache: `lruCache(fn, { maxSize: Infinity })`, like Python's
 * `functools.cache`.
 *
 * @example
 * import { cache } from 'lru-memo';
 *
 * const parse = cache((source: string) => JSON.parse(source) as unknown);
 * parse('{"a":1}') === parse('{"a":1}'); // true: the same object
 */
export function cache<F extends AnyFunction>(fn: F): CachedFunction<F> {
  assertFunction(fn, 'cache');
  return createCachedFunction(fn, { ...DEFAULT_SETTINGS, maxSize: Infinity });
}

function assertFunction(fn: unknown, caller: string): void {
  if (typeof fn !== 'function') {
    throw new TypeError(`${caller}: expected a function to cache, received ${describe(fn)}`);
  }
}

/**
 * The `select` for a group, specialised for its scope so the call path does
 * not branch on it: per receiver (the default, and how plain functions treat
 * `this`), shared, or per scope key.
 */
function selectorFor(group: CacheGroup): SelectCache {
  const { unscoped, scope, byObject } = group;
  if (scope === 'shared') return () => unscoped;
  // WeakMap.get answers undefined for a primitive, which then takes the slow path.
  if (scope === 'instance') {
    return (receiver) =>
      receiver === undefined ? unscoped : (byObject.get(receiver as object) ?? group.cacheFor(receiver));
  }
  const scopeKey = scope as (self: unknown) => unknown;
  return (receiver) => {
    if (receiver === undefined) return unscoped;
    const key = scopeKey(receiver);
    return byObject.get(key as object) ?? group.cacheFor(key);
  };
}

/**
 * Builds a cached function. Shared by `lruCache`, `cache` and the decorator.
 * `caller` and `name` label errors and shared keys ("@cached", "convert").
 */
export function createCachedFunction<F extends AnyFunction>(
  fn: F,
  settings: Settings,
  caller = 'lruCache',
  name: string = fn.name,
): CachedFunction<F> {
  const group = new CacheGroup(
    settings.maxSize,
    settings.ttl,
    settings.scope,
    settings.key as ((...args: unknown[]) => unknown) | undefined,
    settings.budget,
  );
  const tier = settings.shared === undefined ? undefined : sharedTierOf(group, settings, caller, name);
  const wrapper = specialise(fn, settings, selectorFor(group), tier === undefined ? undefined : loadThrough(tier, fn));
  const parameters: CacheParameters = Object.freeze({
    maxSize: settings.maxSize,
    ttl: settings.ttl === 0 ? undefined : settings.ttl,
  });
  Object.defineProperties(wrapper, {
    name: { value: fn.name, configurable: true },
    length: { value: fn.length, configurable: true },
    cacheInfo: { value: () => infoOf(group) },
    cacheClear: { value: () => group.clearAll() },
    cacheParameters: { value: () => ({ ...parameters }) },
    cacheInvalidate: { value: (...args: unknown[]) => group.invalidate(undefined, args) },
    cacheContains: { value: (...args: unknown[]) => group.contains(undefined, args) },
    wrapped: { value: fn },
  });
  groupsByWrapper.set(wrapper, group);
  if (tier !== undefined) tiersByWrapper.set(wrapper, tier);
  return wrapper as CachedFunction<F>;
}

/** The shared tier of a function with option `shared`; an invalidation in `group` deletes the shared entry too. */
function sharedTierOf(group: CacheGroup, settings: Settings, caller: string, name: string): SharedTier {
  const scopeKey = typeof settings.scope === 'function' ? (settings.scope as (self: unknown) => unknown) : undefined;
  const label = name === '' ? caller : `${caller} '${name}'`;
  const tier = new SharedTier(settings.shared!, label, name, scopeKey, settings.key !== undefined);
  group.afterInvalidate = (receiver, keys) => tier.forget(tier.keyOf(receiver, keys, keys.length));
  return tier;
}

/**
 * The miss path with option `shared`: the key is built (and checked) at once,
 * then the shared tier resolves the call. The returned promise is what the
 * local cache stores; its cap keeps the local entry from outliving a shared one.
 */
function loadThrough(tier: SharedTier, fn: AnyFunction): Compute {
  return (receiver, args, keys, keyCount) => {
    const key = tier.keyOf(receiver, keys, keyCount);
    const cap: LoadCap = { notAfter: Infinity };
    const promise = tier.load(key, () => fn.apply(receiver, args as unknown[]), cap);
    capLocalExpiry(promise, cap);
    return promise;
  };
}

/** A frozen `CacheInfo` snapshot of a group's totals. */
export function infoOf(group: CacheGroup): CacheInfo {
  const { hits, misses, currSize } = group.totals();
  return Object.freeze({ hits, misses, maxSize: group.maxSize, currSize });
}

/** A frozen `CacheInfo` snapshot of one cache. */
export function cacheInfoOf(cache: Cache): CacheInfo {
  return Object.freeze({ hits: cache.hits, misses: cache.misses, maxSize: cache.maxSize, currSize: cache.size });
}

/**
 * Runs the function on a miss and stores its result, unless the cache was
 * cleared while it ran (the clear wins). A throw propagates as is, unstored.
 * A thenable is stored at once and watched (see async.ts).
 */
function runAndStore(
  compute: Compute,
  cache: Cache,
  receiver: unknown,
  args: ArrayLike<unknown>,
  keys: ArrayLike<unknown>,
  keyCount: number,
): unknown {
  cache.misses++;
  const { epoch, writes } = cache;
  const value: unknown = compute(receiver, args, keys, keyCount);
  if (cache.epoch === epoch) {
    const pending = isThenable(value);
    const slot = cache.set(keys, keyCount, value, cache.writes === writes, pending);
    if (pending && slot >= 0) watchSettlement(cache, slot, value);
  }
  return value;
}

/** `runAndStore` for one argument: no argument array on the miss path either. */
function runAndStore1(fn: AnyFunction, cache: Cache, receiver: unknown, a: unknown): unknown {
  cache.misses++;
  const { epoch, writes } = cache;
  const value: unknown = fn.call(receiver, a);
  if (cache.epoch === epoch) {
    const pending = isThenable(value);
    const slot = cache.set1(a, value, cache.writes === writes, pending);
    if (pending && slot >= 0) watchSettlement(cache, slot, value);
  }
  return value;
}

/** Chooses the call path once, at wrap time. */
function specialise(fn: AnyFunction, settings: Settings, select: SelectCache, load: Compute | undefined): AnyFunction {
  const key = settings.key as AnyFunction | undefined;
  const compute: Compute = load ?? ((receiver, args) => fn.apply(receiver, args as unknown[]));

  function general(this: unknown, ...args: unknown[]): unknown {
    const cache = select(this);
    const hit = cache.get(args, args.length);
    return hit !== MISS ? hit : runAndStore(compute, cache, this, args, args, args.length);
  }

  if (key !== undefined) {
    return function keyed(this: unknown): unknown {
      const cache = select(this);
      // apply(arguments) forwards without materialising an array; spread would allocate.
      // eslint-disable-next-line prefer-spread
      const k: unknown = key.apply(undefined, arguments as unknown as unknown[]);
      const hit = cache.get1(k);
      return hit !== MISS ? hit : runAndStore(compute, cache, this, Array.from(arguments), [k], 1);
    };
  }

  // `arguments.length` (no rest array) routes calls whose count differs from
  // the declared one to the general path; `f(1)` and `f(1, undefined)` differ.
  switch (fn.length) {
    case 0:
      return function call0(this: unknown): unknown {
        if (arguments.length !== 0) return general.apply(this, arguments as unknown as unknown[]);
        const cache = select(this);
        const hit = cache.get0();
        return hit !== MISS ? hit : runAndStore(compute, cache, this, NO_ARGUMENTS, NO_ARGUMENTS, 0);
      };
    case 1:
      // Two closures rather than a branch on `load`: the plain one stays as small as it can be.
      if (load !== undefined) {
        return function call1Loading(this: unknown, a: unknown): unknown {
          if (arguments.length !== 1) return general.apply(this, arguments as unknown as unknown[]);
          const cache = select(this);
          const hit = cache.get1(a);
          if (hit !== MISS) return hit;
          const args = [a];
          return runAndStore(compute, cache, this, args, args, 1);
        };
      }
      return function call1(this: unknown, a: unknown): unknown {
        if (arguments.length !== 1) return general.apply(this, arguments as unknown as unknown[]);
        const cache = select(this);
        const hit = cache.get1(a);
        return hit !== MISS ? hit : runAndStore1(fn, cache, this, a);
      };
    case 2:
      return function call2(this: unknown, a: unknown, b: unknown): unknown {
        if (arguments.length !== 2) return general.apply(this, arguments as unknown as unknown[]);
        const cache = select(this);
        const hit = cache.get2(a, b);
        if (hit !== MISS) return hit;
        const args = [a, b];
        return runAndStore(compute, cache, this, args, args, 2);
      };
    case 3:
      return function call3(this: unknown, a: unknown, b: unknown, c: unknown): unknown {
        if (arguments.length !== 3) return general.apply(this, arguments as unknown as unknown[]);
        const cache = select(this);
        const hit = cache.get3(a, b, c);
        if (hit !== MISS) return hit;
        const args = [a, b, c];
        return runAndStore(compute, cache, this, args, args, 3);
      };
    default:
      return general;
  }
}

const NO_ARGUMENTS: readonly unknown[] = Object.freeze([]);
