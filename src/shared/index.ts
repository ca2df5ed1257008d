/**
 * `lru-memo/shared`: a tier shared by every process (Redis, Valkey, anything
 * Keyv-shaped) behind the local cache of async functions and members. The
 * core never imports this module: a bundle of `lruCache` alone does not
 * contain it.
 *
 * @packageDocumentation
 */
import { TIER_BRAND, type Tier, type TierContext } from '../tier.js';
import { groupOf, TIER } from '../wrap.js';
import { memberFunction, type MemberName } from '../introspect.js';
import { describe } from '../describe.js';
import { checkAttachment, readSharedOptions } from './options.js';
import { SharedTier } from './tier.js';
import type { SharedOptions, SharedStats } from './types.js';

export { taggedJsonCodec, type SharedCodec } from './codec.js';
export type { SharedBus, SharedEvent, SharedOptions, SharedStats, SharedStore } from './types.js';

/**
 * A tier shared by every process, for option `shared` of `lruCache` and
 * `@cached`: one function or member, whose shared keys are
 * `namespace:v<version>:<name>[<scope>](<arguments>)`. The namespace (and
 * option `name`, if given) identify the function in every process: never the
 * function's own name, which a minifier changes. So a tier serves one
 * function: given to a second function of another name, it throws (make one
 * tier per function). Options are checked here; the cache it is attached to
 * must have a `ttl`, and a member must be scoped by a primitive (or
 * `'shared'`), checked at wrap time.
 *
 * @throws TypeError or RangeError naming the option, the rule and the value received
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { lruCache } from 'lru-memo';
 * import { sharedTier } from 'lru-memo/shared';
 * import { redisStore } from 'lru-memo/redis';
 *
 * const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
 * // redisStore connects it in the background: a boot with Redis down does not wait or crash.
 * const getUser = lruCache(fetchUser, {
 *   ttl: 60_000,
 *   shared: sharedTier({ store: redisStore(client), namespace: 'users', lock: { leaseMs: 10_000, waitMs: 2_000 } }),
 * });
 * ```
 */
export function sharedTier(options: SharedOptions): Tier {
  const settings = readSharedOptions(options);
  /** The function this tier serves, by name (the same function may be wrapped again: a class made twice). */
  let serving: string | undefined;
  return Object.freeze({
    [TIER_BRAND]: true as const,
    attach(context: TierContext) {
      checkAttachment(context);
      if (serving !== undefined && serving !== context.name) {
        throw new TypeError(
          `${context.label}: this sharedTier() already serves '${serving}', and its keys ('${settings.namespace}:` +
            `v${settings.version}:${settings.name}(...)') do not name the function: give each function a sharedTier() ` +
            'of its own, with its own namespace or name',
        );
      }
      serving = context.name;
      return new SharedTier(settings, context);
    },
  });
}

/**
 * Counters of the shared tier of a function or member with option `shared`:
 * totals over every instance, in this process.
 *
 * @throws TypeError when `target` (or `target[member]`) is not cached with option `shared`
 * @example
 * ```ts
 * import { lruCache } from 'lru-memo';
 * import { sharedStats, sharedTier } from 'lru-memo/shared';
 *
 * const fetchUser = lruCache(loadUser, { ttl: 60_000, shared: sharedTier({ store, namespace: 'users' }) });
 * await fetchUser(1);
 * sharedStats(fetchUser); // { localHits: 0, sharedHits: 0, sharedMisses: 1, computations: 1, ... }
 * sharedStats(UserService, 'profile'); // a member: pass the class (or any instance) and its name
 * ```
 */
export function sharedStats(fn: (...args: never[]) => unknown): SharedStats;
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
  const tier = typeof fn === 'function' ? (fn as { [TIER]?: Partial<SharedTier> })[TIER] : undefined;
  // Duck-typed: a tier made by the other build (ESM or CommonJS) is another class.
  if (tier?.counters === undefined || typeof tier.breakerOpen !== 'boolean') {
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
