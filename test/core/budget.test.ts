import { describe, expect, it, vi } from 'vitest';
import { cached, cacheContains, cacheInfo, createBudget, lruCache } from '../../src/index.js';

describe('createBudget: one bound over many caches', () => {
  it('evicts the globally least recently used entry across functions', () => {
    const budget = createBudget({ maxSize: 3 });
    const f = lruCache((x: number) => `f${x}`, { budget });
    const g = lruCache((x: number) => `g${x}`, { budget });
    f(1);
    g(1);
    f(2);
    f(1); // f(1) is now the most recent; g(1) the least
    g(2); // the budget is full: g(1) goes
    expect([f.cacheContains(1), g.cacheContains(1), f.cacheContains(2), g.cacheContains(2)]).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect(budget.info()).toEqual({ hits: 1, misses: 4, maxSize: 3, currSize: 3, evictions: 1 });
    expect(f.cacheInfo().currSize + g.cacheInfo().currSize).toBe(3);
  });

  it('bounds all per-instance caches of a member together, in global LRU order', () => {
    const budget = createBudget({ maxSize: 4 });
    class Pricing {
      constructor(readonly region: string) {}
      @cached({ budget, maxSize: Infinity })
      quote(sku: string) {
        return `${this.region}:${sku}`;
      }
    }
    const eu = new Pricing('eu');
    const us = new Pricing('us');
    eu.quote('a');
    us.quote('a');
    eu.quote('b');
    us.quote('b');
    eu.quote('a'); // refresh: us:a is now the least recent
    us.quote('c'); // evicts us:a
    expect(cacheContains(us, 'quote', 'a')).toBe(false);
    expect(cacheContains(eu, 'quote', 'a')).toBe(true);
    eu.quote('c'); // evicts eu:b
    expect(cacheContains(eu, 'quote', 'b')).toBe(false);
    expect(cacheInfo(eu, 'quote').currSize + cacheInfo(us, 'quote').currSize).toBe(4);
    expect(budget.info().currSize).toBe(4);
  });

  it("each cache's own maxSize still applies, and frees budget room when it evicts", () => {
    const budget = createBudget({ maxSize: 100 });
    const f = lruCache((x: number) => x, { budget, maxSize: 2 });
    for (let i = 0; i < 10; i++) f(i);
    expect(f.cacheInfo().currSize).toBe(2);
    expect(budget.info().currSize).toBe(2);
  });

  it('invalidation, rejection and clear give budget room back', async () => {
    const budget = createBudget({ maxSize: 10 });
    const f = lruCache((x: number) => x, { budget });
    const h = lruCache(async (x: number) => {
      throw new Error(`no ${x}`);
    }, { budget });
    f(1);
    f(2);
    f.cacheInvalidate(1);
    await h(1).catch(() => undefined);
    expect(budget.info().currSize).toBe(1);
    f.cacheClear();
    expect(budget.info().currSize).toBe(0);
  });

  it('budget.clear() clears every attached cache; info() sums their counters', () => {
    const budget = createBudget({ maxSize: 10 });
    const f = lruCache((x: number) => x, { budget });
    class C {
      @cached({ budget })
      m(x: number) {
        return x;
      }
    }
    const c = new C();
    f(1);
    f(1);
    c.m(1);
    expect(budget.info()).toEqual({ hits: 1, misses: 2, maxSize: 10, currSize: 2, evictions: 0 });
    budget.clear();
    expect(budget.info()).toEqual({ hits: 0, misses: 0, maxSize: 10, currSize: 0, evictions: 0 });
    expect(f.cacheContains(1)).toBe(false);
    expect(cacheContains(c, 'm', 1)).toBe(false);
  });

  it('expired entries are not counted', () => {
    vi.useFakeTimers();
    try {
      const budget = createBudget({ maxSize: 10 });
      const f = lruCache((x: number) => x, { budget, ttl: 50 });
      f(1);
      f(2);
      vi.advanceTimersByTime(50);
      f(3);
      expect(budget.info().currSize).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('object-keyed entries take part like any other', () => {
    const budget = createBudget({ maxSize: 2 });
    const f = lruCache((o: object) => Object.keys(o).length, { budget });
    const [a, b, c] = [{}, { x: 1 }, { y: 2, z: 3 }];
    f(a);
    f(b);
    f(c);
    expect([f.cacheContains(a), f.cacheContains(b), f.cacheContains(c)]).toEqual([false, true, true]);
  });
});

describe('regressions found by the model tests', () => {
  it('a budgeted cache counts in budget.info() from creation, even if it never stores', async () => {
    // Shrunk counterexample: maxSize 0 with a budget, one call, then budget.info().
    const budget = createBudget({ maxSize: 2 });
    const never = lruCache((x: number) => x, { budget, maxSize: 0 });
    const failing = lruCache(async (x: number) => {
      throw new Error(`no ${x}`);
    }, { budget });
    never(1);
    await failing(1).catch(() => undefined);
    expect(budget.info()).toEqual({ hits: 0, misses: 2, maxSize: 2, currSize: 0, evictions: 0 });
  });
});

describe('budget misuse', () => {
  it.each([
    [{ maxSize: 0 }, RangeError, /createBudget: option 'maxSize' must be a positive integer, received 0/],
    [{ maxSize: -5 }, RangeError, /received -5/],
    [{ maxSize: 1.5 }, RangeError, /received 1\.5/],
    [{ maxSize: Infinity }, RangeError, /received Infinity/],
    [{ maxSize: '10' }, TypeError, /received "10" \(a string\)/],
    [{}, TypeError, /option 'maxSize' must be a positive integer, received undefined/],
    [{ maxSize: 5, max: 3 }, TypeError, /createBudget: unknown option 'max'/],
    [null, TypeError, /createBudget: options must be a plain object, received null/],
  ])('createBudget(%o) is refused', (options, errorClass, message) => {
    expect(() => createBudget(options as never)).toThrow(errorClass);
    expect(() => createBudget(options as never)).toThrow(message);
  });

  it('a budget option that was not made by createBudget is a TypeError naming the option', () => {
    const lookalike = { maxSize: 3, info: () => ({}), clear: () => undefined };
    expect(() => lruCache(Math.abs, { budget: lookalike as never })).toThrow(
      /lruCache: option 'budget' must be a budget made by createBudget\(\), received an object/,
    );
    expect(() => cached({ budget: 5 as never })).toThrow(/@cached: option 'budget' must be a budget/);
  });
});
