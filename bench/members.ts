/**
 * Member scenarios: the hit cost of decorated methods (the full member
 * comparison against decorator libraries is a later benchmark).
 */
import pMemoize from 'p-memoize';
import { cached } from '../src/index.js';
import { weakMapMethodFloor } from './floors.js';
import { compileBatch, nsPerOp, progress, selected, withRatios, type Row, type ScenarioResult } from './harness.js';
import { randomKeys } from './workloads.js';

class Plain {
  constructor(readonly factor: number) {}
  times(n: number): number {
    return n * this.factor;
  }
  async fetch(n: number): Promise<number> {
    return n * this.factor;
  }
}

class Decorated {
  constructor(readonly factor: number) {}
  @cached
  times(n: number): number {
    return n * this.factor;
  }
  @cached
  async fetch(n: number): Promise<number> {
    return n * this.factor;
  }
}

/** Times `call` over the keys on one instance, after checking one answer. */
async function timeMethod(name: string, call: (n: number) => unknown, keys: number[], floor = false) {
  for (const key of keys) call(key);
  const ns = await nsPerOp(compileBatch(call, keys.map((key) => [key]), 1), keys.length);
  progress(`  ${name}: ${ns.toFixed(1)} ns/op`);
  return { name, nsPerOp: ns, floor };
}

export async function memberScenarios(): Promise<ScenarioResult[]> {
  if (!selected('Async method, all hits') && !selected('Instance method')) return [];
  const keys = randomKeys(100, 5); // within the default maxSize (128): all hits
  progress('Async method, all hits (the cached promise is returned)');
  const plain = new Plain(3);
  const decorated = new Decorated(3);
  // The floor for async: the per-instance WeakMap memoizer holding promises.
  const promiseFloor = (() => {
    const caches = new WeakMap<object, Map<number, Promise<number>>>();
    return function (this: Plain, n: number): Promise<number> {
      let perInstance = caches.get(this);
      if (perInstance === undefined) caches.set(this, (perInstance = new Map()));
      let hit = perInstance.get(n);
      if (hit === undefined) perInstance.set(n, (hit = plain.fetch(n)));
      return hit;
    };
  })();
  const pMemoized = pMemoize((n: number) => plain.fetch(n));
  for (const key of keys.slice(0, 3)) {
    if ((await decorated.fetch(key)) !== key * 3) throw new Error('bench: @cached async answered wrongly');
  }
  const syncFloor = weakMapMethodFloor(function (this: Plain, n: number) {
    return n * this.factor;
  });
  const syncRows: Omit<Row, 'ratio'>[] = [
    await timeMethod('floor: WeakMap<instance, Map>', (n) => syncFloor.call(plain, n), keys, true),
    await timeMethod('lru-memo @cached method', (n) => decorated.times(n), keys),
  ];
  const rows: Omit<Row, 'ratio'>[] = [
    await timeMethod('floor: WeakMap<instance, Map> of promises', (n) => promiseFloor.call(plain, n), keys, true),
    await timeMethod('lru-memo @cached async method', (n) => decorated.fetch(n), keys),
    await timeMethod('p-memoize (function, not per instance)', (n) => pMemoized(n), keys),
  ];
  return [
    {
      title: 'Instance method, one number argument, all hits',
      unit: 'ns per call (all hits)',
      rows: withRatios(syncRows),
      target: 'the per-instance floor (the full comparison with decorator libraries is a later benchmark)',
    },
    {
      title: 'Async method, all hits',
      unit: 'ns per call (all hits)',
      rows: withRatios(rows),
      target: 'hit cost of an async cached method, beside the floor',
    },
  ];
}
