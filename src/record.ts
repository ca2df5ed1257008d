/**
 * A receiver's cache while it holds at most one entry: a small record, not a
 * full LRU. Most instances call a cached member once (or read a getter) and
 * never need more; a full {@link Cache} is built only when a second distinct
 * key arrives, and takes over the entry, the counters and a pending promise.
 *
 * A record holds primitive keys only (an object argument goes straight to a
 * full cache, whose trie holds it weakly), so it never keeps an argument
 * alive. It is reachable only through its group's WeakMap, keyed by the
 * receiver: it goes when the receiver goes. It is kept to six fields (Node
 * runs V8 without pointer compression: every field is 8 bytes): the entry's
 * key count is the key's shape, and a grown record keeps its full cache in
 * `value`. A record of a cache with a ttl is a {@link TimedRecord}; records
 * without one carry no expiry field at all.
 */
import { NOT_CACHED, isThenable, watchSettlement, type ExpiryOf, type PendingHolder } from './async.js';
import { Cache, MISS, type Tally } from './cache.js';
import { preciseNow } from './clock.js';
import type { Grace } from './grace.js';
import type { EvictionReason, Observer } from './observe.js';
import { copyKeys } from './keys.js';
import { keepShapes } from './shapes.js';
import type { ResultPolicy } from './policy.js';

/** The key of a record that holds no entry: no argument can be identical to it. */
export const EMPTY: unique symbol = Symbol('lru-memo.empty');
/** The key of a record that grew into a full cache (its `value`). */
export const GROWN: unique symbol = Symbol('lru-memo.grown');

/** The key of a zero-argument entry (a getter's). */
export const NO_KEYS: readonly unknown[] = Object.freeze([]);

const sameValueZero = (a: unknown, b: unknown) => a === b || (a !== a && b !== b);

/** How a record's entries are counted into its group's total (scope.ts). */
export interface RecordAccounting {
  /** The record's entry count changed by `delta` (small records: between 0 and 1). */
  counted(record: InstanceRecord, delta: number): void;
  /** The record is growing into a full cache: the tally its entries are counted by from now on. */
  tallyForGrowth(record: InstanceRecord): Tally;
  /** Option `onEvict`, if the function has it: told of entries that leave (see `InstanceRecord.drop`). */
  readonly observer?: Observer | undefined;
}

export class InstanceRecord {
  /**
   * The entry's key: the one argument (or custom key) itself, never an array
   * (records hold primitives); for zero or two or more keys, an internal
   * array (NO_KEYS for zero). EMPTY when the record holds nothing; GROWN once
   * `value` is the full cache it grew into. The hit paths compare it with
   * `===` (NaN takes the slow path, which compares by SameValueZero).
   */
  key: unknown = EMPTY;
  /** The entry's value, or the full cache when `key` is GROWN. */
  value: unknown = undefined;
  hits = 0;
  misses = 0;
  /**
   * How the group counts this record's entries: undefined before its first
   * store, then the cohort it is reported collected with (accounting.ts).
   */
  accounting: unknown = undefined;

  constructor(
    /** The invalidation-log position this record has caught up with; -1 once detached (scope.ts). */
    public stamp: number,
  ) {}

  /** The full cache this record grew into, if it did. */
  get full(): Cache | undefined {
    return this.key === GROWN ? (this.value as Cache) : undefined;
  }

  /** Whether the entry (if any) is still fresh; records without a ttl never expire. */
  fresh(_now: number): boolean {
    return true;
  }

  /**
   * The value for these keys, or MISS; an expired entry is removed (offered
   * to the miss as its fallback first, within `grace`). No counting.
   */
  find(keys: ArrayLike<unknown>, count: number, accounting: RecordAccounting, grace: Grace | undefined): unknown {
    if (this.key === GROWN) return (this.value as Cache).get(keys, count);
    if (this.key === EMPTY || !this.matches(keys, count)) return MISS;
    const now = preciseNow();
    if (!this.fresh(now)) {
      grace?.offer(this, Array.isArray(this.key) ? [...(this.key as unknown[])] : [this.key], this.value, this.expiry(), now);
      this.drop(accounting, 'expire');
      return MISS;
    }
    return this.value;
  }

  /** Whether the entry is for exactly these keys (SameValueZero). */
  matches(keys: ArrayLike<unknown>, count: number): boolean {
    const own = this.key;
    if (!Array.isArray(own)) return count === 1 && sameValueZero(own, keys[0]);
    if (own.length !== count) return false;
    for (let i = 0; i < count; i++) if (!sameValueZero(own[i], keys[i])) return false;
    return true;
  }

  /** Whether a call with these keys would hit now: a pure peek. */
  has(keys: ArrayLike<unknown>, count: number): boolean {
    if (this.key === GROWN) return (this.value as Cache).has(keys, count);
    return this.key !== EMPTY && this.matches(keys, count) && this.fresh(preciseNow());
  }

  /** Removes the entry for these keys; true if a usable one was removed. Counters unchanged. */
  delete(keys: ArrayLike<unknown>, count: number, accounting: RecordAccounting): boolean {
    if (this.key === GROWN) return (this.value as Cache).delete(keys, count);
    if (this.key === EMPTY || !this.matches(keys, count)) return false;
    const fresh = this.fresh(preciseNow());
    this.drop(accounting, fresh ? 'invalidate' : 'expire');
    return fresh;
  }

  /** Entries held now (an expired one, past `graceMs`, is removed, not counted). */
  size(accounting: RecordAccounting, graceMs: number): number {
    if (this.key === GROWN) return (this.value as Cache).size;
    if (this.key !== EMPTY && !this.fresh(preciseNow() - graceMs)) this.drop(accounting, 'expire');
    return this.key === EMPTY ? 0 : 1;
  }

  /**
   * Stores a miss's result. An empty record takes it; a record holding
   * another key either replaces it (maxSize 1: the LRU of one) or grows into
   * a full cache. `expires` is a result policy's expiry for this value, if it
   * decided one.
   */
  store(
    keys: ArrayLike<unknown>,
    count: number,
    value: unknown,
    policy: RecordPolicy,
    accounting: RecordAccounting,
    expires?: number,
  ): void {
    if (this.key === GROWN) {
      (this.value as Cache).store(keys, count, value, false, expires);
      return;
    }
    if (this.key !== EMPTY) {
      if (this.matches(keys, count)) return; // a re-entrant call stored it first: keep that one, as CPython does
      if (policy.maxSize !== 1) {
        this.grow(policy, accounting).store(keys, count, value, false, expires);
        return;
      }
      // The LRU of one: the old entry makes room (an eviction, unless it had expired already).
      if (this.fresh(preciseNow())) {
        this.drop(accounting, 'evict');
        policy.observer.recordEvicted(this);
      } else {
        this.drop(accounting, 'expire');
      }
    }
    const key = count === 1 ? keys[0] : count === 0 ? NO_KEYS : copyKeys(keys, count);
    this.store1(key, value, policy, accounting, expires);
  }

  /** Stores into an empty record: `key` as `key` holds it (see above). */
  store1(a: unknown, value: unknown, policy: RecordPolicy, accounting: RecordAccounting, expires?: number): void {
    this.key = a;
    this.value = value;
    const pending = isThenable(value);
    this.started(pending, policy.ttl, expires);
    accounting.counted(this, 1);
    if (pending) watchSettlement(policy, -1, this, value, policy.expiryOf);
  }

  /** A new entry was stored: a timed record sets its expiry (Infinity while pending, or as a policy decided). */
  protected started(_pending: boolean, _ttl: number, _expires: number | undefined): void {}

  /** The entry's expiry on the clock's scale, for a cache that takes it over. */
  protected expiry(): number {
    return Infinity;
  }

  /** Sets the expiry of a fulfilled pending entry (timed records only). */
  fulfilled(_expires: number): void {}

  /**
   * Becomes a full cache: the entry (still pending if it was), its expiry
   * and the counters move over; from now on the full cache answers.
   */
  grow(policy: RecordPolicy, accounting: RecordAccounting): Cache {
    const held = this.key === EMPTY ? undefined : { key: this.key, value: this.value, expiry: this.expiry() };
    if (held !== undefined) this.drop(accounting); // counted out as a small entry, counted in by the cache
    const full = new Cache(
      policy.maxSize,
      policy.ttl,
      undefined,
      policy.expiryOf,
      accounting.tallyForGrowth(this),
      policy.results,
      policy.grace,
      policy.observer,
    );
    full.hits = this.hits;
    full.misses = this.misses;
    full.evictions = policy.observer.evictionsOf(this);
    if (held !== undefined) {
      const keys = Array.isArray(held.key) ? (held.key as readonly unknown[]) : [held.key];
      full.adopt(keys, keys.length, held.value, held.expiry);
    }
    this.key = GROWN;
    this.value = full;
    return full;
  }

  /**
   * Drops the entry and counts it out; with a `reason`, option `onEvict`
   * (if any) is told (growing into a full cache, or a rejected promise, is
   * not a removal of a cached value).
   */
  drop(accounting: RecordAccounting, reason?: EvictionReason): void {
    const observer = accounting.observer;
    if (reason !== undefined && observer?.onEvict !== undefined) {
      const key = this.key;
      observer.removed(Array.isArray(key) ? [...(key as unknown[])] : [key], this.value, reason);
    }
    this.key = EMPTY;
    this.value = undefined;
    accounting.counted(this, -1);
  }

  /** Drops every entry, keeping the counters (the invalidation log overflowed: see scope.ts). */
  dropEntries(accounting: RecordAccounting): void {
    if (this.key === GROWN) {
      const full = this.value as Cache;
      const { hits, misses, evictions } = full;
      full.clear();
      full.hits = hits;
      full.misses = misses;
      full.evictions = evictions;
    } else if (this.key !== EMPTY) {
      this.drop(accounting, 'invalidate');
    }
  }

  /** Counts out everything this record holds: it is being detached from its receiver. */
  release(accounting: RecordAccounting): void {
    if (this.key === GROWN) (this.value as Cache).clear();
    else if (this.key !== EMPTY) this.drop(accounting, 'clear');
  }
}

/** A record of a cache with a ttl: the same, plus the entry's expiry. */
export class TimedRecord extends InstanceRecord {
  /** On the clock's scale; Infinity while a stored promise is pending. */
  expires = Infinity;

  override fresh(now: number): boolean {
    return this.expires > now;
  }

  protected override started(pending: boolean, ttl: number, expires: number | undefined): void {
    this.expires = expires ?? (pending ? Infinity : preciseNow() + ttl);
  }

  protected override expiry(): number {
    return this.expires;
  }

  override fulfilled(expires: number): void {
    this.expires = expires;
  }
}

/**
 * What the records of one cached function share: its bounds, and the
 * settlement of promises they store (the holder async.ts reports to; the
 * record is the token).
 */
export class RecordPolicy implements PendingHolder {
  constructor(
    readonly maxSize: number,
    readonly ttl: number,
    readonly expiryOf: ExpiryOf | undefined,
    private readonly accounting: RecordAccounting,
    /** Options `shouldCache` and `ttl` as a function, passed on to the full caches records grow into. */
    readonly results: ResultPolicy | undefined,
    /** Option `grace`, likewise. */
    readonly grace: Grace | undefined,
    /** The function's evictions and events. */
    readonly observer: Observer,
  ) {}

  holds(_slot: number, record: unknown, thenable: object): boolean {
    const owner = record as InstanceRecord;
    return owner.key !== EMPTY && owner.key !== GROWN && owner.value === thenable;
  }

  settled(_slot: number, record: unknown, fulfilled: boolean, notAfter: number, thenable: object): void {
    if (!this.holds(-1, record, thenable)) return; // replaced, dropped, or grown (the full cache watches it now)
    const owner = record as InstanceRecord;
    if (!fulfilled || notAfter === NOT_CACHED) owner.drop(this.accounting);
    else if (this.ttl !== 0) owner.fulfilled(Math.min(preciseNow() + this.ttl, notAfter));
  }
}

// One record of each class kept for the life of the process (see shapes.ts).
keepShapes(new InstanceRecord(-1), new TimedRecord(-1));
