/**
 * What the types catch, in either decorator flavour (this file is compiled by
 * `npm run typecheck` under both tsconfig.json and tsconfig.legacy.json, and
 * run by both projects): each `@ts-expect-error` line must be an error, or
 * the typecheck fails ("unused directive"). The runtime assertions check that
 * the typed forms do what the untyped ones do.
 */
import { describe, expect, it } from 'vitest';
import { cacheContains, cached, cacheInfo, cacheInvalidate, lruCache, type CacheInfo } from '../../src/index.js';
import { sharedTier } from '../../src/shared/index.js';
import { MemoryStore } from '../support/memory-store.js';

export function memberTypesSuite(): void {
  describe('types that catch mistakes', () => {
    it('scope: an unannotated parameter is unknown, so a typo does not compile; an annotated one is checked', () => {
      class Adder {
        constructor(readonly delay: number) {}
        @cached({ scope: (adder: Adder) => adder.delay })
        add(a: number, b: number) {
          return a + b + this.delay;
        }
      }
      expect(() => {
        class Typo {
          delay = 1;
          // @ts-expect-error the parameter is unknown until annotated: `k.dleay` does not compile
          @cached({ scope: (k) => k.dleay })
          add(a: number) {
            return a;
          }
        }
        return new Typo().add(1);
      }).not.toThrow(); // (at runtime the typo would silently make every instance share one cache)
      expect(new Adder(1).add(1, 2)).toBe(4);
    });

    it('member names are checked, and member arguments are typed from the member', () => {
      class Geo {
        @cached distance(a: string, b: string) {
          return a.length + b.length;
        }
        @cached get label() {
          return 'geo';
        }
      }
      const geo = new Geo();
      geo.distance('LIS', 'OPO');
      expect(() => {
        // @ts-expect-error 'dist' is not a member of Geo
        cacheInfo(geo, 'dist');
      }).toThrow(TypeError);
      expect(cacheContains(geo, 'distance', 'LIS', 'OPO')).toBe(true);
      // @ts-expect-error distance takes strings
      expect(cacheContains(geo, 'distance', 'LIS', 1)).toBe(false);
      // @ts-expect-error a getter takes no arguments
      expect(cacheContains(geo, 'label', 'x')).toBe(false);
      expect(cacheInvalidate(geo, 'distance', 'LIS', 'OPO')).toBe(true);
      expect(cacheInvalidate(geo, 'label')).toBe(false);
    });

    it('totals of a decorated member in a form that type-checks: cacheInfo(Class.prototype.member)', () => {
      class Geo {
        @cached distance(a: string, b: string) {
          return a.length + b.length;
        }
      }
      const [x, y] = [new Geo(), new Geo()];
      x.distance('a', 'b');
      y.distance('a', 'b');
      y.distance('a', 'b');
      const totals: CacheInfo = cacheInfo(Geo.prototype.distance);
      expect(totals).toEqual({ hits: 1, misses: 2, maxSize: 128, currSize: 0, evictions: 0 }); // entries: per instance
      expect(cacheInvalidate(Geo.prototype.distance, 'a', 'b')).toBe(true); // from every instance
      expect(cacheContains(x, 'distance', 'a', 'b')).toBe(false);
      expect(() =>
        // @ts-expect-error the member's own arguments: strings
        cacheInvalidate(Geo.prototype.distance, 1, 2),
      ).not.toThrow();
    });

    it('cacheInvalidate and cacheContains accept every overload of a function', () => {
      function parse(text: string): string;
      function parse(code: number): string;
      function parse(input: string | number): string {
        return String(input);
      }
      const f = lruCache(parse);
      f('x');
      f(1);
      expect([f.cacheContains('x'), f.cacheContains(1)]).toEqual([true, true]);
      expect([f.cacheInvalidate('x'), cacheInvalidate(f, 1)]).toEqual([true, true]);
      // @ts-expect-error no overload takes a boolean
      expect(f.cacheContains(true)).toBe(false);
    });

    it("shared on a function that does not return a promise: the error names the rule", () => {
      const tier = sharedTier({ store: new MemoryStore(), namespace: 'types' });
      expect(() =>
        // @ts-expect-error option 'shared' is for functions that return a promise
        lruCache((n: number) => n, { ttl: 1000, shared: tier }),
      ).not.toThrow(); // refused at the first call instead (the type is the earlier guard)
      expect(() => lruCache(async (n: number) => n, { ttl: 1000, shared: tier })).not.toThrow();
    });
  });
}
