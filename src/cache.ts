/**
 * One cache: the entries of one target of a cached function (its calls
 * without a receiver, one receiver, one request, or its primitive scope keys).
 *
 * Most receivers call a cached member once, or read a getter once, so a cache
 * holds its first entry inline, in its own fields, and becomes a full LRU (a
 * {@link Table}: trie and recency list) at its second distinct key, moving
 * the entry over. It is the same object, with the same lookups and the same
 * store, before and after. Six fields: Node runs V8 without pointer
 * compression, so each costs 8 bytes per receiver.
 *
 * The inline entry holds primitive keys only (an object key goes to the
 * table, whose trie holds it weakly), so a cache never keeps an argument
 * alive. The function's configuration is its group's, passed in, never copied.
 *
 * A hit allocates nothing and calls nothing that is not inlined; what it does
 * not answer (an expired entry, a NaN key, a weak entry, a miss) goes to the
 * group's slow path of the same arity (group.ts).
 */
import { KEEP, NOT_CACHED, isThenable, watchSettlement, type Expiry } from './async.js';
import { fresh, preciseNow } from './clock.js';
import { removed, type RemovalReason } from './notify.js';
import type { Group } from './group.js';
import { NO_KEYS, copyKeys, isObjectLike } from './keys.js';

export { NO_KEYS };
import { keepShapes } from './shapes.js';
import { MISS, Table, type Peeked } from './table.js';

/**
 * The `expires` of a cache that holds no inline entry, or whose entries live
 * in its table (`value`): numbers (no reading of the clock is negative), so a
 * hit path tells these states by comparing two doubles, and compares an
 * inline key with an argument only when there is one. (A key compared with
 * values of other types, a marker symbol for instance, makes V8 compile the
 * comparison to a generic call.)
 */
const enum Mode {
  EMPTY = -3,
  GROWN = -2,
}

/** The stamp of a cache its group holds itself (no receiver, keyed): receivers' invalidation log does not apply. */
export const HELD = -2;
/** The stamp of a receiver's cache cleared on its own: a call in flight on it does not store. */
export const DETACHED = -1;

const sameValueZero = (a: unknown, b: unknown) => a === b || (a !== a && b !== b);

/** Whether an inline key (see `Cache.key`) is the key list `keys`, by SameValueZero. */
function sameKeys(key: unknown, keys: ArrayLike<unknown>, count: number): boolean {
  if (!Array.isArray(key)) return count === 1 && sameValueZero(key, keys[0]);
  if (key.length !== count) return false;
  for (let i = 0; i < count; i++) if (!sameValueZero(key[i], keys[i])) return false;
  return true;
}

/** The key list of an inline key. */
function listOf(key: unknown): unknown[] {
  return Array.isArray(key) ? [...(key as unknown[])] : [key];
}

export class Cache {
  /**
   * The inline entry's key: the one argument (or custom key) itself, never an
   * array, for one key; an internal array for two or more; NO_KEYS for none
   * (undefined when there is no inline entry: see `expires`). The hit paths
   * compare it with `===` (NaN takes the slow path, which compares by
   * SameValueZero).
   */
  key: unknown = undefined;
  /** The inline entry's value, or the table once the cache has grown. */
  value: unknown = undefined;
  /**
   * The inline entry's expiry on the clock's scale (Infinity while a promise
   * is pending, or without a ttl); `Mode.EMPTY` without an inline entry,
   * `Mode.GROWN` once the cache has grown.
   */
  expires: number = Mode.EMPTY;
  /** Hits on the inline entry (the table counts its own), and every miss. */
  hits = 0;
  misses = 0;

  constructor(
    /**
     * A receiver's cache: the invalidation-log position it has caught up with
     * (group.ts), or DETACHED; a cache the group holds: HELD.
     */
    public stamp: number,
  ) {}

  /** The table, once the cache has one. */
  get table(): Table | undefined {
    return this.expires === Mode.GROWN ? (this.value as Table) : undefined;
  }

  /** Hits since the cache was made or cleared. */
  get hitCount(): number {
    return this.expires === Mode.GROWN ? this.hits + (this.value as Table).hits : this.hits;
  }

  // ---- hits: the value, or the group's slow path ------------------------------------

  call0(group: Group, receiver: unknown): unknown {
    // Only an inline entry of no key holds NO_KEYS (an empty or grown cache's key is undefined): a getter's
    // hit, the common case, is one comparison before the expiry.
    if (this.key === NO_KEYS && (group.timed === false || this.usable(group))) {
      this.hits++;
      return this.value;
    }
    if (this.expires === Mode.GROWN) return (this.value as Table).call0(receiver);
    return group.slow(this, receiver, NO_KEYS, NO_KEYS, 0);
  }

  call1(group: Group, receiver: unknown, a: unknown): unknown {
    const expires = this.expires;
    if (expires === Mode.GROWN) return (this.value as Table).call1(receiver, a);
    if (expires !== Mode.EMPTY && this.key === a) {
      if (group.timed === false || this.usable(group)) {
        this.hits++;
        return this.value;
      }
      return group.slow1(this, receiver, a); // expired
    }
    // Not NaN: SameValueZero would not match either.
    return a === a ? group.miss1(this, receiver, a) : group.slow1(this, receiver, a);
  }

  call2(group: Group, receiver: unknown, a: unknown, b: unknown): unknown {
    const expires = this.expires;
    if (expires === Mode.GROWN) return (this.value as Table).call2(receiver, a, b);
    const key = this.key;
    if (expires !== Mode.EMPTY && Array.isArray(key) && key.length === 2 && key[0] === a && key[1] === b && (group.timed === false || this.usable(group))) {
      this.hits++;
      return this.value;
    }
    const args = [a, b];
    return group.slow(this, receiver, args, args, 2);
  }

  call3(group: Group, receiver: unknown, a: unknown, b: unknown, c: unknown): unknown {
    const expires = this.expires;
    if (expires === Mode.GROWN) return (this.value as Table).call3(receiver, a, b, c);
    const key = this.key;
    if (
      expires !== Mode.EMPTY &&
      Array.isArray(key) &&
      key.length === 3 &&
      key[0] === a &&
      key[1] === b &&
      key[2] === c &&
      (group.timed === false || this.usable(group))
    ) {
      this.hits++;
      return this.value;
    }
    const args = [a, b, c];
    return group.slow(this, receiver, args, args, 3);
  }

  /** Whether the inline entry is unexpired (without a ttl: always; the clock is read only with one). */
  private alive(group: Group): boolean {
    return group.timed === false || this.expires > preciseNow();
  }

  /** The inline entry may answer: unexpired (a pending promise is a call joined). */
  private usable(group: Group): boolean {
    const expires = this.expires;
    if (!fresh(expires)) return false;
    if (expires === Infinity) group.pendingHits++;
    return true;
  }

  // ---- the slow paths' lookups ---------------------------------------------------------

  /**
   * The value for these keys, or MISS, by SameValueZero (NaN keys land here);
   * counts the hit. An expired entry is removed (kept within grace, for the
   * miss to find).
   */
  get(group: Group, keys: ArrayLike<unknown>, count: number): unknown {
    if (this.expires === Mode.GROWN) return (this.value as Table).get(keys, count);
    if (this.expires === Mode.EMPTY || !sameKeys(this.key, keys, count)) return MISS;
    if (group.timed === true && !this.usable(group)) {
      if (!(this.expires + group.graceMs > preciseNow())) this.drop(group, 'expire');
      return MISS;
    }
    this.hits++;
    return this.value;
  }

  /** `get` for one key, without an array. */
  get1(group: Group, a: unknown): unknown {
    if (this.expires !== Mode.GROWN) return this.get(group, [a], 1);
    const table = this.value as Table;
    const leaf = table.leaf1(a);
    return leaf === undefined ? MISS : table.answer(leaf);
  }

  /** The entry for these keys as it is, fresh or not: a pure peek (table.ts). */
  peek(keys: ArrayLike<unknown>, count: number): Peeked | undefined {
    if (this.expires === Mode.GROWN) return (this.value as Table).peek(keys, count);
    if (this.expires === Mode.EMPTY || !sameKeys(this.key, keys, count)) return undefined;
    return { value: this.value, expiry: this.expires, state: undefined };
  }

  /** A pure peek: whether a call with these keys would hit now. */
  has(group: Group, keys: ArrayLike<unknown>, count: number): boolean {
    if (this.expires === Mode.GROWN) return (this.value as Table).has(keys, count);
    return this.expires !== Mode.EMPTY && sameKeys(this.key, keys, count) && this.alive(group);
  }

  // ---- storing ------------------------------------------------------------------------

  /**
   * Stores a miss's result (see async.ts for `expiry`). An empty cache takes
   * it inline (primitive keys, and a group whose parts allow it); an inline
   * entry for the same keys is kept if fresh (a re-entrant call stored it
   * first, as in CPython) and replaced if stale; a second distinct key, or an
   * object key, grows the cache into its table.
   */
  store(
    group: Group,
    keys: ArrayLike<unknown>,
    count: number,
    value: unknown,
    expiry: Expiry | PromiseLike<Expiry>,
    state?: unknown,
  ): void {
    if (expiry === KEEP || group.maxSize === 0) return;
    if (this.expires === Mode.GROWN) {
      (this.value as Table).store(keys, count, value, expiry, state);
      return;
    }
    if (this.expires !== Mode.EMPTY) {
      if (sameKeys(this.key, keys, count)) {
        if (this.alive(group)) return;
        this.drop(group, 'expire');
      } else if (expiry !== NOT_CACHED) {
        this.grow(group).store(keys, count, value, expiry, state);
        return;
      }
    }
    if (expiry === NOT_CACHED) return;
    // Inline: primitive keys only, and no expiry a promise decides (the table watches that itself).
    if (!group.inline || state !== undefined || (expiry !== undefined && typeof expiry === 'object') || hasObject(keys, count)) {
      this.grow(group).store(keys, count, value, expiry, state);
      return;
    }
    this.key = count === 1 ? keys[0] : count === 0 ? NO_KEYS : copyKeys(keys, count);
    this.place(group, value, expiry as Expiry);
  }

  /** `store` of one primitive key into an empty cache, for the plain miss: no arrays. */
  store1(group: Group, a: unknown, value: unknown): void {
    if (this.expires === Mode.EMPTY && group.inline && !isObjectLike(a) && group.maxSize !== 0) {
      this.key = a;
      this.place(group, value, undefined);
    } else if (this.expires === Mode.GROWN) {
      (this.value as Table).store1(a, value, false);
    } else {
      this.store(group, [a], 1, value, undefined);
    }
  }

  /**
   * Sets the inline entry's value and expiry (the key is set); a thenable is
   * watched (the group relays how it settles: `settled`).
   */
  private place(group: Group, value: unknown, expiry: Expiry): void {
    this.value = value;
    const pending = isThenable(value);
    this.expires = pending || group.timed === false ? Infinity : (expiry ?? preciseNow() + group.ttl);
    if (pending) watchSettlement(group, -1, this, value);
  }

  /**
   * The inline entry's promise settled: rejected, it goes; fulfilled, its ttl
   * starts. Nothing happens if the cache holds it no more (replaced, dropped,
   * or moved to the table the cache grew into, which watches it itself).
   */
  settled(group: Group, fulfilled: boolean, value: unknown): void {
    if (this.expires === Mode.GROWN || this.expires === Mode.EMPTY || this.value !== value) return;
    if (!fulfilled) this.drop(group);
    else if (group.timed) this.expires = preciseNow() + group.ttl;
  }

  /**
   * Becomes a full LRU: a table with the group's bounds, taking over the
   * inline entry (its value, its expiry, still pending if it was: the table
   * then watches the promise too).
   */
  grow(group: Group, keyOffset = 0): Table {
    const table = new Table(group, this, keyOffset);
    const { key, value, expires } = this;
    this.key = undefined;
    this.value = table;
    this.expires = Mode.GROWN;
    if (expires !== Mode.EMPTY) {
      const keys = key === NO_KEYS ? NO_KEYS : Array.isArray(key) ? (key as unknown[]) : [key];
      table.adopt(keys, keys.length, value, expires);
    }
    return table;
  }

  // ---- removal ------------------------------------------------------------------------

  /** Drops the inline entry; with a `reason`, `onEvict` is told (a rejection is not a cached value leaving). */
  private drop(group: Group, reason?: RemovalReason): void {
    // Never on a grown cache: its table drops its own entries.
    if (reason !== undefined && group.onEvict !== undefined) {
      removed(group, this.key === NO_KEYS ? [] : listOf(this.key), this.value, reason);
    }
    this.key = this.value = undefined;
    this.expires = Mode.EMPTY;
  }

  /** Removes the entry for these keys; true if a usable one was removed. Counters unchanged. */
  delete(group: Group, keys: ArrayLike<unknown>, count: number): boolean {
    if (this.expires === Mode.GROWN) return (this.value as Table).delete(keys, count);
    if (this.expires === Mode.EMPTY || !sameKeys(this.key, keys, count)) return false;
    const usable = this.alive(group);
    this.drop(group, usable ? 'invalidate' : 'expire');
    return usable;
  }

  /** Drops every entry, keeping the counters (a receiver further behind than the invalidation log). */
  dropEntries(group: Group): void {
    if (this.expires === Mode.GROWN) (this.value as Table).clear();
    else if (this.expires !== Mode.EMPTY) this.drop(group, 'invalidate');
  }

  /** Drops every entry (told as 'clear') and resets the counters. */
  clear(group: Group): void {
    if (this.expires === Mode.GROWN) (this.value as Table).clear();
    else if (this.expires !== Mode.EMPTY) this.drop(group, 'clear');
    this.hits = this.misses = 0;
  }

  /** Entries held now (an expired one, past its grace, is removed first, not counted). */
  entries(group: Group): number {
    if (this.expires === Mode.GROWN) return (this.value as Table).entries;
    if (this.expires !== Mode.EMPTY && group.timed && !(this.expires + group.graceMs > preciseNow())) this.drop(group, 'expire');
    return this.expires === Mode.EMPTY ? 0 : 1;
  }

  /** Entries made room for (maxSize or a budget) since the cache was made or cleared. */
  get evictions(): number {
    return this.expires === Mode.GROWN ? (this.value as Table).evictions : 0;
  }
}

function hasObject(keys: ArrayLike<unknown>, count: number): boolean {
  for (let i = 0; i < count; i++) if (isObjectLike(keys[i])) return true;
  return false;
}

// One cache kept for the life of the process (see shapes.ts), taken through the field representations a
// receiver's cache reaches (an inline entry with an object key and value, expiring at Infinity), so that the
// map receivers' caches end in is the one it keeps.
const anchor = new Cache(HELD);
anchor.key = anchor.value = anchor;
anchor.expires = Infinity;
keepShapes(anchor);
