/**
 * Memory stays bounded whatever the key distribution, and the bookkeeping
 * that reports collections keeps working. Each test measures against a
 * control that must grow (or must stay), so it can fail.
 */
import { describe, expect, it, vi } from 'vitest';
import { cached, cache, cacheInfo, lruCache, type CachedFunction } from '../../src/index.js';
import { collectUntil, forceGc, heapAfterGc } from '../support/gc.js';

const MB = 2 ** 20;

describe('finalization keeps working when cached functions come and go', () => {
  it('a cached function and a decorated class dropped with collections pending do not stop later reports', async () => {
    // On Node 20, a FinalizationRegistry collected while its cleanups are pending stops every
    // cleanup in the process: the library's registries must outlive any function or class.
    (function dropped() {
      const f = cache((box: { id: number }) => box.id);
      class Temporary {
        @cached
        m(n: number) {
          return n;
        }
      }
      for (let i = 0; i < 20_000; i++) {
        f({ id: i });
        new Temporary().m(i);
        if (i % 5_000 === 0) forceGc(); // collections happen while f and Temporary are still alive
      }
    })();
    forceGc(); // f and Temporary go, their cleanups still pending

    const g = lruCache((box: { id: number }) => box.id, { maxSize: Infinity });
    class Kept {
      @cached
      m(n: number) {
        return n;
      }
    }
    const held = { id: -1 };
    g(held);
    (function later() {
      for (let i = 0; i < 100; i++) {
        g({ id: i });
        new Kept().m(i);
      }
    })();
    const totals = Kept.prototype.m as CachedFunction<Kept['m']>;
    expect(g.cacheInfo().currSize).toBe(101);
    expect(await collectUntil(() => g.cacheInfo().currSize === 1 && totals.cacheInfo().currSize === 0, 30)).toBe(true);
    expect(g(held)).toBe(-1);
  });
});

describe('primitive scope keys and receivers are bounded by maxSize in total', () => {
  it('200,000 distinct user ids: heap stays flat; a per-key cache (the old design) grows; cacheClear frees', async () => {
    class UserService {
      constructor(readonly userId: number) {}
      @cached({ maxSize: 256, scope: (self: UserService) => self.userId })
      profile(field: string) {
        return { field, owner: this.userId, padding: new Array(8).fill(this.userId) };
      }
    }
    // Control: one cache per scope key in a Map, kept forever.
    const perKey = new Map<number, Map<string, unknown>>();
    const perKeyProfile = (userId: number, field: string) => {
      let caches = perKey.get(userId);
      if (caches === undefined) perKey.set(userId, (caches = new Map()));
      if (!caches.has(field)) caches.set(field, { field, owner: userId, padding: new Array(8).fill(userId) });
      return caches.get(field);
    };
    const before = await heapAfterGc();
    for (let id = 0; id < 200_000; id++) new UserService(id).profile('name');
    const bounded = (await heapAfterGc()) - before;
    for (let id = 0; id < 200_000; id++) perKeyProfile(id, 'name');
    const control = (await heapAfterGc()) - before - bounded;
    expect(control).toBeGreaterThan(30 * MB);
    expect(bounded).toBeLessThan(4 * MB);
    expect(cacheInfo(new UserService(1), 'profile')).toEqual({ hits: 0, misses: 200_000, maxSize: 256, currSize: 256, evictions: 199_744 });
    (UserService.prototype.profile as CachedFunction<UserService['profile']>).cacheClear();
    expect(cacheInfo(new UserService(1), 'profile').currSize).toBe(0);
    perKey.clear();
  });
});

describe('a pending promise stored under many keys keeps one reaction, not one per miss', () => {
  it('200,000 misses at maxSize 10 returning one pending promise: heap flat; a reaction per miss (the control) grows', async () => {
    let release!: (value: number) => void;
    const shared = new Promise<number>((resolve) => (release = resolve));
    const f = lruCache((_key: number) => shared, { maxSize: 10 });
    const before = await heapAfterGc();
    for (let i = 0; i < 200_000; i++) void f(i);
    const bounded = (await heapAfterGc()) - before;
    // Control: what one reaction per stored miss costs on a pending promise (kept pending and alive).
    let settle!: (value: number) => void;
    const reactions = new Promise<number>((resolve) => (settle = resolve));
    for (let i = 0; i < 200_000; i++) void reactions.then(() => i);
    const control = (await heapAfterGc()) - before - bounded;
    settle(0);
    expect(control).toBeGreaterThan(20 * MB);
    expect(bounded).toBeLessThan(2 * MB);
    release(7);
    expect(await f(199_999)).toBe(7); // the most recent keys still hold it, and it settles for them
    expect(f.cacheInfo().currSize).toBe(10);
  });
});

describe('expired entries are reclaimed by the cache’s own writes', () => {
  it('an unbounded ttl cache written once per key holds at most about twice its live entries', () => {
    vi.useFakeTimers();
    try {
      const f = lruCache((key: number) => key, { maxSize: Infinity, ttl: 100 });
      const stored = () => {
        // White-box: entries the cache holds, live or not (cacheInfo would sweep before counting).
        const group = (f as unknown as Record<symbol, { unscoped: { table: { size: number } } }>)[
          Symbol.for('lru-memo.group.v1')
        ]!;
        return group.unscoped.table.size;
      };
      let peak = 0;
      for (let key = 0; key < 1_000_000; key++) {
        f(key);
        if (key % 1000 === 999) {
          vi.advanceTimersByTime(1); // 1,000 writes per ms: about 100,000 entries live at a time
          peak = Math.max(peak, stored());
        }
      }
      const live = f.cacheInfo().currSize;
      expect(live).toBeGreaterThan(90_000);
      expect(live).toBeLessThanOrEqual(100_000);
      expect(peak).toBeLessThanOrEqual(2 * 100_000 + 16); // without the amortised sweep it would reach 1,000,000
    } finally {
      vi.useRealTimers();
    }
  });
});
