/**
 * The reference model: what the caches must do, written for clarity, not
 * speed. Each cache is an array of entries, least recently used first; a
 * budget is one array over the entries of every cache. Keys are argument
 * lists compared element by element with SameValueZero.
 */

export interface ModelEntry {
  args: readonly unknown[];
  result: unknown;
  /** Epoch ms after which the entry is stale; Infinity while pending or without ttl. */
  expires: number;
  /** For promises: 'pending' until settled. */
  state: 'value' | 'pending';
  cache: ModelCache;
}

const sameValueZero = (a: unknown, b: unknown) => a === b || (a !== a && b !== b);

function sameArgs(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => sameValueZero(value, b[i]));
}

export class ModelBudget {
  order: ModelEntry[] = [];
  constructor(readonly maxSize: number) {}

  remove(entry: ModelEntry): void {
    const i = this.order.indexOf(entry);
    if (i !== -1) this.order.splice(i, 1);
  }
}

export class ModelCache {
  entries: ModelEntry[] = [];
  hits = 0;
  misses = 0;
  /** Entries dropped to make room: the own bound's least recent, or the budget's victim. */
  evictions = 0;

  constructor(
    readonly maxSize: number,
    readonly ttl: number,
    readonly budget: ModelBudget | undefined,
  ) {}

  private find(args: readonly unknown[]): ModelEntry | undefined {
    return this.entries.find((entry) => sameArgs(entry.args, args));
  }

  private drop(entry: ModelEntry): void {
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.budget?.remove(entry);
  }

  fresh(entry: ModelEntry, now: number): boolean {
    return entry.expires > now;
  }

  /**
   * A call. Returns the cached result on a hit, or undefined on a miss after
   * which the caller must `store` the body's result.
   */
  lookup(args: readonly unknown[], now: number): { hit: true; result: unknown } | { hit: false } {
    const entry = this.find(args);
    if (entry !== undefined && this.fresh(entry, now)) {
      this.hits++;
      this.entries.push(...this.entries.splice(this.entries.indexOf(entry), 1)); // most recent
      if (this.budget) this.budget.order.push(...this.budget.order.splice(this.budget.order.indexOf(entry), 1));
      return { hit: true, result: entry.result };
    }
    if (entry !== undefined) this.drop(entry); // expired: removed, and the call is a miss
    this.misses++;
    return { hit: false };
  }

  /** Stores a miss's result: own bound first, then the budget's, as the implementation does. */
  store(args: readonly unknown[], result: unknown, pending: boolean, now: number): ModelEntry | undefined {
    if (this.maxSize === 0) return undefined;
    if (this.entries.length >= this.maxSize) {
      const victim = this.entries[0]!;
      this.drop(victim);
      if (this.fresh(victim, now)) this.evictions++; // an expired entry leaving is not an eviction
    }
    const entry: ModelEntry = {
      args,
      result,
      expires: this.ttl === 0 || pending ? Infinity : now + this.ttl,
      state: pending ? 'pending' : 'value',
      cache: this,
    };
    if (this.budget !== undefined) {
      if (this.budget.order.length >= this.budget.maxSize) {
        const victim = this.budget.order[0]!;
        victim.cache.drop(victim);
        if (victim.cache.fresh(victim, now)) victim.cache.evictions++;
      }
      this.budget.order.push(entry);
    }
    this.entries.push(entry);
    return entry;
  }

  /** A stored promise settled. */
  settle(entry: ModelEntry, fulfilled: boolean, now: number): void {
    if (!this.entries.includes(entry)) return; // evicted, invalidated or cleared meanwhile
    if (!fulfilled) this.drop(entry);
    else {
      entry.state = 'value';
      if (this.ttl !== 0) entry.expires = now + this.ttl;
    }
  }

  invalidate(args: readonly unknown[], now: number): boolean {
    const entry = this.find(args);
    if (entry === undefined) return false;
    this.drop(entry);
    return this.fresh(entry, now);
  }

  contains(args: readonly unknown[], now: number): boolean {
    const entry = this.find(args);
    return entry !== undefined && this.fresh(entry, now);
  }

  /** cacheInfo(): expired entries are dropped first (the implementation sweeps too). */
  info(now: number): { hits: number; misses: number; maxSize: number; currSize: number; evictions: number } {
    for (const entry of [...this.entries]) if (!this.fresh(entry, now)) this.drop(entry);
    return {
      hits: this.hits,
      misses: this.misses,
      maxSize: this.maxSize,
      currSize: this.entries.length,
      evictions: this.evictions,
    };
  }

  clear(): void {
    for (const entry of [...this.entries]) this.drop(entry);
    this.hits = this.misses = this.evictions = 0;
  }

  /** Drops the entries whose key list `picks` (one scope key's, in a shared cache); counters stay. */
  clearWhere(picks: (args: readonly unknown[]) => boolean): void {
    for (const entry of [...this.entries]) if (picks(entry.args)) this.drop(entry);
  }
}
