/**
 * A plain cached function called with a receiver: an object gets its own
 * cache (instance B never gets A's result); a primitive receiver shares one
 * cache bounded by maxSize in total; null is no receiver. Whatever the
 * receiver, `f.cacheInvalidate(...args)` leaves no call with those arguments
 * able to return the old result.
 */
import { describe, expect, it } from 'vitest';
import { cacheContains, cacheInfo, cacheInvalidate, lruCache } from '../../src/index.js';
import * as namespace from '../support/namespace-module.js';

describe('f.cacheInvalidate reaches every receiver', () => {
  it('a function stored on an object literal (api.get(7)): the next call recomputes', () => {
    let version = 0;
    const api = { get: lruCache((id: number) => ({ id, version })) };
    const before = api.get(7);
    expect(api.get(7)).toBe(before);
    version = 1;
    expect(api.get.cacheInvalidate(7)).toBe(true);
    const after = api.get(7);
    expect(after).not.toBe(before);
    expect(after.version).toBe(1);
  });

  it('through a module namespace (ns.compute(1)): the next call recomputes', () => {
    namespace.setFactor(2);
    expect(namespace.compute(1)).toBe(2);
    namespace.setFactor(3);
    expect(namespace.compute(1)).toBe(2); // cached
    namespace.compute.cacheInvalidate(1);
    expect(namespace.compute(1)).toBe(3);
  });

  it('f.apply(null, args) and f.call(undefined, ...) are calls without a receiver', () => {
    let runs = 0;
    const f = lruCache((n: number) => (runs++, n * 2));
    f.apply(null, [5]);
    f.call(undefined, 5);
    f(5);
    expect(runs).toBe(1);
    expect(f.cacheContains(5)).toBe(true);
    expect(f.cacheInvalidate(5)).toBe(true);
    expect(f.cacheContains(5)).toBe(false);
    f.apply(null, [5]);
    expect(runs).toBe(2);
  });

  it('every object receiver drops the entry (each when next used); other entries stay', () => {
    class Prices {
      runs = 0;
      constructor(readonly rate: number) {}
    }
    const convert = lruCache(function (this: Prices, amount: number) {
      this.runs++;
      return amount * this.rate;
    });
    const [eu, us] = [new Prices(2), new Prices(3)];
    for (const p of [eu, us]) {
      convert.call(p, 10);
      convert.call(p, 20);
    }
    expect(convert.cacheInvalidate(10)).toBe(true);
    for (const p of [eu, us]) {
      convert.call(p, 10); // recomputed
      convert.call(p, 20); // still cached
    }
    expect([eu.runs, us.runs]).toEqual([3, 3]);
  });

  it('a receiver idle through more invalidations than the log keeps drops all its entries, and recomputes', () => {
    const f = lruCache(function (this: { runs: number }, n: number) {
      this.runs++;
      return n;
    });
    const idle = { runs: 0 };
    f.call(idle, 1);
    f.call(idle, 2);
    for (let i = 0; i < 200; i++) f.cacheInvalidate(1000 + i); // unrelated keys, far more than the log keeps
    f.call(idle, 2); // dropped, to be safe: computed again
    f.call(idle, 2);
    expect(idle.runs).toBe(3);
  });

  it('cacheContains on the function sees calls without a receiver and primitive receivers; an object receiver, by name', () => {
    const api = { get: lruCache((id: number) => id * 10) };
    api.get(1);
    expect(api.get.cacheContains(1)).toBe(false); // cached for the receiver `api`, not for calls without one
    expect(cacheContains(api, 'get', 1)).toBe(true);
    expect(cacheInfo(api, 'get')).toEqual({ hits: 0, misses: 1, maxSize: 128, currSize: 1, evictions: 0 });
    expect(cacheInvalidate(api, 'get', 1)).toBe(true);
    expect(cacheContains(api, 'get', 1)).toBe(false);
  });
});

describe('primitive receivers share one cache, bounded in total', () => {
  it('a million distinct primitive receivers keep at most maxSize entries', () => {
    let runs = 0;
    const f = lruCache(
      function (this: unknown, n: number) {
        runs++;
        return `${String(this)}:${n}`;
      },
      { maxSize: 50 },
    );
    for (let i = 0; i < 1_000_000; i++) f.call(i, 1);
    expect(runs).toBe(1_000_000);
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 1_000_000, maxSize: 50, currSize: 50, evictions: 999_950 });
    expect(f.call(999_999, 1)).toBe('999999:1'); // among the most recent: a hit
    expect(runs).toBe(1_000_000);
    f.call(0, 1); // long evicted
    expect(runs).toBe(1_000_001);
    f.cacheClear();
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 50, currSize: 0, evictions: 0 });
  });

  it('receivers of different types never share: 1, "1" and 1n', () => {
    const f = lruCache(function (this: unknown) {
      return typeof this;
    });
    expect([f.call(1), f.call('1'), f.call(1n), f.call(1)]).toEqual(['number', 'string', 'bigint', 'number']);
    expect(f.cacheInfo()).toMatchObject({ hits: 1, misses: 3, currSize: 3, evictions: 0 });
  });

  it('cacheInvalidate and cacheContains on the function reach primitive receivers at once', () => {
    const f = lruCache(function (this: unknown, n: number) {
      return n;
    });
    f.call('tenant-a', 1);
    f.call('tenant-b', 1);
    expect(f.cacheContains(1)).toBe(true);
    expect(f.cacheInvalidate(1)).toBe(true);
    expect(f.cacheContains(1)).toBe(false);
    expect(f.cacheInfo().currSize).toBe(0);
  });
});

describe('two and three arguments: the call without a receiver, and with one', () => {
  it.each([
    ['two', (...xs: number[]) => xs.slice(0, 2)],
    ['three', (...xs: number[]) => xs.slice(0, 3)],
  ])('%s arguments: a receiver has its own cache; NaN and -0 are keys by SameValueZero; invalidation reaches both', (label, pick) => {
    let runs = 0;
    const body = function (this: unknown, a: number, b: number, c?: number) {
      runs++;
      return `${String(this)}:${a},${b},${c ?? ''}`;
    };
    const g =
      label === 'two'
        ? lruCache(function (this: unknown, a: number, b: number) {
            return body.call(this, a, b);
          })
        : lruCache(function (this: unknown, a: number, b: number, c: number) {
            return body.call(this, a, b, c);
          });
    const args = pick(NaN, -0, 3) as [number, number, number];
    const receiver = { name: 'r' };
    const call = (self: unknown, xs: number[]) => (g as (...a: number[]) => string).apply(self, xs);
    const plain = call(undefined, args);
    expect(call(undefined, pick(NaN, 0, 3))).toBe(plain); // NaN matches NaN, -0 matches 0
    expect(runs).toBe(1);
    call(receiver, args);
    call(receiver, args);
    expect(runs).toBe(2); // the receiver's own cache: one more run, then a hit
    expect(g.cacheInfo()).toMatchObject({ hits: 2, misses: 2 });
    expect((g.cacheInvalidate as (...a: number[]) => boolean)(...args)).toBe(true);
    call(undefined, args);
    call(receiver, args);
    expect(runs).toBe(4); // both ran again
  });
});
