/**
 * Free-function forms of the cache controls, for functions and class members:
 * `cacheInfo(fn)`, `cacheInfo(instance, 'member')`, `cacheInfo(Class, 'static')`,
 * `cacheClear(...)` likewise, `cacheClear(instance)` for all its members, and
 * `cacheInvalidate` / `cacheContains` for one entry of a member.
 *
 * Members are found through property descriptors along the prototype chain, so
 * a cached getter is never invoked just to be inspected.
 */
import { describe } from './options.js';
import type { CacheGroup } from './scope.js';
import type { SharedStats } from './shared/types.js';
import type { AnyFunction, CacheInfo } from './types.js';
import { cacheInfoOf, groupOf, infoOf, tierOf } from './wrap.js';

/** A member name of `T` (decorators cannot mark which ones are cached in the type). */
export type MemberName<T> = Exclude<keyof T, number>;

/**
 * Statistics of a cached function, or of one instance's (or class's) cache
 * for a cached member.
 *
 * @throws TypeError when `target` is not cached, or `member` is not a cached
 *   member of it
 * @example
 * import { cached, cacheInfo, lruCache } from 'lru-memo';
 *
 * const double = lruCache((n: number) => n * 2);
 * double(2); double(2);
 * cacheInfo(double); // { hits: 1, misses: 1, maxSize: 128, currSize: 1 }
 *
 * class Geo {
 *   @cached distance(a: string, b: string) { return measure(a, b); }
 * }
 * const geo = new Geo();
 * geo.distance('LIS', 'OPO');
 * cacheInfo(geo, 'distance'); // this instance only: { hits: 0, misses: 1, maxSize: 128, currSize: 1 }
 */
export function cacheInfo(fn: AnyFunction): CacheInfo;
export function cacheInfo<T extends object>(target: T, member: MemberName<T>): CacheInfo;
export function cacheInfo(target: unknown, ...member: [PropertyKey?]): CacheInfo {
  if (member.length === 0) return infoOf(requireGroup(target, 'cacheInfo'));
  const group = memberGroup(target, member[0], 'cacheInfo');
  const cache = group.existingCacheOf(target);
  return cache === undefined
    ? Object.freeze({ hits: 0, misses: 0, maxSize: group.maxSize, currSize: 0 })
    : cacheInfoOf(cache);
}

/**
 * Clears entries and counters: of a cached function (every receiver), of one
 * instance's (or class's) cache for a member, or of every cached member of an
 * instance.
 *
 * @throws TypeError when there is nothing cached to clear at `target`/`member`
 * @example
 * import { cacheClear } from 'lru-memo';
 *
 * cacheClear(double);             // a cached function
 * cacheClear(geo, 'distance');    // one member of one instance
 * cacheClear(geo);                // every cached member of geo
 * cacheClear(Geo, 'nearest');     // a static member, for this class
 */
export function cacheClear(fn: AnyFunction): void;
export function cacheClear<T extends object>(target: T, member?: MemberName<T>): void;
export function cacheClear(target: unknown, ...member: [PropertyKey?]): void {
  if (member.length > 0) {
    memberGroup(target, member[0], 'cacheClear').existingCacheOf(target)?.clear();
    return;
  }
  const own = groupOf(target);
  if (own !== undefined) {
    own.clearAll();
    return;
  }
  const groups = cachedMembersOf(target);
  if (groups.length === 0) {
    throw new TypeError(
      `cacheClear: expected a cached function or an object with cached members, received ${describe(target)}`,
    );
  }
  for (const group of groups) group.existingCacheOf(target)?.clear();
}

/**
 * Removes one entry from one instance's (or class's) cache for a member.
 * Counters are unchanged.
 *
 * @returns whether an entry was removed
 * @throws TypeError when `member` is not a cached member of `target`
 * @example
 * import { cacheInvalidate } from 'lru-memo';
 *
 * cacheInvalidate(geo, 'distance', 'LIS', 'OPO'); // true if it was cached
 */
export function cacheInvalidate<T extends object>(target: T, member: MemberName<T>, ...args: unknown[]): boolean {
  return memberGroup(target, member, 'cacheInvalidate').invalidate(target, args);
}

/**
 * Whether calling `target[member](...args)` would be a hit now. A pure peek:
 * no recency refresh, no counters; true while a stored promise is pending.
 *
 * @throws TypeError when `member` is not a cached member of `target`
 * @example
 * import { cacheContains } from 'lru-memo';
 *
 * cacheContains(geo, 'distance', 'LIS', 'OPO'); // false until the first call
 */
export function cacheContains<T extends object>(target: T, member: MemberName<T>, ...args: unknown[]): boolean {
  return memberGroup(target, member, 'cacheContains').contains(target, args);
}

/**
 * Counters of the shared tier of a function or member with option `shared`:
 * totals over every instance, in this process.
 *
 * @throws TypeError when `target` (or `target[member]`) is not cached with option `shared`
 * @example
 * import { lruCache, sharedStats } from 'lru-memo';
 *
 * const fetchUser = lruCache(loadUser, { ttl: 60_000, shared: { store, namespace: 'users' } });
 * await fetchUser(1);
 * sharedStats(fetchUser); // { localHits: 0, sharedHits: 0, sharedMisses: 1, computations: 1, ... }
 * sharedStats(UserService, 'profile'); // a member: pass the class (or any instance) and its name
 */
export function sharedStats(fn: AnyFunction): SharedStats;
export function sharedStats<C extends abstract new (...args: never) => unknown>(
  cls: C,
  member: MemberName<InstanceType<C>> | MemberName<C>,
): SharedStats;
export function sharedStats<T extends object>(target: T, member: MemberName<T>): SharedStats;
export function sharedStats(target: unknown, ...member: [PropertyKey?]): SharedStats {
  // The tier is per member, not per instance: a class stands for its instances.
  const holder =
    typeof target === 'function' && member.length > 0 && !Reflect.has(target, member[0]!)
      ? (target.prototype as unknown)
      : target;
  const fn = member.length === 0 ? target : memberFunction(holder, member[0], 'sharedStats');
  const tier = tierOf(fn);
  if (tier === undefined) {
    throw new TypeError(`sharedStats: expected a function or member cached with option 'shared', received ${describe(fn)}`);
  }
  const { hits, pendingHits } = groupOf(fn)!.totals();
  return Object.freeze({
    localHits: hits - pendingHits,
    deduplicated: pendingHits,
    ...tier.counters,
    breakerOpen: tier.breakerOpen,
  });
}

function requireGroup(target: unknown, caller: string): CacheGroup {
  const group = groupOf(target);
  if (group === undefined) {
    throw new TypeError(
      `${caller}: expected a function made by lruCache(), cache() or @cached, received ${describe(target)}` +
        (typeof target === 'object' && target !== null ? ` (for a member, pass its name: ${caller}(obj, 'member'))` : ''),
    );
  }
  return group;
}

/** The group behind `target[member]`, found without invoking a getter. */
function memberGroup(target: unknown, member: PropertyKey | undefined, caller: string): CacheGroup {
  return groupOf(memberFunction(target, member, caller))!;
}

/**
 * The cached function behind `target[member]` (a method, or a getter's
 * function), found without invoking a getter.
 */
function memberFunction(target: unknown, member: PropertyKey | undefined, caller: string): AnyFunction {
  if ((typeof target !== 'object' || target === null) && typeof target !== 'function') {
    throw new TypeError(`${caller}: expected an object or class with cached members, received ${describe(target)}`);
  }
  if (typeof member !== 'string' && typeof member !== 'symbol') {
    throw new TypeError(`${caller}: member name must be a string or symbol, received ${describe(member)}`);
  }
  const descriptor = findDescriptor(target, member, caller);
  const fn = groupOf(descriptor?.value) === undefined ? descriptor?.get : descriptor?.value;
  if (groupOf(fn) === undefined) {
    const memberText = typeof member === 'symbol' ? `[${member.toString()}]` : `'${member}'`;
    const problem = descriptor === undefined ? 'has no member' : 'has no cached member';
    throw new TypeError(`${caller}: ${describe(target)} ${problem} ${memberText}`);
  }
  return fn as AnyFunction;
}

function findDescriptor(target: object, member: PropertyKey, caller: string): PropertyDescriptor | undefined {
  try {
    for (let o: object | null = target; o !== null; o = Object.getPrototypeOf(o) as object | null) {
      const descriptor = Object.getOwnPropertyDescriptor(o, member);
      if (descriptor !== undefined) return descriptor;
    }
    return undefined;
  } catch (error) {
    // A revoked Proxy throws on every reflection; say which call met it.
    throw new TypeError(`${caller}: cannot inspect ${describe(target)}: ${(error as Error).message}`);
  }
}

/** Every cached member group reachable from `target`'s own properties and prototypes. */
function cachedMembersOf(target: unknown): CacheGroup[] {
  if ((typeof target !== 'object' || target === null) && typeof target !== 'function') return [];
  const groups = new Set<CacheGroup>();
  const seen = new Set<PropertyKey>();
  for (let o: object | null = target; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Reflect.ownKeys(o)) {
      if (seen.has(key)) continue; // shadowed further down the chain
      seen.add(key);
      const descriptor = Object.getOwnPropertyDescriptor(o, key)!;
      const group = groupOf(descriptor.value) ?? groupOf(descriptor.get);
      if (group !== undefined) groups.add(group);
    }
  }
  return [...groups];
}
