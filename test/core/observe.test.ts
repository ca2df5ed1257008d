/**
 * Observability: the eviction count in cacheInfo (LRU and budget evictions
 * only), option `name` and `namedCaches()`, and the `lru-memo:miss` /
 * `lru-memo:evict` diagnostics channels.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it, vi } from 'vitest';
import {
  cached,
  cacheInfo,
  createBudget,
  EVICT_CHANNEL,
  lruCache,
  MISS_CHANNEL,
  namedCaches,
  type CacheEvent,
} from '../../src/index.js';
import '../../src/events/index.js';

describe('evictions in cacheInfo', () => {
  it('counts entries dropped to make room, not expired or invalidated ones; cacheClear resets it', () => {
    vi.useFakeTimers();
    try {
      const f = lruCache((n: number) => n, { maxSize: 2, ttl: 100 });
      f(1);
      f(2);
      f(3); // evicts 1
      expect(f.cacheInfo().evictions).toBe(1);
      f.cacheInvalidate(3);
      vi.advanceTimersByTime(100); // 2 expires
      f(4);
      f(5);
      expect(f.cacheInfo()).toEqual({ hits: 0, misses: 5, maxSize: 2, currSize: 2, evictions: 1 });
      f(6); // evicts 4
      expect(f.cacheInfo().evictions).toBe(2);
      f.cacheClear();
      expect(f.cacheInfo().evictions).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("budget.clear() resets the evictions of the caches it clears, in their totals too", () => {
    const budget = createBudget({ maxSize: 1 });
    const h = lruCache((n: number) => n, { budget });
    h(1);
    h(2);
    expect(h.cacheInfo().evictions).toBe(1);
    budget.clear();
    expect(h.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0, evictions: 0 });
    expect(budget.info().evictions).toBe(0);
  });

  it('an unbounded cache never evicts', () => {
    const f = lruCache((n: number) => n, { maxSize: Infinity });
    for (let i = 0; i < 1000; i++) f(i);
    expect(f.cacheInfo().evictions).toBe(0);
  });

  it('a budget eviction counts in the cache that lost the entry, and in budget.info()', () => {
    const budget = createBudget({ maxSize: 2 });
    const f = lruCache((n: number) => n, { budget, maxSize: Infinity });
    const g = lruCache((n: number) => -n, { budget, maxSize: Infinity });
    f(1);
    g(1);
    g(2); // the budget is full: f(1), the least recent, goes
    expect([f.cacheInfo().evictions, g.cacheInfo().evictions]).toEqual([1, 0]);
    expect(budget.info().evictions).toBe(1);
  });

  it('members: per instance, and in the totals; a record that grows keeps its count', () => {
    class Rates {
      @cached({ maxSize: 1 })
      last(currency: string) {
        return currency.length;
      }
      @cached({ maxSize: 2 })
      pair(a: string, b: string) {
        return a + b;
      }
    }
    const [x, y] = [new Rates(), new Rates()];
    x.last('EUR');
    x.last('USD'); // evicts EUR (a single-entry record replacing its entry)
    x.last('EUR'); // evicts USD
    y.last('EUR');
    expect(cacheInfo(x, 'last').evictions).toBe(2);
    expect(cacheInfo(y, 'last').evictions).toBe(0);
    expect(cacheInfo(Rates.prototype.last).evictions).toBe(2);
    for (const b of ['a', 'b', 'c', 'd']) x.pair('x', b);
    expect(cacheInfo(x, 'pair').evictions).toBe(2);
    expect(cacheInfo(Rates.prototype.pair).evictions).toBe(2);
  });
});

describe('option name and namedCaches()', () => {
  it('lists named caches with their statistics now, and not unnamed ones', () => {
    const users = lruCache((id: number) => ({ id }), { name: 'test-users', maxSize: 10 });
    const anonymous = lruCache((id: number) => id);
    users(1);
    users(1);
    anonymous(1);
    const listed = namedCaches().filter((c) => c.name === 'test-users');
    expect(listed).toHaveLength(1);
    expect(listed[0]!.fn).toBe(users);
    expect(listed[0]!.info).toEqual({ hits: 1, misses: 1, maxSize: 10, currSize: 1, evictions: 0 });
    expect(namedCaches().some((c) => c.fn === anonymous)).toBe(false);
  });

  it('a named member is listed once, with totals over its instances', () => {
    class Geo {
      @cached({ name: 'test-geo-distance' })
      distance(a: string, b: string) {
        return a.length + b.length;
      }
    }
    new Geo().distance('a', 'b');
    new Geo().distance('a', 'b');
    const [geo] = namedCaches().filter((c) => c.name === 'test-geo-distance');
    expect(geo!.info).toMatchObject({ hits: 0, misses: 2 });
    expect(geo!.fn).toBe(Geo.prototype.distance);
  });

  it('name must be a non-empty string', () => {
    expect(() => lruCache(Math.abs, { name: '' })).toThrow(
      "lruCache: option 'name' must be a non-empty string, received \"\" (a string)",
    );
    expect(() => lruCache(Math.abs, { name: 7 as never })).toThrow(TypeError);
  });
});

describe('diagnostics channels', () => {
  it('publishes misses and evictions with the cache name and function; nothing once unsubscribed', () => {
    const misses: CacheEvent[] = [];
    const evictions: CacheEvent[] = [];
    const onMiss = (message: unknown) => void misses.push(message as CacheEvent);
    const onEvict = (message: unknown) => void evictions.push(message as CacheEvent);
    subscribe(MISS_CHANNEL, onMiss);
    subscribe(EVICT_CHANNEL, onEvict);
    const f = lruCache((n: number) => n, { maxSize: 1, name: 'test-channel' });
    try {
      f(1);
      f(1); // a hit: no event
      f(2); // a miss that evicts 1
      expect(misses.filter((e) => e.fn === f).map((e) => e.name)).toEqual(['test-channel', 'test-channel']);
      expect(evictions.filter((e) => e.fn === f)).toEqual([{ name: 'test-channel', fn: f }]);
    } finally {
      unsubscribe(MISS_CHANNEL, onMiss);
      unsubscribe(EVICT_CHANNEL, onEvict);
    }
    f(3);
    expect(misses.filter((e) => e.fn === f)).toHaveLength(2);
    expect(evictions.filter((e) => e.fn === f)).toHaveLength(1);
    expect(f.cacheInfo().evictions).toBe(2); // still counted
  });

  it('a cache that missed while nobody subscribed publishes once somebody does (the quiet miss checks at every call)', () => {
    const f = lruCache((n: number) => n, { maxSize: 2 });
    for (let i = 0; i < 10; i++) f(i); // misses and evictions with nobody listening
    const misses: CacheEvent[] = [];
    const evictions: CacheEvent[] = [];
    const onMiss = (message: unknown) => void misses.push(message as CacheEvent);
    const onEvict = (message: unknown) => void evictions.push(message as CacheEvent);
    subscribe(MISS_CHANNEL, onMiss);
    subscribe(EVICT_CHANNEL, onEvict);
    try {
      f(100);
      f(101);
    } finally {
      unsubscribe(MISS_CHANNEL, onMiss);
      unsubscribe(EVICT_CHANNEL, onEvict);
    }
    expect(misses.filter((e) => e.fn === f)).toHaveLength(2);
    expect(evictions.filter((e) => e.fn === f)).toHaveLength(2);
  });

  it('members publish too, including the first call on a new instance', () => {
    const misses: CacheEvent[] = [];
    const onMiss = (message: unknown) => void misses.push(message as CacheEvent);
    subscribe(MISS_CHANNEL, onMiss);
    try {
      class Lazy {
        @cached({ name: 'test-lazy' })
        get value() {
          return 1;
        }
      }
      void new Lazy().value;
      void new Lazy().value;
      expect(misses.filter((e) => e.name === 'test-lazy')).toHaveLength(2);
    } finally {
      unsubscribe(MISS_CHANNEL, onMiss);
    }
  });
});
