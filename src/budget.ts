/**
 * A budget: one bound over many caches (CPython issue 102618's missing piece).
 *
 * Caches opt in with the `budget` option; the budget keeps one recency list
 * over every entry of every attached cache (per-instance caches included) and,
 * when full, evicts the globally least recently used entry from whichever
 * cache holds it.
 *
 * It never holds a cache, an instance or an argument: each attached cache is a
 * {@link Membership} (a WeakRef to the cache and slot numbers), and a
 * FinalizationRegistry gives a collected cache's slots back.
 */
import { flushEvictions } from './observe.js';
import { BUDGET_BRAND } from './brands.js';
import { readOptions, readPositiveInteger } from './read.js';
import { RecencyList, type SlotOwner } from './store.js';
import type { Budget, CacheInfo } from './types.js';

/** What the budget needs from an attached cache. */
export interface BudgetedCache {
  readonly hits: number;
  readonly misses: number;
  /** Entries it dropped to make room (its own bound or the budget's). */
  readonly evictions: number;
  /** Entries held now, after dropping expired ones (which leave the budget too). */
  readonly size: number;
  /** Drops the entry in `slot` because the budget needs the room. */
  evictForBudget(slot: number): void;
  clear(): void;
}

/** One attached cache, as the budget sees it. */
export class Membership {
  /** The budget slot of each of the cache's slots. */
  readonly budgetSlotOf: number[] = [];
  constructor(
    readonly cache: WeakRef<BudgetedCache>,
    readonly budget: BudgetImpl,
  ) {}
}

/**
 * One registry for every budget's caches, for the life of the process (see
 * cache.ts: on Node 20, a registry collected with cleanups pending stops all
 * of them). A collected cache's entries leave its budget.
 */
const collectedCaches = new FinalizationRegistry<Membership>((gone) => gone.budget.dropMember(gone));

export class BudgetImpl implements Budget, SlotOwner {
  readonly [BUDGET_BRAND] = true;
  private readonly list: RecencyList;
  /** Per budget slot: the membership it belongs to and the cache's slot. */
  private readonly owners: (Membership | undefined)[] = [];
  private readonly cacheSlots: number[] = [];
  private readonly members = new Set<Membership>();

  constructor(readonly maxSize: number) {
    this.list = new RecencyList(maxSize, this);
  }

  /** Attaches a cache; it is let go when the cache is collected. */
  join(cache: BudgetedCache): Membership {
    const membership = new Membership(new WeakRef(cache), this);
    this.members.add(membership);
    collectedCaches.register(cache, membership);
    return membership;
  }

  /** Counts a new entry (the cache's `slot`), evicting globally if full. */
  admit(membership: Membership, slot: number): void {
    const budgetSlot = this.list.allocate();
    this.owners[budgetSlot] = membership;
    this.cacheSlots[budgetSlot] = slot;
    membership.budgetSlotOf[slot] = budgetSlot;
  }

  /** A hit on the cache's `slot`: most recent across the whole budget. */
  touch(membership: Membership, slot: number): void {
    this.list.touch(membership.budgetSlotOf[slot]!);
  }

  /** The cache dropped its `slot` on its own (eviction, expiry, invalidation, clear). */
  leave(membership: Membership, slot: number): void {
    const budgetSlot = membership.budgetSlotOf[slot]!;
    if (this.owners[budgetSlot] !== membership || this.cacheSlots[budgetSlot] !== slot) return;
    this.owners[budgetSlot] = undefined;
    this.list.release(budgetSlot);
  }

  info(): CacheInfo {
    let hits = 0;
    let misses = 0;
    let evictions = 0;
    for (const membership of this.members) {
      const cache = membership.cache.deref();
      if (cache === undefined) continue;
      hits += cache.hits;
      misses += cache.misses;
      evictions += cache.evictions;
      void cache.size; // sweeps expired entries, which also leave the budget
    }
    flushEvictions();
    return Object.freeze({ hits, misses, maxSize: this.maxSize, currSize: this.list.size, evictions });
  }

  clear(): void {
    for (const membership of this.members) membership.cache.deref()?.clear();
    flushEvictions();
  }

  /** The attached caches still alive (a group reaches its per-receiver caches through them). */
  *attached(): IterableIterator<BudgetedCache> {
    for (const membership of this.members) {
      const cache = membership.cache.deref();
      if (cache !== undefined) yield cache;
    }
  }

  /** The list needs room: the least recently used entry leaves its cache. */
  evictSlot(budgetSlot: number): void {
    const membership = this.owners[budgetSlot]!;
    this.owners[budgetSlot] = undefined; // so the cache's leave() is a no-op
    membership.cache.deref()?.evictForBudget(this.cacheSlots[budgetSlot]!);
  }

  /** A cache was collected: its entries leave the budget. */
  dropMember(membership: Membership): void {
    this.members.delete(membership);
    for (const [slot, budgetSlot] of membership.budgetSlotOf.entries()) {
      if (budgetSlot !== undefined) this.leave(membership, slot);
    }
  }
}

/**
 * Creates a budget: one bound on the total number of entries across every
 * cache that opts in with `{ budget }` (functions and decorated members alike,
 * all per-instance caches of a member included). When full, the globally
 * least recently used entry is evicted. It holds no instance or argument.
 *
 * @param options `maxSize`: a positive integer
 * @throws TypeError/RangeError naming `maxSize` when it is not a positive integer
 * @example
 * ```ts
 * import { cached, createBudget, lruCache } from 'lru-memo';
 *
 * const budget = createBudget({ maxSize: 50_000 });
 * const geocode = lruCache(lookupAddress, { budget, maxSize: Infinity });
 * class Reports {
 *   @cached({ budget }) render(id: string) { return renderReport(id); }
 * }
 * budget.info(); // { hits, misses, maxSize: 50000, currSize, evictions }
 * ```
 */
export function createBudget(options: { maxSize: number }): Budget {
  const path = { caller: 'createBudget', prefix: '' };
  const given = readOptions(path, options, ['maxSize']);
  return new BudgetImpl(readPositiveInteger(path, 'maxSize', given.maxSize));
}
