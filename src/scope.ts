/**
 * Which cache serves a call, and the totals over all of them.
 *
 * A wrapped function (or decorated member) owns one {@link CacheGroup}:
 * - calls without a receiver (and every call with scope 'shared') use one
 *   cache, `unscoped`;
 * - an object receiver (or an object returned by `scope`) gets its own small
 *   record (record.ts) in a WeakMap keyed by that object, grown into a full
 *   cache only at a second distinct key. Nothing else refers to a record: it
 *   goes when its receiver goes, inside a synchronous job as well (no WeakRef);
 * - primitive receivers and primitive scope keys share one `keyed` cache whose
 *   keys are (scope key, ...arguments), bounded by maxSize in total, as Python's
 *   lru_cache over (key(self), *args) is: a million user ids cannot grow it.
 *
 * Totals over receivers come from counters, never from a list of receivers:
 * hits and misses are counted as they happen (cumulative since the last
 * clear-all); the entries records hold are counted in accounting.ts, which
 * learns from the garbage collector which records are gone.
 *
 * Clear-all is O(1): a fresh WeakMap and a new counting generation; calls in flight on
 * an old record see that it is detached and do not store. Invalidating an
 * argument list for every receiver appends to a short log that each record
 * replays when next used (so no call returns the old result), and acts at once
 * on the unscoped and keyed caches.
 */
import { NOT_CACHED, type ExpiryOf } from './async.js';
import type { BudgetImpl } from './budget.js';
import { Cache, MISS, type Compute, type Tally } from './cache.js';
import { isObjectLike } from './keys.js';
import type { Scope } from './options.js';
import { EntryCounts } from './accounting.js';
import { installedProvider, type RequestContext } from './context.js';
import type { Grace } from './grace.js';
import { Observer, flushEvictions } from './observe.js';
import type { ResultPolicy } from './policy.js';
import { GROWN, InstanceRecord, NO_KEYS, RecordPolicy, TimedRecord } from './record.js';

/** Invalidations kept for records to replay; a record further behind drops all its entries. */
export const LOG_LIMIT = 64;

/** Marks a call served by the unscoped cache (no receiver, or scope 'shared'). */
export const UNSCOPED: unique symbol = Symbol('lru-memo.unscoped');
/** Marks a call of a request-scoped cache made outside any request: it runs uncached. */
export const OUTSIDE: unique symbol = Symbol('lru-memo.outside-request');

/** One cache's counters (cacheInfo without maxSize). */
export interface Counters {
  hits: number;
  misses: number;
  currSize: number;
  /** Entries dropped to make room (maxSize or a budget). */
  evictions: number;
}

export interface Totals extends Counters {
  /** Hits on a promise that was still pending (calls that joined a running call; ttl caches only). */
  pendingHits: number;
}

/** An invalidated key list; object keys held through WeakRefs (a collected one can never be passed again). */
class Invalidation {
  readonly keys: unknown[];
  constructor(keys: ArrayLike<unknown>, readonly count: number) {
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

/** Where a group keeps its records: a WeakMap keyed by receivers, or the request contexts themselves. */
interface RecordStore {
  get(target: object): InstanceRecord | undefined;
  set(target: object, record: InstanceRecord): unknown;
  delete(target: object): boolean;
}

/**
 * The records of a request-scoped group: on each request's context (its
 * `caches` map, see context.ts), under a key of this store's own. A clear-all
 * takes a new store, so the old records are no longer found; they go with
 * their requests.
 */
class ContextRecords implements RecordStore {
  private readonly key = {};

  get(context: object): InstanceRecord | undefined {
    return (context as RequestContext).caches?.get(this.key) as InstanceRecord | undefined;
  }

  set(context: object, record: InstanceRecord): void {
    ((context as RequestContext).caches ??= new Map()).set(this.key, record);
  }

  delete(context: object): boolean {
    return (context as RequestContext).caches?.delete(this.key) ?? false;
  }
}

export class CacheGroup {
  /** Serves calls without a receiver, and every call with scope 'shared'. */
  readonly unscoped: Cache;
  /** Primitive receivers and primitive scope keys: keys are (scope key, ...keys). Created on first use. */
  keyed: Cache | undefined = undefined;
  /** Object receivers' (and object scope keys', and requests') records. Replaced by clear-all. */
  records: RecordStore;
  readonly policy: RecordPolicy;

  /** Record-path counters since the last clear-all (the unscoped and keyed caches count their own). */
  hits = 0;
  misses = 0;
  pendingHits = 0;
  /** The entries records hold (accounting.ts). */
  readonly counts = new EntryCounts();
  /** Calls of a request-scoped cache made outside any request (run uncached, counted as misses too). */
  outside = 0;

  /** Head of the invalidation log: records with this stamp are up to date. */
  stamp = 0;
  /** The stamp at the last clear-all: a record below it is detached and never stores. */
  clearedAt = 0;
  private log: Invalidation[] = [];
  /** The stamp of log[0]. */
  private logBase = 0;
  /** Records created since the last clear-all (object receivers, or requests, that may hold entries). */
  recordsCreated = 0;

  constructor(
    readonly maxSize: number,
    readonly ttl: number,
    readonly scope: Scope,
    /** Option `key`: how an argument list becomes the one key, if given. */
    private readonly key: ((...args: unknown[]) => unknown) | undefined,
    /** A bound shared with other caches, if any. */
    readonly budget: BudgetImpl | undefined,
    /** The latest expiry of a stored promise's value, if a tier or a result policy imposes one. */
    readonly expiryOf: ExpiryOf | undefined,
    /** Options `shouldCache` and `ttl` as a function, if given. */
    readonly results: ResultPolicy | undefined = undefined,
    /** Option `grace` (and `softTimeoutMs`), if given. */
    readonly grace: Grace | undefined = undefined,
    /** Evictions and events (option `name`). */
    readonly observer: Observer = new Observer(''),
  ) {
    this.records = this.newRecordStore();
    this.unscoped = this.newCache(budget, undefined);
    this.policy = new RecordPolicy(maxSize, ttl, expiryOf, this.counts, results, grace, observer);
    if (observer.onEvict !== undefined) this.counts.observer = observer;
  }

  private newRecordStore(): RecordStore {
    return this.scope === 'request' ? new ContextRecords() : new WeakMap();
  }

  /** A cache with this group's settings. */
  private newCache(budget: BudgetImpl | undefined, tally: Tally | undefined): Cache {
    return new Cache(this.maxSize, this.ttl, budget, this.expiryOf, tally, this.results, this.grace, this.observer);
  }

  // ---- choosing the cache ----------------------------------------------------

  /** The key list the caches use for these arguments: the arguments, or option `key`'s one value. */
  keysOf(args: unknown[]): [keys: unknown[], count: number] {
    return this.key === undefined ? [args, args.length] : [[this.key(...args)], 1];
  }

  /**
   * What identifies a call's cache: UNSCOPED, an object (record: a receiver,
   * an object scope key, or the current request's context), a primitive
   * (keyed cache), or OUTSIDE (a request-scoped call outside any request).
   */
  targetOf(receiver: unknown): unknown {
    if (this.scope === 'request') return installedProvider()?.current() ?? OUTSIDE;
    if (receiver === undefined || receiver === null || this.scope === 'shared') return UNSCOPED;
    return typeof this.scope === 'function' ? (this.scope as (self: unknown) => unknown)(receiver) : receiver;
  }

  /** The record of an object target, created on first use, caught up with the invalidation log. */
  recordOf(target: object): InstanceRecord {
    const record = this.records.get(target);
    if (record === undefined) return this.createRecord(target);
    if (record.stamp !== this.stamp) this.catchUp(record);
    return record;
  }

  private createRecord(target: object): InstanceRecord {
    const record = this.ttl === 0 ? new InstanceRecord(this.stamp) : new TimedRecord(this.stamp);
    this.records.set(target, record);
    this.recordsCreated++;
    // In a budget, a receiver's cache counts there from its first call, as every cache does.
    if (this.budget !== undefined) {
      record.value = this.newCache(this.budget, this.counts.tallyForGrowth(record));
      record.key = GROWN;
    }
    return record;
  }

  /**
   * The first call on a new object target, with one primitive key and the
   * function itself as the computation: the path every short-lived instance
   * takes, so it allocates nothing but the record. Otherwise as `resolve`.
   */
  firstCall1(target: object, fn: (this: unknown, a: unknown) => unknown, receiver: unknown, a: unknown): unknown {
    const record = this.createRecord(target);
    this.countFirstMiss(record);
    const value = fn.call(receiver, a);
    if (record.stamp < this.clearedAt || this.maxSize === 0) return value;
    if (record.key === GROWN) (record.value as Cache).store1(a, value, false);
    else record.store1(a, value, this.policy, this.counts);
    return value;
  }

  /** `firstCall1` for a zero-argument call (a getter's first read). */
  firstCall0(target: object, fn: (this: unknown) => unknown, receiver: unknown): unknown {
    const record = this.createRecord(target);
    this.countFirstMiss(record);
    const value = fn.call(receiver);
    if (record.stamp < this.clearedAt || this.maxSize === 0) return value;
    if (record.key === GROWN) (record.value as Cache).store(NO_KEYS, 0, value, false);
    else record.store1(NO_KEYS, value, this.policy, this.counts);
    return value;
  }

  private countFirstMiss(record: InstanceRecord): void {
    this.misses++;
    this.observer.missed();
    if (record.key === GROWN) (record.value as Cache).misses++;
    else record.misses++;
  }

  /** The record of an object target if it exists; never creates. */
  existingRecordOf(target: object): InstanceRecord | undefined {
    const record = this.records.get(target);
    if (record !== undefined && record.stamp !== this.stamp) this.catchUp(record);
    return record;
  }

  keyedCache(): Cache {
    if (this.keyed === undefined) {
      this.keyed = this.newCache(this.budget, undefined);
      this.keyed.keyOffset = 1; // keys are (scope key, ...arguments): onEvict is given the arguments
    }
    return this.keyed;
  }

  // ---- a call the hot path did not answer -------------------------------------

  /**
   * Looks the call up in its target's cache (by SameValueZero, so NaN keys
   * land here) and, on a miss, fills it. `target` comes from `targetOf`.
   */
  resolve(
    target: unknown,
    compute: Compute,
    receiver: unknown,
    args: ArrayLike<unknown>,
    keys: ArrayLike<unknown>,
    count: number,
  ): unknown {
    if (target === UNSCOPED) {
      const hit = this.unscoped.get(keys, count);
      return hit !== MISS ? hit : this.unscoped.fill(compute, receiver, args, keys, count);
    }
    if (target === OUTSIDE) {
      this.outside++;
      this.misses++;
      this.observer.missed();
      return compute(receiver, args, keys, count);
    }
    if (!isObjectLike(target)) {
      const keyed = this.keyedCache();
      const prefixed = prefixedKeys(target, keys, count);
      const hit = keyed.get(prefixed, count + 1);
      return hit !== MISS ? hit : this.fillKeyed(keyed, compute, receiver, args, keys, count, prefixed);
    }
    const record = this.recordOf(target);
    flushEvictions(); // catching up with invalidations may have dropped entries, and this call may be a hit
    const full = record.full;
    if (full !== undefined) {
      const pendingBefore = full.pendingHits;
      const hit = full.get(keys, count);
      if (hit !== MISS) {
        this.hits++;
        this.pendingHits += full.pendingHits - pendingBefore;
        return hit;
      }
    } else {
      const hit = record.find(keys, count, this.counts, this.grace);
      if (hit !== MISS) {
        record.hits++;
        this.hits++;
        if (record instanceof TimedRecord && record.expires === Infinity) this.pendingHits++;
        return hit;
      }
    }
    return this.fillRecord(record, compute, receiver, args, keys, count);
  }

  /** The miss protocol for a keyed call: the computation is keyed by the arguments, the cache by (scope key, ...). */
  private fillKeyed(
    keyed: Cache,
    compute: Compute,
    receiver: unknown,
    args: ArrayLike<unknown>,
    keys: ArrayLike<unknown>,
    count: number,
    prefixed: unknown[],
  ): unknown {
    return keyed.fill((r, a) => compute(r, a, keys, count), receiver, args, prefixed, count + 1);
  }

  /**
   * The miss protocol for a record: count, compute, and store unless the
   * record was detached meanwhile (a clear) or a result policy refuses it.
   */
  fillRecord(
    record: InstanceRecord,
    compute: Compute,
    receiver: unknown,
    args: ArrayLike<unknown>,
    keys: ArrayLike<unknown>,
    count: number,
  ): unknown {
    this.misses++;
    const full = record.full;
    // The stale entry this call's lookup offered (grace), taken before any user code can run.
    const stale = this.grace?.take(full ?? record, keys, count);
    this.observer.missed();
    flushEvictions(); // what the lookup removed (an expired entry), before the function runs
    if (full !== undefined) full.misses++;
    else record.misses++;
    this.grace?.handOver(stale);
    const value = compute(receiver, args, keys, count);
    const expires = this.grace?.expiryFor(value) ?? this.results?.expiryFor(value, args);
    if (record.stamp < this.clearedAt || this.maxSize === 0 || expires === NOT_CACHED) return value;
    // A record holds primitive keys only: an object key needs the full cache, whose trie holds it weakly.
    if (record.key !== GROWN && hasObject(keys, count)) record.grow(this.policy, this.counts);
    record.store(keys, count, value, this.policy, this.counts, expires);
    flushEvictions();
    return value;
  }

  // ---- invalidation -----------------------------------------------------------

  /** Replays the invalidations a record has not seen. */
  private catchUp(record: InstanceRecord): void {
    if (record.stamp < 0) return; // detached
    if (record.stamp < this.logBase) {
      record.dropEntries(this.counts); // further behind than the log reaches: drop everything, to be safe
    } else {
      for (let i = record.stamp - this.logBase; i < this.log.length; i++) {
        const invalidation = this.log[i]!;
        const keys = invalidation.resolve();
        if (keys !== undefined) record.delete(keys, invalidation.count, this.counts);
      }
    }
    record.stamp = this.stamp;
  }

  /**
   * Removes the entry for a key list from every cache of the group: at once
   * from the unscoped and keyed caches (every scope key), and from each
   * record when it is next used. True if a usable entry was removed at once,
   * or if records exist that may hold one.
   */
  invalidateEverywhere(keys: ArrayLike<unknown>, count: number): boolean {
    let removed = this.unscoped.delete(keys, count);
    if (this.keyed !== undefined) {
      for (const first of this.keyed.firstKeys(count + 1)) {
        removed = this.keyed.delete(prefixedKeys(first, keys, count), count + 1) || removed;
      }
    }
    // Receivers' caches in a budget are reachable through it: they drop the entry now (the budget counts it).
    for (const cache of this.budgetedRecordCaches()) removed = cache.delete(keys, count) || removed;
    if (this.recordsCreated > 0) {
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

  /** Whether a call without a receiver, or with any primitive scope key, would hit now. */
  containsAnywhere(keys: ArrayLike<unknown>, count: number): boolean {
    if (this.unscoped.has(keys, count)) return true;
    if (this.keyed === undefined) return false;
    return this.keyed.firstKeys(count + 1).some((first) => this.keyed!.has(prefixedKeys(first, keys, count), count + 1));
  }

  // ---- one target ------------------------------------------------------------

  /** Removes one entry of `target`'s cache; true if a usable one was removed. */
  invalidateFor(target: unknown, keys: ArrayLike<unknown>, count: number): boolean {
    if (target === OUTSIDE) return false;
    if (target === UNSCOPED) return this.unscoped.delete(keys, count);
    if (!isObjectLike(target)) return this.keyed?.delete(prefixedKeys(target, keys, count), count + 1) ?? false;
    return this.existingRecordOf(target)?.delete(keys, count, this.counts) ?? false;
  }

  /** Whether a call on `target` with these keys would hit now; changes nothing. */
  containsFor(target: unknown, keys: ArrayLike<unknown>, count: number): boolean {
    if (target === OUTSIDE) return false;
    if (target === UNSCOPED) return this.unscoped.has(keys, count);
    if (!isObjectLike(target)) return this.keyed?.has(prefixedKeys(target, keys, count), count + 1) ?? false;
    return this.existingRecordOf(target)?.has(keys, count) ?? false;
  }

  /** Statistics of `target`'s cache (a primitive scope key shares the keyed cache). */
  infoFor(target: unknown): Counters {
    const none = { hits: 0, misses: 0, currSize: 0, evictions: 0 };
    if (target === OUTSIDE) return none;
    const cache = target === UNSCOPED ? this.unscoped : !isObjectLike(target) ? this.keyed : undefined;
    if (cache !== undefined) return { hits: cache.hits, misses: cache.misses, currSize: cache.size, evictions: cache.evictions };
    if (!isObjectLike(target)) return none;
    const record = this.existingRecordOf(target);
    if (record === undefined) return none;
    const full = record.full;
    return full !== undefined
      ? { hits: full.hits, misses: full.misses, currSize: full.size, evictions: full.evictions }
      : {
          hits: record.hits,
          misses: record.misses,
          currSize: record.size(this.counts, this.grace?.ms ?? 0),
          evictions: this.observer.evictionsOf(record),
        };
  }

  /**
   * Clears `target`'s cache: its entries and counters (a primitive scope key:
   * its entries only, as the keyed cache's counters are shared). A call in
   * flight on it does not store afterwards.
   */
  clearFor(target: unknown): void {
    if (target === OUTSIDE) return;
    if (target === UNSCOPED) return this.unscoped.clear();
    if (!isObjectLike(target)) return this.keyed?.deleteFirstKey(target);
    const record = this.records.get(target);
    if (record === undefined) return;
    this.records.delete(target);
    record.release(this.counts);
    record.stamp = -1;
  }

  // ---- every target ------------------------------------------------------------

  /** Totals since the last clear-all over the unscoped, keyed and every live record's cache. */
  totals(): Totals {
    const totals: Totals = {
      hits: this.hits,
      misses: this.misses,
      currSize: this.counts.size,
      pendingHits: this.pendingHits,
      evictions: this.observer.evictions,
    };
    for (const cache of [this.unscoped, this.keyed]) {
      if (cache === undefined) continue;
      totals.hits += cache.hits;
      totals.misses += cache.misses;
      totals.evictions += cache.evictions;
      totals.pendingHits += cache.pendingHits;
      totals.currSize += cache.size;
    }
    return totals;
  }

  /** Told of every `clearAll` (the tier, which may tell other processes); not of `clearLocally`. */
  onClearAll: (() => void) | undefined = undefined;

  /** Clears every cache of the group (entries and counters), and tells `onClearAll`. */
  clearAll(): void {
    this.clearLocally();
    this.onClearAll?.();
  }

  /** Clears every cache of the group (entries and counters) in O(1) for the records. */
  clearLocally(): void {
    this.unscoped.clear();
    this.keyed?.clear();
    // Records are detached wholesale; those in a budget also give their room back now.
    for (const cache of this.budgetedRecordCaches()) cache.clear();
    this.records = this.newRecordStore();
    this.counts.clear();
    this.hits = this.misses = this.pendingHits = this.outside = 0;
    if (this.grace !== undefined) this.grace.staleAnswers = 0;
    this.observer.clear();
    this.stamp++;
    this.clearedAt = this.logBase = this.stamp;
    this.log = [];
    this.recordsCreated = 0;
  }

  /** The per-receiver caches of this group that joined its budget (none without a budget). */
  private *budgetedRecordCaches(): IterableIterator<Cache> {
    if (this.budget === undefined) return;
    for (const cache of [...this.budget.attached()]) {
      if (cache instanceof Cache && this.counts.owns(cache.tally)) yield cache;
    }
  }
}

function hasObject(keys: ArrayLike<unknown>, count: number): boolean {
  for (let i = 0; i < count; i++) if (isObjectLike(keys[i])) return true;
  return false;
}

/** The keyed cache's key list for a call: the scope key (or primitive receiver), then the call's keys. */
function prefixedKeys(first: unknown, keys: ArrayLike<unknown>, count: number): unknown[] {
  const prefixed = new Array<unknown>(count + 1);
  prefixed[0] = first;
  for (let i = 0; i < count; i++) prefixed[i + 1] = keys[i];
  return prefixed;
}
