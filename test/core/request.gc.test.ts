/**
 * A finished request's cache is collected (scope 'request', lru-memo/request):
 * what it stored goes with the request, while a request still running keeps
 * its own (the control). Memory stays flat over many requests, between them
 * and inside one synchronous loop of them.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { cached, lruCache } from '../../src/index.js';
import { requestStats, runInRequest } from '../../src/request/index.js';
import { Watcher, forceGc, heapAfterGc } from '../support/gc.js';

type Result = { id: number; payload: number[] };

describe("a request's cache goes with the request", () => {
  it('values stored by finished requests are collected; a request still running keeps its value', async () => {
    const watcher = new Watcher();
    const load = lruCache(async (id: number): Promise<Result> => ({ id, payload: new Array(1000).fill(id) }), { scope: 'request' });

    // The control: a request that has not finished (it awaits `finish`), so its context is alive.
    let finish!: () => void;
    let controlIndex = -1;
    const running = runInRequest(async () => {
      const value = await load(-1);
      controlIndex = watcher.watch(value);
      await new Promise<void>((resolve) => (finish = resolve));
      return load(-1); // still this request's cached value
    });

    const dropped: number[] = [];
    for (let i = 0; i < 50; i++) {
      await runInRequest(async () => {
        const value = await load(i);
        expect(await load(i)).toBe(value);
        dropped.push(watcher.watch(value));
      });
    }
    expect(await watcher.awaitCollected(dropped, 30)).toBe(true);
    expect(watcher.collected(controlIndex)).toBe(false);

    finish();
    const again = await running;
    expect(again.id).toBe(-1);
    expect(requestStats(load)).toEqual({ requests: 51, outside: 0 });
  });

  it('a member of a singleton service: 20,000 requests leave the heap flat; the same pages kept in a list (control) grow', async () => {
    class Catalog {
      @cached({ scope: 'request' })
      page(n: number) {
        return { n, rows: new Array(64).fill(n) };
      }
    }
    const catalog = new Catalog(); // lives for the process
    const serve = (requests: number, record?: (page: unknown) => void) => {
      const all: Promise<void>[] = [];
      for (let i = 0; i < requests; i++) {
        all.push(
          runInRequest(async () => {
            const page = catalog.page(i % 10);
            await tick();
            expect(catalog.page(i % 10)).toBe(page);
            record?.(page);
          }),
        );
      }
      return Promise.all(all);
    };
    await serve(2_000); // warm-up
    const before = await heapAfterGc();
    await serve(20_000);
    const growth = (await heapAfterGc()) - before;
    // Control: the same pages kept by a module-level list, as a leak would keep them.
    const kept: unknown[] = [];
    const beforeControl = await heapAfterGc();
    await serve(20_000, (page) => kept.push(page));
    const controlGrowth = (await heapAfterGc()) - beforeControl;
    expect(kept).toHaveLength(20_000);
    expect(controlGrowth).toBeGreaterThan(8 * 2 ** 20);
    expect(growth).toBeLessThan(2 * 2 ** 20);
  });

  it('inside one synchronous loop of 100,000 requests, finished requests are freed as it runs', () => {
    const load = lruCache((n: number) => ({ n, rows: new Array(64).fill(n) }), { scope: 'request' });
    const peak = (keep: unknown[] | undefined) => {
      forceGc();
      const start = process.memoryUsage().heapUsed;
      let max = 0;
      for (let i = 0; i < 100_000; i++) {
        runInRequest(() => {
          const value = load(i);
          keep?.push(value);
          return load(i) === value;
        });
        if (i % 10_000 === 9_999) {
          forceGc();
          max = Math.max(max, process.memoryUsage().heapUsed - start);
        }
      }
      return max;
    };
    const control: unknown[] = [];
    const controlPeak = peak(control);
    control.length = 0;
    const scopedPeak = peak(undefined);
    expect(controlPeak).toBeGreaterThan(40 * 2 ** 20);
    expect(scopedPeak).toBeLessThan(8 * 2 ** 20);
  });
});
