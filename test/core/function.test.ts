import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { cache, cacheClear, cacheInfo, lruCache, type CachedFunction, type CacheInfo } from '../../src/index.js';

/** A function that records how often its body ran. */
function counted<A extends unknown[], R>(body: (...args: A) => R) {
  const calls = { count: 0 };
  const fn = (...args: A): R => {
    calls.count++;
    return body(...args);
  };
  return { fn, calls };
}

describe('CPython lru_cache sequences', () => {
  it('maxSize 2 over 7,9,7,9,7,9,8,8,8,9,9,9,8,8,8,7: hits 12, misses 4, currSize 2, 4 runs', () => {
    const { fn, calls } = counted((x: number) => x * 10);
    const f = lruCache(fn, { maxSize: 2 });
    for (const x of [7, 9, 7, 9, 7, 9, 8, 8, 8, 9, 9, 9, 8, 8, 8, 7]) expect(f(x)).toBe(x * 10);
    expect(f.cacheInfo()).toEqual({ hits: 12, misses: 4, maxSize: 2, currSize: 2 });
    expect(calls.count).toBe(4);
  });

  it('fib 0..15 through an unbounded cache: hits 28, misses 16', () => {
    const fib: CachedFunction<(n: number) => number> = cache((n: number): number =>
      n < 2 ? n : fib(n - 1) + fib(n - 2),
    );
    expect(Array.from({ length: 16 }, (_, n) => fib(n))).toEqual([
      0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610,
    ]);
    expect(fib.cacheInfo()).toEqual({ hits: 28, misses: 16, maxSize: Infinity, currSize: 16 });
  });

  it('recursive fib(20) with maxSize 2 stays correct under heavy eviction: hits 344, misses 1657', () => {
    const fib: CachedFunction<(n: number) => number> = lruCache(
      (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2)),
      { maxSize: 2 },
    );
    expect(fib(20)).toBe(6765);
    expect(fib.cacheInfo()).toEqual({ hits: 344, misses: 1657, maxSize: 2, currSize: 2 });
  });
});

describe('default key: the argument list, each argument by SameValueZero', () => {
  it('1, "1", 1n and true are four different entries', () => {
    const { fn, calls } = counted((x: unknown) => typeof x);
    const f = lruCache(fn);
    expect([f(1), f('1'), f(1n), f(true)]).toEqual(['number', 'string', 'bigint', 'boolean']);
    expect([f(1), f('1'), f(1n), f(true)]).toEqual(['number', 'string', 'bigint', 'boolean']);
    expect(calls.count).toBe(4);
    expect(f.cacheInfo()).toMatchObject({ hits: 4, misses: 4, currSize: 4 });
  });

  it('NaN hits NaN, -0 hits 0', () => {
    const { fn, calls } = counted((x: number) => Object.is(x, -0) ? 'minus zero' : String(x));
    const f = lruCache(fn);
    f(NaN);
    f(NaN);
    expect(f(0)).toBe('0');
    expect(f(-0)).toBe('0'); // SameValueZero: the cached result for 0
    expect(calls.count).toBe(2);
  });

  it('f(1) and f(1, undefined) are different entries; so are f() and f(undefined)', () => {
    const { fn, calls } = counted((...args: unknown[]) => args.length);
    const f = lruCache(fn);
    expect([f(1), f(1, undefined), f(), f(undefined)]).toEqual([1, 2, 0, 1]);
    expect([f(1), f(1, undefined), f(), f(undefined)]).toEqual([1, 2, 0, 1]);
    expect(calls.count).toBe(4);
  });

  it('f(1, 2), f([1, 2]) and f("1,2") never collide', () => {
    const { fn, calls } = counted((...args: unknown[]) => JSON.stringify(args));
    const f = lruCache(fn);
    const pair = [1, 2];
    expect([f(1, 2), f(pair), f('1,2')]).toEqual(['[1,2]', '[[1,2]]', '["1,2"]']);
    expect([f(1, 2), f(pair), f('1,2')]).toEqual(['[1,2]', '[[1,2]]', '["1,2"]']);
    expect(calls.count).toBe(3);
  });

  it('objects and functions are compared by identity', () => {
    const { fn, calls } = counted((o: object) => Object.keys(o).length);
    const f = lruCache(fn);
    const a = { x: 1 };
    f(a);
    f(a);
    f({ x: 1 });
    const g = () => 0;
    f(g);
    f(g);
    expect(calls.count).toBe(3);
    expect(f.cacheInfo()).toMatchObject({ hits: 2, misses: 3, currSize: 3 });
  });

  it('mixes primitives and objects at any position, with 1 to 5 arguments', () => {
    const { fn, calls } = counted((...args: unknown[]) => args.length);
    const f = lruCache(fn, { maxSize: Infinity });
    const o = {};
    const lists: unknown[][] = [[o], [1, o], [o, 1], [o, o, 'x'], [1, 2, 3], [1, o, 3, o], [o, 2, o, 4, 'five']];
    for (const args of lists) f(...args);
    for (const args of lists) expect(f(...args)).toBe(args.length);
    expect(calls.count).toBe(lists.length);
    expect(f.cacheInfo()).toMatchObject({ hits: lists.length, currSize: lists.length });
  });

  it('symbols, null and undefined are keys like any primitive', () => {
    const { fn, calls } = counted((x: unknown) => String(x));
    const f = lruCache(fn);
    const s = Symbol('s');
    for (let i = 0; i < 2; i++) [s, null, undefined, Symbol.for('s')].forEach((x) => f(x));
    expect(calls.count).toBe(4);
  });
});

describe('results', () => {
  it('caches undefined and null results', () => {
    const { fn, calls } = counted((x: number) => (x === 0 ? undefined : null));
    const f = lruCache(fn);
    expect([f(0), f(0), f(1), f(1)]).toEqual([undefined, undefined, null, null]);
    expect(calls.count).toBe(2);
  });

  it('returns the same object on a hit', () => {
    const f = lruCache((n: number) => ({ n }));
    expect(f(1)).toBe(f(1));
  });

  it('rethrows the same error object, does not cache it, counts a miss', () => {
    const boom = new Error('boom');
    let fail = true;
    const f = lruCache((x: number) => {
      if (fail) throw boom;
      return x;
    });
    let caught: unknown;
    try {
      f(1);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(boom);
    expect(f.cacheInfo()).toMatchObject({ hits: 0, misses: 1, currSize: 0 });
    fail = false;
    expect(f(1)).toBe(1);
    expect(f.cacheInfo()).toMatchObject({ hits: 0, misses: 2, currSize: 1 });
  });

  it('rethrows non-Error values unchanged', () => {
    const f = lruCache((kind: string) => {
      throw kind === 'string' ? 'plain string' : { code: 42 };
    });
    expect(() => f('string')).toThrow('plain string');
    try {
      f('object');
    } catch (error) {
      expect(error).toEqual({ code: 42 });
    }
    expect(f.cacheInfo()).toMatchObject({ misses: 2, currSize: 0 });
  });
});

describe('LRU order', () => {
  it('a hit refreshes recency; eviction drops the least recently used', () => {
    const { fn, calls } = counted((x: string) => x.toUpperCase());
    const f = lruCache(fn, { maxSize: 3 });
    f('a');
    f('b');
    f('c');
    f('a'); // a is now most recent; b is least recent
    f('d'); // evicts b
    expect(calls.count).toBe(4);
    f('a');
    f('c');
    f('d');
    expect(calls.count).toBe(4); // all three still cached
    f('b'); // was evicted: runs again, evicting a (least recent)
    expect(calls.count).toBe(5);
    f('c');
    f('d');
    expect(calls.count).toBe(5);
    f('a');
    expect(calls.count).toBe(6);
    expect(f.cacheInfo().currSize).toBe(3);
  });

  it('never holds more than maxSize, with object and primitive keys mixed', () => {
    const f = lruCache((...args: unknown[]) => args.length, { maxSize: 5 });
    const objects = Array.from({ length: 20 }, () => ({}));
    for (let i = 0; i < 200; i++) {
      f(i % 7, objects[i % 20]);
      f(objects[(i * 3) % 20]);
      expect(f.cacheInfo().currSize).toBeLessThanOrEqual(5);
    }
    expect(f.cacheInfo().currSize).toBe(5);
  });

  it('maxSize 1 keeps only the last entry', () => {
    const { fn, calls } = counted((x: number) => x);
    const f = lruCache(fn, { maxSize: 1 });
    f(1);
    f(1);
    f(2);
    f(1);
    expect(calls.count).toBe(3);
    expect(f.cacheInfo()).toEqual({ hits: 1, misses: 3, maxSize: 1, currSize: 1 });
  });

  it('maxSize 0 never stores: every call is a miss', () => {
    const { fn, calls } = counted((x: number) => x);
    const f = lruCache(fn, { maxSize: 0 });
    f(1);
    f(1);
    f(1);
    expect(calls.count).toBe(3);
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 3, maxSize: 0, currSize: 0 });
  });
});

describe('the wrapper', () => {
  it('preserves name and length, and is callable exactly like fn', () => {
    function area(width: number, height: number): number {
      return width * height;
    }
    const f = lruCache(area);
    expect(f.name).toBe('area');
    expect(f.length).toBe(2);
    expect(f(3, 4)).toBe(12);
    expect(f.wrapped).toBe(area);
  });

  it('wrapped bypasses the cache and its counters', () => {
    const { fn, calls } = counted((x: number) => x + 1);
    const f = lruCache(fn);
    f(1);
    expect(f.wrapped(1)).toBe(2);
    expect(calls.count).toBe(2);
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 1, maxSize: 128, currSize: 1 });
  });

  it('cacheClear drops entries and resets counters', () => {
    const { fn, calls } = counted((x: number) => x);
    const f = lruCache(fn);
    f(1);
    f(1);
    f.cacheClear();
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0 });
    f(1);
    expect(calls.count).toBe(2);
  });

  it('cacheParameters reports maxSize and ttl', () => {
    expect(lruCache(Math.abs).cacheParameters()).toEqual({ maxSize: 128, ttl: undefined });
    expect(lruCache(Math.abs, { maxSize: 7, ttl: 250 }).cacheParameters()).toEqual({ maxSize: 7, ttl: 250 });
    expect(cache(Math.abs).cacheParameters()).toEqual({ maxSize: Infinity, ttl: undefined });
  });

  it('cacheInfo returns a frozen snapshot that later calls do not change', () => {
    const f = lruCache((x: number) => x);
    const before = f.cacheInfo();
    f(1);
    expect(before).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0 });
    expect(Object.isFrozen(before)).toBe(true);
  });

  it('passes this through to fn', () => {
    const f = lruCache(function (this: { base: number }, x: number) {
      return this.base + x;
    });
    expect(f.call({ base: 10 }, 1)).toBe(11);
    expect(f.call({ base: 20 }, 1)).toBe(21); // another receiver: its own cache
  });

  it('arguments beyond the declared count take the general path correctly', () => {
    const { fn, calls } = counted((a: number, b?: number) => a + (b ?? 0));
    const f = lruCache(fn as (a: number, b?: number) => number);
    expect([f(1), f(1, 2), f(1), f(1, 2)]).toEqual([1, 3, 1, 3]);
    expect(calls.count).toBe(2);
  });
});

describe('custom key', () => {
  it('runs exactly once per call, never during eviction, info or clear', () => {
    const key = vi.fn((user: { id: number }) => user.id);
    const f = lruCache((user: { id: number }) => `user ${user.id}`, { key, maxSize: 2 });
    expect(f({ id: 1 })).toBe('user 1');
    expect(f({ id: 1 })).toBe('user 1'); // a different object, same key: a hit
    f({ id: 2 });
    f({ id: 3 }); // evicts id 1
    expect(key).toHaveBeenCalledTimes(4);
    f.cacheInfo();
    f.cacheClear();
    expect(key).toHaveBeenCalledTimes(4);
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 2, currSize: 0 });
  });

  it('a throwing key function propagates, and counters and entries are unchanged', () => {
    const oops = new Error('bad key');
    const f = lruCache((x: number) => x, {
      key: (x: number) => {
        if (x < 0) throw oops;
        return x;
      },
    });
    f(1);
    f(1);
    const before = f.cacheInfo();
    expect(() => f(-1)).toThrow(oops);
    expect(f.cacheInfo()).toEqual(before);
    expect(f(1)).toBe(1);
    expect(f.cacheInfo().hits).toBe(before.hits + 1);
  });

  it('key results compare by SameValueZero like arguments', () => {
    const { fn, calls } = counted((a: number, b: number) => a + b);
    const f = lruCache(fn, { key: (a, b) => `${a}:${b}` });
    f(1, 2);
    f(1, 2);
    f(12, 0);
    expect(calls.count).toBe(2);
  });
});

describe('re-entrancy and clearing while running', () => {
  it('a call that re-enters its own key never duplicates an entry or exceeds maxSize', () => {
    let depth = 0;
    const f: CachedFunction<(x: number) => number> = lruCache(
      (x: number): number => {
        depth++;
        const inner = depth < 3 ? f(x) : x; // re-enter the same key twice
        return inner + 1;
      },
      { maxSize: 1 },
    );
    expect(f(5)).toBe(8);
    // The innermost call stored first; the outer results are returned but not stored over it.
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 3, maxSize: 1, currSize: 1 });
    expect(f(5)).toBe(6);
  });

  it('a call that was running when cacheClear() ran does not store its result', () => {
    let clearDuring = true;
    const f: CachedFunction<(x: number) => number> = lruCache((x: number) => {
      if (clearDuring) f.cacheClear();
      return x * 2;
    });
    expect(f(4)).toBe(8);
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0 });
    clearDuring = false;
    f(4);
    expect(f.cacheInfo().currSize).toBe(1);
  });

  it('stays correct when recursion evicts the entries above it', () => {
    const calls: number[] = [];
    const paths: CachedFunction<(n: number) => number> = lruCache(
      (n: number): number => {
        calls.push(n);
        return n <= 1 ? 1 : paths(n - 1) + paths(n - 2) + paths(n - 3 < 0 ? 0 : n - 3);
      },
      { maxSize: 3 },
    );
    const expected = [1, 1, 3, 5, 9, 17, 31, 57, 105, 193];
    expect(Array.from({ length: 10 }, (_, n) => paths(n))).toEqual(expected);
    expect(paths.cacheInfo().currSize).toBeLessThanOrEqual(3);
  });
});

describe('receivers', () => {
  class Counter {
    runs = 0;
    constructor(readonly step: number) {}
    next(n: number): number {
      this.runs++;
      return n + this.step;
    }
  }

  afterEach(() => {
    // Counter.prototype.next is replaced per test below; nothing shared leaks.
  });

  it('C.prototype.m = lruCache(C.prototype.m) keeps one cache per receiver and never mixes results', () => {
    class C extends Counter {}
    C.prototype.next = lruCache(Counter.prototype.next);
    const a = new C(1);
    const b = new C(100);
    expect(a.next(1)).toBe(2);
    expect(b.next(1)).toBe(101); // B never gets A's result
    expect(a.next(1)).toBe(2);
    expect(b.next(1)).toBe(101);
    expect([a.runs, b.runs]).toEqual([1, 1]);
    const info = (C.prototype.next as CachedFunction<Counter['next']>).cacheInfo();
    expect(info).toEqual({ hits: 2, misses: 2, maxSize: 128, currSize: 2 });
  });

  it('maxSize applies per receiver', () => {
    class C extends Counter {}
    const next = lruCache(Counter.prototype.next, { maxSize: 2 });
    C.prototype.next = next;
    const a = new C(1);
    const b = new C(2);
    for (const n of [1, 2, 3]) {
      a.next(n);
      b.next(n);
    }
    expect(next.cacheInfo().currSize).toBe(4); // 2 each
  });

  it('cacheClear clears every receiver', () => {
    class C extends Counter {}
    const next = lruCache(Counter.prototype.next);
    C.prototype.next = next;
    const a = new C(1);
    const b = new C(2);
    a.next(1);
    b.next(1);
    next.cacheClear();
    expect(next.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0 });
    a.next(1);
    b.next(1);
    expect([a.runs, b.runs]).toEqual([2, 2]);
  });

  it('calls without a receiver share one cache', () => {
    const { fn, calls } = counted((x: number) => x);
    const f = lruCache(fn);
    const holder = { f };
    f(1);
    f(1);
    holder.f(1); // a receiver: its own cache
    expect(calls.count).toBe(2);
  });
});

describe('cacheInfo(fn) and cacheClear(fn)', () => {
  it('work on any cached function', () => {
    const f = lruCache((x: number) => x);
    f(1);
    f(1);
    expect(cacheInfo(f)).toEqual({ hits: 1, misses: 1, maxSize: 128, currSize: 1 });
    cacheClear(f);
    expect(cacheInfo(f)).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0 });
  });

  it('refuse things that are not cached functions, naming what they received', () => {
    expect(() => cacheInfo(Math.abs)).toThrow(TypeError);
    expect(() => cacheInfo(Math.abs)).toThrow(/cacheInfo: .*received function abs/);
    expect(() => cacheClear(42 as never)).toThrow(/cacheClear: .*received 42/);
    // An impostor with look-alike methods is not accepted either.
    const impostor = Object.assign(() => 0, { cacheInfo: () => ({}) });
    expect(() => cacheInfo(impostor)).toThrow(TypeError);
  });
});

describe('types', () => {
  it('preserve parameters, return type and this', () => {
    const f = lruCache((a: number, b: string): boolean => a > b.length);
    expectTypeOf(f).parameters.toEqualTypeOf<[number, string]>();
    expectTypeOf(f).returns.toEqualTypeOf<boolean>();
    expectTypeOf(f.cacheInfo()).toEqualTypeOf<CacheInfo>();
    expectTypeOf(f.wrapped).toEqualTypeOf<(a: number, b: string) => boolean>();

    const m = lruCache(function (this: { k: number }, x: number) {
      return this.k + x;
    });
    expectTypeOf(m).thisParameter.toEqualTypeOf<{ k: number }>();

    // Compile-time only (checked by `npm run typecheck`), never called.
    const compileTimeOnly = () => {
      // key is typed from fn's parameters.
      lruCache((user: { id: number }) => user.id, { key: (user) => user.id });
      // @ts-expect-error key must accept fn's parameters
      lruCache((user: { id: number }) => user.id, { key: (user: string) => user });
      // @ts-expect-error unknown options are type errors too
      lruCache(Math.abs, { maxsize: 3 });
    };
    expect(typeof compileTimeOnly).toBe('function');
    expect(typeof f).toBe('function');
  });
});
