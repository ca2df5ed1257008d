/**
 * The plug-in point for a tier behind the local cache, such as the Redis tier
 * of `lru-memo/shared`. The core never imports a tier: option `shared` takes
 * an object made by the plug-in, recognised by a brand registered with
 * `Symbol.for`, so the ESM and CommonJS builds (or two bundles) recognise each
 * other's tiers. The hit path never consults a tier: only a local miss does,
 * through the tier stage of the miss pipeline (`tierStage`).
 */
import { NOT_CACHED } from './async.js';
import { fromWallClock, preciseNow } from './clock.js';
import type { Stage } from './miss.js';

/** Brand of a tier plug-in, shared by every copy of the library in a process. */
export const TIER_BRAND: unique symbol = Symbol.for('lru-memo.tier.v1') as never;

/**
 * This process's caches of the function a tier serves, for a tier that learns
 * of changes made elsewhere (another process invalidated or cleared). Neither
 * method tells the tier back.
 *
 * @example
 * ```ts
 * // In a tier's attach(context): a bus message from another process drops this process's copies.
 * onMessage((keys) => context.local?.invalidate(false, undefined, keys, keys.length));
 * ```
 */
export interface LocalCaches {
  /**
   * Drops this process's entries for these keys: for one primitive scope key
   * when `scoped` (a member's `scope`; the key may be undefined itself), else
   * for every receiver.
   */
  invalidate(scoped: boolean, scopeKey: unknown, keys: ArrayLike<unknown>, keyCount: number): void;
  /** Drops every entry of this process (counters too, as `cacheClear()` does). */
  clear(): void;
}

/**
 * What a tier learns about the function or member it serves, once, at wrap time.
 *
 * @example
 * ```ts
 * const tier: Tier = {
 *   [TIER_BRAND]: true,
 *   attach(context: TierContext) {
 *     if (context.ttl === 0) throw new TypeError(`${context.label}: this tier needs option 'ttl'`);
 *     return { load: (_receiver, _args, _keys, _count, compute) => compute() };
 *   },
 * };
 * ```
 */
export interface TierContext {
  /** Message prefix for errors about this function, e.g. "lruCache 'fetchUser'" or "@cached 'profile'". */
  readonly label: string;
  /** "lruCache" or "@cached". */
  readonly caller: string;
  /** The function's or member's name ('' when anonymous). */
  readonly name: string;
  /** The local cache's ttl in milliseconds (0 when entries never expire). */
  readonly ttl: number;
  /** Whether calls on different receivers are told apart by a decorated member's scope. */
  readonly member: boolean;
  /** The `scope` option: 'instance', 'shared', 'request' or a function. */
  readonly scope: 'instance' | 'shared' | 'request' | ((self: never) => unknown);
  /** Whether the local key comes from option `key` (one value) rather than the argument list. */
  readonly customKey: boolean;
  /**
   * Options `shouldCache` and `ttl` as a function: milliseconds a computed
   * value lives (0: not cached, so not shared either; may be Infinity). Asked
   * once per computed value, before it is shared; may throw (the call fails).
   * Undefined when every value lives `ttl`.
   */
  readonly lifetime?: ((value: unknown, args: ArrayLike<unknown>) => number) | undefined;
  /**
   * Option `grace`: milliseconds an entry is kept past its ttl as a fallback
   * (0: none; may be Infinity). A tier keeps its own copies that long too.
   */
  readonly grace?: number;
  /** Option `softTimeoutMs`: a refresh of a stale entry slower than this answers stale (undefined: no limit). */
  readonly softTimeoutMs?: number | undefined;
  /** This process's caches of the function (usable once the wrapper exists, after `attach` returns). */
  readonly local?: LocalCaches;
}

/**
 * What a tier answers a local miss with: the value, and the wall-clock
 * instant (`Date.now()` scale) after which the local entry must not be served
 * if the tier knows one (a value read from a shared entry expiring then, or
 * the `lifetime` of a computed one); `-Infinity` when it must not be kept at
 * all; undefined for the cache's own ttl.
 *
 * @example
 * ```ts
 * const answer: TierAnswer = { value: user, expiresAt: Date.now() + 30_000 };
 * ```
 */
export interface TierAnswer {
  readonly value: unknown;
  readonly expiresAt?: number | undefined;
}

/**
 * A tier attached to one cached function or member.
 *
 * @example
 * ```ts
 * // The least a tier does: a local miss runs the function (a real tier reads its store first).
 * const attached: AttachedTier = {
 *   load: async (_receiver, _args, _keys, _count, compute) => ({ value: await compute() }),
 * };
 * ```
 */
export interface AttachedTier {
  /**
   * Resolves a local miss: a promise of the value the local cache stores and
   * the caller gets, with its expiry. `keys` is what the local cache keys the
   * call by (the arguments, or option `key`'s one value); `compute` runs the
   * function. May throw (for a call that has no meaning to the tier): nothing
   * is stored.
   */
  load(
    receiver: unknown,
    args: ArrayLike<unknown>,
    keys: ArrayLike<unknown>,
    keyCount: number,
    compute: () => unknown,
  ): PromiseLike<TierAnswer>;
  /** An entry was invalidated by `cacheInvalidate` (the tier may forget its copy). */
  invalidated?(receiver: unknown, keys: ArrayLike<unknown>, keyCount: number): void;
  /** Every entry was cleared by `cacheClear()` of the function (not of one instance). */
  cleared?(): void;
}

/**
 * A tier behind the local cache, made by a plug-in (`sharedTier()` from
 * `lru-memo/shared`) and given as option `shared`.
 *
 * @example
 * ```ts
 * import { sharedTier } from 'lru-memo/shared';
 * lruCache(fetchUser, { ttl: 60_000, shared: sharedTier({ store, namespace: 'users' }) });
 * ```
 */
export interface Tier {
  readonly [TIER_BRAND]: true;
  /** Attaches the tier to one function or member; throws a TypeError when the combination is refused. */
  attach(context: TierContext): AttachedTier;
}

/** Whether `value` is a tier made by a plug-in (any copy of the library). */
export function isTier(value: unknown): value is Tier {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [TIER_BRAND]?: unknown })[TIER_BRAND] === true &&
    typeof (value as { attach?: unknown }).attach === 'function'
  );
}

/**
 * The tier's stage of the miss pipeline (miss.ts): the tier answers (from its
 * store, or by running `next`, the function), and its answer carries the
 * local entry's expiry, no later than the cache's own ttl from now.
 */
export function tierStage(tier: AttachedTier, ttl: number): Stage {
  return (next) => (miss) => {
    const answer = tier.load(miss.receiver, miss.args, miss.keys, miss.count, () => {
      next(miss);
      return miss.value;
    });
    // The expiry settles first and the caller's promise follows from it (see policies/policy.ts).
    let value: unknown;
    const expiry = Promise.resolve(answer).then((answered) => {
      value = answered.value;
      const at = answered.expiresAt;
      return at === undefined ? undefined : at === -Infinity ? NOT_CACHED : Math.min(preciseNow() + ttl, fromWallClock(at));
    });
    miss.expiry = expiry;
    miss.value = expiry.then(() => value);
  };
}
