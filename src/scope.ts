/**
 * Receiver scoping: which cache serves a call.
 *
 * A wrapped function owns one {@link CacheGroup}. Calls without a receiver use
 * the group's `unscoped` cache; a call on a receiver (or, for decorated members
 * with a `scope` function, on a scope key) uses that key's own cache, created on
 * first use. Object keys are held in a WeakMap, so neither the receiver nor its
 * cache outlives the receiver (results that point back at their instance
 * included: the cache is only reachable through the WeakMap entry).
 *
 * Totals and clear-all need to reach every live cache without a list of
 * receivers: the group keeps WeakRefs to the caches themselves, which hold
 * nothing of the receiver. A FinalizationRegistry drops each WeakRef once its
 * cache is collected (pruning by size alone is not enough: a WeakRef keeps its
 * target alive until the job that created it ends, so a long synchronous loop
 * would leave a backlog of dead references behind).
 */
import { Cache } from './cache.js';
import { isObjectLike } from './keys.js';
import type { BudgetImpl } from './budget.js';
import type { Scope } from './options.js';

export interface Totals {
  hits: number;
  misses: number;
  currSize: number;
  /** Hits on a promise that was still pending (see Cache.pendingHits). */
  pendingHits: number;
}

export class CacheGroup {
  /** Serves calls that have no receiver (`this === undefined`). */
  readonly unscoped: Cache;
  /** Caches of object receivers and object scope keys (read directly by the call path). */
  readonly byObject = new WeakMap<object, Cache>();
  private byPrimitive: Map<unknown, Cache> | undefined = undefined;
  private readonly scoped = new Set<WeakRef<Cache>>();
  private forget: FinalizationRegistry<WeakRef<Cache>> | undefined = undefined;
  /** Told after an explicit invalidation (the shared tier deletes its entry too). */
  afterInvalidate: ((receiver: unknown, keys: unknown[]) => void) | undefined = undefined;

  constructor(
    readonly maxSize: number,
    readonly ttl: number,
    readonly scope: Scope,
    /** The custom key function, if any: how an argument list becomes a key. */
    readonly key: ((...args: unknown[]) => unknown) | undefined,
    /** A bound shared with other caches, if any. */
    readonly budget: BudgetImpl | undefined = undefined,
  ) {
    this.unscoped = new Cache(maxSize, ttl, budget);
  }

  /**
   * The cache that serves calls on `receiver`, if it exists yet; never
   * creates one. (The call path uses a closure specialised per scope instead,
   * see selectorFor in wrap.ts; this is its readable twin for introspection.)
   */
  existingCacheOf(receiver: unknown): Cache | undefined {
    if (receiver === undefined || this.scope === 'shared') return this.unscoped;
    return this.peek(this.scopeKey(receiver));
  }

  /** Removes one entry of `receiver`'s cache; true if a usable one was removed. */
  invalidate(receiver: unknown, args: unknown[]): boolean {
    const keys = this.key === undefined ? args : [this.key(...args)];
    this.afterInvalidate?.(receiver, keys);
    const cache = this.existingCacheOf(receiver);
    return cache !== undefined && cache.delete(keys, keys.length);
  }

  /** Whether a call on `receiver` with `args` would be a hit now; changes nothing. */
  contains(receiver: unknown, args: unknown[]): boolean {
    const cache = this.existingCacheOf(receiver);
    if (cache === undefined) return false;
    return this.key === undefined ? cache.has(args, args.length) : cache.has([this.key(...args)], 1);
  }

  private scopeKey(receiver: unknown): unknown {
    return typeof this.scope === 'function' ? (this.scope as (self: unknown) => unknown)(receiver) : receiver;
  }

  /** The cache for `key` (a receiver or a scope key), created on first use. */
  cacheFor(key: unknown): Cache {
    const existing = this.peek(key);
    return existing === undefined ? this.create(key) : existing;
  }

  /** The cache for `key` if one exists; never creates. */
  peek(key: unknown): Cache | undefined {
    return isObjectLike(key) ? this.byObject.get(key) : this.byPrimitive?.get(key);
  }

  /** Sums over the unscoped cache and every live scoped cache. */
  totals(): Totals {
    const totals: Totals = { hits: 0, misses: 0, currSize: 0, pendingHits: 0 };
    this.forEachCache((cache) => {
      totals.hits += cache.hits;
      totals.pendingHits += cache.pendingHits;
      totals.misses += cache.misses;
      totals.currSize += cache.size;
    });
    return totals;
  }

  /** Clears every live cache (entries and counters). */
  clearAll(): void {
    this.forEachCache((cache) => cache.clear());
  }

  private forEachCache(visit: (cache: Cache) => void): void {
    visit(this.unscoped);
    for (const ref of this.scoped) {
      const cache = ref.deref();
      if (cache === undefined) this.scoped.delete(ref);
      else visit(cache);
    }
  }

  private create(key: unknown): Cache {
    const cache = new Cache(this.maxSize, this.ttl, this.budget);
    if (isObjectLike(key)) this.byObject.set(key, cache);
    else (this.byPrimitive ??= new Map()).set(key, cache);
    const ref = new WeakRef(cache);
    this.scoped.add(ref);
    this.forget ??= new FinalizationRegistry((dead) => this.scoped.delete(dead));
    this.forget.register(cache, ref);
    return cache;
  }
}
