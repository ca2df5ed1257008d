/**
 * The caches of one cached function, and its configuration: one object
 * shared by all of them (bounds, ttl, the parts it was given), so a cache
 * holds only its own state.
 *
 * Which cache serves a call (its target, chosen by the call path, paths.ts):
 * - no receiver (and every call with scope 'shared'): `unscoped`;
 * - an object receiver (or an object returned by `scope`, or the current
 *   request's context): that object's own cache, in a WeakMap keyed by it (a
 *   request's, on the request's context). Nothing else refers to it: it goes
 *   when its receiver goes, inside a synchronous job as well (no WeakRef);
 * - primitive receivers and primitive scope keys: one `keyed` cache whose keys
 *   are (scope key, ...arguments), bounded by maxSize in total, as Python's
 *   lru_cache over (key(self), *args) is: a million user ids cannot grow it.
 *
 * Totals are counters: hits and misses over every receiver are counted as
 * they happen, never summed over a list of receivers (there is none). Clear-all
 * is O(1): a fresh WeakMap; calls in flight see the clear and do not store.
 * Invalidating an argument list for every receiver appends to a short log that
 * each receiver's cache replays when next used, and acts at once on the
 * caches the group holds.
 */
import type { Expiry, PendingHolder } from './async.js';
import type { BudgetImpl } from './budget.js';
import { Cache, DETACHED, HELD, NO_KEYS } from './cache.js';
import { installedProvider, type RequestContext } from './context.js';
import { flushEvents, type OnEvict, type Observed } from './notify.js';
import { isObjectLike } from './keys.js';
import { runMiss, type Computation } from './miss.js';
import type { Scope } from './options.js';
import { MISS, Table } from './table.js';

/** Invalidations kept for receivers to replay; a receiver further behind drops all its entries. */
export const LOG_LIMIT = 64;

/** Marks a call of a request-scoped cache made outside any request: it runs uncached. */
export const OUTSIDE: unique symbol = Symbol('lru-memo.outside-request');

/** One cache's counters (cacheInfo without maxSize). */
export interface Counters {
  hits: number;
  misses: number;
  currSize: number;
  evictions: number;
}

/** The configuration a group is made with (options.ts and wrap.ts decide it). */
export interface GroupConfig {
  readonly fn: (...args: never[]) => unknown;
  /** Message prefix, e.g. "lruCache 'load'". */
  readonly label: string;
  readonly maxSize: number;
  /** Milliseconds an entry stays fresh; 0: no expiry (Infinity when a function decides per value). */
  readonly ttl: number;
  /** Milliseconds an expired entry is kept as a fallback (option `grace`); 0: none. */
  readonly graceMs: number;
  readonly scope: Scope;
  /** Option `key`: how an argument list becomes the one key, if given. */
  readonly key: ((...args: unknown[]) => unknown) | undefined;
  readonly budget: BudgetImpl | undefined;
  readonly onEvict: OnEvict | undefined;
  readonly name: string;
  /** The miss pipeline (miss.ts); undefined: a miss runs the function itself. */
  readonly compute: Computation | undefined;
}

/** An invalidated key list; object keys held through WeakRefs (a collected one can never be passed again). */
class Invalidation {
  readonly keys: unknown[];
  constructor(
    keys: ArrayLike<unknown>,
    readonly count: number,
  ) {
    this.keys = Array.from({ length: count }, (_, i) => (isObjectLike(keys[i]) ? new WeakRef(keys[i] as object) : keys[i]));
  }

  /** The key list, or undefined if one of its objects was collected. */
  resolve(): unknown[] | undefined {
    const keys: unknown[] = [];
    for (const key of this.keys) {
      const value = key instanceof WeakRef ? (key.deref() as unknown) : key;
      if (value === undefined && key instanceof WeakRef) return undefined;
      keys.push(value);
    }
    return keys;
  }
}

/** Where a group keeps its receivers' caches: a WeakMap keyed by them, or the request contexts themselves. */
export interface ReceiverCaches {
  get(target: object): Cache | undefined;
  set(target: object, cache: Cache): unknown;
  delete(target: object): boolean;
}

/**
 * The caches of a request-scoped group: on each request's context (its
 * `caches` map, see context.ts), under a key of this store's own. Clear-all
 * takes a new store, so the old caches are no longer found; they go with
 * their requests.
 */
class ContextCaches implements ReceiverCaches {
  private readonly key = {};

  get(context: object): Cache | undefined {
    return (context as RequestContext).caches?.get(this.key) as Cache | undefined;
  }

  set(context: object, cache: Cache): void {
    ((context as RequestContext).caches ??= new Map()).set(this.key, cache);
  }

  delete(context: object): boolean {
    return (context as RequestContext).caches?.delete(this.key) ?? false;
  }
}

export class Group implements PendingHolder, Observed {
  readonly fn: (...args: never[]) => unknown;
  readonly label: string;
  readonly maxSize: number;
  readonly ttl: number;
  readonly timed: boolean;
  readonly graceMs: number;
  readonly scope: Scope;
  readonly key: ((...args: unknown[]) => unknown) | undefined;
  readonly budget: BudgetImpl | undefined;
  readonly onEvict: OnEvict | undefined;
  readonly name: string;
  readonly compute: Computation | undefined;
  /** Receivers' caches start with one inline entry (not with a budget or grace, whose parts keep state per entry). */
  readonly inline: boolean;
  /**
   * A miss of this function can tell no one anything but the diagnostics
   * channels: no stages, no onEvict, no budget (whose evictions reach other
   * functions' caches). With nobody subscribed, its plain miss skips the
   * event steps (miss.ts).
   */
  readonly quiet: boolean;
  /** The wrapper, once made: what events name. */
  wrapper: ((...args: never[]) => unknown) | undefined = undefined;

  /** Serves calls without a receiver, and every call with scope 'shared'. */
  readonly unscoped: Cache;
  /** Primitive receivers and primitive scope keys: keys are (scope key, ...keys). Created on first use. */
  keyed: Cache | undefined = undefined;
  /** Object receivers' (and object scope keys', and requests') caches. Replaced by clear-all. */
  receivers: ReceiverCaches;

  /**
   * Receivers' caches, all together, since the last clear-all: calls that
   * reached one and those of them that missed (their difference: hits), and
   * evictions. The caches the group holds count their own.
   */
  receiverCalls = 0;
  receiverMisses = 0;
  receiverEvictions = 0;
  /** Hits on a promise still pending (calls that joined a running call; ttl caches only). */
  pendingHits = 0;
  /** Calls of a request-scoped cache made outside any request (run uncached, counted as misses too). */
  outside = 0;
  /** Calls answered with a stale value (option `grace`). */
  staleAnswers = 0;
  /** Bumped by clear-all: a call that started before it does not store. */
  clears = 0;
  /** Receivers' caches made since the last clear-all (that may hold entries). */
  receiversMade = 0;

  /** Head of the invalidation log: receivers' caches with this stamp are up to date. */
  stamp = 0;
  private log: Invalidation[] = [];
  /** The stamp of log[0]. */
  private logBase = 0;

  /** Told of every `clearAll` (the tier, which may tell other processes); not of `clearLocally`. */
  onClearAll: (() => void) | undefined = undefined;

  constructor(config: GroupConfig) {
    this.fn = config.fn;
    this.label = config.label;
    this.maxSize = config.maxSize;
    this.ttl = config.ttl;
    this.timed = config.ttl !== 0;
    this.graceMs = config.graceMs;
    this.scope = config.scope;
    this.key = config.key;
    this.budget = config.budget;
    this.onEvict = config.onEvict;
    this.name = config.name;
    this.compute = config.compute;
    this.inline = config.budget === undefined && config.graceMs === 0;
    this.quiet = config.compute === undefined && config.onEvict === undefined && config.budget === undefined;
    this.receivers = this.newReceiverCaches();
    this.unscoped = this.heldCache();
  }

  private newReceiverCaches(): ReceiverCaches {
    return this.scope === 'request' ? new ContextCaches() : new WeakMap();
  }

  /** A cache the group holds itself: a table from the start (it is long-lived, and usually holds many keys). */
  private heldCache(keyOffset = 0): Cache {
    return this.grown(new Cache(HELD), keyOffset);
  }

  /**
   * A new receiver's cache, and its place in the receivers' map. With a part
   * that keeps state per entry (a budget counts the cache from its first
   * call), it is a table from the start.
   */
  newReceiverCache(target: object): Cache {
    const cache = new Cache(this.stamp);
    if (!this.inline) this.grown(cache, 0);
    this.receivers.set(target, cache);
    this.receiversMade++;
    return cache;
  }

  private grown(cache: Cache, keyOffset: number): Cache {
    cache.grow(this, keyOffset);
    return cache;
  }

  // ---- choosing the cache ----------------------------------------------------------------

  /** The key list the caches use for these arguments: the arguments, or option `key`'s one value. */
  keysOf(args: unknown[]): [keys: unknown[], count: number] {
    return this.key === undefined ? [args, args.length] : [[this.key(...args)], 1];
  }

  /**
   * What identifies a call's cache: undefined (no receiver: the unscoped
   * cache), an object (its own cache: a receiver, an object scope key, the
   * current request's context), a primitive (the keyed cache), or OUTSIDE (a
   * request-scoped call outside any request).
   */
  targetOf(receiver: unknown): unknown {
    if (this.scope === 'request') return installedProvider()?.current() ?? OUTSIDE;
    if (receiver === undefined || receiver === null || this.scope === 'shared') return undefined;
    return typeof this.scope === 'function' ? (this.scope as (self: unknown) => unknown)(receiver) : receiver;
  }

  /** The cache of an object target, made on first use, caught up with the invalidation log. */
  receiverCache(target: object): Cache {
    let cache = this.receivers.get(target);
    if (cache === undefined) {
      cache = this.newReceiverCache(target);
    } else if (cache.stamp !== this.stamp) {
      this.catchUp(cache);
    }
    return cache;
  }

  /** The cache of an object target if it exists; never makes one. */
  existingReceiverCache(target: object): Cache | undefined {
    const cache = this.receivers.get(target);
    if (cache !== undefined && cache.stamp !== this.stamp) this.catchUp(cache);
    return cache;
  }

  keyedCache(): Cache {
    return (this.keyed ??= this.heldCache(1)); // keys are (scope key, ...arguments): onEvict is given the arguments
  }

  // ---- calls the hit paths did not answer ----------------------------------------------------

  /**
   * A call with one key on `cache` that its hit path did not answer, though
   * an entry may be there: an expired one, a weak one, a NaN key (compared by
   * SameValueZero here). Then a miss.
   */
  slow1(cache: Cache, receiver: unknown, a: unknown): unknown {
    const hit = cache.get1(this, a);
    return hit !== MISS ? hit : runMiss(this, cache, receiver, 1, a, undefined, undefined);
  }

  /** A call with one key that found no entry at all. */
  miss1(cache: Cache, receiver: unknown, a: unknown): unknown {
    return runMiss(this, cache, receiver, 1, a, undefined, undefined);
  }

  /** As `slow1`, for any key list. */
  slow(cache: Cache, receiver: unknown, args: ArrayLike<unknown>, keys: ArrayLike<unknown>, count: number): unknown {
    const hit = cache.get(this, keys, count);
    if (hit !== MISS) return hit;
    return runMiss(this, cache, receiver, count, undefined, undefined, undefined, args, keys);
  }

  /**
   * A call on `target` (from `targetOf`) that no hit path tried: looked up in
   * its cache and, on a miss, computed. The general path of every call path.
   */
  resolve(target: unknown, receiver: unknown, args: ArrayLike<unknown>, keys: ArrayLike<unknown>, count: number): unknown {
    if (target === undefined) return this.slow(this.unscoped, receiver, args, keys, count);
    if (target === OUTSIDE) {
      this.outside++;
      return runMiss(this, undefined, receiver, count, undefined, undefined, undefined, args, keys);
    }
    if (!isObjectLike(target)) {
      const keyed = this.keyedCache();
      const prefixed = prefixedKeys(target, keys, count);
      const hit = keyed.get(this, prefixed, count + 1);
      return hit !== MISS ? hit : runMiss(this, keyed, receiver, count, undefined, undefined, undefined, args, keys, prefixed, count + 1);
    }
    const cache = this.receiverCache(target);
    this.receiverCalls++;
    return this.slow(cache, receiver, args, keys, count);
  }

  // ---- settlement of pending inline entries (cache.ts) -----------------------------------------

  holds(_slot: number, cache: unknown, value: unknown): boolean {
    return (cache as Cache).value === value;
  }

  settled(_slot: number, cache: unknown, fulfilled: boolean, _expiry: Expiry, value: unknown): void {
    (cache as Cache).settled(this, fulfilled, value);
  }

  // ---- invalidation -----------------------------------------------------------------------------

  /** Replays the invalidations a receiver's cache has not seen. */
  private catchUp(cache: Cache): void {
    if (cache.stamp < 0) return; // detached
    if (cache.stamp < this.logBase) {
      cache.dropEntries(this); // further behind than the log reaches: drop everything, to be safe
    } else {
      for (let i = cache.stamp - this.logBase; i < this.log.length; i++) {
        const invalidation = this.log[i]!;
        const keys = invalidation.resolve();
        if (keys !== undefined) cache.delete(this, keys, invalidation.count);
      }
    }
    cache.stamp = this.stamp;
    flushEvents(); // what it dropped is told before the call goes on (a hit returns without another flush point)
  }

  /**
   * Removes the entry for a key list from every cache of the group: at once
   * from the caches it holds (every scope key of the keyed cache) and from
   * each receiver's when it is next used. True if a usable entry was removed
   * at once, or if receivers' caches exist that may hold one.
   */
  invalidateEverywhere(keys: ArrayLike<unknown>, count: number): boolean {
    let removed = this.unscoped.delete(this, keys, count);
    const keyed = this.keyed;
    if (keyed !== undefined) {
      for (const first of keyed.table!.firstKeys(count + 1)) {
        removed = keyed.delete(this, prefixedKeys(first, keys, count), count + 1) || removed;
      }
    }
    // Receivers' caches in a budget are reachable through it: they drop the entry now.
    for (const table of this.budgetedReceiverTables()) removed = table.delete(keys, count) || removed;
    if (this.receiversMade > 0) {
      this.log.push(new Invalidation(keys, count));
      this.stamp++;
      if (this.log.length > LOG_LIMIT) {
        this.log.shift();
        this.logBase++;
      }
      removed = true;
    }
    return removed;
  }

  /**
   * Whether a call without a receiver, or with any primitive scope key, would
   * hit now; for a request-scoped function, a call in the current request.
   */
  containsAnywhere(keys: ArrayLike<unknown>, count: number): boolean {
    if (this.scope === 'request') {
      const context = this.targetOf(undefined);
      return context !== OUTSIDE && this.existingReceiverCache(context as object)?.has(this, keys, count) === true;
    }
    if (this.unscoped.has(this, keys, count)) return true;
    const keyed = this.keyed;
    return keyed !== undefined && keyed.table!.firstKeys(count + 1).some((first) => keyed.has(this, prefixedKeys(first, keys, count), count + 1));
  }

  // ---- one target ----------------------------------------------------------------------------------

  /** Removes one entry of `target`'s cache; true if a usable one was removed. */
  invalidateFor(target: unknown, keys: ArrayLike<unknown>, count: number): boolean {
    if (target === OUTSIDE) return false;
    if (target === undefined) return this.unscoped.delete(this, keys, count);
    if (!isObjectLike(target)) return this.keyed?.delete(this, prefixedKeys(target, keys, count), count + 1) ?? false;
    return this.existingReceiverCache(target)?.delete(this, keys, count) ?? false;
  }

  /** Clears an object target's cache (a per-receiver clear): it is let go, and a call in flight on it does not store. */
  detach(target: object): void {
    const cache = this.receivers.get(target);
    if (cache === undefined) return;
    this.receivers.delete(target);
    cache.clear(this);
    cache.stamp = DETACHED;
  }

  // ---- every target ---------------------------------------------------------------------------------

  /**
   * Totals since the last clear-all: hits and misses over every cache of the
   * function; entries of the caches it holds itself (calls without a
   * receiver, primitive receivers and scope keys): nothing lists the
   * receivers, so their entries are counted per receiver only.
   */
  totals(): Counters & { pendingHits: number } {
    const { unscoped, keyed } = this;
    return {
      hits: unscoped.hitCount + (keyed?.hitCount ?? 0) + this.receiverCalls - this.receiverMisses,
      misses: unscoped.misses + (keyed?.misses ?? 0) + this.receiverMisses + this.outside,
      currSize: unscoped.entries(this) + (keyed?.entries(this) ?? 0),
      evictions: unscoped.evictions + (keyed?.evictions ?? 0) + this.receiverEvictions,
      pendingHits: this.pendingHits,
    };
  }

  /** Clears every cache of the group (entries and counters), and tells `onClearAll`. */
  clearAll(): void {
    this.clearLocally();
    this.onClearAll?.();
  }

  /** Clears every cache of the group (entries and counters), in O(1) for receivers' caches. */
  clearLocally(): void {
    this.unscoped.clear(this);
    this.keyed?.clear(this);
    // Receivers' caches are let go wholesale; those in a budget also give their room back now.
    for (const table of this.budgetedReceiverTables()) table.reset();
    this.receivers = this.newReceiverCaches();
    this.receiverCalls = this.receiverMisses = this.receiverEvictions = 0;
    this.pendingHits = this.outside = this.staleAnswers = 0;
    this.clears++;
    this.stamp++;
    this.logBase = this.stamp;
    this.log = [];
    this.receiversMade = 0;
  }

  /** The receivers' tables of this group that joined its budget (none without a budget). */
  private budgetedReceiverTables(): Table[] {
    if (this.budget === undefined) return [];
    const held = [this.unscoped.table, this.keyed?.table];
    return this.budget.tablesOf(this).filter((table) => !held.includes(table as Table)) as Table[];
  }
}

/** The keyed cache's key list for a call: the scope key (or primitive receiver), then the call's keys. */
export function prefixedKeys(first: unknown, keys: ArrayLike<unknown>, count: number): unknown[] {
  const prefixed = new Array<unknown>(count + 1);
  prefixed[0] = first;
  for (let i = 0; i < count; i++) prefixed[i + 1] = keys[i];
  return prefixed;
}

export { NO_KEYS };
