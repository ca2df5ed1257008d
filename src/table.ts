/**
 * A cache's entries once it holds more than one (cache.ts): an argument trie
 * over a recency list, with the payload of each slot in parallel arrays.
 *
 * - all-primitive path: `values[slot]` is the value, `leafKeys[slot]` its key
 *   and `owners[slot]` the trie node holding the leaf. No entry object.
 * - path with an object: `values[slot]` is a {@link WeakSlot} whose WeakRef
 *   points at the {@link WeakEntry} living in the trie; `owners[slot]` is the
 *   path's anchor (keys.ts). Nothing here keeps the entry, its value or its
 *   arguments alive; a FinalizationRegistry gives the slot back once the GC
 *   has taken them.
 *
 * The function's configuration (its group: bounds, ttl, grace, budget,
 * onEvict) is shared by all its tables; a table holds only its own state.
 * Expiry (ttl) is checked on hits against the coarse clock (clock.ts);
 * expired entries are also reclaimed by the table's own writes: once the
 * writes since the last sweep reach the entries that sweep left, the next
 * write sweeps (amortised O(1) per write), so a cache written once per key
 * holds at most about twice its live entries. No timer is involved.
 *
 * Removals are reported (events/index.ts) as they happen and told to listeners
 * once the operation is over, never in the middle of this bookkeeping.
 */
import { KEEP, NOT_CACHED, isThenable, markHandled, watchSettlement, type Expiry, type PendingHolder } from './async.js';
import type { Membership } from './budget.js';
import { fresh, preciseNow } from './clock.js';
import { evicted, removed, type RemovalReason } from './notify.js';
import type { Cache } from './cache.js';
import type { Group } from './group.js';
import {
  TrieNode,
  WeakEntry,
  anchorOf,
  childOf,
  countEntry,
  deleteChild,
  findLeaf,
  firstObjectKey,
  isObjectLike,
  keyListOf,
  NO_KEYS,
  ownerFor,
  setChild,
  uncountEntry,
  type Leaf,
} from './keys.js';
import { RecencyList, type SlotOwner } from './store.js';

/** Returned by lookups that find no usable entry: `undefined` is a valid result. */
export const MISS: unique symbol = Symbol('lru-memo.miss');

/** How a collected weak entry finds its table again, without keeping the table alive. */
class TableHandle {
  constructor(readonly table: WeakRef<Table>) {}
}

/** What the table holds for a weakly held slot; also the finalization token. */
class WeakSlot {
  constructor(
    readonly ref: WeakRef<WeakEntry>,
    readonly slot: number,
    readonly handle: TableHandle,
  ) {}
}

/**
 * One registry for every table's weak entries, for the life of the process:
 * on Node 20 (V8 11.3), a FinalizationRegistry collected while it has
 * cleanups pending stops every cleanup in the process (docs/architecture.md).
 */
const collectedEntries = new FinalizationRegistry<WeakSlot>((held) => held.handle.table.deref()?.reclaim(held));

/**
 * A copy of `array` with exactly `length` elements, the new ones undefined.
 * Grown by push, so it stays packed: a holey array (what `new Array(n)`
 * makes) has another shape, and every table's hit would then meet two.
 */
function resized<T>(array: T[], length: number): T[] {
  const copy = array.slice();
  while (copy.length < length) copy.push(undefined as T);
  return copy;
}

/** `resized` for expiries: a typed array (a double in a generic array is boxed at every write). */
function resizedExpiries(array: Float64Array, length: number): Float64Array {
  const copy = new Float64Array(length);
  copy.set(array);
  return copy;
}

const NO_SLOT = -1;

/** Shared by every table without a ttl; never written (writes are guarded by `timed`). */
const NO_EXPIRIES = new Float64Array(0);

/** Sweeps wait for at least this many writes, so small tables do not sweep on every write. */
const MIN_WRITES_BETWEEN_SWEEPS = 16;

/** The trie depth of an argument list: a zero-argument call still has one leaf. */
function depthOf(count: number): number {
  return count === 0 ? 1 : count;
}

/** An entry as `peek` finds it: its value, its expiry (Infinity without a ttl), and what a part keeps with it. */
export interface Peeked {
  readonly value: unknown;
  readonly expiry: number;
  readonly state: unknown;
}

export class Table implements PendingHolder, SlotOwner {
  /** Hits on this table's entries, and entries dropped to make room (maxSize or the budget), since creation or the last clear. */
  hits = 0;
  evictions = 0;
  /** Bumped by clear(): a call that started before it does not store its result. */
  epoch = 0;
  /** Bumped by every store: a miss that sees it unchanged knows its key is still absent. */
  writes = 0;
  /** Writes since expired entries were last swept (ttl only), and when the next sweep is due. */
  private writesSinceSweep = 0;
  private sweepDue = MIN_WRITES_BETWEEN_SWEEPS;
  /**
   * One trie root per argument count. Arrays here start at the length they
   * need: a first write into `[]` makes V8 reserve about 17 elements.
   */
  /** `roots[1]`, in a field, made with the table: the one-argument hit reads it first. */
  private root1: TrieNode = new TrieNode(undefined, undefined);
  private roots: (TrieNode | undefined)[] = [undefined, this.root1];
  /** The slot of the zero-argument entry, or NO_SLOT. */
  private zeroSlot = NO_SLOT;
  // Starts with generic elements: a double-elements array would box every number read.
  private values: unknown[] = [null];
  /** The node a slot's leaf hangs from (or a weak entry's anchor), where it is not the one-argument root. */
  private owners: (TrieNode | undefined)[] | undefined = undefined;
  private leafKeys: unknown[] = [undefined];
  /** Expiry per strong slot on the clock's scale (ttl only). */
  private expiries: Float64Array = NO_EXPIRIES;
  /** Per-slot state of the group's parts that keep one (grace: a refresh running on), if any. */
  private states: unknown[] | undefined = undefined;
  /** Created with the first weak entry: how its finalization finds this table. */
  private handle: TableHandle | undefined = undefined;
  /** This table's place in its group's budget, if the group has one. */
  private readonly membership: Membership | undefined;
  private readonly timed: boolean;

  /** A receiver's table (its evictions count in the group's receivers' total). */
  private readonly ofReceiver: boolean;
  /** No part keeps anything per slot (no budget, no grace): a slot may be given to a new entry in place. */
  private readonly plainSlots: boolean;
  /** The recency of this table's slots. */
  private readonly list: RecencyList;
  private readonly maxSize: number;
  /** `maxSize` is finite: hits refresh recency (`=== true`: V8 compiles a truthiness test to ten instructions). */
  private readonly bounded: boolean;

  constructor(
    readonly group: Group,
    /** The cache whose entries these are. */
    readonly owner: Cache,
    /** Leading keys that are not the caller's (1 in a group's keyed cache: the scope key), left out of `onEvict`'s key. */
    private readonly keyOffset = 0,
  ) {
    this.maxSize = group.maxSize;
    this.bounded = group.maxSize !== Infinity;
    this.list = new RecencyList(group.maxSize, this);
    this.ofReceiver = owner.stamp >= 0;
    this.timed = group.timed;
    if (this.timed) this.expiries = new Float64Array(1);
    this.membership = group.budget?.join(this);
    this.plainSlots = this.membership === undefined && group.graceMs === 0;
  }

  // ---- hits: the value, or the group's slow path (a call path's continuation) -------------

  call0(receiver: unknown): unknown {
    const slot = this.zeroSlot;
    if (slot !== NO_SLOT && this.usable(slot)) {
      this.hits++;
      return this.hit(slot);
    }
    return this.group.slow(this.owner, receiver, NO_KEYS, NO_KEYS, 0);
  }

  call1(receiver: unknown, a: unknown): unknown {
    const leaf = this.leaf1(a);
    if (typeof leaf === 'number' && this.usable(leaf)) {
      this.hits++;
      return this.hit(leaf);
    }
    return leaf === undefined ? this.group.miss1(this.owner, receiver, a) : this.group.slow1(this.owner, receiver, a);
  }

  call2(receiver: unknown, a: unknown, b: unknown): unknown {
    const leaf = this.leaf2(a, b);
    if (typeof leaf === 'number' && this.usable(leaf)) {
      this.hits++;
      return this.hit(leaf);
    }
    const args = [a, b];
    return this.group.slow(this.owner, receiver, args, args, 2);
  }

  call3(receiver: unknown, a: unknown, b: unknown, c: unknown): unknown {
    const leaf = this.leaf3(a, b, c);
    if (typeof leaf === 'number' && this.usable(leaf)) {
      this.hits++;
      return this.hit(leaf);
    }
    const args = [a, b, c];
    return this.group.slow(this.owner, receiver, args, args, 3);
  }

  // ---- lookups ------------------------------------------------------------------

  /**
   * The leaf for one key. The node's own Map first: a primitive key, the
   * common case, needs no type test. Small, so V8 inlines it into the
   * one-argument hit paths.
   */
  leaf1(a: unknown): Leaf | undefined {
    const root = this.root1;
    const leaf = root.get(a) as Leaf | undefined;
    if (leaf !== undefined || root.weak === undefined || !isObjectLike(a)) return leaf;
    return root.weak.get(a) as Leaf | undefined;
  }

  leaf2(a: unknown, b: unknown): Leaf | undefined {
    const root = this.roots[2];
    if (root === undefined) return undefined;
    const node = childOf(root, a) as TrieNode | undefined;
    return node === undefined ? undefined : (childOf(node, b) as Leaf | undefined);
  }

  leaf3(a: unknown, b: unknown, c: unknown): Leaf | undefined {
    const root = this.roots[3];
    if (root === undefined) return undefined;
    const first = childOf(root, a) as TrieNode | undefined;
    if (first === undefined) return undefined;
    const second = childOf(first, b) as TrieNode | undefined;
    return second === undefined ? undefined : (childOf(second, c) as Leaf | undefined);
  }

  leaf(keys: ArrayLike<unknown>, count: number): Leaf | undefined {
    return findLeaf(this.roots[count], keys, depthOf(count));
  }

  /**
   * Whether the strong entry in `slot` may answer: always without a ttl;
   * with one, unexpired (one comparison against the cached clock reading).
   * A pending promise (expiry Infinity) is a call joined.
   */
  usable(slot: number): boolean {
    if (this.timed === false) return true;
    const expires = this.expiries[slot]!;
    if (!fresh(expires)) return false;
    if (expires === Infinity) this.group.pendingHits++;
    return true;
  }

  /** A hit on the strong entry in `slot`: recency (and the budget's), then its value. */
  hit(slot: number): unknown {
    if (this.bounded === true) this.list.touch(slot);
    if (this.membership !== undefined) this.membership.touch(slot);
    return this.values[slot];
  }

  /**
   * The value of a leaf a lookup found (a hit, counted), or MISS when it may
   * not answer (expired: removed, or kept within grace for the miss to find).
   */
  answer(leaf: Leaf): unknown {
    if (typeof leaf === 'number') {
      if (!this.usable(leaf)) return this.expired(leaf);
      this.hits++;
      return this.hit(leaf);
    }
    if (this.timed === true) {
      if (!fresh(leaf.expires)) return this.expired(leaf.slot);
      if (leaf.expires === Infinity) this.group.pendingHits++;
    }
    this.hits++;
    this.hit(leaf.slot);
    return leaf.value;
  }

  /** Generic lookup (any arity, NaN keys by SameValueZero): a value, or MISS. */
  get(keys: ArrayLike<unknown>, count: number): unknown {
    const leaf = this.leaf(keys, count);
    return leaf === undefined ? MISS : this.answer(leaf);
  }

  /**
   * A lookup found the entry in `slot` past its expiry: it goes and the call
   * is a miss; within grace it stays, as the miss's fallback.
   */
  private expired(slot: number): typeof MISS {
    if (!this.withinGrace(slot, preciseNow())) this.removeFor(slot, 'expire');
    return MISS;
  }

  private withinGrace(slot: number, now: number): boolean {
    return this.group.graceMs !== 0 && this.expiryOf(slot) + this.group.graceMs > now;
  }

  /**
   * The entry for these keys as it is, fresh or not, or undefined: a pure
   * peek (no recency, no counters, nothing removed). What the grace part
   * reads a stale entry with.
   */
  peek(keys: ArrayLike<unknown>, count: number): Peeked | undefined {
    const leaf = this.leaf(keys, count);
    if (leaf === undefined) return undefined;
    const slot = typeof leaf === 'number' ? leaf : leaf.slot;
    return { value: typeof leaf === 'number' ? this.values[slot] : leaf.value, expiry: this.expiryOf(slot), state: this.states?.[slot] };
  }

  /** A pure peek: whether a call with these keys would hit now (a pending promise counts). */
  has(keys: ArrayLike<unknown>, count: number): boolean {
    const leaf = this.leaf(keys, count);
    return leaf !== undefined && this.alive(typeof leaf === 'number' ? leaf : leaf.slot);
  }

  /** Whether the entry in `slot` is unexpired (without a ttl: always; the clock is read only with one). */
  private alive(slot: number): boolean {
    return this.timed === false || this.expiryOf(slot) > preciseNow();
  }

  /** The expiry of the entry in `slot` (Infinity without a ttl; -Infinity for a collected weak entry). */
  private expiryOf(slot: number): number {
    if (this.timed === false) return Infinity;
    const payload = this.values[slot];
    return payload instanceof WeakSlot ? (payload.ref.deref()?.expires ?? -Infinity) : this.expiries[slot]!;
  }

  // ---- storing ----------------------------------------------------------------

  /**
   * Stores a miss's result (see async.ts for `expiry`). An entry already there
   * for these keys is kept if fresh (a re-entrant call stored it while this
   * one ran: the first result stays, as in CPython) and replaced if stale. A
   * thenable is stored pending and watched: the value itself, or the promise
   * of its expiry.
   */
  store(keys: ArrayLike<unknown>, count: number, value: unknown, expiry: Expiry | PromiseLike<Expiry>, state?: unknown): void {
    if (expiry === KEEP || this.maxSize === 0) return;
    const depth = depthOf(count);
    const existing = findLeaf(this.roots[count], keys, depth);
    if (existing !== undefined) {
      const slot = typeof existing === 'number' ? existing : existing.slot;
      if (this.alive(slot)) return;
      this.removeFor(slot, 'expire');
    }
    if (expiry === NOT_CACHED) return;
    // Take the slot before walking: evicting may prune the very nodes the walk would use.
    const slot = this.takeSlot();
    const owner = ownerFor(this.rootOf(count), keys, depth);
    const firstObject = firstObjectKey(keys, depth);
    this.place(slot, owner, keys[depth - 1], value, firstObject < 0 ? undefined : anchorOf(owner, depth, firstObject), expiry);
    if (count === 0) this.zeroSlot = slot;
    if (state !== undefined) (this.states ??= [])[slot] = state;
  }

  /**
   * Takes over the inline entry of the cache this table grows out of (its
   * keys are primitive; the table is empty): same value, same expiry, still
   * pending (and watched, by the table now) if it was.
   */
  adopt(keys: ArrayLike<unknown>, count: number, value: unknown, expires: number): void {
    const slot = this.takeSlot();
    const depth = depthOf(count);
    this.place(slot, ownerFor(this.rootOf(count), keys, depth), keys[depth - 1], value, undefined, undefined, expires);
    if (count === 0) this.zeroSlot = slot;
  }

  /**
   * `store` of one key for the plain miss: no arrays, no walk. `absent`:
   * nothing was stored since the miss began, so the key is still absent.
   */
  store1(a: unknown, value: unknown, absent: boolean): void {
    if (this.maxSize === 0 || isObjectLike(a) || (!absent && this.root1.get(a) !== undefined)) {
      this.store([a], 1, value, undefined);
      return;
    }
    if (this.list.size === this.maxSize && this.replaceOldest1(a, value)) return;
    const slot = this.takeSlot(); // eviction never removes a root
    this.place(slot, this.root1, a, value, undefined, undefined);
  }

  /**
   * A full table's plain miss with one primitive key: when the least recently
   * used entry has one primitive key too (and the table no budget, no part
   * state, and no sweep due), the new entry takes its slot in place: one Map
   * delete and one set, the slot moved to the head; nothing released,
   * reallocated or walked. False when it cannot.
   */
  private replaceOldest1(a: unknown, value: unknown): boolean {
    const slot = this.list.tail;
    // Every entry but a strong one-key one has its trie node in `owners` (see setOwner): weak, zero-key, several keys.
    if (
      this.plainSlots === false ||
      (this.owners !== undefined && this.owners[slot] !== undefined) ||
      (this.timed === true && this.writesSinceSweep + 1 >= this.sweepDue) ||
      isThenable(value)
    ) {
      return false;
    }
    if (this.timed === false && this.group.onEvict === undefined) {
      // countEviction written out for the plain table (its entries never expire; nobody to tell but the channels).
      this.evictions++;
      if (this.ofReceiver === true) this.group.receiverEvictions++;
      evicted(this.group);
    } else {
      this.report(slot, this.countEviction(slot) ? 'evict' : 'expire');
    }
    const root = this.root1;
    root.delete(this.leafKeys[slot]);
    root.set(a, slot);
    this.values[slot] = value;
    this.leafKeys[slot] = a;
    if (this.timed === true) {
      this.writesSinceSweep++;
      this.expiries[slot] = preciseNow() + this.group.ttl;
    }
    this.list.touch(slot);
    this.writes++;
    return true;
  }

  /**
   * The trie root for `count` keys, created on first use (the one-argument
   * root is made with the table; roots are never pruned, and `clear` resets
   * them all together).
   */
  private rootOf(count: number): TrieNode {
    return (this.roots[count] ??= new TrieNode(undefined, undefined));
  }

  /**
   * Hangs a new leaf under `owner`. `anchor` is undefined for an all-primitive
   * path (the value goes in the slot arrays) and the path's anchor otherwise
   * (the value goes in a weakly held entry).
   */
  private place(
    slot: number,
    owner: TrieNode,
    leafKey: unknown,
    value: unknown,
    anchor: TrieNode | undefined,
    expiry: Expiry | PromiseLike<Expiry>,
    adopted?: number,
  ): void {
    this.writes++;
    const decides = expiry !== undefined && typeof expiry === 'object';
    // An adopted entry keeps its expiry; it is watched only if still pending (Infinity).
    const pending = (adopted === undefined || adopted === Infinity) && (decides || isThenable(value));
    const expires =
      adopted ?? (pending || this.timed === false ? Infinity : ((expiry as number | undefined) ?? preciseNow() + this.group.ttl));
    let token: unknown = value;
    if (anchor === undefined) {
      setChild(owner, leafKey, slot);
      this.values[slot] = value;
      this.leafKeys[slot] = leafKey;
      this.setOwner(slot, owner);
      if (this.timed === true) this.expiries[slot] = expires;
    } else {
      const entry = new WeakEntry(value, slot, expires, owner, leafKey);
      setChild(owner, leafKey, entry);
      const held = new WeakSlot(new WeakRef(entry), slot, (this.handle ??= new TableHandle(new WeakRef(this))));
      token = held;
      this.values[slot] = held;
      this.setOwner(slot, anchor, true);
      collectedEntries.register(entry, held, held);
    }
    countEntry(owner);
    if (!pending) return;
    if (!decides) {
      watchSettlement(this, slot, token, value);
      return;
    }
    watchSettlement(this, slot, token, value, expiry as PromiseLike<Expiry>);
    markHandled(value);
  }

  // ---- settlement of stored promises ---------------------------------------------

  holds(slot: number, token: unknown): boolean {
    return this.values[slot] === token;
  }

  /**
   * A stored promise settled: rejected, or refused (NOT_CACHED), removes it, so
   * the next call runs again; fulfilled starts its ttl (or takes the expiry
   * its miss decided). Nothing happens if the slot no longer holds it.
   */
  settled(slot: number, token: unknown, fulfilled: boolean, expiry: Expiry): void {
    if (this.values[slot] !== token) return;
    if (!fulfilled || expiry === NOT_CACHED) {
      this.remove(slot);
      return;
    }
    if (this.timed === false) return;
    const expires = expiry === undefined || expiry === KEEP ? preciseNow() + this.group.ttl : expiry;
    if (token instanceof WeakSlot) {
      const entry = token.ref.deref();
      if (entry !== undefined) entry.expires = expires;
    } else {
      this.expiries[slot] = expires;
    }
  }

  // ---- removal ----------------------------------------------------------------------

  /** Removes the entry for the key list; true if a usable one was removed. Counters unchanged. */
  delete(keys: ArrayLike<unknown>, count: number, reason: RemovalReason = 'invalidate'): boolean {
    const leaf = this.leaf(keys, count);
    if (leaf === undefined) return false;
    const slot = typeof leaf === 'number' ? leaf : leaf.slot;
    const usable = this.alive(slot);
    this.removeFor(slot, usable ? reason : 'expire');
    return usable;
  }

  /** Entries held, expired ones included (white-box tests). */
  get size(): number {
    return this.list.size;
  }

  /** The distinct first keys of entries with `count` keys (a keyed cache: the scope keys in use). */
  firstKeys(count: number): unknown[] {
    const root = this.roots[count];
    return root === undefined ? [] : [...root.keys()];
  }

  /** Removes every entry whose key list starts with `first` (one primitive scope key of a keyed cache). O(entries). */
  deleteFirstKey(first: unknown): void {
    const leaf = findLeaf(this.roots[1], [first], 1); // a zero-argument member: the scope key is the whole key
    if (leaf !== undefined) this.removeFor(typeof leaf === 'number' ? leaf : leaf.slot, 'clear');
    for (let count = 2; count < this.roots.length; count++) {
      const node = this.roots[count]?.get(first);
      if (node === undefined) continue;
      for (const slot of this.list.slotsOldestFirst()) {
        for (let n: TrieNode | undefined = this.ownerOf(slot); n !== undefined; n = n.parent) {
          if (n === node) {
            this.removeFor(slot, 'clear');
            break;
          }
        }
      }
    }
  }

  /** Drops every entry (told as 'clear'); a call in flight does not store afterwards. */
  clear(): void {
    if (this.group.onEvict !== undefined) for (const slot of this.list.slotsOldestFirst()) this.report(slot, 'clear');
    if (this.membership !== undefined) for (const slot of this.list.slotsOldestFirst()) this.membership.leave(slot);
    this.epoch++;
    this.hits = this.evictions = 0;
    this.writesSinceSweep = 0;
    this.root1 = new TrieNode(undefined, undefined);
    this.roots = [undefined, this.root1];
    this.zeroSlot = NO_SLOT;
    this.values = [null];
    this.owners = this.states = undefined;
    this.leafKeys = [undefined];
    this.expiries = this.timed ? new Float64Array(1) : NO_EXPIRIES;
    this.list.clear();
    // Pending finalizations and settlements find their token gone from `values` and do nothing.
  }

  /** Drops every entry and resets its cache's counters (`budget.clear()`). */
  reset(): void {
    this.clear();
    this.owner.hits = this.owner.misses = 0;
  }

  /**
   * Entries held now: expired ones (past their grace) and weak entries whose
   * argument the GC already took are removed first, so they are not counted.
   */
  get entries(): number {
    if (this.timed || this.handle !== undefined) this.sweep();
    return this.list.size;
  }

  // ---- internals ------------------------------------------------------------------------

  /**
   * A free slot, evicting this table's least recently used entry if full and
   * then, with a budget, the globally least recently used one if the budget
   * is full (possibly from this very table: hence before any path is built).
   */
  private takeSlot(): number {
    if (this.timed === true && ++this.writesSinceSweep >= this.sweepDue) this.sweep();
    const slot = this.list.allocate();
    if (slot >= this.values.length) this.growPayload();
    if (this.membership !== undefined) this.membership.admit(slot);
    return slot;
  }

  /** The list is full: the least recently used entry makes room (the list reuses its slot). */
  evictSlot(slot: number): void {
    this.report(slot, this.countEviction(slot) ? 'evict' : 'expire');
    this.dropPayload(slot);
  }

  /** The budget needs room: the entry in `slot` goes (the budget already let it go). */
  evictForBudget(slot: number): void {
    this.report(slot, this.countEviction(slot) ? 'evict' : 'expire');
    this.dropPayload(slot);
    this.list.release(slot);
  }

  /** An entry leaves to make room: an eviction, unless it had expired already (a sweep would have taken it). */
  private countEviction(slot: number): boolean {
    if (!this.alive(slot)) return false;
    this.evictions++;
    if (this.ofReceiver === true) this.group.receiverEvictions++; // a receiver's (the totals add the group's own caches')
    evicted(this.group);
    return true;
  }

  /** Tells the group's `onEvict` (queued, see events/index.ts) about the entry in `slot`, which is about to leave. */
  private report(slot: number, reason: RemovalReason): void {
    if (this.group.onEvict === undefined) return;
    const payload = this.values[slot];
    if (payload instanceof WeakSlot) {
      const entry = payload.ref.deref(); // a weak entry whose argument the GC took is not told: its key is gone
      if (entry !== undefined) removed(this.group, keyListOf(entry.owner, entry.key, this.keyOffset), entry.value, reason);
    } else {
      removed(this.group, keyListOf(this.ownerOf(slot), this.leafKeys[slot], this.keyOffset, slot === this.zeroSlot), payload, reason);
    }
  }

  private removeFor(slot: number, reason: RemovalReason): void {
    this.report(slot, reason);
    this.remove(slot);
  }

  private sweep(): void {
    this.writesSinceSweep = 0;
    const now = preciseNow();
    const gone: number[] = [];
    for (const slot of this.list.slotsOldestFirst()) {
      const payload = this.values[slot];
      if (payload instanceof WeakSlot && payload.ref.deref() === undefined) gone.push(slot);
      else if (this.timed && !(this.expiryOf(slot) > now) && !this.withinGrace(slot, now)) gone.push(slot);
    }
    for (const slot of gone) this.removeFor(slot, 'expire');
    this.sweepDue = Math.max(MIN_WRITES_BETWEEN_SWEEPS, this.list.size);
  }

  private remove(slot: number): void {
    this.dropPayload(slot);
    this.list.release(slot);
  }

  /** Takes a slot's entry out of the trie and forgets its payload. */
  private dropPayload(slot: number): void {
    const payload = this.values[slot];
    const owner = this.ownerOf(slot);
    if (payload instanceof WeakSlot) {
      collectedEntries.unregister(payload);
      const entry = payload.ref.deref();
      if (entry !== undefined) {
        deleteChild(entry.owner, entry.key);
        uncountEntry(entry.owner);
      } else {
        uncountEntry(owner); // the GC already took the branch below the anchor
      }
    } else {
      deleteChild(owner, this.leafKeys[slot]);
      uncountEntry(owner);
    }
    this.values[slot] = this.leafKeys[slot] = undefined;
    if (this.owners !== undefined) this.owners[slot] = undefined;
    if (this.states !== undefined) this.states[slot] = undefined;
    if (slot === this.zeroSlot) this.zeroSlot = NO_SLOT;
    if (this.membership !== undefined) this.membership.leave(slot);
  }

  /**
   * Payload arrays grow by doubling, capped at maxSize, with exact lengths: a
   * bounded table ends at exactly maxSize slots instead of V8's 1.5x slack.
   */
  private growPayload(): void {
    const capacity = Math.min(this.maxSize, Math.max(4, this.values.length * 2));
    this.values = resized(this.values, capacity);
    this.leafKeys = resized(this.leafKeys, capacity);
    if (this.owners !== undefined) this.owners = resized(this.owners, capacity);
    if (this.timed) this.expiries = resizedExpiries(this.expiries, capacity);
  }

  /**
   * Records the node a slot's leaf hangs from, where it is not implied: the
   * one-argument root of a strong entry is (so single-argument tables never
   * allocate `owners`); a weak entry's anchor is always written, so `owners`
   * tells every entry but a strong one-key one (`replaceOldest1`).
   */
  private setOwner(slot: number, owner: TrieNode, weak = false): void {
    const implied = !weak && owner === this.roots[1];
    if (this.owners === undefined) {
      if (implied) return;
      // Filled densely: a first write far past the end would make a slow, sparse array.
      this.owners = Array.from<TrieNode | undefined>({ length: this.values.length });
    }
    this.owners[slot] = implied ? undefined : owner;
  }

  private ownerOf(slot: number): TrieNode {
    return this.owners?.[slot] ?? this.roots[1]!;
  }

  /** Finalization: a weak entry was collected; its slot comes back. */
  reclaim(held: WeakSlot): void {
    const slot = held.slot;
    if (this.values[slot] !== held) return; // already gone, or cleared since
    uncountEntry(this.ownerOf(slot));
    this.values[slot] = undefined;
    if (this.owners !== undefined) this.owners[slot] = undefined;
    if (this.states !== undefined) this.states[slot] = undefined;
    if (this.membership !== undefined) this.membership.leave(slot);
    this.list.release(slot);
  }
}
