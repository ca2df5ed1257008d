/**
 * The function wrapper: `lruCache`, `cache`, and the cached function the
 * decorator builds for a member: options read once, the group of caches
 * (group.ts), an optional tier attached, and the call path (paths.ts) chosen
 * once, plus the control methods every cached function carries.
 */
import { flushEvents } from './notify.js';
import { Group } from './group.js';
import { compose } from './miss.js';
import { DEFAULT_SETTINGS, FUNCTION_OPTIONS, describe, readSettings, type Settings } from './options.js';
import { callPath } from './paths.js';
import { parts } from './parts.js';
import { register } from './registry.js';
import { tierStage } from './tier.js';
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
export function groupOf(candidate: unknown): Group | undefined {
  if (typeof candidate !== 'function') return undefined;
  const group = (candidate as { [GROUP]?: Group })[GROUP];
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
 *
 * The one place that decides a function's parts: the stages of its miss
 * pipeline (grace, per-result policy, tier: miss.ts composes them) and the
 * cache parts its group installs (budget, onEvict). Everything else derives
 * from the group: a part not configured has no code on its path.
 */
export function createCachedFunction<F extends AnyFunction>(
  fn: F,
  settings: Settings,
  caller = 'lruCache',
  name: string = fn.name,
  member = false,
): CachedFunction<F> {
  const label = name === '' ? caller : `${caller} '${name}'`;
  // Installed parts read their options (options.ts): a setting of theirs means the part is there.
  const policy = settings.policy === undefined ? undefined : parts.policies!.policy(label, settings.ttl, settings.policy);
  // Bound to the group below: a tier may call it only once the wrapper exists.
  let local: Group | undefined = undefined;
  const tier = settings.shared?.attach({
    label,
    caller,
    name,
    ttl: settings.ttl,
    member,
    scope: settings.scope,
    customKey: settings.key !== undefined,
    grace: settings.grace?.ms ?? 0,
    softTimeoutMs: settings.grace?.softTimeoutMs,
    lifetime: policy === undefined ? undefined : (value, args) => policy.lifetime(value, args),
    local: {
      invalidate: (scoped, scopeKey, keys, count) => {
        if (scoped) local?.invalidateFor(scopeKey, keys, count);
        else local?.invalidateEverywhere(keys, count);
      },
      clear: () => local?.clearLocally(),
    },
  });
  const group = new Group({
    fn,
    label,
    maxSize: settings.maxSize,
    ttl: settings.ttl,
    graceMs: settings.grace?.ms ?? 0,
    scope: settings.scope,
    key: settings.key as ((...args: unknown[]) => unknown) | undefined,
    budget: settings.budget,
    onEvict: settings.onEvict,
    name: settings.name,
    // With a tier, the tier asks the policy before it shares a value, and its answer carries the decision.
    compute: compose(
      settings.grace === undefined ? undefined : parts.grace!.stage(settings.grace),
      tier === undefined ? policy?.stage : undefined,
      tier === undefined ? undefined : tierStage(tier, settings.ttl),
    ),
  });
  local = group;
  if (tier?.cleared !== undefined) group.onClearAll = () => tier.cleared!();
  const wrapper = callPath(fn, group, label, member);
  const parameters: CacheParameters = Object.freeze({
    maxSize: settings.maxSize,
    ttl: settings.policy?.ttlOf ?? (settings.ttl === 0 ? undefined : settings.ttl),
  });
  Object.defineProperties(wrapper, {
    name: { value: fn.name, configurable: true },
    length: { value: fn.length, configurable: true },
    cacheInfo: { value: () => infoOf(group) },
    cacheClear: {
      value: () => {
        group.clearAll();
        flushEvents();
      },
    },
    cacheParameters: { value: () => ({ ...parameters }) },
    cacheInvalidate: {
      value: (...args: unknown[]) => {
        const [keys, count] = group.keysOf(args);
        tier?.invalidated?.(undefined, keys, count);
        const removed = group.invalidateEverywhere(keys, count);
        flushEvents();
        return removed;
      },
    },
    cacheContains: { value: (...args: unknown[]) => group.containsAnywhere(...group.keysOf(args)) },
    wrapped: { value: fn },
    [GROUP]: { value: group },
    [TIER]: { value: tier },
  });
  group.wrapper = wrapper as (...args: never[]) => unknown;
  if (settings.name !== '') register(wrapper);
  return wrapper as CachedFunction<F>;
}

/** A frozen `CacheInfo` snapshot of a group's totals. */
export function infoOf(group: Group): CacheInfo {
  const { hits, misses, currSize, evictions } = group.totals();
  flushEvents(); // reading currSize sweeps expired entries
  const info: CacheInfo = { hits, misses, maxSize: group.maxSize, currSize, evictions };
  return Object.freeze(group.graceMs === 0 ? info : { ...info, staleAnswers: group.staleAnswers });
}
