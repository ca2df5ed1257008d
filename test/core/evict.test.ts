/**
 * Option onEvict: told of every entry that leaves, with its key list, value
 * and reason, once the operation that removed it is over.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cached, cacheClear, cacheInvalidate, createBudget, lruCache } from '../../src/index.js';
import '../../src/events/index.js';

type Call = [unknown[], unknown, string];

function recorder() {
  const calls: Call[] = [];
  return { calls, onEvict: (key: unknown[], value: unknown, reason: string) => void calls.push([key, value, reason]) };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('onEvict', () => {
  it("'evict': the least recently used entry made room, with its arguments and value", () => {
    const { calls, onEvict } = recorder();
    const f = lruCache((a: number, b: string) => `${a}${b}`, { maxSize: 2, onEvict });
    f(1, 'x');
    f(2, 'y');
    f(1, 'x'); // 1,x is now the most recent
    f(3, 'z');
    expect(calls).toEqual([[[2, 'y'], '2y', 'evict']]);
  });

  it("'expire': found past its ttl by a call, or swept by writes; 'invalidate' and 'clear' from the control methods", () => {
    vi.useFakeTimers();
    const { calls, onEvict } = recorder();
    const f = lruCache((n: number) => n * 10, { ttl: 100, onEvict });
    f(1);
    f(2);
    vi.advanceTimersByTime(100);
    f(1); // found expired: removed, computed again
    expect(calls).toEqual([[[1], 10, 'expire']]);
    f.cacheInvalidate(1);
    expect(calls.at(-1)).toEqual([[1], 10, 'invalidate']);
    f(3);
    f.cacheClear();
    expect(calls.slice(2)).toEqual([
      [[2], 20, 'clear'], // expired but never swept: it leaves with the clear
      [[3], 30, 'clear'],
    ]);
  });

  it('is called at once, not deferred: a long synchronous loop gets every call before it ends', () => {
    let evicted = 0;
    const f = lruCache((n: number) => n, { maxSize: 10, onEvict: () => void evicted++ });
    for (let i = 0; i < 10_000; i++) f(i);
    expect(evicted).toBe(9_990);
    expect(f.cacheInfo().evictions).toBe(9_990);
  });

  it('may call the cache itself: the callback runs after the bookkeeping, and what it removes is told too', () => {
    const reasons: string[] = [];
    const f: (n: number) => number = lruCache((n: number) => n, {
      maxSize: 2,
      onEvict: (key, _value, reason) => {
        reasons.push(`${String(key[0])}:${reason}`);
        if (key[0] === 1) f(100); // evicts again, from inside the callback
      },
    });
    f(1);
    f(2);
    f(3); // evicts 1; the callback's f(100) evicts 2
    expect(reasons).toEqual(['1:evict', '2:evict']);
    expect([3, 100].map((n) => (f as unknown as { cacheContains(n: number): boolean }).cacheContains(n))).toEqual([true, true]);
  });

  it('an error thrown by the callback is reported on its own; the cache keeps working', () => {
    const reported: unknown[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
      try {
        task();
      } catch (error) {
        reported.push(error);
      }
    });
    const f = lruCache((n: number) => n, {
      maxSize: 1,
      onEvict: () => {
        throw new Error('dispose failed');
      },
    });
    f(1);
    expect(f(2)).toBe(2);
    expect(reported).toEqual([new Error('dispose failed')]);
    expect(f(2)).toBe(2);
    expect(f.cacheInfo()).toMatchObject({ hits: 1, misses: 2, currSize: 1, evictions: 1 });
  });

  it('a budget eviction tells the cache that lost the entry', () => {
    const budget = createBudget({ maxSize: 1 });
    const a = recorder();
    const b = recorder();
    const f = lruCache((n: number) => n, { budget, maxSize: Infinity, onEvict: a.onEvict });
    const g = lruCache((n: number) => -n, { budget, maxSize: Infinity, onEvict: b.onEvict });
    f(1);
    g(1);
    expect(a.calls).toEqual([[[1], 1, 'evict']]);
    expect(b.calls).toEqual([]);
  });

  it('option key: the key list is [the key]; an object argument is given as it was', () => {
    const byId = recorder();
    const f = lruCache((user: { id: number }) => user.id, { maxSize: 1, key: (user) => user.id, onEvict: byId.onEvict });
    f({ id: 1 });
    f({ id: 2 });
    expect(byId.calls).toEqual([[[1], 1, 'evict']]);
    const byObject = recorder();
    const g = lruCache((user: { id: number }, field: string) => `${user.id}.${field}`, { maxSize: 1, onEvict: byObject.onEvict });
    const ada = { id: 7 };
    g(ada, 'name');
    g(ada, 'age');
    expect(byObject.calls).toEqual([[[ada, 'name'], '7.name', 'evict']]);
  });

  it('a promise is given as stored; a rejected one leaves without a call (it was never a cached value)', async () => {
    const { calls, onEvict } = recorder();
    const f = lruCache(async (n: number) => {
      if (n < 0) throw new Error('negative');
      return n;
    }, { maxSize: 1, onEvict });
    const one = f(1);
    await one;
    await expect(f(-1)).rejects.toThrow('negative'); // evicts 1 when stored; then removed on rejection
    expect(calls).toEqual([[[1], one, 'evict']]);
  });

  it('members: per instance (a record and a grown cache), scope keys left out, getters with no key', () => {
    const { calls, onEvict } = recorder();
    class Rates {
      constructor(readonly region: string) {}
      @cached({ maxSize: 1, onEvict })
      last(currency: string) {
        return `${this.region}:${currency}`;
      }
      @cached({ maxSize: 2, onEvict, scope: (self: Rates) => self.region })
      pair(a: string, b: string) {
        return `${a}/${b}`;
      }
      @cached({ onEvict })
      get label() {
        return `rates ${this.region}`;
      }
    }
    const eu = new Rates('eu');
    eu.last('EUR');
    eu.last('USD'); // a single-entry record replacing its entry
    expect(calls).toEqual([[['EUR'], 'eu:EUR', 'evict']]);
    calls.length = 0;
    for (const b of ['A', 'B', 'C']) eu.pair('X', b); // the keyed cache (scope key 'eu'): the key is the arguments
    expect(calls).toEqual([[['X', 'A'], 'X/A', 'evict']]);
    calls.length = 0;
    void eu.label;
    cacheClear(eu, 'label');
    expect(calls).toEqual([[[], 'rates eu', 'clear']]);
    calls.length = 0;
    cacheInvalidate(eu, 'last', 'USD');
    expect(calls).toEqual([[['USD'], 'eu:USD', 'invalidate']]);
  });

  it("cacheClear() of a member's function releases per-instance caches without calls (they go with their instances)", () => {
    const { calls, onEvict } = recorder();
    class Box {
      @cached({ onEvict })
      get(n: number) {
        return n;
      }
    }
    const box = new Box();
    box.get(1);
    cacheClear(Box.prototype.get);
    expect(calls).toEqual([]);
    expect(box.get(1)).toBe(1);
    cacheClear(box); // one instance's: told
    expect(calls).toEqual([[[1], 1, 'clear']]);
  });

  it("a receiver's single-entry record replacing an expired entry: 'expire', not an eviction", () => {
    vi.useFakeTimers();
    const { calls, onEvict } = recorder();
    const m = lruCache(
      function (this: object, n: number) {
        return n;
      },
      { maxSize: 1, ttl: 20, onEvict },
    );
    const receiver = {};
    m.call(receiver, 1);
    vi.advanceTimersByTime(40);
    m.call(receiver, 2);
    expect(calls).toEqual([[[1], 1, 'expire']]);
    expect(m.cacheInfo().evictions).toBe(0);
  });

  it("an invalidation a receiver's cache catches up with during a call that hits is told before the call returns", () => {
    const { calls, onEvict } = recorder();
    const m = lruCache(
      function (this: object, n: number) {
        return n * 10;
      },
      { onEvict },
    );
    const receiver = {};
    m.call(receiver, 1);
    m.call(receiver, 2); // the record grows into a full cache
    m.cacheInvalidate(1); // dropped lazily, when the receiver's cache is next used
    expect(m.call(receiver, 2)).toBe(20); // a hit, after catching up
    expect(calls).toEqual([[[1], 10, 'invalidate']]);
  });

  it('a budget eviction caused by a function without onEvict tells the victim before that call returns', () => {
    const budget = createBudget({ maxSize: 2 });
    const { calls, onEvict } = recorder();
    const b = lruCache((n: number) => `b${n}`, { budget, onEvict });
    const a = lruCache((n: number) => `a${n}`, { budget });
    b(1);
    b(2);
    a(1);
    expect(calls).toEqual([[[1], 'b1', 'evict']]);
  });

  it('must be a function', () => {
    expect(() => lruCache(Math.abs, { onEvict: 'close' as never })).toThrow(
      "lruCache: option 'onEvict' must be a function, received \"close\" (a string)",
    );
  });
});
