/**
 * The per-instance path, run once per decorator flavour (imported by
 * test/tc39 and test/legacy): a small record per instance that grows into a
 * full cache at its second key, exact per-instance introspection, totals
 * since the last clear-all, O(1) clear-all that in-flight calls respect,
 * invalidation across instances, and the edge cases of issue 15 (a shadowed
 * base member, stacked decorators).
 */
import { describe, expect, it, vi } from 'vitest';
import { cached, cacheClear, cacheContains, cacheInfo, cacheInvalidate, type CachedFunction } from '../../src/index.js';

function info(hits: number, misses: number, currSize: number, maxSize = 128, evictions = 0) {
  return { hits, misses, maxSize, currSize, evictions };
}

/** `cached` without its types, to apply it where the types (rightly) refuse it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const untypedCached: any = cached;

export function instanceSuite(): void {
  describe('small until it needs to be big', () => {
    it('a second distinct key grows the record into a full cache: entries, counters and LRU order carry over', () => {
      let runs = 0;
      class Scaler {
        constructor(readonly factor: number) {}
        @cached({ maxSize: 2 })
        scale(n: number) {
          runs++;
          return n * this.factor;
        }
      }
      const s = new Scaler(3);
      expect([s.scale(1), s.scale(1)]).toEqual([3, 3]);
      expect(cacheInfo(s, 'scale')).toEqual(info(1, 1, 1, 2));
      s.scale(2); // the second key: the record grows, keeping key 1
      expect(cacheInfo(s, 'scale')).toEqual(info(1, 2, 2, 2));
      expect(s.scale(1)).toBe(3); // still cached, and now the most recent
      s.scale(3); // evicts 2, the least recent
      expect(cacheContains(s, 'scale', 1)).toBe(true);
      expect(cacheContains(s, 'scale', 2)).toBe(false);
      expect(runs).toBe(3);
    });

    it('maxSize 1 stays a record: the new key replaces the old one', () => {
      let runs = 0;
      class One {
        @cached({ maxSize: 1 })
        id(n: number) {
          runs++;
          return n;
        }
      }
      const o = new One();
      o.id(1);
      o.id(2);
      o.id(2);
      o.id(1);
      expect(runs).toBe(3);
      expect(cacheInfo(o, 'id')).toEqual(info(1, 3, 1, 1, 2));
    });

    it('a pending promise carried into the grown cache still de-duplicates, and its ttl starts when it fulfils', async () => {
      vi.useFakeTimers();
      try {
        let runs = 0;
        const resolvers: ((value: number) => void)[] = [];
        class Api {
          @cached({ ttl: 1000 })
          load(_n: number): Promise<number> {
            runs++;
            return new Promise<number>((resolve) => resolvers.push(resolve));
          }
        }
        const api = new Api();
        const first = api.load(1); // pending, in the small record
        api.load(2); // grows: key 1 moves over, still pending
        expect(api.load(1)).toBe(first); // joined, not recomputed
        vi.advanceTimersByTime(5000); // pending entries do not expire
        expect(api.load(1)).toBe(first);
        resolvers[0]!(10);
        await first;
        vi.advanceTimersByTime(999);
        expect(api.load(1)).toBe(first);
        vi.advanceTimersByTime(1);
        expect(api.load(1)).not.toBe(first); // 1000 ms after it fulfilled
        expect(runs).toBe(3);
      } finally {
        vi.useRealTimers();
      }
    });

    it('a rejected promise in a record is dropped: the next call runs again', async () => {
      let runs = 0;
      class Flaky {
        @cached
        async get(n: number) {
          runs++;
          if (runs === 1) throw new Error('first fails');
          return n;
        }
      }
      const f = new Flaky();
      await expect(f.get(1)).rejects.toThrow('first fails');
      expect(cacheInfo(f, 'get').currSize).toBe(0);
      expect(await f.get(1)).toBe(1);
      expect(await f.get(1)).toBe(1);
      expect(runs).toBe(2);
    });

    it('an object argument goes to a full cache, and primitive ones still hit (that cache holds it weakly: test/core/function.gc.test.ts)', () => {
      let runs = 0;
      class Reader {
        @cached
        read(source: object | string) {
          runs++;
          return typeof source;
        }
      }
      const r = new Reader();
      const key = {};
      r.read('a');
      r.read(key);
      r.read(key);
      r.read('a');
      expect(runs).toBe(2);
      expect(cacheInfo(r, 'read')).toEqual(info(2, 2, 2));
    });

    it('NaN keys hit in a record, as SameValueZero says', () => {
      let runs = 0;
      class Odd {
        @cached
        of(n: number) {
          runs++;
          return n;
        }
      }
      const o = new Odd();
      o.of(NaN);
      o.of(NaN);
      expect(runs).toBe(1);
      expect(cacheInfo(o, 'of')).toEqual(info(1, 1, 1));
    });
  });

  describe('totals over instances', () => {
    it('Class.prototype.m.cacheInfo(): hits and misses since the last clear-all; entries per instance', () => {
      class Counter {
        @cached
        twice(n: number) {
          return n * 2;
        }
      }
      const method = Counter.prototype.twice as CachedFunction<Counter['twice']>;
      const [a, b] = [new Counter(), new Counter()];
      a.twice(1);
      a.twice(1);
      b.twice(1);
      b.twice(2);
      // Nothing lists the instances: the totals count calls; each instance counts its own entries.
      expect(method.cacheInfo()).toEqual(info(1, 3, 0));
      expect([cacheInfo(a, 'twice'), cacheInfo(b, 'twice')]).toEqual([info(1, 1, 1), info(0, 2, 2)]);
      cacheClear(a, 'twice'); // one instance: its entries and counters go, the totals' counters stay
      expect(method.cacheInfo()).toEqual(info(1, 3, 0));
      expect(cacheInfo(a, 'twice')).toEqual(info(0, 0, 0));
      cacheInvalidate(b, 'twice', 2);
      expect(cacheInfo(b, 'twice')).toEqual(info(0, 2, 1));
      method.cacheClear(); // every instance, in O(1)
      expect(method.cacheInfo()).toEqual(info(0, 0, 0));
      expect(cacheInfo(b, 'twice')).toEqual(info(0, 0, 0));
      b.twice(1);
      expect(method.cacheInfo()).toEqual(info(0, 1, 0));
      expect(cacheInfo(b, 'twice')).toEqual(info(0, 1, 1));
    });

    it('a call in flight during a clear-all does not store its result', () => {
      let runs = 0;
      class Reentrant {
        @cached
        value(n: number): number {
          runs++;
          if (n === 1) (Reentrant.prototype.value as CachedFunction<Reentrant['value']>).cacheClear();
          return n;
        }
      }
      const r = new Reentrant();
      r.value(1); // clears everything while running: not stored
      r.value(1);
      expect(runs).toBe(2);
      expect(cacheInfo(r, 'value').currSize).toBe(0);
    });

    it('a call in flight during cacheClear(instance, member) does not store either', () => {
      let runs = 0;
      class Reentrant {
        @cached
        value(n: number): number {
          runs++;
          if (runs === 1) cacheClear(this as Reentrant, 'value');
          return n;
        }
      }
      const r = new Reentrant();
      r.value(1);
      r.value(1);
      expect(runs).toBe(2);
      expect(cacheInfo(r, 'value')).toEqual(info(0, 1, 1));
    });

    it('Class.prototype.m.cacheInvalidate(args) reaches every instance; other keys stay', () => {
      let runs = 0;
      class Geo {
        constructor(readonly unit: number) {}
        @cached
        distance(a: number, b: number) {
          runs++;
          return (b - a) * this.unit;
        }
      }
      const [x, y] = [new Geo(1), new Geo(1000)];
      for (const g of [x, y]) {
        g.distance(0, 1);
        g.distance(0, 2);
      }
      (Geo.prototype.distance as CachedFunction<Geo['distance']>).cacheInvalidate(0, 1);
      expect(cacheContains(x, 'distance', 0, 1)).toBe(false);
      expect(cacheContains(y, 'distance', 0, 1)).toBe(false);
      expect(cacheContains(y, 'distance', 0, 2)).toBe(true);
      expect([x.distance(0, 1), y.distance(0, 1)]).toEqual([1, 1000]);
      expect(runs).toBe(6);
    });
  });

  describe('clearing reaches every cached member of an instance', () => {
    it('cacheClear(instance) also clears a base member its override shadows (super calls use it)', () => {
      let baseRuns = 0;
      class Base {
        source = 'v1';
        @cached
        label(): string {
          baseRuns++;
          return this.source;
        }
      }
      class Derived extends Base {
        @cached
        override label(): string {
          return `derived ${super.label()}`;
        }
      }
      const d = new Derived();
      expect(d.label()).toBe('derived v1');
      d.source = 'v2';
      cacheClear(d);
      expect(d.label()).toBe('derived v2'); // not the base's stale 'v1'
      expect(baseRuns).toBe(2);
    });

    it('@cached twice on one member is refused when the class is defined', () => {
      expect(() => {
        class Twice {
          @untypedCached
          @untypedCached
          m(n: number) {
            return n;
          }
        }
        return Twice;
      }).toThrow("@cached cannot be applied twice to 'm': one @cached already caches it");
    });
  });
}
