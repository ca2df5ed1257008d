/**
 * Garbage-collection proofs for the function cache. Every test watches objects
 * that must be collected and a control that is still strongly held and must not
 * be, so a cache that leaks fails and a test that proves nothing fails too.
 */
import { describe, expect, it } from 'vitest';
import { cacheInfo, lruCache } from '../../src/index.js';
import { Watcher, collectUntil } from '../support/gc.js';

type Box = { id: number; payload: number[] };

function makeBox(id: number): Box {
  return { id, payload: new Array(100).fill(id) };
}

describe.each([
  ['unbounded', Infinity],
  ['bounded', 1000],
])('%s cache: argument objects are never kept alive', (_label, maxSize) => {
  it('an argument object is collected; a strongly held control is not', async () => {
    const watcher = new Watcher();
    const f = lruCache((box: Box) => box.id * 2, { maxSize });
    const control = makeBox(-1);
    f(control);
    const controlIndex = watcher.watch(control);
    const dropped: number[] = [];
    (function useAndDrop() {
      for (let i = 0; i < 50; i++) {
        const box = makeBox(i);
        f(box);
        f(box);
        dropped.push(watcher.watch(box));
      }
    })();
    expect(f.cacheInfo().hits).toBe(50);
    expect(await watcher.awaitCollected(dropped)).toBe(true);
    expect(watcher.collected(controlIndex)).toBe(false);
    expect(f(control)).toBe(-2);
    expect(f.cacheInfo().hits).toBe(51); // the control's entry survived
  });

  it('a result that points back at its argument does not keep the argument alive', async () => {
    const watcher = new Watcher();
    const f = lruCache((box: Box) => ({ owner: box, doubled: box.id * 2 }), { maxSize });
    const control = makeBox(-1);
    const controlIndex = watcher.watch(control);
    f(control);
    const dropped: number[] = [];
    (function useAndDrop() {
      for (let i = 0; i < 50; i++) {
        const box = makeBox(i);
        expect(f(box)).toBe(f(box));
        dropped.push(watcher.watch(box));
      }
    })();
    expect(await watcher.awaitCollected(dropped)).toBe(true);
    expect(watcher.collected(controlIndex)).toBe(false);
    expect(f(control).owner).toBe(control);
  });

  it('objects at any argument position, mixed with primitives, are collected', async () => {
    const watcher = new Watcher();
    const f = lruCache((a: unknown, b: unknown, c: unknown) => [a, b, c], { maxSize });
    const control = makeBox(-1);
    const controlIndex = watcher.watch(control);
    f(1, control, 'x');
    const dropped: number[] = [];
    (function useAndDrop() {
      for (let i = 0; i < 30; i++) {
        const box = makeBox(i);
        f(i, box, 'x');
        f(box, i, control);
        f(control, 'y', box);
        dropped.push(watcher.watch(box));
      }
    })();
    expect(await watcher.awaitCollected(dropped)).toBe(true);
    expect(watcher.collected(controlIndex)).toBe(false);
  });

  it('currSize drops once collected entries are reclaimed; primitive entries stay', async () => {
    const f = lruCache((x: unknown) => x, { maxSize });
    f(1);
    f('two');
    (function useAndDrop() {
      for (let i = 0; i < 40; i++) f(makeBox(i));
    })();
    expect(f.cacheInfo().currSize).toBe(42);
    expect(await collectUntil(() => f.cacheInfo().currSize === 2)).toBe(true);
    expect(f.cacheInfo().hits).toBe(0);
    f(1);
    f('two');
    expect(f.cacheInfo()).toMatchObject({ hits: 2, currSize: 2, evictions: 0 });
  });
});

describe('receivers are never kept alive', () => {
  it('C.prototype.m = lruCache(m): instances are collected, a held control is not', async () => {
    class Service {
      constructor(readonly factor: number) {}
      scale(n: number) {
        return { by: this, value: n * this.factor }; // the result points back at the instance
      }
    }
    const scale = lruCache(Service.prototype.scale);
    Service.prototype.scale = scale;
    const watcher = new Watcher();
    const control = new Service(-1);
    control.scale(1);
    const controlIndex = watcher.watch(control);
    const dropped: number[] = [];
    (function requests() {
      for (let i = 0; i < 100; i++) {
        const service = new Service(i);
        service.scale(1);
        service.scale(1);
        dropped.push(watcher.watch(service));
      }
    })();
    expect(scale.cacheInfo().hits).toBe(100);
    expect(await watcher.awaitCollected(dropped)).toBe(true);
    expect(watcher.collected(controlIndex)).toBe(false);
    // The control's own cache still answers.
    expect(cacheInfo(control, 'scale')).toMatchObject({ hits: 0, misses: 1, currSize: 1 });
    expect(control.scale(1).value).toBe(-1);
    expect(cacheInfo(control, 'scale').hits).toBe(1);
  });
});

describe('the first call on a new receiver holds an object argument weakly', () => {
  // A receiver's first call with a primitive argument is stored in a small
  // record that holds its key strongly; an object argument must go to a full
  // cache instead, whose trie holds it weakly, even while the receiver lives.
  it('plain function on object receivers: arguments are collected while their receivers live; a held control is not', async () => {
    const watcher = new Watcher();
    const f = lruCache(function (this: object, box: Box) {
      return box.id * 2;
    });
    const receivers: object[] = [{}];
    const control = makeBox(-1);
    f.call(receivers[0]!, control);
    const controlIndex = watcher.watch(control);
    const dropped: number[] = [];
    (function useAndDrop() {
      for (let i = 0; i < 50; i++) {
        const receiver = {};
        receivers.push(receiver);
        const box = makeBox(i);
        f.call(receiver, box);
        f.call(receiver, box);
        dropped.push(watcher.watch(box));
      }
    })();
    expect(f.cacheInfo().hits).toBe(50);
    expect(await watcher.awaitCollected(dropped)).toBe(true);
    expect(watcher.collected(controlIndex)).toBe(false);
    expect(f.call(receivers[0]!, control)).toBe(-2);
    expect(f.cacheInfo().hits).toBe(51); // the control's entry survived
    expect(receivers).toHaveLength(51); // every receiver was still alive
  });

  it('decorated method on live instances: arguments are collected; a held control is not', async () => {
    const { cached } = await import('../../src/index.js');
    class Service {
      @cached
      double(box: Box) {
        return box.id * 2;
      }
    }
    const watcher = new Watcher();
    const services = [new Service()];
    const control = makeBox(-1);
    services[0]!.double(control);
    const controlIndex = watcher.watch(control);
    const dropped: number[] = [];
    (function useAndDrop() {
      for (let i = 0; i < 50; i++) {
        const service = new Service();
        services.push(service);
        const box = makeBox(i);
        service.double(box);
        dropped.push(watcher.watch(box));
      }
    })();
    expect(await watcher.awaitCollected(dropped)).toBe(true);
    expect(watcher.collected(controlIndex)).toBe(false);
    expect(services[0]!.double(control)).toBe(-2);
    expect(services).toHaveLength(51);
  });
});

describe('custom key objects are held weakly', () => {
  it('a key object returned by key() is collected; a held control is not', async () => {
    const watcher = new Watcher();
    const keys = new Map<number, object>();
    const g = lruCache((id: number) => ({ id }), { key: (id: number) => keys.get(id) ?? id });
    const control = { control: true };
    keys.set(0, control);
    const controlIndex = watcher.watch(control);
    const controlResult = g(0);
    const dropped: number[] = [];
    (function useAndDrop() {
      for (let i = 1; i <= 20; i++) {
        const k = { k: i };
        keys.set(i, k);
        g(i);
        dropped.push(watcher.watch(k));
        keys.delete(i);
      }
    })();
    expect(await watcher.awaitCollected(dropped)).toBe(true);
    expect(watcher.collected(controlIndex)).toBe(false);
    expect(g(0)).toBe(controlResult); // the control key's entry survived: a hit
    expect(g.cacheInfo()).toMatchObject({ hits: 1, misses: 21 });
  });
});

describe('async calls keep nothing alive', () => {
  it('a rejected call, its reason and its closure are not retained; a fulfilled one is', async () => {
    const watcher = new Watcher();
    const payloads = new Map<number, object>();
    // Primitive keys: a kept entry would be held strongly, so a retained
    // rejection (whose reason carries the payload) would keep the payload alive.
    const f = lruCache(async (id: number) => {
      const payload = { big: new Array(1000).fill(id) };
      payloads.set(id, payload);
      await Promise.resolve();
      if (id >= 0) throw Object.assign(new Error(`failed ${id}`), { payload });
      return payload;
    });
    await f(-1);
    const controlIndex = watcher.watch(payloads.get(-1)!);
    const dropped: number[] = [];
    for (let i = 0; i < 30; i++) {
      await f(i).catch(() => undefined);
      dropped.push(watcher.watch(payloads.get(i)!));
    }
    payloads.clear();
    expect(f.cacheInfo().currSize).toBe(1);
    expect(await watcher.awaitCollected(dropped)).toBe(true);
    expect(watcher.collected(controlIndex)).toBe(false); // the fulfilled entry keeps its result
  });

  it('rejected calls with primitive keys leave no entry and no slot behind', async () => {
    const f = lruCache(async (id: number) => {
      throw new Error(`failed ${id}`);
    }, { maxSize: 10 });
    for (let i = 0; i < 100; i++) await f(i).catch(() => undefined);
    expect(f.cacheInfo()).toMatchObject({ misses: 100, currSize: 0 });
  });
});

describe('budget bookkeeping keeps nothing alive', () => {
  it('instances and argument objects in budgeted caches are collected; held controls are not', async () => {
    const { createBudget, cached } = await import('../../src/index.js');
    const budget = createBudget({ maxSize: 100_000 });
    const f = lruCache((box: Box) => ({ box }), { budget });
    class Service {
      constructor(readonly box: Box) {}
      @cached({ budget })
      wrap(n: number) {
        return { owner: this, n };
      }
    }
    const watcher = new Watcher();
    const heldBox = makeBox(-1);
    const heldService = new Service(heldBox);
    f(heldBox);
    heldService.wrap(1);
    const controls = [watcher.watch(heldBox), watcher.watch(heldService)];
    const dropped: number[] = [];
    (function requests() {
      for (let i = 0; i < 50; i++) {
        const box = makeBox(i);
        const service = new Service(box);
        f(box);
        service.wrap(i);
        dropped.push(watcher.watch(box), watcher.watch(service));
      }
    })();
    expect(budget.info().currSize).toBe(102);
    expect(await watcher.awaitCollected(dropped)).toBe(true);
    expect(controls.map((i) => watcher.collected(i))).toEqual([false, false]);
    // Collected caches and entries give their budget room back.
    expect(await collectUntil(() => budget.info().currSize === 2)).toBe(true);
  });
});
