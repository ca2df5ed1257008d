/**
 * A budget: one bound over many caches (CPython issue 102618's missing piece),
 * a part a cache's table joins when its group has one (table.ts).
 *
 * Caches opt in with the `budget` option; the budget keeps one recency list
 * over every entry of every attached table (per-instance caches included)
 * and, when full, evicts the globally least recently used entry from
 * whichever table holds it.
 *
 * It never holds a cache, an instance or an argument: each attached table is
 * a {@link Membership} (a WeakRef to the table and slot numbers), and a
 * FinalizationRegistry gives a collected table's slots back. Only code that
 * imports `createBudget` contains this module: the core knows it by its type.
 */
import { BUDGET_BRAND } from './brands.js';
import { flushEvents } from './notify.js';
import { readOptions, readPositiveInteger } from './read.js';
import { RecencyList, type SlotOwner } from './store.js';
import type { Budget, CacheInfo } from './types.js';

/** What the budget needs from an attached table. */
export interface BudgetedTable {
  /** The group (the cached function) it belongs to. */
  readonly group: object;
  /** Its cache's counters. */
  readonly owner: { readonly hitCount: number; readonly misses: number };
  /** Entries it dropped to make room (its own bound or the budget's). */
  readonly evictions: number;
  /** Entries held now, after dropping expired ones (which leave the budget too). */
  readonly entries: number;
  /** Drops the entry in `slot` because the budget needs the room. */
  evictForBudget(slot: number): void;
  /** Drops every entry and resets its cache's counters. */
  reset(): void;
}

/** One attached table, as the budget sees it, and the table's handle on the budget. */
export class Membership {
  /**
   * The budget slot of each of the table's slots (-1: none). Typed, so a hit
   * reads it with no hole check, and touches the budget's list directly.
   */
  private budgetSlotOf = new Int32Array(4).fill(-1);
  private readonly list: RecencyList;
  constructor(
    readonly table: WeakRef<BudgetedTable>,
    readonly budget: BudgetImpl,
  ) {
    this.list = budget.list;
  }

  /** A new entry in the table's `slot` counts against the budget, which may evict globally to make room. */
  admit(slot: number): void {
    let slots = this.budgetSlotOf;
    if (slot >= slots.length) {
      slots = new Int32Array(Math.max(slot + 1, slots.length * 2)).fill(-1);
      slots.set(this.budgetSlotOf);
      this.budgetSlotOf = slots;
    }
    slots[slot] = this.budget.admit(this, slot);
  }

  /** A hit on the table's `slot`: most recent across the whole budget. */
  touch(slot: number): void {
    this.list.touch(this.budgetSlotOf[slot]!);
  }

  /** The table dropped its `slot` on its own (eviction, expiry, invalidation, clear). */
  leave(slot: number): void {
    const budgetSlot = slot < this.budgetSlotOf.length ? this.budgetSlotOf[slot]! : -1;
    if (budgetSlot !== -1) this.budget.leave(this, slot, budgetSlot);
  }

  /** Every budget slot this table still holds (its table was collected). */
  leaveAll(): void {
    this.budgetSlotOf.forEach((budgetSlot, slot) => {
      if (budgetSlot !== -1) this.budget.leave(this, slot, budgetSlot);
    });
  }
}

/**
 * One registry for every budget's tables, for the life of the process (on
 * Node 20, a registry collected with cleanups pending stops all of them): a
 * collected table's entries leave its budget.
 */
const collectedTables = /* @__PURE__ */ new FinalizationRegistry<Membership>((gone) => gone.budget.dropMember(gone));

export class BudgetImpl implements Budget, SlotOwner {
  /** One recency list over every attached table's entries (its members touch it on hits). */
  readonly list: RecencyList;
  /** Per budget slot: the membership it belongs to and the table's slot. */
  private readonly owners: (Membership | undefined)[] = [];
  private readonly tableSlots: number[] = [];
  private readonly members = new Set<Membership>();

  constructor(readonly maxSize: number) {
    this.list = new RecencyList(maxSize, this);
    // Set here, not as a computed class field: a bundle that never makes a budget can drop this class.
    (this as unknown as Record<symbol, boolean>)[BUDGET_BRAND] = true;
  }

  /** Attaches a table; it is let go when the table is collected. */
  join(table: BudgetedTable): Membership {
    const membership = new Membership(new WeakRef(table), this);
    this.members.add(membership);
    collectedTables.register(table, membership);
    return membership;
  }

  /** Counts a new entry of `membership`'s table, evicting globally if full: its budget slot. */
  admit(membership: Membership, slot: number): number {
    const budgetSlot = this.list.allocate();
    this.owners[budgetSlot] = membership;
    this.tableSlots[budgetSlot] = slot;
    return budgetSlot;
  }

  /** The table dropped its `slot`, held in `budgetSlot`, on its own. */
  leave(membership: Membership, slot: number, budgetSlot: number): void {
    if (this.owners[budgetSlot] !== membership || this.tableSlots[budgetSlot] !== slot) return;
    this.owners[budgetSlot] = undefined;
    this.list.release(budgetSlot);
  }

  info(): CacheInfo {
    let hits = 0;
    let misses = 0;
    let evictions = 0;
    for (const table of this.tables()) {
      hits += table.owner.hitCount;
      misses += table.owner.misses;
      evictions += table.evictions;
      void table.entries; // sweeps expired entries, which also leave the budget
    }
    flushEvents();
    return Object.freeze({ hits, misses, maxSize: this.maxSize, currSize: this.list.size, evictions });
  }

  clear(): void {
    for (const table of this.tables()) table.reset();
    flushEvents();
  }

  /** The attached tables still alive. */
  private tables(): BudgetedTable[] {
    const alive: BudgetedTable[] = [];
    for (const membership of this.members) {
      const table = membership.table.deref();
      if (table !== undefined) alive.push(table);
    }
    return alive;
  }

  /** The attached tables of one group (how a group reaches its receivers' caches in a budget). */
  tablesOf(group: object): BudgetedTable[] {
    return this.tables().filter((table) => table.group === group);
  }

  /** The list needs room: the least recently used entry leaves its table. */
  evictSlot(budgetSlot: number): void {
    const membership = this.owners[budgetSlot]!;
    this.owners[budgetSlot] = undefined; // so the table's leave() is a no-op
    membership.table.deref()?.evictForBudget(this.tableSlots[budgetSlot]!);
  }

  /** A table was collected: its entries leave the budget. */
  dropMember(membership: Membership): void {
    this.members.delete(membership);
    membership.leaveAll();
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
