/**
 * Per-result policies on members, run once per decorator flavour (imported
 * by test/tc39 and test/legacy): `shouldCache` and `ttl` as a function on a
 * method (a receiver's small record, then grown), an async method, a getter,
 * a static method and a scope function with primitive keys (the keyed cache).
 */
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cached, cacheContains, cacheInfo } from '../../src/index.js';
import '../../src/policies/index.js';

interface Found {
  id: number;
  found: boolean;
}

export function memberPolicySuite(): void {
  describe('per-result policies on members', () => {
    function defineRepository() {
      const runs: string[] = [];
      class Repository {
        constructor(readonly tenant: number) {}

        @cached({ shouldCache: (row: Found) => row.found })
        find(id: number): Found {
          runs.push(`find ${id}`);
          return { id, found: id > 0 };
        }

        @cached({ shouldCache: (rows: number[]) => rows.length > 0 })
        async list(page: number): Promise<number[]> {
          runs.push(`list ${page}`);
          await tick();
          return page > 0 ? [page] : [];
        }

        @cached({ shouldCache: (count: number) => count > 0 })
        get count(): number {
          runs.push('count');
          return this.tenant;
        }

        @cached({ shouldCache: (row: Found) => row.found })
        static lookup(id: number): Found {
          runs.push(`lookup ${id}`);
          return { id, found: id > 0 };
        }

        @cached({ scope: (self: Repository) => self.tenant, shouldCache: (row: Found) => row.found })
        byTenant(id: number): Found {
          runs.push(`byTenant ${this.tenant} ${id}`);
          return { id, found: id > 0 };
        }
      }
      return { Repository, runs };
    }

    it('a method: a refused result is not stored, an accepted one is, on small and grown records', () => {
      const { Repository, runs } = defineRepository();
      const repo = new Repository(1);
      repo.find(0);
      repo.find(0);
      repo.find(1);
      repo.find(1);
      repo.find(2); // grows the record
      repo.find(-1);
      repo.find(-1);
      repo.find(2);
      expect(runs).toEqual(['find 0', 'find 0', 'find 1', 'find 2', 'find -1', 'find -1']);
      expect(cacheInfo(repo, 'find')).toEqual({ hits: 2, misses: 6, maxSize: 128, currSize: 2, evictions: 0 });
      expect(cacheContains(repo, 'find', 0)).toBe(false);
      expect(cacheContains(repo, 'find', 1)).toBe(true);
    });

    it('an async method: shared while pending, removed on fulfilment when refused', async () => {
      const { Repository, runs } = defineRepository();
      const repo = new Repository(1);
      const [a, b] = [repo.list(0), repo.list(0)];
      expect(b).toBe(a);
      await a;
      await repo.list(0);
      await repo.list(3);
      await repo.list(3);
      expect(runs).toEqual(['list 0', 'list 0', 'list 3']);
      expect(cacheInfo(repo, 'list').currSize).toBe(1);
    });

    it('a getter, a static method and a scope function with primitive keys', () => {
      const { Repository, runs } = defineRepository();
      const [empty, full] = [new Repository(0), new Repository(5)];
      expect([empty.count, empty.count, full.count, full.count]).toEqual([0, 0, 5, 5]);
      Repository.lookup(0);
      Repository.lookup(0);
      Repository.lookup(4);
      Repository.lookup(4);
      const [t1, t1b] = [new Repository(7), new Repository(7)];
      t1.byTenant(0);
      t1b.byTenant(0);
      t1.byTenant(3);
      t1b.byTenant(3);
      expect(runs).toEqual(['count', 'count', 'count', 'lookup 0', 'lookup 0', 'lookup 4', 'byTenant 7 0', 'byTenant 7 0', 'byTenant 7 3']);
    });

    describe('ttl as a function', () => {
      beforeEach(() => {
        vi.useFakeTimers();
      });
      afterEach(() => {
        vi.useRealTimers();
      });

      it('each value of a method and a getter lives what the function answers', () => {
        const runs: string[] = [];
        class Prices {
          @cached({ ttl: (price: number) => (price > 100 ? 1000 : 10) })
          price(sku: number): number {
            runs.push(`price ${sku}`);
            return sku;
          }

          @cached({ ttl: () => 0 })
          get uncached(): number {
            runs.push('uncached');
            return 1;
          }
        }
        const prices = new Prices();
        prices.price(5);
        prices.price(500);
        vi.advanceTimersByTime(10);
        prices.price(5); // lived 10 ms
        prices.price(500); // lives 1000 ms
        expect([prices.uncached, prices.uncached]).toEqual([1, 1]);
        expect(runs).toEqual(['price 5', 'price 500', 'price 5', 'uncached', 'uncached']);
      });
    });
  });
}
