/**
 * One cache: an argument trie over a recency list, with Python's counters.
 *
 * A wrapped function has one of these per scope (per receiver, per scope key,
 * or one shared). It knows argument lists and values, nothing about receivers,
 * decorators or promises.
 *
 * Storage per slot (parallel arrays, indexed by the list's slots):
 * - all-primitive path: `values[slot]` is the value, `leafKeys[slot]` its key
 *   and `owners[slot]` the trie node holding the leaf. No entry object.
 * - path with an object: `values[slot]` is a {@link WeakSlot} whose WeakRef
 *   points at the {@link WeakEntry} living in the trie; `owners[slot]` is the
 *   path's anchor (see keys.ts). The cache holds nothing that keeps the entry,
 *   its value or its arguments alive; a FinalizationRegistry gives the slot
 *   back once the GC has taken them.
 */
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
  ownerFor,
  setChild,
  uncountEntry,
  type Leaf,
} from './keys.js';
import type { BudgetImpl, BudgetedCache, Membership } from './budget.js';
import { RecencyList, type SlotOwner } from './store.js';

/** Returned by lookups that find no usable entry: `undefined` is a valid result. */
export const MISS: unique symbol = Symbol('lru-memo.miss');
export type Miss = typeof MISS;

/** What the cache holds for a weakly held slot; also the finalization token. */
class WeakSlot {
  constructor(
    readonly ref: WeakRef<WeakEntry>,
    readonly slot: number,
  ) {}
}

/** A copy of `array` with exactly `length` elements (new ones undefined). */
function resized<T>(array: T[], length: number): T[] {
  const copy = new Array<T>(length);
  for (let i = 0; i < array.length; i++) copy[i] = array[i]!;
  // Filled so the array is packed, not holey: `undefined` is a real element here.
  for (let i = array.length; i < length; i++) copy[i] = undefined as T;
  return copy;
}

const NO_SLOT = -1;

/** Shared by every cache without a ttl; never written (writes are guarded by ttl !== 0). */
const NO_EXPIRIES: number[] = [];

/** The trie depth of an argument list: a zero-argument call still has one leaf. */
function depthOf(argumentCount: number): number {
  return argumentCount === 0 ? 1 : argumentCount;
}

export class Cache implements BudgetedCache, SlotOwner {
  hits = 0;
  misses = 0;
  /** Bumped by clear(): a call that started before it does not store its result. */
  epoch = 0;
  /** Bumped by every store: a call that sees it unchanged knows its key is still absent. */
  writes = 0;
  /**
   * Hits on a promise still pending (calls that joined a running call).
   * Counted only with a ttl, where a pending entry's expiry is Infinity: the
   * hit path reads the expiry anyway, so this costs one comparison.
   */
  pendingHits = 0;

  /**
   * One trie root per argument count. Arrays here start at the length they
   * need: a first write into `[]` makes V8 reserve about 17 elements, which
   * per-instance caches would pay for by the thousand.
   */
  private roots: (TrieNode | undefined)[] = [undefined, undefined];
  /** The slot of the zero-argument entry, or NO_SLOT. */
  private zeroSlot = NO_SLOT;
  /** `roots[1]`, kept in a field: the single-argument hit path reads it first. */
  private root1: TrieNode | undefined = undefined;
  // Starts with generic elements: a double-elements array would box every number read.
  private values: unknown[] = [null];
  /**
   * The node a slot's leaf hangs from (or a weak entry's anchor), only where it
   * is not the one-argument root: single-argument caches, the common case,
   * never allocate this array.
   */
  private owners: (TrieNode | undefined)[] | undefined = undefined;
  private leafKeys: unknown[] = [undefined];
  /** Expiry time per strong slot; a shared empty array (never written) when ttl is 0. */
  private expiries: number[] = NO_EXPIRIES;
  private readonly list: RecencyList;
  private registry: FinalizationRegistry<WeakSlot> | undefined = undefined;
  private readonly bounded: boolean;
  /** No ttl and no budget: a hit only counts and refreshes recency. */
  private readonly plain: boolean;
  /** This cache's place in its budget (its counters count there from the start). */
  private readonly membership: Membership | undefined;

  constructor(
    /** `Infinity` for an unbounded cache; 0 never stores. */
    readonly maxSize: number,
    /** Milliseconds; 0 = entries never expire. */
    readonly ttl: number,
    /** A bound shared with other caches, if any. */
    private readonly budget: BudgetImpl | undefined = undefined,
  ) {
    this.bounded = maxSize !== Infinity;
    this.plain = ttl === 0 && budget === undefined;
    this.membership = budget?.join(this);
    this.list = new RecencyList(maxSize, this);
    if (ttl !== 0) this.expiries = [];
  }

  // ---- lookups: a value, or MISS ------------------------------------------

  /**
   * Lookup specialised for no arguments (getters). The entry also hangs in
   * roots[0] like any other; `zeroSlot` is a shortcut to its slot (a
   * zero-argument path has no object, so its leaf is always a slot).
   */
  get0(): unknown {
    const slot = this.zeroSlot;
    return slot === NO_SLOT ? MISS : this.hitSlot(slot);
  }

  /** Lookup specialised for one argument (or one custom key). */
  get1(a: unknown): unknown {
    const root = this.root1;
    if (root === undefined) return MISS;
    // The level lookup is written out (not childOf) so it stays inlined in the hot path.
    const leaf = (
      (typeof a === 'object' && a !== null) || typeof a === 'function' ? root.weak?.get(a) : root.strong?.get(a)
    ) as Leaf | undefined;
    if (leaf === undefined) return MISS;
    return typeof leaf === 'number' ? this.hitSlot(leaf) : this.hitEntry(leaf);
  }

  get2(a: unknown, b: unknown): unknown {
    const root = this.roots[2];
    if (root === undefined) return MISS;
    const node = (
      (typeof a === 'object' && a !== null) || typeof a === 'function' ? root.weak?.get(a) : root.strong?.get(a)
    ) as TrieNode | undefined;
    if (node === undefined) return MISS;
    const leaf = (
      (typeof b === 'object' && b !== null) || typeof b === 'function' ? node.weak?.get(b) : node.strong?.get(b)
    ) as Leaf | undefined;
    if (leaf === undefined) return MISS;
    return typeof leaf === 'number' ? this.hitSlot(leaf) : this.hitEntry(leaf);
  }

  get3(a: unknown, b: unknown, c: unknown): unknown {
    const root = this.roots[3];
    if (root === undefined) return MISS;
    let node = (
      (typeof a === 'object' && a !== null) || typeof a === 'function' ? root.weak?.get(a) : root.strong?.get(a)
    ) as TrieNode | undefined;
    if (node === undefined) return MISS;
    node = (
      (typeof b === 'object' && b !== null) || typeof b === 'function' ? node.weak?.get(b) : node.strong?.get(b)
    ) as TrieNode | undefined;
    if (node === undefined) return MISS;
    const leaf = (
      (typeof c === 'object' && c !== null) || typeof c === 'function' ? node.weak?.get(c) : node.strong?.get(c)
    ) as Leaf | undefined;
    if (leaf === undefined) return MISS;
    return typeof leaf === 'number' ? this.hitSlot(leaf) : this.hitEntry(leaf);
  }

  /** Lookup for any argument count. */
  get(args: ArrayLike<unknown>, count: number): unknown {
    const leaf = findLeaf(this.roots[count], args, depthOf(count));
    if (leaf === undefined) return MISS;
    return typeof leaf === 'number' ? this.hitSlot(leaf) : this.hitEntry(leaf);
  }

  private hitSlot(slot: number): unknown {
    if (this.plain) {
      this.hits++;
      if (this.bounded) this.list.touch(slot);
      return this.values[slot];
    }
    if (this.ttl !== 0) {
      const expires = this.expiries[slot]!;
      if (expires <= Date.now()) {
        this.remove(slot);
        return MISS;
      }
      if (expires === Infinity) this.pendingHits++;
    }
    this.hits++;
    if (this.bounded) this.list.touch(slot);
    if (this.membership !== undefined) this.budget!.touch(this.membership, slot);
    return this.values[slot];
  }

  private hitEntry(entry: WeakEntry): unknown {
    if (this.ttl !== 0) {
      if (entry.expires <= Date.now()) {
        this.remove(entry.slot);
        return MISS;
      }
      if (entry.expires === Infinity) this.pendingHits++;
    }
    this.hits++;
    if (this.bounded) this.list.touch(entry.slot);
    if (this.membership !== undefined) this.budget!.touch(this.membership, entry.slot);
    return entry.value;
  }

  // ---- writes ---------------------------------------------------------------

  /**
   * Stores `value` for the argument list, evicting the least recently used
   * entry when full. If the list already has an entry (a re-entrant call
   * stored it while this one ran), that entry is kept, as CPython does.
   *
   * @param knownAbsent the caller saw a miss and `writes` has not moved since,
   *   so the existence check can be skipped.
   * @param pending the value is an unsettled promise: its ttl starts when
   *   `settled()` reports it fulfilled, not now.
   * @returns the slot it was stored in, or -1 when nothing was stored
   */
  set(args: ArrayLike<unknown>, count: number, value: unknown, knownAbsent = false, pending = false): number {
    if (this.maxSize === 0) return -1; // maxSize 0: every call is a miss, nothing is kept
    const depth = depthOf(count);
    if (!knownAbsent && findLeaf(this.roots[count], args, depth) !== undefined) return -1;
    // Take the slot before walking: evicting may prune the very nodes we would use.
    const slot = this.takeSlot();
    const root = (this.roots[count] ??= new TrieNode(undefined, undefined));
    if (count === 1) this.root1 = root;
    const owner = ownerFor(root, args, depth);
    const firstObject = firstObjectKey(args, depth);
    const anchor = firstObject < 0 ? undefined : anchorOf(owner, depth, firstObject);
    this.place(slot, owner, args[depth - 1], value, anchor, pending);
    if (count === 0) this.zeroSlot = slot;
    return slot;
  }

  /** `set` specialised for one argument (or one custom key): no arrays, no walk. */
  set1(a: unknown, value: unknown, knownAbsent: boolean, pending: boolean): number {
    if (this.maxSize === 0) return -1;
    if (!knownAbsent && this.roots[1] !== undefined && childOf(this.roots[1], a) !== undefined) return -1;
    const slot = this.takeSlot(); // eviction never removes a root
    const root = (this.root1 ??= this.roots[1] ??= new TrieNode(undefined, undefined));
    this.place(slot, root, a, value, isObjectLike(a) ? root : undefined, pending);
    return slot;
  }

  /**
   * What identifies the entry now in `slot`: the value itself for a strong
   * entry, its WeakSlot for a weak one. A later `settled()` acts only if the
   * slot still holds the same token (not evicted, cleared or replaced since).
   */
  tokenAt(slot: number): unknown {
    return this.values[slot];
  }

  /**
   * A stored promise settled: fulfilled starts its ttl (ending at `notAfter`
   * at the latest); rejected removes it, so the next call runs again. Nothing
   * happens if the entry is gone.
   */
  settled(slot: number, token: unknown, fulfilled: boolean, notAfter = Infinity): void {
    if (this.values[slot] !== token) return;
    if (!fulfilled) {
      this.remove(slot);
    } else if (this.ttl !== 0) {
      const expires = Math.min(Date.now() + this.ttl, notAfter);
      if (token instanceof WeakSlot) {
        const entry = token.ref.deref();
        if (entry !== undefined) entry.expires = expires;
      } else {
        this.expiries[slot] = expires;
      }
    }
  }

  /**
   * A free slot, evicting this cache's least recently used entry if full and
   * then, with a budget, the globally least recently used one if the budget
   * is full (possibly from this very cache: hence before any path is built).
   */
  private takeSlot(): number {
    const slot = this.list.allocate();
    if (slot >= this.values.length) this.growPayload();
    if (this.membership !== undefined) this.budget!.admit(this.membership, slot);
    return slot;
  }

  /** The list is full: drop the least recently used entry's payload (the list reuses its slot). */
  evictSlot(slot: number): void {
    this.dropPayload(slot);
  }

  /** The budget needs room: drop the entry in `slot` (the budget already let it go). */
  evictForBudget(slot: number): void {
    this.dropPayload(slot);
    this.list.release(slot);
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
    pending: boolean,
  ): void {
    this.writes++;
    const expires = this.ttl === 0 || pending ? Infinity : Date.now() + this.ttl;
    if (anchor === undefined) {
      setChild(owner, leafKey, slot);
      this.values[slot] = value;
      this.leafKeys[slot] = leafKey;
      this.setOwner(slot, owner);
      if (this.ttl !== 0) this.expiries[slot] = expires; // pending: Infinity until fulfilled
    } else {
      const entry = new WeakEntry(value, slot, expires, owner, leafKey);
      setChild(owner, leafKey, entry);
      const held = new WeakSlot(new WeakRef(entry), slot);
      this.values[slot] = held;
      this.setOwner(slot, anchor);
      this.registry ??= new FinalizationRegistry((collected) => this.reclaim(collected));
      this.registry.register(entry, held, held);
    }
    countEntry(owner);
  }

  /**
   * Removes the entry for the argument list. True if a usable entry was
   * removed (an expired one is removed too, but reports false). Counters
   * are unchanged.
   */
  delete(args: ArrayLike<unknown>, count: number): boolean {
    const leaf = findLeaf(this.roots[count], args, depthOf(count));
    if (leaf === undefined) return false;
    const fresh = this.isFresh(leaf);
    this.remove(typeof leaf === 'number' ? leaf : leaf.slot);
    return fresh;
  }

  /**
   * A pure peek: true if a call with this argument list would be a hit now
   * (a pending promise counts). No recency refresh, no counters, no removal.
   */
  has(args: ArrayLike<unknown>, count: number): boolean {
    const leaf = findLeaf(this.roots[count], args, depthOf(count));
    return leaf !== undefined && this.isFresh(leaf);
  }

  private isFresh(leaf: Leaf): boolean {
    if (this.ttl === 0) return true;
    const expires = typeof leaf === 'number' ? this.expiries[leaf]! : leaf.expires;
    return expires > Date.now();
  }

  /** Drops every entry and resets the counters. */
  clear(): void {
    if (this.membership !== undefined) {
      for (const slot of this.list.slotsOldestFirst()) this.budget!.leave(this.membership, slot);
    }
    this.epoch++;
    this.hits = this.misses = this.pendingHits = 0;
    this.roots = [undefined, undefined];
    this.root1 = undefined;
    this.zeroSlot = NO_SLOT;
    this.values = [null];
    this.owners = undefined;
    this.leafKeys = [undefined];
    this.expiries = this.ttl === 0 ? NO_EXPIRIES : [];
    this.list.clear();
    // Pending finalizations find their WeakSlot gone from `values` and do nothing.
  }

  /**
   * Entries currently usable: expired entries, and weak entries whose
   * argument the GC already took, are removed first so they are not counted.
   */
  get size(): number {
    if (this.ttl !== 0 || this.registry !== undefined) this.sweep();
    return this.list.size;
  }

  // ---- internals -------------------------------------------------------------

  private sweep(): void {
    const now = Date.now();
    const stale: number[] = [];
    for (const slot of this.list.slotsOldestFirst()) {
      const payload = this.values[slot];
      if (payload instanceof WeakSlot) {
        const entry = payload.ref.deref();
        if (entry === undefined || entry.expires <= now) stale.push(slot);
      } else if (this.ttl !== 0 && this.expiries[slot]! <= now) {
        stale.push(slot);
      }
    }
    for (const slot of stale) this.remove(slot);
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
      this.registry!.unregister(payload);
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
    if (slot === this.zeroSlot) this.zeroSlot = NO_SLOT;
    if (this.membership !== undefined) this.budget!.leave(this.membership, slot);
  }

  /**
   * Payload arrays grow by doubling, capped at maxSize, with exact lengths:
   * a bounded cache ends at exactly maxSize slots instead of V8's 1.5x push slack.
   */
  private growPayload(): void {
    const capacity = Math.min(this.maxSize, Math.max(4, this.values.length * 2));
    this.values = resized(this.values, capacity);
    this.leafKeys = resized(this.leafKeys, capacity);
    if (this.owners !== undefined) this.owners = resized(this.owners, capacity);
    if (this.ttl !== 0) this.expiries = resized(this.expiries, capacity);
  }

  private setOwner(slot: number, owner: TrieNode): void {
    const implied = owner === this.roots[1];
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

  /** Finalization: a weak entry was collected; give its slot back. */
  private reclaim(held: WeakSlot): void {
    const slot = held.slot;
    if (this.values[slot] !== held) return; // already evicted, or cleared since
    uncountEntry(this.ownerOf(slot));
    this.values[slot] = undefined;
    if (this.owners !== undefined) this.owners[slot] = undefined;
    if (this.membership !== undefined) this.budget!.leave(this.membership, slot);
    this.list.release(slot);
  }
}
