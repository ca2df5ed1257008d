/**
 * One cache: an argument trie over a recency list, with Python's counters.
 *
 * A wrapped function has one of these per scope (per receiver, per scope key,
 * or one shared). It knows argument lists and values, nothing about receivers,
 * decorators or promises.
 *
 * Storage per slot (parallel arrays, indexed by the list's slots):
 * - all-primitive path: `values[slot]` is the value, `owners[slot]` the trie
 *   node holding the leaf and `leafKeys[slot]` its key. No entry object.
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
  countEntry,
  deleteChild,
  findLeaf,
  firstObjectKey,
  ownerFor,
  setChild,
  uncountEntry,
  type Leaf,
} from './keys.js';
import { RecencyList } from './store.js';

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

/** The trie depth of an argument list: a zero-argument call still has one leaf. */
function depthOf(argumentCount: number): number {
  return argumentCount === 0 ? 1 : argumentCount;
}

export class Cache {
  hits = 0;
  misses = 0;
  /** Bumped by clear(): a call that started before it does not store its result. */
  epoch = 0;

  /** One trie root per argument count. */
  private roots: (TrieNode | undefined)[] = [];
  // Starts with generic elements: a double-elements array would box every number read.
  private values: unknown[] = [null];
  private owners: (TrieNode | undefined)[] = [];
  private leafKeys: unknown[] = [];
  /** Expiry time per strong slot; only written when ttl > 0. */
  private expiries: number[] = [];
  private readonly list: RecencyList;
  private registry: FinalizationRegistry<WeakSlot> | undefined = undefined;
  private readonly bounded: boolean;

  constructor(
    /** `Infinity` for an unbounded cache; 0 never stores. */
    readonly maxSize: number,
    /** Milliseconds; 0 = entries never expire. */
    readonly ttl: number,
  ) {
    this.bounded = maxSize !== Infinity;
    this.list = new RecencyList(maxSize, (slot) => this.dropPayload(slot));
  }

  // ---- lookups: a value, or MISS ------------------------------------------

  /** Lookup specialised for one argument (or one custom key). */
  get1(a: unknown): unknown {
    const root = this.roots[1];
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
    if (this.ttl !== 0 && this.expiries[slot]! <= Date.now()) {
      this.remove(slot);
      return MISS;
    }
    this.hits++;
    if (this.bounded) this.list.touch(slot);
    return this.values[slot];
  }

  private hitEntry(entry: WeakEntry): unknown {
    if (this.ttl !== 0 && entry.expires <= Date.now()) {
      this.remove(entry.slot);
      return MISS;
    }
    this.hits++;
    if (this.bounded) this.list.touch(entry.slot);
    return entry.value;
  }

  // ---- writes ---------------------------------------------------------------

  /**
   * Stores `value` for the argument list, evicting the least recently used
   * entry when full. If the list already has an entry (a re-entrant call
   * stored it while this one ran), that entry is kept, as CPython does.
   */
  set(args: ArrayLike<unknown>, count: number, value: unknown): void {
    if (this.maxSize === 0) return; // maxSize 0: every call is a miss, nothing is kept
    const depth = depthOf(count);
    if (findLeaf(this.roots[count], args, depth) !== undefined) return;
    // Allocate before walking: evicting may prune the very nodes we would use.
    const slot = this.list.allocate();
    const root = (this.roots[count] ??= new TrieNode(undefined, undefined));
    const owner = ownerFor(root, args, depth);
    const leafKey = args[depth - 1];
    const expires = this.ttl === 0 ? Infinity : Date.now() + this.ttl;
    const firstObject = firstObjectKey(args, depth);
    if (firstObject < 0) {
      setChild(owner, leafKey, slot);
      this.values[slot] = value;
      this.owners[slot] = owner;
      this.leafKeys[slot] = leafKey;
      if (this.ttl !== 0) this.expiries[slot] = expires;
    } else {
      const entry = new WeakEntry(value, slot, expires, owner, leafKey);
      setChild(owner, leafKey, entry);
      const held = new WeakSlot(new WeakRef(entry), slot);
      this.values[slot] = held;
      this.owners[slot] = anchorOf(owner, depth, firstObject);
      this.registry ??= new FinalizationRegistry((collected) => this.reclaim(collected));
      this.registry.register(entry, held, held);
    }
    countEntry(owner);
  }

  /** Removes the entry for the argument list; true if there was one. */
  delete(args: ArrayLike<unknown>, count: number): boolean {
    const leaf = findLeaf(this.roots[count], args, depthOf(count));
    if (leaf === undefined) return false;
    this.remove(typeof leaf === 'number' ? leaf : leaf.slot);
    return true;
  }

  /** Drops every entry and resets the counters. */
  clear(): void {
    this.epoch++;
    this.hits = this.misses = 0;
    this.roots = [];
    this.values = [];
    this.owners = [];
    this.leafKeys = [];
    this.expiries = [];
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
    const owner = this.owners[slot]!;
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
    this.values[slot] = this.owners[slot] = this.leafKeys[slot] = undefined;
  }

  /** Finalization: a weak entry was collected; give its slot back. */
  private reclaim(held: WeakSlot): void {
    const slot = held.slot;
    if (this.values[slot] !== held) return; // already evicted, or cleared since
    uncountEntry(this.owners[slot]!);
    this.values[slot] = this.owners[slot] = undefined;
    this.list.release(slot);
  }
}
