/**
 * The function wrapper: `lruCache`, `cache`, and the cached function the
 * decorator builds for a member: options read once, the group of caches
 * (scope.ts), an optional tier attached, and the call path (paths.ts) chosen
 * once, plus the control methods every cached function carries.
 */
import type { Compute } from './cache.js';
import { fromWallClock } from './clock.js';
import { DEFAULT_SETTINGS, FUNCTION_OPTIONS, describe, readSettings, type Settings } from './options.js';
import { callPath } from './paths.js';
import { Grace } from './grace.js';
import { Observer, flushEvictions } from './observe.js';
import { register } from './registry.js';
import { NOT_CACHED, ResultPolicy } from './policy.js';
import { CacheGroup } from './scope.js';
import type { AttachedTier } from './tier.js';
import type { AnyFunction, CachedFunction, CacheInfo, CacheParameters, LruCacheOptions } from './types.js';

/**
 * Wrapped function → its group, under a symbol every copy of the library in
 * the process shares, so the ESM and CommonJS builds (or two bundles)
 * recognise each other's functions. Non-enumerable, on the wrapper only.
 */
const GROUP: unique symbol = Symbol.for('lru-memo.group.v1') as never;
/** Wrapped function → its attached tier (lru-memo/shared reads it). */
export const TIER: unique symbol = Symbol.for('lru-memo.tier-of.v1') as never;

/** The caches behind a function made by this library (any copy of it), or undefined. */
export function groupOf(candidate: unknown): CacheGroup | undefined {
  if (typeof candidate !== 'function') return undefined;
  const group = (candidate as { [GROUP]?: CacheGroup })[GROUP];
  return group !== undefined && typeof group === 'object' ? group : undefined;
}

/**
 * Wraps `fn` with a least-recently-used cache: Python's
 * `functools.lru_cache` for TypeScript.
 *
 * Arguments are compared one by one with SameValueZero (`NaN` matches `NaN`,
 * `1` and `'1'` differ); objects and functions by identity, held weakly, so
 * the cache never keeps an argument alive. Called on different object
 * receivers (`this`), it keeps one cache per receiver, also held weakly;
 * primitive receivers share one cache keyed by (receiver, arguments).
 *
 * @param fn the function to cache
 * @param options `maxSize` (default 128), `ttl` in ms, `key`, `budget`, `shared`
 * @returns `fn` with a cache, plus `cacheInfo()`, `cacheClear()`,
 *   `cacheParameters()`, `cacheInvalidate()`, `cacheContains()` and `wrapped`
 * @throws TypeError when `fn` is not a function (or is a class) or an option
 *   has the wrong type or is unknown; RangeError when a number option is out of range
 *
 * @example
 * ```ts
 * import { lruCache } from 'lru-memo';
 *
 * const fib = lruCache((n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2)));
 * fib(80);          // 23416728348467684, in microseconds
 * fib.cacheInfo();  // { hits: 78, misses: 81, maxSize: 128, currSize: 81, evictions: 0 }
 * ```
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
 * ```ts
 * import { cache } from 'lru-memo';
 *
 * const parse = cache((source: string) => JSON.parse(source) as unknown);
 * parse('{"a":1}') === parse('{"a":1}'); // true: the same object
 * ```
 */
export function cache<F extends AnyFunction>(fn: F): CachedFunction<F> {
  assertFunction(fn, 'cache');
  return createCachedFunction(fn, { ...DEFAULT_SETTINGS, maxSize: Infinity });
}

function assertFunction(fn: unknown, caller: string): void {
  if (typeof fn !== 'function') {
    throw new TypeError(`${caller}: expected a function to cache, received ${describe(fn)}`);
  }
  if (isClass(fn)) {
    throw new TypeError(
      `${caller}: expected a function to cache, received class ${fn.name || '(anonymous)'} (a class cannot be called without new)`,
    );
  }
}

function isClass(fn: object): boolean {
  try {
    return /^class[\s{]/.test(Function.prototype.toString.call(fn));
  } catch {
    return false;
  }
}

/**
 * Builds a cached function. Shared by `lruCache`, `cache` and the decorator.
 * `caller` and `name` label errors and the tier's keys ("@cached", "convert").
 */
export function createCachedFunction<F extends AnyFunction>(
  fn: F,
  settings: Settings,
  caller = 'lruCache',
  name: string = fn.name,
  member = false,
): CachedFunction<F> {
  const label = name === '' ? caller : `${caller} '${name}'`;
  const results =
    settings.ttlOf === undefined && settings.shouldCache === undefined
      ? undefined
      : new ResultPolicy(label, settings.ttl, settings.ttlOf, settings.shouldCache);
  // Bound to the group below: a tier may call it only once the wrapper exists.
  let local: CacheGroup | undefined = undefined;
  const tier = settings.shared?.attach({
    label,
    caller,
    name,
    ttl: settings.ttl,
    member,
    scope: settings.scope,
    customKey: settings.key !== undefined,
    grace: settings.grace,
    softTimeoutMs: settings.softTimeoutMs,
    lifetime: results === undefined ? undefined : (value, args) => results.lifetime(value, args),
    local: {
      invalidate: (scoped, scopeKey, keys, count) => {
        if (scoped) local?.invalidateFor(scopeKey, keys, count);
        else local?.invalidateEverywhere(keys, count);
      },
      clear: () => local?.clearLocally(),
    },
  });
  // With a tier, the tier asks the policy before sharing and reports its answer as the promise's expiry.
  const tracked = results !== undefined && tier === undefined ? results : undefined;
  const baseExpiryOf = tracked !== undefined ? tracked.settledExpiry : tierExpiry(tier);
  const grace =
    settings.grace === 0
      ? undefined
      : new Grace(settings.grace, settings.softTimeoutMs, settings.ttlOf !== undefined ? 0 : settings.ttl);
  const observer = new Observer(settings.name, settings.onEvict);
  const group = new CacheGroup(
    settings.maxSize,
    settings.ttl,
    settings.scope,
    settings.key as ((...args: unknown[]) => unknown) | undefined,
    settings.budget,
    grace === undefined ? baseExpiryOf : grace.expiryOf(baseExpiryOf),
    results,
    grace,
    observer,
  );
  local = group;
  if (tier?.cleared !== undefined) group.onClearAll = () => tier.cleared!();
  const computeValue: Compute =
    tier !== undefined
      ? (receiver, args, keys, count) => tier.load(receiver, args, keys, count, () => fn.apply(receiver, args as unknown[]))
      : tracked !== undefined
        ? (receiver, args) => tracked.track(fn.apply(receiver, args as unknown[]), args)
        : (receiver, args) => fn.apply(receiver, args as unknown[]);
  // Grace goes around everything a miss runs: the stale value answers for the tier and the function alike.
  const compute = grace === undefined ? computeValue : grace.wrap(computeValue);
  // The plain paths store without the miss protocol's bookkeeping, onEvict's queue included (and a budget
  // may evict another function's entry, whose onEvict must run when this store is over).
  const plain =
    tier === undefined &&
    results === undefined &&
    grace === undefined &&
    settings.onEvict === undefined &&
    settings.budget === undefined;
  const wrapper = callPath(fn, group, compute, plain, {
    key: settings.key as AnyFunction | undefined,
    ttl: settings.ttl,
    scope: settings.scope,
    member,
    label,
  });
  const parameters: CacheParameters = Object.freeze({
    maxSize: settings.maxSize,
    ttl: settings.ttlOf ?? (settings.ttl === 0 ? undefined : settings.ttl),
  });
  Object.defineProperties(wrapper, {
    name: { value: fn.name, configurable: true },
    length: { value: fn.length, configurable: true },
    cacheInfo: { value: () => infoOf(group) },
    cacheClear: {
      value: () => {
        group.clearAll();
        flushEvictions();
      },
    },
    cacheParameters: { value: () => ({ ...parameters }) },
    cacheInvalidate: {
      value: (...args: unknown[]) => {
        const [keys, count] = group.keysOf(args);
        tier?.invalidated?.(undefined, keys, count);
        const removed = group.invalidateEverywhere(keys, count);
        flushEvictions();
        return removed;
      },
    },
    cacheContains: {
      value: (...args: unknown[]) =>
        // A request-scoped cache answers for the current request (false outside any).
        settings.scope === 'request'
          ? group.containsFor(group.targetOf(undefined), ...group.keysOf(args))
          : group.containsAnywhere(...group.keysOf(args)),
    },
    wrapped: { value: fn },
    [GROUP]: { value: group },
    [TIER]: { value: tier },
  });
  observer.fn = wrapper as (...args: never[]) => unknown;
  if (settings.name !== '') register(wrapper);
  return wrapper as CachedFunction<F>;
}

/** The tier's expiry for a promise, converted to the clock's scale. */
function tierExpiry(tier: AttachedTier | undefined) {
  if (tier?.expiryOf === undefined) return undefined;
  const expiryOf = tier.expiryOf.bind(tier);
  return (promise: object) => {
    const at = expiryOf(promise);
    return at === undefined || at === NOT_CACHED ? at : fromWallClock(at);
  };
}

/** A frozen `CacheInfo` snapshot of a group's totals. */
export function infoOf(group: CacheGroup): CacheInfo {
  const { hits, misses, currSize, evictions } = group.totals();
  flushEvictions(); // reading currSize sweeps expired entries
  const info: CacheInfo = { hits, misses, maxSize: group.maxSize, currSize, evictions };
  return Object.freeze(group.grace === undefined ? info : { ...info, staleAnswers: group.grace.staleAnswers });
}
