import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  cache,
  cacheClear,
  cacheInfo,
  cached,
  lruCache,
  type CachedFunction,
  type CachedOptions,
  type CacheInfo,
} from '../../src/index.js';
import { counted } from '../support/counted.js';

describe('CPython lru_cache sequences', () => {
  it('maxSize 2 over 7,9,7,9,7,9,8,8,8,9,9,9,8,8,8,7: hits 12, misses 4, currSize 2, 4 runs', () => {
    const { fn, calls } = counted((x: number) => x * 10);
    const f = lruCache(fn, { maxSize: 2 });
    for (const x of [7, 9, 7, 9, 7, 9, 8, 8, 8, 9, 9, 9, 8, 8, 8, 7]) expect(f(x)).toBe(x * 10);
    expect(f.cacheInfo()).toEqual({ hits: 12, misses: 4, maxSize: 2, currSize: 2, evictions: 2 });
    expect(calls.count).toBe(4);
  });

  it('fib 0..15 through an unbounded cache: hits 28, misses 16', () => {
    const fib: CachedFunction<(n: number) => number> = cache((n: number): number =>
      n < 2 ? n : fib(n - 1) + fib(n - 2),
    );
    expect(Array.from({ length: 16 }, (_, n) => fib(n))).toEqual([
      0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610,
    ]);
    expect(fib.cacheInfo()).toEqual({ hits: 28, misses: 16, maxSize: Infinity, currSize: 16, evictions: 0 });
  });

  it('recursive fib(20) with maxSize 2 stays correct under heavy eviction: hits 344, misses 1657', () => {
    const fib: CachedFunction<(n: number) => number> = lruCache(
      (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2)),
      { maxSize: 2 },
    );
    expect(fib(20)).toBe(6765);
    expect(fib.cacheInfo()).toEqual({ hits: 344, misses: 1657, maxSize: 2, currSize: 2, evictions: 1655 });
  });
});

describe('default key: the argument list, each argument by SameValueZero', () => {
  it('1, "1", 1n and true are four different entries', () => {
    const { fn, calls } = counted((x: unknown) => typeof x);
    const f = lruCache(fn);
    expect([f(1), f('1'), f(1n), f(true)]).toEqual(['number', 'string', 'bigint', 'boolean']);
    expect([f(1), f('1'), f(1n), f(true)]).toEqual(['number', 'string', 'bigint', 'boolean']);
    expect(calls.count).toBe(4);
    expect(f.cacheInfo()).toMatchObject({ hits: 4, misses: 4, currSize: 4, evictions: 0 });
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
    expect(f.cacheInfo()).toMatchObject({ hits: 2, misses: 3, currSize: 3, evictions: 0 });
  });

  it('mixes primitives and objects at any position, with 1 to 5 arguments', () => {
    const { fn, calls } = counted((...args: unknown[]) => args.length);
    const f = lruCache(fn, { maxSize: Infinity });
    const o = {};
    const lists: unknown[][] = [[o], [1, o], [o, 1], [o, o, 'x'], [1, 2, 3], [1, o, 3, o], [o, 2, o, 4, 'five']];
    for (const args of lists) f(...args);
    for (const args of lists) expect(f(...args)).toBe(args.length);
    expect(calls.count).toBe(lists.length);
    expect(f.cacheInfo()).toMatchObject({ hits: lists.length, currSize: lists.length, evictions: 0 });
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
    expect(f.cacheInfo()).toMatchObject({ hits: 0, misses: 1, currSize: 0, evictions: 0 });
    fail = false;
    expect(f(1)).toBe(1);
    expect(f.cacheInfo()).toMatchObject({ hits: 0, misses: 2, currSize: 1, evictions: 0 });
  });

  it('rethrows non-Error values unchanged', () => {
    const f = lruCache((kind: string) => {
      throw kind === 'string' ? 'plain string' : { code: 42 };
    });
    expect(() => f('string')).toThrow('plain string');
    let caught: unknown = 'nothing thrown';
    try {
      f('object');
    } catch (error) {
      caught = error;
    }
    expect(caught).toEqual({ code: 42 });
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
    expect(f.cacheInfo()).toEqual({ hits: 1, misses: 3, maxSize: 1, currSize: 1, evictions: 2 });
  });

  it('maxSize 0 never stores: every call is a miss', () => {
    const { fn, calls } = counted((x: number) => x);
    const f = lruCache(fn, { maxSize: 0 });
    f(1);
    f(1);
    f(1);
    expect(calls.count).toBe(3);
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 3, maxSize: 0, currSize: 0, evictions: 0 });
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
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 1, maxSize: 128, currSize: 1, evictions: 0 });
  });

  it('cacheClear drops entries and resets counters', () => {
    const { fn, calls } = counted((x: number) => x);
    const f = lruCache(fn);
    f(1);
    f(1);
    f.cacheClear();
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0, evictions: 0 });
    f(1);
    expect(calls.count).toBe(2);
  });

  // Each declared arity has a hit path of its own (src/paths.ts), some reading a trie root kept in a field.
  it.each([0, 1, 2, 3, 4])('declared arity %i: after cacheClear the next call runs again and answers its new result', (arity) => {
    let generation = 0;
    const { fn, calls } = counted((...args: unknown[]) => `${args.join(',')}#${generation}`, arity);
    const f = lruCache(fn, { maxSize: 8 });
    const args = [1, 'b', 3, true].slice(0, arity);
    expect(f(...args)).toBe(`${args.join(',')}#0`);
    f.cacheClear();
    generation = 1;
    expect(f(...args)).toBe(`${args.join(',')}#1`);
    expect(calls.count).toBe(2);
    expect(f.cacheInfo()).toMatchObject({ hits: 0, misses: 1, currSize: 1 });
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
    expect(before).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0, evictions: 0 });
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
    const { fn, calls } = counted((a: number, ...more: number[]) => a + (more[0] ?? 0));
    expect(fn.length).toBe(1); // f(1) is the declared count, f(1, 2) one beyond it
    const f = lruCache(fn);
    expect([f(1), f(1, 2), f(1), f(1, 2), f(1, 3)]).toEqual([1, 3, 1, 3, 4]);
    expect(calls.count).toBe(3);
  });

  it('fewer arguments than declared take the general path correctly', () => {
    const { fn, calls } = counted((a: number, b?: number) => a + (b ?? 0));
    expect(fn.length).toBe(2); // f(1) is one fewer than declared
    const f = lruCache(fn);
    expect([f(1, 2), f(1), f(1, 2), f(1), f(1, undefined)]).toEqual([3, 1, 3, 1, 1]);
    expect(calls.count).toBe(3); // f(1) and f(1, undefined) are different entries
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
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 2, currSize: 0, evictions: 0 });
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
    const { fn, calls } = counted((a: number, b: number) => `${a},${b}`);
    const f = lruCache(fn, { key: (a, b) => a - b });
    expect(f(1, 1)).toBe('1,1'); // key 0
    expect(f(-0, 0)).toBe('1,1'); // key -0: the entry for 0
    expect(f(NaN, 1)).toBe('NaN,1'); // key NaN
    expect(f(1, NaN)).toBe('NaN,1'); // NaN again: a hit
    expect(f(2, 3)).toBe('2,3'); // key -1
    expect(f(3, 4)).toBe('2,3'); // the key decides, not the arguments
    expect(f(12, 0)).toBe('12,0');
    expect(calls.count).toBe(4);
    expect(f.cacheInfo()).toMatchObject({ hits: 3, misses: 4, currSize: 4, evictions: 0 });
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
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 3, maxSize: 1, currSize: 1, evictions: 0 });
    expect(f(5)).toBe(6);
  });

  it('a call that was running when cacheClear() ran does not store its result', () => {
    let clearDuring = true;
    const f: CachedFunction<(x: number) => number> = lruCache((x: number) => {
      if (clearDuring) f.cacheClear();
      return x * 2;
    });
    expect(f(4)).toBe(8);
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0, evictions: 0 });
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
    expect(paths.cacheInfo().currSize).toBe(3);
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
    // Totals: hits and misses over every receiver; entries only of the caches the function holds (none here).
    expect(info).toEqual({ hits: 2, misses: 2, maxSize: 128, currSize: 0, evictions: 0 });
    expect(cacheInfo(a, 'next')).toEqual({ hits: 1, misses: 1, maxSize: 128, currSize: 1, evictions: 0 });
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
    expect([cacheInfo(a, 'next').currSize, cacheInfo(b, 'next').currSize]).toEqual([2, 2]);
    expect(next.cacheInfo()).toMatchObject({ misses: 6, evictions: 2 });
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
    expect(next.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0, evictions: 0 });
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
    expect(cacheInfo(f)).toEqual({ hits: 1, misses: 1, maxSize: 128, currSize: 1, evictions: 0 });
    cacheClear(f);
    expect(cacheInfo(f)).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0, evictions: 0 });
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
    const _compileTimeOnly = () => {
      // key is typed from fn's parameters.
      lruCache((user: { id: number }) => user.id, { key: (user) => user.id });
      // @ts-expect-error key must accept fn's parameters
      lruCache((user: { id: number }) => user.id, { key: (user: string) => user });
      // @ts-expect-error unknown options are type errors too
      lruCache(Math.abs, { maxsize: 3 });
    };
    // And at run time: the same parameters, result and receiver.
    expect(f(3, 'ab')).toBe(true);
    expect(m.call({ k: 1 }, 2)).toBe(3);
  });
});

// ---- the call paths ---------------------------------------------------------------
//
// A cached function's call path is chosen at wrap time by its declared
// parameter count (src/paths.ts): 0, 1, 2 and 3 have their own fast paths,
// with guards that send a call with another argument count to the general
// path, and 4 or more use the general path. Each path has a variant without a
// receiver, on an object receiver (its record, small then grown), on a
// primitive receiver, for decorated members, for scope 'shared' and scope
// functions, and for option `key`. The tests below drive every one through
// the public API and check what a caller sees: results, body runs, cacheInfo.

/** Object identities for results: `#1`, `#2`, ... in order of first sight. */
const identities = new WeakMap<object, number>();
let lastIdentity = 0;

/** A value as results show it: -0 apart from 0, '1' apart from 1 and 1n, objects by identity. */
function tag(value: unknown): string {
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    let id = identities.get(value);
    if (id === undefined) identities.set(value, (id = ++lastIdentity));
    return `#${id}`;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  return Object.is(value, -0) ? '-0' : String(value);
}

/** What a probe returns: its receiver and arguments, so a result names the call that ran the body. */
function callText(self: unknown, args: ArrayLike<unknown>): string {
  return `${tag(self)}(${Array.from(args, tag).join(', ')})`;
}

/** A counted function declaring `arity` parameters that returns `callText` of its call. */
function probe(arity: number) {
  const made = counted(function (this: unknown, ...args: unknown[]) {
    return callText(this, args);
  }, arity);
  expect(made.fn.length).toBe(arity); // the path under test is the one for this arity
  return made;
}

/**
 * Drives a cached function call by call. Each call says whether the body must
 * run (a miss: the result is the call's own) or not (a hit: the result an
 * earlier call computed), and the expected counters follow.
 */
class Calls {
  hits = 0;
  misses = 0;
  /**
   * Misses stored in a cache the function holds itself (no receiver, or a
   * primitive one): the entries its totals count. Object receivers' entries
   * are counted per receiver only (nothing lists the receivers).
   */
  held = 0;
  constructor(
    private readonly invoke: (receiver: unknown, args: unknown[]) => unknown,
    private readonly runs: { count: number },
    /** Whether a call on this receiver is stored in a cache the function holds (scope 'shared': every one). */
    private readonly holds: (receiver: unknown) => boolean = (receiver) =>
      (typeof receiver !== 'object' || receiver === null) && typeof receiver !== 'function',
  ) {}

  /** The body runs, with this receiver and these arguments. Returns the result. */
  miss(receiver: unknown, ...args: unknown[]): unknown {
    const before = this.runs.count;
    const what = callText(receiver, args);
    const result = this.invoke(receiver, args);
    expect(this.runs.count, `${what} runs the body`).toBe(before + 1);
    expect(result, `${what} returns its own result`).toBe(what);
    this.misses++;
    if (this.holds(receiver)) this.held++;
    return result;
  }

  /** The body does not run: the result is `expected`, an earlier call's. */
  hit(expected: unknown, receiver: unknown, ...args: unknown[]): void {
    const before = this.runs.count;
    const what = callText(receiver, args);
    const result = this.invoke(receiver, args);
    expect(this.runs.count, `${what} does not run the body`).toBe(before);
    expect(result, `${what} returns the cached result`).toBe(expected);
    this.hits++;
  }
}

/** Declared arguments by arity: a number, a string, a bigint, a boolean (4: the general path). */
const DECLARED: readonly unknown[] = [1, 'b', 3n, true];
const ARITIES = [0, 1, 2, 3, 4] as const;

/**
 * Every argument count against the declared one, on one receiver (undefined:
 * none). Fewer arguments come first, so a fast path that looked them up with
 * the wrong shape (get1 for get2) would find their entry. Returns the entries
 * made, for replaying them as hits elsewhere.
 */
function argumentCounts(calls: Calls, receiver: unknown, arity: number): [unknown[], unknown][] {
  const declared = DECLARED.slice(0, arity);
  const fewer = declared.slice(0, -1);
  const lists: unknown[][] = [
    ...(arity > 0 ? [fewer] : []),
    declared,
    [...declared, undefined], // f(1) and f(1, undefined) differ
    [...declared, 'more'],
    ...(arity > 0 ? [[...fewer, undefined]] : []), // the declared count, the last one undefined: not f(...fewer)
    ...(arity > 1 ? [[...declared].reverse()] : []),
  ];
  const entries = lists.map((args): [unknown[], unknown] => [args, calls.miss(receiver, ...args)]);
  for (const [args, result] of entries) calls.hit(result, receiver, ...args);
  return entries;
}

/** Keys at the declared count: NaN, -0, objects by identity, repeated values (arity 1 or more). */
function specialKeys(calls: Calls, receiver: unknown, arity: number): void {
  if (arity === 0) return;
  const rest = DECLARED.slice(1, arity);
  const nan = calls.miss(receiver, NaN, ...rest);
  calls.hit(nan, receiver, NaN, ...rest); // SameValueZero: NaN is NaN
  const zero = calls.miss(receiver, 0, ...rest);
  calls.hit(zero, receiver, -0, ...rest); // and -0 is 0
  const [first, second] = [{}, {}];
  const object = calls.miss(receiver, first, ...rest);
  calls.miss(receiver, second, ...rest); // objects by identity
  calls.hit(object, receiver, first, ...rest);
  if (arity < 2) return;
  // Equal earlier arguments, a different later one: a level looked up with the wrong argument would collide.
  const head = DECLARED.slice(0, arity - 2);
  const same = calls.miss(receiver, ...head, 7, 7);
  calls.miss(receiver, ...head, 7, 8);
  calls.hit(same, receiver, ...head, 7, 7);
  const twice = calls.miss(receiver, ...head, first, first);
  calls.miss(receiver, ...head, first, second);
  calls.hit(twice, receiver, ...head, first, first);
  if (arity < 3) return;
  const tail = DECLARED.slice(2, arity);
  const pair = calls.miss(receiver, 7, 7, ...tail);
  calls.miss(receiver, 7, 8, ...tail);
  calls.hit(pair, receiver, 7, 7, ...tail);
}

/**
 * Receivers' small records and the full caches they grow into, each scenario
 * on a fresh receiver: one key, then another argument count or another last
 * argument before or after the declared call.
 */
function records(calls: Calls, fresh: () => object, arity: number): void {
  const declared = DECLARED.slice(0, arity);
  // Each shares a prefix with the declared list: a record hit that compared too little would take one for the other.
  const others: unknown[][] = [
    [...declared, 'more'],
    ...(arity > 0 ? [declared.slice(0, -1), [...declared.slice(0, -1), 'other']] : []),
  ];
  const only = fresh();
  const one = calls.miss(only, ...declared);
  calls.hit(one, only, ...declared);
  calls.hit(one, only, ...declared);
  for (const other of others) {
    for (const declaredFirst of [false, true]) {
      const receiver = fresh();
      const order = declaredFirst ? [declared, other] : [other, declared];
      const results = order.map((args) => calls.miss(receiver, ...args));
      order.forEach((args, i) => calls.hit(results[i], receiver, ...args));
    }
  }
  if (arity > 0) {
    // A first call with an object argument (a record holds primitives only: it goes to a full cache).
    const receiver = fresh();
    const withObject = [{}, ...declared.slice(1)];
    const result = calls.miss(receiver, ...withObject);
    calls.hit(result, receiver, ...withObject);
    calls.miss(receiver, {}, ...declared.slice(1));
  }
}

describe('call paths: functions of every declared arity', () => {
  describe.each(ARITIES)('declared arity %i', (arity) => {
    it('without a receiver: every argument count, NaN, -0 and objects; f.call(null, ...) shares the entries', () => {
      const { fn, calls: runs } = probe(arity);
      const f = cache(fn);
      const calls = new Calls((receiver, args) => Reflect.apply(f, receiver, args), runs);
      const entries = argumentCounts(calls, undefined, arity);
      specialKeys(calls, undefined, arity);
      for (const [args, result] of entries) calls.hit(result, null, ...args);
      expect(runs.count).toBe(calls.misses);
      expect(f.cacheInfo()).toEqual({ hits: calls.hits, misses: calls.misses, maxSize: Infinity, currSize: calls.held, evictions: 0 });
    });

    it('on object receivers: each its own cache, never another receiver’s or the unscoped entries', () => {
      const { fn, calls: runs } = probe(arity);
      const f = cache(fn);
      const calls = new Calls((receiver, args) => Reflect.apply(f, receiver, args), runs);
      const unscoped = argumentCounts(calls, undefined, arity);
      const [a, b] = [{ name: 'a' }, { name: 'b' }];
      const ofA = argumentCounts(calls, a, arity); // a grows from a small record into a full cache
      specialKeys(calls, a, arity);
      for (const [args] of ofA) calls.miss(b, ...args);
      for (const [args, result] of ofA) calls.hit(result, a, ...args);
      for (const [args, result] of unscoped) calls.hit(result, undefined, ...args);
      expect(f.cacheInfo()).toEqual({ hits: calls.hits, misses: calls.misses, maxSize: Infinity, currSize: calls.held, evictions: 0 });
    });

    it('on small records and the full caches they grow into', () => {
      const { fn, calls: runs } = probe(arity);
      const f = cache(fn);
      const calls = new Calls((receiver, args) => Reflect.apply(f, receiver, args), runs);
      const receivers: object[] = [];
      f(...DECLARED.slice(0, arity)); // an unscoped entry no receiver may answer from
      records(
        calls,
        () => {
          receivers.push({ n: receivers.length });
          return receivers.at(-1)!;
        },
        arity,
      );
      expect(f.cacheInfo()).toEqual({ hits: calls.hits, misses: calls.misses + 1, maxSize: Infinity, currSize: calls.held + 1, evictions: 0 });
    });

    it('on primitive receivers: one shared cache keyed by (receiver, arguments); 7, "7" and 7n apart', () => {
      const { fn, calls: runs } = probe(arity);
      const f = cache(fn);
      const calls = new Calls((receiver, args) => Reflect.apply(f, receiver, args), runs);
      const declared = DECLARED.slice(0, arity);
      const unscoped = calls.miss(undefined, ...declared);
      const entries = argumentCounts(calls, 7, arity);
      specialKeys(calls, 7, arity);
      for (const receiver of ['7', 7n, true, Symbol.for('7')]) calls.miss(receiver, ...declared);
      // The receiver and an argument swapped are another entry.
      if (arity > 0) calls.miss(declared[0], 7, ...declared.slice(1));
      for (const [args, result] of entries) calls.hit(result, 7, ...args);
      calls.hit(unscoped, undefined, ...declared);
      expect(f.cacheInfo()).toEqual({ hits: calls.hits, misses: calls.misses, maxSize: Infinity, currSize: calls.held, evictions: 0 });
    });

    it('cacheInvalidate reaches small records, grown records and primitive receivers', () => {
      const { fn, calls: runs } = probe(arity);
      const f = cache(fn);
      const calls = new Calls((receiver, args) => Reflect.apply(f, receiver, args), runs);
      const declared = DECLARED.slice(0, arity);
      const [small, grown] = [{}, {}];
      const before = calls.miss(small, ...declared);
      calls.miss(grown, ...declared);
      const kept = calls.miss(grown, ...declared, 'more');
      calls.miss(5, ...declared);
      calls.miss(undefined, ...declared);
      calls.hit(before, small, ...declared);
      expect(f.cacheInvalidate(...declared)).toBe(true);
      for (const receiver of [small, grown, 5, undefined]) calls.miss(receiver, ...declared);
      calls.hit(kept, grown, ...declared, 'more');
      expect(f.cacheInfo()).toMatchObject({ hits: calls.hits, misses: calls.misses });
    });

    it('with a ttl: an expired entry is not served, without a receiver, on records (small and grown) and primitive receivers', () => {
      vi.useFakeTimers();
      try {
        const { fn, calls: runs } = probe(arity);
        const f = lruCache(fn, { ttl: 100, maxSize: Infinity });
        const calls = new Calls((receiver, args) => Reflect.apply(f, receiver, args), runs);
        const declared = DECLARED.slice(0, arity);
        const grown = {};
        calls.miss(grown, ...declared, 'more');
        const receivers = [undefined, {}, grown, 5];
        const results = receivers.map((receiver) => calls.miss(receiver, ...declared));
        vi.advanceTimersByTime(99);
        receivers.forEach((receiver, i) => calls.hit(results[i], receiver, ...declared));
        vi.advanceTimersByTime(1);
        for (const receiver of receivers) calls.miss(receiver, ...declared);
        expect(f.cacheInfo()).toMatchObject({ hits: calls.hits, misses: calls.misses });
      } finally {
        vi.useRealTimers();
      }
    });
  });
});

describe('call paths: decorated members of every declared arity', () => {
  /** A class whose members m0..m4 declare 0 to 4 parameters, each cached with `options`, returning `callText`. */
  function probeClass(options: CachedOptions) {
    const runs = { count: 0 };
    class Probe {
      constructor(readonly key: unknown = undefined) {}
      @cached(options)
      m0() {
        runs.count++;
        return callText(this, arguments);
      }
      @cached(options)
      m1(_a: unknown) {
        runs.count++;
        return callText(this, arguments);
      }
      @cached(options)
      m2(_a: unknown, _b: unknown) {
        runs.count++;
        return callText(this, arguments);
      }
      @cached(options)
      m3(_a: unknown, _b: unknown, _c: unknown) {
        runs.count++;
        return callText(this, arguments);
      }
      @cached(options)
      m4(_a: unknown, _b: unknown, _c: unknown, _d: unknown) {
        runs.count++;
        return callText(this, arguments);
      }
    }
    const member = (arity: number) => {
      const fn = Probe.prototype[`m${arity}` as 'm0'] as CachedFunction<(...args: unknown[]) => string>;
      expect(fn.length).toBe(arity);
      return fn;
    };
    return { Probe, runs, member };
  }

  describe.each(ARITIES)('declared arity %i', (arity) => {
    it("scope 'instance': each instance its own cache (small, then grown); calls without a receiver and on primitives apart", () => {
      const { Probe, runs, member } = probeClass({ maxSize: Infinity });
      const m = member(arity);
      const calls = new Calls((receiver, args) => Reflect.apply(m, receiver, args), runs);
      const declared = DECLARED.slice(0, arity);
      const [a, b] = [new Probe(), new Probe()];
      const ofA = argumentCounts(calls, a, arity);
      specialKeys(calls, a, arity);
      const unscoped = argumentCounts(calls, undefined, arity);
      for (const [args, result] of unscoped) calls.hit(result, null, ...args);
      argumentCounts(calls, 7, arity);
      if (arity > 0) calls.miss(declared[0], 7, ...declared.slice(1));
      for (const [args] of ofA) calls.miss(b, ...args);
      for (const [args, result] of ofA) calls.hit(result, a, ...args);
      const instances: object[] = [];
      records(calls, () => instances[instances.push(new Probe()) - 1]!, arity);
      expect(m.cacheInfo()).toEqual({ hits: calls.hits, misses: calls.misses, maxSize: Infinity, currSize: calls.held, evictions: 0 });
    });

    it('Class.prototype.m.cacheInvalidate reaches every instance, small or grown', () => {
      const { Probe, runs, member } = probeClass({});
      const m = member(arity);
      const calls = new Calls((receiver, args) => Reflect.apply(m, receiver, args), runs);
      const declared = DECLARED.slice(0, arity);
      const [small, grown] = [new Probe(), new Probe()];
      calls.miss(small, ...declared);
      calls.miss(grown, ...declared);
      const kept = calls.miss(grown, ...declared, 'more');
      m.cacheInvalidate(...declared);
      calls.miss(small, ...declared);
      calls.miss(grown, ...declared);
      calls.hit(kept, grown, ...declared, 'more');
      expect(m.cacheInfo()).toMatchObject({ hits: calls.hits, misses: calls.misses });
    });

    it('with a ttl: an expired entry is not served, on small and grown records', () => {
      vi.useFakeTimers();
      try {
        const { Probe, runs, member } = probeClass({ ttl: 100 });
        const m = member(arity);
        const calls = new Calls((receiver, args) => Reflect.apply(m, receiver, args), runs);
        const declared = DECLARED.slice(0, arity);
        const [small, grown] = [new Probe(), new Probe()];
        calls.miss(grown, ...declared, 'more');
        const results = [small, grown].map((receiver) => calls.miss(receiver, ...declared));
        vi.advanceTimersByTime(99);
        [small, grown].forEach((receiver, i) => calls.hit(results[i], receiver, ...declared));
        vi.advanceTimersByTime(1);
        for (const receiver of [small, grown]) calls.miss(receiver, ...declared);
        expect(m.cacheInfo()).toMatchObject({ hits: calls.hits, misses: calls.misses });
      } finally {
        vi.useRealTimers();
      }
    });

    it("scope 'shared': one cache for every instance and for calls without a receiver", () => {
      const { Probe, runs, member } = probeClass({ scope: 'shared' });
      const m = member(arity);
      const calls = new Calls((receiver, args) => Reflect.apply(m, receiver, args), runs, () => true);
      const a = new Probe();
      const entries = argumentCounts(calls, a, arity);
      specialKeys(calls, a, arity);
      for (const receiver of [new Probe(), undefined, 7]) {
        for (const [args, result] of entries) calls.hit(result, receiver, ...args);
      }
      expect(m.cacheInfo()).toEqual({ hits: calls.hits, misses: calls.misses, maxSize: 128, currSize: calls.held, evictions: 0 });
    });

    it('scope (self) => object: instances with the same key object share, other keys do not', () => {
      const { Probe, runs, member } = probeClass({ scope: (self: { key: unknown }) => self.key });
      const m = member(arity);
      const calls = new Calls((receiver, args) => Reflect.apply(m, receiver, args), runs);
      const [red, blue] = [{ team: 'red' }, { team: 'blue' }];
      const a = new Probe(red);
      const entries = argumentCounts(calls, a, arity);
      for (const [args, result] of entries) calls.hit(result, new Probe(red), ...args);
      const b = new Probe(blue);
      for (const [args] of entries) calls.miss(b, ...args);
      expect(m.cacheInfo()).toMatchObject({ hits: calls.hits, misses: calls.misses });
    });

    it('scope (self) => primitive: instances with equal keys share one keyed cache; the key and an argument swapped differ', () => {
      const { Probe, runs, member } = probeClass({ scope: (self: { key: unknown }) => self.key });
      const m = member(arity);
      const calls = new Calls((receiver, args) => Reflect.apply(m, receiver, args), runs);
      const declared = DECLARED.slice(0, arity);
      const a = new Probe(7);
      const entries = argumentCounts(calls, a, arity);
      specialKeys(calls, a, arity);
      for (const [args, result] of entries) calls.hit(result, new Probe(7), ...args);
      calls.miss(new Probe('7'), ...declared);
      if (arity > 0) calls.miss(new Probe(declared[0]), 7, ...declared.slice(1));
      expect(m.cacheInfo()).toMatchObject({ hits: calls.hits, misses: calls.misses });
    });
  });

  it('a cached getter: once per instance, a throwing getter is not cached', () => {
    let runs = 0;
    let fail = false;
    class Config {
      @cached
      get table() {
        runs++;
        if (fail) throw new Error('no table');
        return { runs };
      }
    }
    const [a, b] = [new Config(), new Config()];
    expect(a.table).toBe(a.table);
    expect(b.table).not.toBe(a.table);
    fail = true;
    expect(() => new Config().table).toThrow('no table');
    fail = false;
    expect(runs).toBe(3);
    expect(cacheInfo(a, 'table')).toEqual({ hits: 2, misses: 1, maxSize: 128, currSize: 1, evictions: 0 });
  });
});

describe('call paths: option key', () => {
  /** A probe keyed by `key`: n becomes n * 10, anything else is its own key. */
  const key = (x: unknown) => (typeof x === 'number' ? x * 10 : x);

  it('without a receiver, on null: the key decides, never the first argument', () => {
    const { fn, calls: runs } = probe(1);
    const f = cache(fn as (x: unknown) => string);
    const g = lruCache(fn as (x: unknown) => string, { key, maxSize: Infinity });
    const calls = new Calls((receiver, args) => Reflect.apply(g, receiver, args), runs);
    const one = calls.miss(undefined, 1); // key 10
    calls.miss(undefined, 10); // key 100, though an entry has key 10
    calls.hit(one, undefined, 1, 'ignored by the key'); // more arguments, same key
    calls.hit(one, null, 1);
    const nan = calls.miss(undefined, NaN);
    calls.hit(nan, undefined, NaN);
    const zero = calls.miss(undefined, 0);
    calls.hit(zero, undefined, -0);
    const o = {};
    const object = calls.miss(undefined, o);
    calls.miss(undefined, {});
    calls.hit(object, undefined, o);
    expect(g.cacheInfo()).toEqual({ hits: calls.hits, misses: calls.misses, maxSize: Infinity, currSize: calls.held, evictions: 0 });
    expect(f.cacheInfo().misses).toBe(0);
  });

  it('on object receivers: a small record, a grown one, invalidation', () => {
    const { fn, calls: runs } = probe(1);
    const g = lruCache(fn as (x: unknown) => string, { key, maxSize: Infinity });
    const calls = new Calls((receiver, args) => Reflect.apply(g, receiver, args), runs);
    const unscoped = calls.miss(undefined, 1);
    const [small, grown] = [{}, {}];
    const first = calls.miss(small, 1);
    calls.hit(first, small, 1);
    calls.miss(small, 2); // another key: the record grows
    calls.hit(first, small, 1);
    calls.miss(grown, 1);
    calls.miss(grown, 2);
    const fresh = {};
    const once = calls.miss(fresh, 3);
    calls.hit(once, fresh, 3);
    g.cacheInvalidate(3);
    calls.miss(fresh, 3);
    g.cacheInvalidate(2);
    calls.miss(grown, 2);
    calls.hit(unscoped, undefined, 1);
    expect(g.cacheInfo()).toMatchObject({ hits: calls.hits, misses: calls.misses });
  });

  it('on primitive receivers: keyed by (receiver, key); the receiver and the key swapped differ', () => {
    const { fn, calls: runs } = probe(1);
    const g = lruCache(fn as (x: unknown) => string, { key, maxSize: Infinity });
    const calls = new Calls((receiver, args) => Reflect.apply(g, receiver, args), runs);
    const seven = calls.miss(7, 1); // (7, 10)
    calls.hit(seven, 7, 1);
    calls.miss(10, 0.7); // (10, 7)
    calls.miss('7', 1);
    calls.miss(undefined, 1);
    calls.hit(seven, 7, 1);
    expect(g.cacheInfo()).toEqual({ hits: calls.hits, misses: calls.misses, maxSize: Infinity, currSize: calls.held, evictions: 0 });
  });

  it("on members: scope 'shared' shares, scope 'instance' does not", () => {
    let runs = 0;
    class Users {
      @cached({ key: (user: { id: number }) => user.id, scope: 'shared' })
      sharedName(user: { id: number }) {
        runs++;
        return `user ${user.id}`;
      }
      @cached({ key: (user: { id: number }) => user.id })
      ownName(user: { id: number }) {
        runs++;
        return `user ${user.id}`;
      }
    }
    const [a, b] = [new Users(), new Users()];
    a.sharedName({ id: 1 });
    b.sharedName({ id: 1 });
    expect(runs).toBe(1);
    a.ownName({ id: 1 });
    b.ownName({ id: 1 });
    a.ownName({ id: 1 });
    expect(runs).toBe(3);
    expect(cacheInfo(Users.prototype.sharedName)).toMatchObject({ hits: 1, misses: 1 });
    expect(cacheInfo(Users.prototype.ownName)).toMatchObject({ hits: 1, misses: 2 });
  });
});

describe('call paths: the counters on every hit path', () => {
  it.each(ARITIES)('arity %i: hits on a small record, a grown record and without a receiver each count once', (arity) => {
    const { fn } = probe(arity);
    const f = cache(fn);
    const args = DECLARED.slice(0, arity);
    const [small, grown] = [{}, {}];
    f.call(grown, ...args, 'more');
    for (const receiver of [undefined, small, grown]) f.call(receiver, ...args);
    // currSize: the one entry without a receiver (receivers' entries are counted per receiver).
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 4, maxSize: Infinity, currSize: 1, evictions: 0 });
    for (const receiver of [undefined, small, grown]) f.call(receiver, ...args);
    expect(f.cacheInfo()).toEqual({ hits: 3, misses: 4, maxSize: Infinity, currSize: 1, evictions: 0 });
  });
});
