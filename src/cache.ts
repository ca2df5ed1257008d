/**
 * One cache: an argument trie over a recency list, with Python's counters,
 * and the protocol of a miss (count, compute, store unless cleared meanwhile).
 *
 * It knows argument lists and values, nothing about receivers or decorators.
 * A wrapped function has one for calls without a receiver, one for primitive
 * scope keys (keyed by the scope key and the arguments), and one per receiver
 * that outgrows its small record (record.ts).
 *
 * Storage per slot (parallel arrays, indexed by the list's slots):
 * - all-primitive path: `values[slot]` is the value, `leafKeys[slot]` its key
 *   and `owners[slot]` the trie node holding the leaf. No entry object.
 * - path with an object: `values[slot]` is a {@link WeakSlot} whose WeakRef
 *   points at the {@link WeakEntry} living in the trie; `owners[slot]` is the
 *   path's anchor (see keys.ts). The cache holds nothing that keeps the entry,
 *   its value or its arguments alive; a FinalizationRegistry gives the slot
 *   back once the GC has taken them.
 *
 * Expiry (ttl) is checked on every hit against the coarse clock (clock.ts);
 * expired entries are also reclaimed by the cache's own writes: once the
 * writes since the last sweep reach the number of entries that sweep left,
 * the next write sweeps (amortised O(1) per write), so a cache written once
 * per key holds at most about twice its live entries. No timer is involved.
 */
import { NOT_CACHED, isThenable, watchSettlement, type ExpiryOf, type PendingHolder } from './async.js';
import type { BudgetImpl, BudgetedCache, Membership } from './budget.js';
import { fresh, hitNow, preciseNow } from './clock.js';
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
import type { Grace } from './grace.js';
import { flushEvictions, type EvictionReason, type Observer } from './observe.js';
import type { ResultPolicy } from './policy.js';
import { RecencyList, type SlotOwner } from './store.js';

/** Returned by lookups that find no usable entry: `undefined` is a valid result. */
export const MISS: unique symbol = Symbol('lru-memo.miss');
type Miss = typeof MISS;

/** Where a cache that belongs to one receiver reports its entry count (see scope.ts). */
export interface Tally {
  add(delta: number): void;
}

/**
 * What a miss runs: the function, or (with a tier) a load through the tier.
 * `keys` is what the cache keys the call by: the arguments, or the one value
 * option `key` returned.
 */
export type Compute = (receiver: unknown, args: ArrayLike<unknown>, keys: ArrayLike<unknown>, keyCount: number) => unknown;

/** How a collected weak entry finds its cache again, without keeping the cache alive. */
class CacheHandle {
  constructor(readonly cache: WeakRef<Cache>) {}
}

/** What the cache holds for a weakly held slot; also the finalization token. */
class WeakSlot {
  constructor(
    readonly ref: WeakRef<WeakEntry>,
    readonly slot: number,
    readonly handle: CacheHandle,
  ) {}
}

/**
 * One registry for every cache's weak entries, for the life of the process:
 * on Node 20 (V8 11.3), a FinalizationRegistry collected while it has
 * cleanups pending stops every cleanup in the process, so a registry per
 * cache (which goes when its function goes) is not safe.
 */
const collectedEntries = new FinalizationRegistry<WeakSlot>((held) => held.handle.cache.deref()?.reclaim(held));

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

/** Sweeps wait for at least this many writes, so tiny caches do not sweep on every write. */
const MIN_WRITES_BETWEEN_SWEEPS = 16;

/** The trie depth of an argument list: a zero-argument call still has one leaf. */
function depthOf(argumentCount: number): number {
  return argumentCount === 0 ? 1 : argumentCount;
}

export class Cache implements BudgetedCache, SlotOwner, PendingHolder {
  hits = 0;
  misses = 0;
  /** Entries dropped to make room (maxSize or the budget) since creation or the last clear. */
  evictions = 0;
  /** Leading keys that are not the caller's (1 in a group's keyed cache: the scope key), left out of `onEvict`'s key. */
  keyOffset = 0;
  /**
   * Hits on a promise still pending (calls that joined a running call).
   * Counted only with a ttl, where a pending entry's expiry is Infinity: the
   * hit path reads the expiry anyway, so this costs one comparison.
   */
  pendingHits = 0;
  /** Bumped by clear(): a call that started before it does not store its result. */
  private epoch = 0;
  /** Bumped by every store: a call that sees it unchanged knows its key is still absent. */
  private writes = 0;
  /** Writes since expired entries were last swept (ttl caches only). */
  private writesSinceSweep = 0;
  /** Writes after which the next sweep is due: the entries the last sweep left (at least MIN_WRITES_BETWEEN_SWEEPS). */
  private sweepDue = MIN_WRITES_BETWEEN_SWEEPS;

  /**
   * One trie root per argument count. Arrays here start at the length they
   * need: a first write into `[]` makes V8 reserve about 17 elements.
   */
  private roots: (TrieNode | undefined)[] = [undefined, undefined];
  /** The slot of the zero-argument entry, or NO_SLOT. */
  private zeroSlot = NO_SLOT;
  /** `roots[1]`, kept in a field: the single-argument hit path reads it first. */
  private root1: TrieNode | undefined = undefined;
  /** `roots[3]`, kept in a field for the three-argument hit path. */
  private root3: TrieNode | undefined = undefined;
  // Starts with generic elements: a double-elements array would box every number read.
  private values: unknown[] = [null];
  /**
   * The node a slot's leaf hangs from (or a weak entry's anchor), only where it
   * is not the one-argument root: single-argument caches never allocate this.
   */
  private owners: (TrieNode | undefined)[] | undefined = undefined;
  private leafKeys: unknown[] = [undefined];
  /** Expiry per strong slot on the clock's scale; a shared empty array (never written) when ttl is 0. */
  private expiries: number[] = NO_EXPIRIES;
  private readonly list: RecencyList;
  /** Created with the first weak entry: how its finalization finds this cache. */
  private handle: CacheHandle | undefined = undefined;
  private readonly bounded: boolean;
  /** No ttl and no budget: a hit only counts and refreshes recency. */
  private readonly plain: boolean;
  /** A ttl and no budget: `get1Timed` serves its one-argument hits. */
  readonly ttlOnly: boolean;
  /** This cache's place in its budget (its counters count there from the start). */
  private readonly membership: Membership | undefined;
  /** Milliseconds an entry is kept past its expiry (option `grace`; 0 without). */
  private readonly graceMs: number;

  constructor(
    /** `Infinity` for an unbounded cache; 0 never stores. */
    readonly maxSize: number,
    /** Milliseconds; 0 = entries never expire. */
    readonly ttl: number,
    /** A bound shared with other caches, if any. */
    private readonly budget: BudgetImpl | undefined = undefined,
    /** The latest expiry of a stored promise's value, if a tier or a result policy imposes one. */
    private readonly expiryOf: ExpiryOf | undefined = undefined,
    /** Told of every change in the number of entries (caches of one receiver). */
    readonly tally: Tally | undefined = undefined,
    /** Options `shouldCache` and `ttl` as a function: decide a synchronous result before it is stored. */
    private readonly results: ResultPolicy | undefined = undefined,
    /** Option `grace`: expired entries are kept this long as a fallback, and offered to the miss that follows. */
    private readonly grace: Grace | undefined = undefined,
    /** The function's evictions total and event channels. */
    private readonly observer: Observer | undefined = undefined,
  ) {
    this.graceMs = grace === undefined ? 0 : grace.ms;
    this.bounded = maxSize !== Infinity;
    this.plain = ttl === 0 && budget === undefined;
    this.ttlOnly = ttl !== 0 && budget === undefined;
    this.membership = budget?.join(this);
    this.list = new RecencyList(maxSize, this);
    if (ttl !== 0) this.expiries = [];
  }

  // ---- lookups: a value, or MISS ------------------------------------------

  /** Lookup specialised for no arguments (getters): `zeroSlot` is a shortcut to the one leaf. */
  get0(): unknown {
    const slot = this.zeroSlot;
    return slot === NO_SLOT ? MISS : this.hitSlot(slot);
  }

  /** Lookup specialised for one argument (or one custom key). */
  get1(a: unknown): unknown {
    const leaf = this.leaf1(a);
    if (leaf === undefined) return MISS;
    return typeof leaf === 'number' ? this.hitSlot(leaf) : this.hitEntry(leaf);
  }

  /** The one-argument leaf for `a`, if any. Small, so V8 inlines it into both one-argument hit paths. */
  private leaf1(a: unknown): Leaf | undefined {
    const root = this.root1;
    if (root === undefined) return undefined;
    const leaf = (typeof a === 'object' && a !== null) || typeof a === 'function' ? root.weak?.get(a) : root.get(a);
    return leaf as Leaf | undefined;
  }

  /**
   * `get1` for a cache with a ttl and no budget, chosen at wrap time (paths.ts):
   * the hit checks the expiry without asking which kind of cache this is.
   */
  get1Timed(a: unknown): unknown {
    const leaf = this.leaf1(a);
    if (leaf === undefined) return MISS;
    if (typeof leaf !== 'number') return this.hitEntry(leaf);
    const expires = this.expiries[leaf]!;
    if (!fresh(expires)) return this.expired(leaf, expires);
    if (expires === Infinity) this.pendingHits++;
    this.hits++;
    if (this.bounded === true) this.list.touch(leaf);
    return this.values[leaf];
  }

  get2(a: unknown, b: unknown): unknown {
    const root = this.roots[2];
    if (root === undefined) return MISS;
    const node = childOf(root, a) as TrieNode | undefined;
    if (node === undefined) return MISS;
    const leaf = childOf(node, b) as Leaf | undefined;
    if (leaf === undefined) return MISS;
    return typeof leaf === 'number' ? this.hitSlot(leaf) : this.hitEntry(leaf);
  }

  get3(a: unknown, b: unknown, c: unknown): unknown {
    const root = this.root3;
    if (root === undefined) return MISS;
    const first = childOf(root, a) as TrieNode | undefined;
    if (first === undefined) return MISS;
    const second = childOf(first, b) as TrieNode | undefined;
    if (second === undefined) return MISS;
    const leaf = childOf(second, c) as Leaf | undefined;
    if (leaf === undefined) return MISS;
    return typeof leaf === 'number' ? this.hitSlot(leaf) : this.hitEntry(leaf);
  }

  /** Lookup for any argument count. */
  get(keys: ArrayLike<unknown>, count: number): unknown {
    const leaf = findLeaf(this.roots[count], keys, depthOf(count));
    if (leaf === undefined) return MISS;
    return typeof leaf === 'number' ? this.hitSlot(leaf) : this.hitEntry(leaf);
  }

  private hitSlot(slot: number): unknown {
    // `=== true`, not a truthiness test: see paths.ts (callgrind, a bounded hit: 302 -> 260 instructions with these two).
    if (this.plain !== true) return this.hitChecked(slot, this.ttl === 0 ? Infinity : this.expiries[slot]!);
    this.hits++;
    if (this.bounded === true) this.list.touch(slot);
    return this.values[slot];
  }

  /**
   * A hit on a cache with a ttl or a budget, for the entry in `slot` expiring
   * at `expires`. Kept apart from `hitSlot` so the plain hit stays small, and
   * small itself (the expired case is a call of its own) so V8 inlines the
   * whole path into the caller.
   */
  private hitChecked(slot: number, expires: number): unknown {
    if (this.ttl !== 0) {
      if (!fresh(expires)) return this.expired(slot, expires);
      if (expires === Infinity) this.pendingHits++;
    }
    this.hits++;
    if (this.bounded === true) this.list.touch(slot);
    if (this.membership !== undefined) this.budget!.touch(this.membership, slot);
    return this.values[slot];
  }

  private hitEntry(entry: WeakEntry): unknown {
    const value = this.hitChecked(entry.slot, entry.expires);
    return value === MISS ? MISS : entry.value;
  }

  /**
   * A lookup found an expired entry: it goes, and the call is a miss. With
   * grace, a stale entry is first offered to the miss as its fallback.
   */
  private expired(slot: number, expires: number): Miss {
    if (this.grace !== undefined) this.offerStale(slot, expires);
    this.report(slot, 'expire');
    this.remove(slot);
    return MISS;
  }

  // ---- the miss protocol ----------------------------------------------------

  /**
   * A miss: count it, compute, and store the result, unless the cache was
   * cleared while it ran (the clear wins) or a result policy refuses it. A
   * throw propagates, unstored. `knownAbsent` for the store comes from
   * `writes`: if nothing was stored while computing, the key is still absent
   * and need not be looked up again.
   */
  fill(compute: Compute, receiver: unknown, args: ArrayLike<unknown>, keys: ArrayLike<unknown>, count: number): unknown {
    this.misses++;
    // The stale entry this call's lookup offered (grace), taken before any user code can run (a subscriber, onEvict).
    const stale = this.grace?.take(this, keys, count);
    this.observer?.missed();
    flushEvictions(); // an expired entry the lookup removed: told before the function runs, outside any bookkeeping
    const { epoch, writes } = this;
    this.grace?.handOver(stale);
    const value = compute(receiver, args, keys, count);
    const expires = this.grace?.expiryFor(value) ?? this.results?.expiryFor(value, args);
    if (this.epoch === epoch && expires !== NOT_CACHED) this.store(keys, count, value, this.writes === writes, expires);
    flushEvictions();
    return value;
  }

  /** `fill` for one argument and the plain function: no argument array on the miss path either. */
  fill1(fn: (this: unknown, a: unknown) => unknown, receiver: unknown, a: unknown): unknown {
    this.misses++;
    this.observer?.missed();
    const { epoch, writes } = this;
    const value = fn.call(receiver, a);
    if (this.epoch === epoch) this.store1(a, value, this.writes === writes);
    return value;
  }

  /**
   * Stores `value` for the key list, evicting the least recently used entry
   * when full. If the list already has an entry (a re-entrant call stored it
   * while this one ran), that entry is kept, as CPython does. A thenable is
   * stored pending (no expiry until it fulfils) and watched. `expires` is a
   * result policy's expiry for this value, if it decided one.
   */
  store(keys: ArrayLike<unknown>, count: number, value: unknown, knownAbsent: boolean, expires?: number): void {
    if (this.maxSize === 0) return; // maxSize 0: every call is a miss, nothing is kept
    const depth = depthOf(count);
    if (!knownAbsent && findLeaf(this.roots[count], keys, depth) !== undefined) return;
    // Take the slot before walking: evicting may prune the very nodes we would use.
    const slot = this.takeSlot();
    const root = this.rootOf(count);
    const owner = ownerFor(root, keys, depth);
    const firstObject = firstObjectKey(keys, depth);
    const anchor = firstObject < 0 ? undefined : anchorOf(owner, depth, firstObject);
    this.place(slot, owner, keys[depth - 1], value, anchor, expires);
    if (count === 0) this.zeroSlot = slot;
  }

  /** `store` specialised for one key: no arrays, no walk. */
  store1(a: unknown, value: unknown, knownAbsent: boolean): void {
    if (this.maxSize === 0) return;
    if (!knownAbsent && this.root1 !== undefined && childOf(this.root1, a) !== undefined) return;
    const slot = this.takeSlot(); // eviction never removes a root
    const root = this.rootOf(1);
    this.place(slot, root, a, value, isObjectLike(a) ? root : undefined, undefined);
  }

  /**
   * Takes over an entry from a receiver's small record that outgrew it
   * (record.ts): same value, same expiry, still pending if it was. The
   * cache is empty and the keys primitive when this is called.
   */
  adopt(keys: ArrayLike<unknown>, count: number, value: unknown, expires: number): void {
    const slot = this.takeSlot();
    this.place(slot, ownerFor(this.rootOf(count), keys, depthOf(count)), keys[depthOf(count) - 1], value, undefined, expires);
    if (count === 0) this.zeroSlot = slot;
  }

  /**
   * The trie root for `count` keys, created on first use. The only place a
   * root is made, so the hit paths' fields (`root1`, `root3`) always match
   * `roots` (roots are never pruned; `clear` resets them all together).
   */
  private rootOf(count: number): TrieNode {
    let root = this.roots[count];
    if (root === undefined) {
      root = this.roots[count] = new TrieNode(undefined, undefined);
      if (count === 1) this.root1 = root;
      else if (count === 3) this.root3 = root;
    }
    return root;
  }

  // ---- settlement of stored promises ---------------------------------------

  holds(slot: number, token: unknown): boolean {
    return this.values[slot] === token;
  }

  /**
   * A stored promise settled: fulfilled starts its ttl (ending at `notAfter`
   * at the latest); rejected, or refused (`notAfter` NOT_CACHED), removes it,
   * so the next call runs again. Nothing happens if the slot no longer holds it.
   */
  settled(slot: number, token: unknown, fulfilled: boolean, notAfter: number): void {
    if (this.values[slot] !== token) return;
    if (!fulfilled || notAfter === NOT_CACHED) {
      this.remove(slot);
    } else if (this.ttl !== 0) {
      const expires = Math.min(preciseNow() + this.ttl, notAfter);
      if (token instanceof WeakSlot) {
        const entry = token.ref.deref();
        if (entry !== undefined) entry.expires = expires;
      } else {
        this.expiries[slot] = expires;
      }
    }
  }

  // ---- removal ----------------------------------------------------------------

  /**
   * Removes the entry for the key list. True if a usable entry was removed
   * (an expired one is removed too, but reports false). Counters unchanged.
   */
  delete(keys: ArrayLike<unknown>, count: number): boolean {
    const leaf = findLeaf(this.roots[count], keys, depthOf(count));
    if (leaf === undefined) return false;
    const fresh = this.isFresh(leaf);
    const slot = typeof leaf === 'number' ? leaf : leaf.slot;
    this.report(slot, fresh ? 'invalidate' : 'expire');
    this.remove(slot);
    return fresh;
  }

  /**
   * A pure peek: true if a call with this key list would be a hit now (a
   * pending promise counts). No recency refresh, no counters, no removal.
   */
  has(keys: ArrayLike<unknown>, count: number): boolean {
    const leaf = findLeaf(this.roots[count], keys, depthOf(count));
    return leaf !== undefined && this.isFresh(leaf);
  }

  /**
   * The distinct first keys of entries with `count` keys (a cache of
   * primitive scope keys: the scope keys in use).
   */
  firstKeys(count: number): unknown[] {
    const root = this.roots[count];
    return root === undefined ? [] : [...root.keys()];
  }

  /**
   * Removes every entry whose key list starts with `first` (one primitive
   * scope key of a keyed cache); counters unchanged. O(entries).
   */
  deleteFirstKey(first: unknown): void {
    const leaf = findLeaf(this.roots[1], [first], 1); // a zero-argument member: the scope key is the whole key
    if (leaf !== undefined) this.removeFor(typeof leaf === 'number' ? leaf : leaf.slot, 'clear');
    for (let count = 2; count < this.roots.length; count++) {
      const node = this.roots[count]?.get(first);
      if (node === undefined) continue;
      for (const slot of [...this.list.slotsOldestFirst()]) {
        for (let n: TrieNode | undefined = this.ownerOf(slot); n !== undefined; n = n.parent) {
          if (n === node) {
            this.removeFor(slot, 'clear');
            break;
          }
        }
      }
    }
  }

  private isFresh(leaf: Leaf): boolean {
    if (this.ttl === 0) return true;
    const expires = typeof leaf === 'number' ? this.expiries[leaf]! : leaf.expires;
    return expires > preciseNow();
  }

  /** Drops every entry and resets the counters. */
  clear(): void {
    if (this.observer?.onEvict !== undefined) for (const slot of this.list.slotsOldestFirst()) this.report(slot, 'clear');
    if (this.membership !== undefined) {
      for (const slot of this.list.slotsOldestFirst()) this.budget!.leave(this.membership, slot);
    }
    this.tally?.add(-this.list.size);
    this.epoch++;
    this.hits = this.misses = this.pendingHits = this.evictions = 0;
    this.writesSinceSweep = 0;
    this.roots = [undefined, undefined];
    this.root1 = this.root3 = undefined;
    this.zeroSlot = NO_SLOT;
    this.values = [null];
    this.owners = undefined;
    this.leafKeys = [undefined];
    this.expiries = this.ttl === 0 ? NO_EXPIRIES : [];
    this.list.clear();
    // Pending finalizations and settlements find their token gone from `values` and do nothing.
  }

  /**
   * Entries held now: expired entries (past their grace, with option
   * `grace`), and weak entries whose argument the GC already took, are
   * removed first so they are not counted.
   */
  get size(): number {
    if (this.ttl !== 0 || this.handle !== undefined) this.sweep();
    return this.list.size;
  }

  // ---- internals -------------------------------------------------------------

  /**
   * A free slot, evicting this cache's least recently used entry if full and
   * then, with a budget, the globally least recently used one if the budget
   * is full (possibly from this very cache: hence before any path is built).
   */
  private takeSlot(): number {
    if (this.ttl !== 0 && ++this.writesSinceSweep >= this.sweepDue) this.sweep();
    const slot = this.list.allocate();
    if (slot >= this.values.length) this.growPayload();
    if (this.membership !== undefined) this.budget!.admit(this.membership, slot);
    return slot;
  }

  /** The list is full: drop the least recently used entry's payload (the list reuses its slot). */
  evictSlot(slot: number): void {
    this.report(slot, this.countEviction(slot) ? 'evict' : 'expire');
    this.dropPayload(slot);
  }

  /** The budget needs room: drop the entry in `slot` (the budget already let it go). */
  evictForBudget(slot: number): void {
    this.report(slot, this.countEviction(slot) ? 'evict' : 'expire');
    this.dropPayload(slot);
    this.list.release(slot);
  }

  /**
   * An entry leaves to make room: counted as an eviction unless it had
   * expired already (a sweep would have taken it). Whether it was counted.
   */
  private countEviction(slot: number): boolean {
    if (this.ttl !== 0) {
      const payload = this.values[slot];
      const expires = payload instanceof WeakSlot ? (payload.ref.deref()?.expires ?? -Infinity) : this.expiries[slot]!;
      if (!(expires > preciseNow())) return false;
    }
    this.evictions++;
    this.observer?.evicted(this.tally !== undefined); // a receiver's cache (the others count their own)
    return true;
  }

  /**
   * Queues option `onEvict`'s call for the entry in `slot`, which is about
   * to leave (nothing is built without the option). A weak entry whose
   * argument the GC took is not reported: its key is gone.
   */
  private report(slot: number, reason: EvictionReason): void {
    const observer = this.observer;
    if (observer?.onEvict === undefined) return;
    const payload = this.values[slot];
    if (payload instanceof WeakSlot) {
      const entry = payload.ref.deref();
      if (entry !== undefined) observer.removed(this.keyListOf(entry.owner, entry.key), entry.value, reason);
    } else {
      observer.removed(this.keyListOf(this.ownerOf(slot), this.leafKeys[slot]), payload, reason);
    }
  }

  /** The key list of the leaf `leafKey` under `owner`, read back up the trie (without the first `offset` keys). */
  private keyListOf(owner: TrieNode, leafKey: unknown, offset = this.keyOffset): unknown[] {
    if (owner === this.roots[0]) return []; // the zero-argument entry
    const keys = [leafKey];
    for (let node = owner; node.parent !== undefined; node = node.parent) keys.unshift(node.keyInParent);
    return offset === 0 ? keys : keys.slice(offset);
  }

  /** Offers the expired entry in `slot` to the miss that follows, under its full key list (grace.ts). */
  private offerStale(slot: number, expires: number): void {
    const payload = this.values[slot];
    if (payload instanceof WeakSlot) {
      const entry = payload.ref.deref();
      if (entry !== undefined) this.grace!.offer(this, this.keyListOf(entry.owner, entry.key, 0), entry.value, expires, hitNow());
    } else {
      this.grace!.offer(this, this.keyListOf(this.ownerOf(slot), this.leafKeys[slot], 0), payload, expires, hitNow());
    }
  }

  /** Removes the entry in `slot`, telling `onEvict` why. */
  private removeFor(slot: number, reason: EvictionReason): void {
    this.report(slot, reason);
    this.remove(slot);
  }

  /**
   * Hangs a new leaf under `owner`. `anchor` is undefined for an all-primitive
   * path (the value goes in the slot arrays) and the path's anchor otherwise
   * (the value goes in a weakly held entry). `expires` is given when adopting
   * an entry or when a result policy decided it; otherwise it is computed here
   * (Infinity while a promise is pending).
   */
  private place(
    slot: number,
    owner: TrieNode,
    leafKey: unknown,
    value: unknown,
    anchor: TrieNode | undefined,
    expires: number | undefined,
  ): void {
    this.writes++;
    // An adopted entry keeps its expiry; it is watched only if still pending (expiry Infinity).
    const pending = (expires === undefined || expires === Infinity) && isThenable(value);
    expires ??= this.ttl === 0 || pending ? Infinity : preciseNow() + this.ttl;
    let token: unknown = value;
    if (anchor === undefined) {
      setChild(owner, leafKey, slot);
      this.values[slot] = value;
      this.leafKeys[slot] = leafKey;
      this.setOwner(slot, owner);
      if (this.ttl !== 0) this.expiries[slot] = expires;
    } else {
      const entry = new WeakEntry(value, slot, expires, owner, leafKey);
      setChild(owner, leafKey, entry);
      const held = new WeakSlot(new WeakRef(entry), slot, (this.handle ??= new CacheHandle(new WeakRef(this))));
      token = held;
      this.values[slot] = held;
      this.setOwner(slot, anchor);
      collectedEntries.register(entry, held, held);
    }
    countEntry(owner);
    this.tally?.add(1);
    if (pending) watchSettlement(this, slot, token, value, this.expiryOf);
  }

  private sweep(): void {
    this.writesSinceSweep = 0;
    const now = preciseNow();
    const gone: number[] = [];
    // An entry within grace stays: it is a stale value's fallback (grace.ts).
    for (const slot of this.list.slotsOldestFirst()) {
      const payload = this.values[slot];
      if (payload instanceof WeakSlot) {
        const entry = payload.ref.deref();
        if (entry === undefined || entry.expires + this.graceMs <= now) gone.push(slot);
      } else if (this.ttl !== 0 && this.expiries[slot]! + this.graceMs <= now) {
        gone.push(slot);
      }
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
    if (slot === this.zeroSlot) this.zeroSlot = NO_SLOT;
    if (this.membership !== undefined) this.budget!.leave(this.membership, slot);
    this.tally?.add(-1);
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
  reclaim(held: WeakSlot): void {
    const slot = held.slot;
    if (this.values[slot] !== held) return; // already evicted, or cleared since
    uncountEntry(this.ownerOf(slot));
    this.values[slot] = undefined;
    if (this.owners !== undefined) this.owners[slot] = undefined;
    if (this.membership !== undefined) this.budget!.leave(this.membership, slot);
    this.list.release(slot);
    this.tally?.add(-1);
  }
}
