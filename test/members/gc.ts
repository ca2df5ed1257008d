/**
 * Garbage-collection proofs for decorated members, run once per decorator
 * flavour (test/tc39 and test/legacy import this). Each proof watches objects
 * that must be collected beside a strongly held control that must not be.
 */
import { describe, expect, it } from 'vitest';
import { cached, cacheInfo, type CachedFunction } from '../../src/index.js';
import { Watcher, forceGc, heapAfterGc } from '../support/gc.js';

class Service {
  constructor(
    readonly id: number,
    readonly tenant: { name: string },
  ) {}

  @cached
  compute(n: number): { owner: Service; value: number } {
    return { owner: this, value: n * this.id }; // the result points back at the instance
  }

  @cached
  get profile(): { owner: Service; label: string } {
    return { owner: this, label: `service ${this.id}` };
  }

  @cached
  async load(key: string): Promise<{ owner: Service; key: string }> {
    return { owner: this, key };
  }

  @cached({ scope: (self: Service) => self.tenant })
  tenantName(suffix: string): string {
    return `${this.tenant.name}${suffix}`;
  }
}

function useEverything(service: Service): Promise<unknown> {
  service.compute(2);
  service.compute(2);
  void service.profile;
  void service.profile;
  service.tenantName('!');
  return service.load('k');
}

export function memberGcSuite(): void {
  describe('decorated members never keep an instance alive', () => {
    it('10,000 instances that used a cached method, getter, async method and scoped member are all collected; a held control is not', async () => {
      const watcher = new Watcher();
      const control = new Service(-1, { name: 'control' });
      await useEverything(control);
      const controlIndex = watcher.watch(control);
      const dropped: number[] = [];
      await (async function requests() {
        for (let i = 0; i < 10_000; i++) {
          const service = new Service(i, { name: `tenant ${i % 10}` });
          await useEverything(service);
          if (i % 100 === 0) dropped.push(watcher.watch(service));
        }
      })();
      const compute = Service.prototype.compute as CachedFunction<Service['compute']>;
      expect(compute.cacheInfo().hits).toBe(10_001); // one hit per instance and the control
      expect(await watcher.awaitCollected(dropped, 30)).toBe(true);
      expect(watcher.collected(controlIndex)).toBe(false);
      expect(control.compute(2).owner).toBe(control); // its cache survived too
      expect(cacheInfo(control, 'compute').hits).toBe(2);
      // Totals are counters: the collected instances' calls stay counted, and no instance is listed for currSize.
      expect(compute.cacheInfo()).toMatchObject({ hits: 10_002, misses: 10_001, currSize: 0 });
    });

    it('a scope key object is held weakly: collected with its instances; a held key is not', async () => {
      const watcher = new Watcher();
      const heldTenant = { name: 'held' };
      new Service(1, heldTenant).tenantName('?');
      const heldIndex = watcher.watch(heldTenant);
      const dropped: number[] = [];
      (function requests() {
        for (let i = 0; i < 50; i++) {
          const tenant = { name: `t${i}` };
          new Service(i, tenant).tenantName('?');
          dropped.push(watcher.watch(tenant));
        }
      })();
      expect(await watcher.awaitCollected(dropped)).toBe(true);
      expect(watcher.collected(heldIndex)).toBe(false);
      expect(cacheInfo(new Service(2, heldTenant), 'tenantName').currSize).toBe(1);
    });

    it('a decorated class defined inside a function is collectable after use; a kept one is not', async () => {
      const watcher = new Watcher();
      function defineAndUse(): object {
        class Ephemeral {
          @cached
          m(n: number) {
            return n + 1;
          }
          @cached
          static s(n: number) {
            return n;
          }
        }
        new Ephemeral().m(1);
        Ephemeral.s(1);
        return Ephemeral;
      }
      const kept = defineAndUse();
      const keptIndex = watcher.watch(kept);
      const droppedIndex = watcher.watch(defineAndUse());
      expect(await watcher.awaitCollected([droppedIndex])).toBe(true);
      expect(watcher.collected(keptIndex)).toBe(false);
    });

    it('inside one synchronous loop (no yield), instances and their caches are freed as it runs; a naive memoizer grows', () => {
      // The loop never yields: anything that keeps an instance until the job ends (a WeakRef does)
      // shows up in the heap measured after gc() *inside* the loop.
      const naive = new Map<object, unknown>();
      class Naive {
        readonly payload = new Array(64).fill(0);
        compute(n: number) {
          if (!naive.has(this)) naive.set(this, { owner: this, n });
          return naive.get(this);
        }
      }
      class Decorated {
        readonly payload = new Array(64).fill(0);
        @cached
        compute(n: number) {
          return { owner: this, n };
        }
        @cached
        get summary() {
          return { owner: this, size: this.payload.length };
        }
      }
      const peakGrowth = (use: (i: number) => void): number => {
        forceGc();
        const start = process.memoryUsage().heapUsed;
        let peak = 0;
        for (let i = 1; i <= 100_000; i++) {
          use(i);
          if (i % 10_000 === 0) {
            forceGc();
            peak = Math.max(peak, process.memoryUsage().heapUsed - start);
          }
        }
        return peak;
      };
      const decorated = peakGrowth((i) => {
        const d = new Decorated();
        d.compute(i);
        void d.summary;
      });
      const control = peakGrowth((i) => void new Naive().compute(i));
      expect(control).toBeGreaterThan(40 * 2 ** 20);
      expect(decorated).toBeLessThan(8 * 2 ** 20);
      naive.clear();
    });

    it('totals are counters: instances made in bulk (thousands in one task) are collected, their calls stay counted; a held one stays', async () => {
      class Bulk {
        @cached
        twice(n: number) {
          return n * 2;
        }
      }
      const twice = Bulk.prototype.twice as CachedFunction<Bulk['twice']>;
      const watcher = new Watcher();
      const held = new Bulk();
      held.twice(1);
      held.twice(1);
      const heldIndex = watcher.watch(held);
      const dropped: number[] = [];
      (function bulk() {
        for (let i = 0; i < 5_000; i++) {
          const item = new Bulk();
          item.twice(i);
          if (i % 100 === 0) dropped.push(watcher.watch(item));
        }
      })();
      expect(twice.cacheInfo()).toEqual({ hits: 1, misses: 5_001, maxSize: 128, currSize: 0, evictions: 0 });
      expect(await watcher.awaitCollected(dropped, 30)).toBe(true);
      expect(watcher.collected(heldIndex)).toBe(false);
      expect(twice.cacheInfo()).toEqual({ hits: 1, misses: 5_001, maxSize: 128, currSize: 0, evictions: 0 });
      expect(cacheInfo(held, 'twice')).toEqual({ hits: 1, misses: 1, maxSize: 128, currSize: 1, evictions: 0 });
      expect(held.twice(1)).toBe(2);
      expect(cacheInfo(held, 'twice').hits).toBe(2);
    });

    it('heap after 50,000 short-lived instances stays under 8 MB; a naive module-level memoizer grows past it', async () => {
      // The naive memoizer is the control: Python's lru_cache behaviour, keyed
      // on the instance. If the measurement could not see a leak, this fails.
      const naive = new Map<object, Map<number, unknown>>();
      class Naive {
        readonly payload = new Array(64).fill(0);
        compute(n: number) {
          let perInstance = naive.get(this);
          if (perInstance === undefined) naive.set(this, (perInstance = new Map()));
          if (!perInstance.has(n)) perInstance.set(n, { owner: this, n });
          return perInstance.get(n);
        }
      }
      class Decorated {
        readonly payload = new Array(64).fill(0);
        @cached
        compute(n: number) {
          return { owner: this, n };
        }
        @cached
        get summary() {
          return { owner: this, size: this.payload.length };
        }
      }
      const run = async (make: () => { compute(n: number): unknown }) => {
        const before = await heapAfterGc();
        for (let i = 0; i < 50_000; i++) {
          const instance = make();
          instance.compute(1);
          instance.compute(1);
        }
        return (await heapAfterGc()) - before;
      };
      const decoratedGrowth = await run(() => {
        const d = new Decorated();
        void d.summary;
        return d;
      });
      const naiveGrowth = await run(() => new Naive());
      expect(decoratedGrowth).toBeLessThan(8 * 2 ** 20);
      expect(naiveGrowth).toBeGreaterThan(8 * 2 ** 20);
      expect(naive.size).toBe(50_000);
    });
  });
}
