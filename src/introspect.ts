/**
 * Free-function forms of the cache controls, for functions and class members:
 * `cacheInfo(fn)`, `cacheInfo(instance, 'member')`, `cacheInfo(Class, 'static')`,
 * `cacheClear(...)` likewise, `cacheClear(instance)` for all its members, and
 * `cacheInvalidate` / `cacheContains` for one entry of a member.
 *
 * Members are found through property descriptors along the prototype chain,
 * so a cached getter is never invoked just to be inspected; TC39 `#private`
 * members by their name as written ('#load'), through the registry the
 * decorator keeps (decorate.ts).
 */
import { privateMembersOf } from './decorate.js';
import { describe } from './options.js';
import { OUTSIDE, prefixedKeys, type Counters, type Group } from './group.js';
import { isObjectLike } from './keys.js';
import type { AttachedTier } from './tier.js';
import type { AnyFunction, CachedFunction, CacheInfo, OverloadParameters } from './types.js';
import { flushEvents } from './notify.js';
import { registeredFunctions } from './registry.js';
import { TIER, groupOf, infoOf } from './wrap.js';

/**
 * A member name of `T`, or a TC39 `#private` member's name as written
 * (decorators cannot mark which members are cached in the type).
 *
 * @example
 * ```ts
 * class Geo { @cached distance(a: string, b: string) { return a.length + b.length; } }
 * const name: MemberName<Geo> = 'distance';
 * cacheInfo(new Geo(), name);
 * ```
 */
export type MemberName<T> = Exclude<keyof T, number> | `#${string}`;

/**
 * The arguments of member `K` of `T`: a method's parameters, none for a
 * getter, anything for a `#private` name (its type is not visible).
 *
 * @example
 * ```ts
 * class Geo { @cached distance(a: string, b: string) { return a.length + b.length; } }
 * type A = MemberArguments<Geo, 'distance'>; // [a: string, b: string]
 * ```
 */
export type MemberArguments<T, K> = [K] extends [never]
  ? unknown[]
  : K extends keyof T
    ? T[K] extends (...args: infer A) => unknown
      ? A
      : []
    : unknown[];

/**
 * Statistics of a cached function, or of one instance's (or class's) cache
 * for a cached member.
 *
 * @throws TypeError when `target` is not cached, or `member` is not a cached
 *   member of it
 * @example
 * ```ts
 * import { cached, cacheInfo, lruCache } from 'lru-memo';
 *
 * const double = lruCache((n: number) => n * 2);
 * double(2); double(2);
 * cacheInfo(double); // { hits: 1, misses: 1, maxSize: 128, currSize: 1, evictions: 0 }
 *
 * class Geo {
 *   @cached distance(a: string, b: string) { return a.length + b.length; }
 * }
 * const geo = new Geo();
 * geo.distance('LIS', 'OPO');
 * cacheInfo(geo, 'distance'); // this instance only: { hits: 0, misses: 1, maxSize: 128, currSize: 1, evictions: 0 }
 * ```
 */
export function cacheInfo(fn: AnyFunction): CacheInfo;
export function cacheInfo<T extends object>(target: T, member: MemberName<T>): CacheInfo;
export function cacheInfo(target: unknown, ...member: [PropertyKey?]): CacheInfo {
  if (member.length === 0) return infoOf(requireGroup(target, 'cacheInfo'));
  const group = groupOf(memberFunction(target, member[0], 'cacheInfo'))!;
  const { hits, misses, currSize, evictions } = infoFor(group, group.targetOf(target));
  flushEvents(); // reading currSize drops expired entries
  return Object.freeze({ hits, misses, maxSize: group.maxSize, currSize, evictions });
}

/**
 * Clears entries and counters: of a cached function (every receiver), of one
 * instance's (or class's) cache for a member, or of every cached member of an
 * instance (base-class members an override shadows and `#private` ones
 * included).
 *
 * @throws TypeError when there is nothing cached to clear at `target`/`member`
 * @example
 * ```ts
 * import { cacheClear } from 'lru-memo';
 *
 * cacheClear(double);             // a cached function
 * cacheClear(geo, 'distance');    // one member of one instance
 * cacheClear(geo);                // every cached member of geo
 * cacheClear(Geo, 'nearest');     // a static member, for this class
 * ```
 */
export function cacheClear(fn: AnyFunction): void;
export function cacheClear<T extends object>(target: T, member?: MemberName<T>): void;
export function cacheClear(target: unknown, ...member: [PropertyKey?]): void {
  try {
    clear(target, member);
  } finally {
    flushEvents();
  }
}

function clear(target: unknown, member: [PropertyKey?]): void {
  if (member.length > 0) {
    const group = groupOf(memberFunction(target, member[0], 'cacheClear'))!;
    clearFor(group, group.targetOf(target));
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
  for (const group of groups) clearFor(group, group.targetOf(target));
}

/**
 * Removes one entry from one instance's (or class's) cache for a member.
 * Counters are unchanged.
 *
 * @returns whether an entry was removed
 * @throws TypeError when `member` is not a cached member of `target`
 * @example
 * ```ts
 * import { cacheInvalidate } from 'lru-memo';
 *
 * cacheInvalidate(geo, 'distance', 'LIS', 'OPO'); // true if it was cached
 * cacheInvalidate(Geo.prototype.distance, 'LIS', 'OPO'); // from every instance (typed: fn.cacheInvalidate is not, on a decorated member)
 * ```
 */
export function cacheInvalidate<F extends AnyFunction>(fn: F, ...args: OverloadParameters<F>): boolean;
export function cacheInvalidate<T extends object, K extends MemberName<T>>(
  target: T,
  member: K,
  ...args: MemberArguments<T, K>
): boolean;
export function cacheInvalidate(target: object, ...rest: unknown[]): boolean {
  const own = groupOf(target);
  if (own !== undefined) return (target as CachedFunction<AnyFunction>).cacheInvalidate(...rest);
  const [member, ...args] = rest;
  const fn = memberFunction(target, member as PropertyKey, 'cacheInvalidate');
  const group = groupOf(fn)!;
  const [keys, count] = group.keysOf(args);
  (fn as { [TIER]?: AttachedTier })[TIER]?.invalidated?.(target, keys, count);
  const removed = group.invalidateFor(group.targetOf(target), keys, count);
  flushEvents();
  return removed;
}

/**
 * Whether calling `target[member](...args)` would be a hit now. A pure peek:
 * no recency refresh, no counters; true while a stored promise is pending.
 *
 * @throws TypeError when `member` is not a cached member of `target`
 * @example
 * ```ts
 * import { cacheContains } from 'lru-memo';
 *
 * cacheContains(geo, 'distance', 'LIS', 'OPO'); // false until the first call
 * cacheContains(Geo.prototype.distance, 'LIS', 'OPO'); // as fn.cacheContains: scope 'shared', or any primitive scope key
 * ```
 */
export function cacheContains<F extends AnyFunction>(fn: F, ...args: OverloadParameters<F>): boolean;
export function cacheContains<T extends object, K extends MemberName<T>>(
  target: T,
  member: K,
  ...args: MemberArguments<T, K>
): boolean;
export function cacheContains(target: object, ...rest: unknown[]): boolean {
  if (groupOf(target) !== undefined) return (target as CachedFunction<AnyFunction>).cacheContains(...rest);
  const [member, ...args] = rest;
  const group = groupOf(memberFunction(target, member as PropertyKey, 'cacheContains'))!;
  const [keys, count] = group.keysOf(args);
  const contains = containsFor(group, group.targetOf(target), keys, count);
  flushEvents(); // catching up with invalidations may have dropped entries
  return contains;
}

// ---- one target of a group (group.ts: undefined, an object, a primitive, OUTSIDE) ----------------------

/** Statistics of `target`'s cache (a primitive scope key shares the keyed cache). */
function infoFor(group: Group, target: unknown): Counters {
  const cache =
    target === OUTSIDE
      ? undefined
      : target === undefined
        ? group.unscoped
        : !isObjectLike(target)
          ? group.keyed
          : group.existingReceiverCache(target);
  if (cache === undefined) return { hits: 0, misses: 0, currSize: 0, evictions: 0 };
  return { hits: cache.hitCount, misses: cache.misses, currSize: cache.entries(group), evictions: cache.evictions };
}

/** Whether a call on `target` with these keys would hit now; changes nothing. */
function containsFor(group: Group, target: unknown, keys: ArrayLike<unknown>, count: number): boolean {
  if (target === OUTSIDE) return false;
  if (target === undefined) return group.unscoped.has(group, keys, count);
  if (!isObjectLike(target)) return group.keyed?.has(group, prefixedKeys(target, keys, count), count + 1) ?? false;
  return group.existingReceiverCache(target)?.has(group, keys, count) ?? false;
}

/**
 * Clears `target`'s cache: its entries and counters (a primitive scope key:
 * its entries only, as the keyed cache's counters are shared). A call in
 * flight on it does not store afterwards.
 */
function clearFor(group: Group, target: unknown): void {
  if (target === OUTSIDE) return;
  if (target === undefined) {
    group.unscoped.clear(group);
    return;
  }
  if (!isObjectLike(target)) {
    group.keyed?.table!.deleteFirstKey(target);
    return;
  }
  group.detach(target);
}

function requireGroup(target: unknown, caller: string): Group {
  const group = groupOf(target);
  if (group === undefined) {
    throw new TypeError(
      `${caller}: expected a function made by lruCache(), cache() or @cached, received ${describe(target)}` +
        (typeof target === 'object' && target !== null ? ` (for a member, pass its name: ${caller}(obj, 'member'))` : ''),
    );
  }
  return group;
}

/**
 * The cached function behind `target[member]` (a method, or a getter's
 * function), found without invoking a getter; `#name` finds a TC39 private member.
 */
export function memberFunction(target: unknown, member: PropertyKey | undefined, caller: string): AnyFunction {
  if ((typeof target !== 'object' || target === null) && typeof target !== 'function') {
    throw new TypeError(`${caller}: expected an object or class with cached members, received ${describe(target)}`);
  }
  if (typeof member !== 'string' && typeof member !== 'symbol') {
    throw new TypeError(`${caller}: member name must be a string or symbol, received ${describe(member)}`);
  }
  const memberText = typeof member === 'symbol' ? `[${member.toString()}]` : `'${member}'`;
  if (typeof member === 'string' && member.startsWith('#')) {
    const found = privateMembersOf(target, member)[0];
    if (found === undefined) throw new TypeError(`${caller}: ${describe(target)} has no cached private member ${memberText}`);
    return found;
  }
  const descriptor = findDescriptor(target, member, caller);
  const fn = groupOf(descriptor?.value) === undefined ? descriptor?.get : descriptor?.value;
  if (groupOf(fn) === undefined) {
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

/**
 * Every cached member group reachable from `target`: own properties and every
 * prototype's (an override does not hide the member it shadows: its cache
 * still answers `super` calls), and `#private` members.
 */
function cachedMembersOf(target: unknown): Group[] {
  if ((typeof target !== 'object' || target === null) && typeof target !== 'function') return [];
  const groups = new Set<Group>();
  for (let o: object | null = target; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Reflect.ownKeys(o)) {
      const descriptor = Object.getOwnPropertyDescriptor(o, key)!;
      const group = groupOf(descriptor.value) ?? groupOf(descriptor.get);
      if (group !== undefined) groups.add(group);
    }
  }
  for (const member of privateMembersOf(target)) groups.add(groupOf(member)!);
  return [...groups];
}

/**
 * One entry of {@link namedCaches}.
 *
 * @example
 * ```ts
 * const caches: NamedCache[] = namedCaches();
 * for (const { name, info } of caches) console.log(name, info.hits, info.misses);
 * ```
 */
export interface NamedCache {
  /** The cache's option `name`. */
  readonly name: string;
  /** Its statistics now (totals over receivers), as `cacheInfo(fn)` gives them. */
  readonly info: CacheInfo;
  /** The cached function (or decorated member's function). */
  readonly fn: AnyFunction;
}

/**
 * Every cache of the process created with option `name` and still alive,
 * with its statistics: what a metrics exporter reads when it is scraped.
 * Held weakly: a named cache nobody uses any more is collected and leaves
 * the list. Caches made by another copy of the library (the ESM and the
 * CommonJS build) are listed too.
 *
 * @example
 * ```ts
 * import { lruCache, namedCaches } from 'lru-memo';
 *
 * const getUser = lruCache(fetchUser, { name: 'users', maxSize: 1000 });
 * namedCaches(); // [{ name: 'users', info: { hits, misses, maxSize: 1000, currSize, evictions }, fn: getUser }]
 * ```
 */
export function namedCaches(): NamedCache[] {
  const caches: NamedCache[] = [];
  for (const fn of registeredFunctions()) {
    const group = groupOf(fn);
    if (group === undefined) continue;
    caches.push(Object.freeze({ name: group.name, info: infoOf(group), fn: fn as AnyFunction }));
  }
  return caches;
}
