/**
 * Per-result policies for functions: option `shouldCache`, and option `ttl`
 * as a function of the value. Synchronous results are decided before they are
 * stored; promises when they fulfil (shared meanwhile). Every call path and
 * every kind of cache a miss can land in (unscoped, a receiver's small and
 * grown record, the keyed cache, weak entries, budgets, requests) is driven
 * through the same checks. Members: test/members/policy.ts; the shared tier:
 * policy.shared.test.ts.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { createBudget, lruCache } from '../../src/index.js';
import { runInRequest } from '../../src/request/index.js';
import { counted } from '../support/counted.js';
import '../../src/policies/index.js';

type Wrapped = ((...args: unknown[]) => unknown) & { cacheInfo(): { hits: number; misses: number; currSize: number, evictions: 0 } };

/** Where a call lands: how the test calls the cached function, and the options that route it there. */
interface Route {
  /** The function's declared parameter count: the call path is chosen by it (paths.ts). */
  readonly arity: number;
  readonly options?: Record<string, unknown>;
  /** Runs once before the checks (e.g. to make a record grow). */
  readonly prepare?: (f: Wrapped) => unknown;
  readonly call: (f: Wrapped, args: unknown[]) => unknown;
}

const receiver = {};
const grownReceiver = {};
const objectArgument = { id: 1 };
const ROUTES: [string, Route][] = [
  ...[0, 1, 2, 3, 4].map((arity): [string, Route] => [`no receiver, arity ${arity}`, { arity, call: (f, args) => f(...args) }]),
  ...[0, 1, 2, 3, 4].map((arity): [string, Route] => [
    `an object receiver's small record, arity ${arity}`,
    { arity, call: (f, args) => f.call(receiver, ...args) },
  ]),
  ['a grown record', { arity: 1, prepare: (f) => f.call(grownReceiver, 'other'), call: (f, args) => f.call(grownReceiver, ...args) }],
  ['a primitive receiver (the keyed cache)', { arity: 2, call: (f, args) => f.call(7, ...args) }],
  ['option key', { arity: 2, options: { key: (...args: unknown[]) => args.join('/') }, call: (f, args) => f(...args) }],
  ['an object argument (a weak entry)', { arity: 2, call: (f, args) => f(objectArgument, ...args.slice(1)) }],
  ['a budget', { arity: 1, options: { budget: createBudget({ maxSize: 100 }) }, call: (f, args) => f(...args) }],
  ['a budget, on a receiver', { arity: 1, options: { budget: createBudget({ maxSize: 100 }) }, call: (f, args) => f.call(receiver, ...args) }],
  ['maxSize 1 on a receiver', { arity: 1, options: { maxSize: 1 }, call: (f, args) => f.call(receiver, ...args) }],
  ["scope 'request', arity 0", { arity: 0, options: { scope: 'request' }, call: (f, args) => f(...args) }],
  ["scope 'request', arity 1", { arity: 1, options: { scope: 'request' }, call: (f, args) => f(...args) }],
  ["scope 'request', arity 2", { arity: 2, options: { scope: 'request' }, call: (f, args) => f(...args) }],
];

/** Runs `act` inside one request (scope 'request' needs one; the other routes do not care). */
function inOneRequest<T>(act: () => T): T {
  return runInRequest(act);
}

describe('shouldCache', () => {
  describe.each(ROUTES)('%s', (_name, route) => {
    const ARGS = [1, 2, 3, 4].slice(0, route.arity);

    it('a refused synchronous result is not stored: the next call runs again; an accepted one is', () => {
      inOneRequest(() => {
        let refuse = true;
        const body = counted((...args: unknown[]) => ({ args: args.length, refused: refuse }), route.arity);
        const f = lruCache(body.fn, { ...route.options, shouldCache: (value) => !(value as { refused: boolean }).refused }) as unknown as Wrapped;
        route.prepare?.(f);
        const before = body.calls.count;
        const sizeBefore = f.cacheInfo().currSize;
        const refused = [route.call(f, ARGS), route.call(f, ARGS)];
        expect(body.calls.count - before).toBe(2);
        expect(f.cacheInfo().currSize).toBe(sizeBefore);
        expect(refused[0]).toBeTruthy();
        refuse = false;
        route.call(f, ARGS);
        const runs = body.calls.count;
        route.call(f, ARGS);
        expect(body.calls.count).toBe(runs); // stored now: a hit
      });
    });

    it('a promise is shared while pending and removed when its value is refused', async () => {
      await inOneRequest(async () => {
        let refuse = true;
        const body = counted(async (...args: unknown[]) => {
          await tick();
          return { args: args.length, refused: refuse };
        }, route.arity);
        const f = lruCache(body.fn, { ...route.options, shouldCache: (value) => !(value as { refused: boolean }).refused }) as unknown as Wrapped;
        await route.prepare?.(f);
        const before = body.calls.count;
        const sizeBefore = f.cacheInfo().currSize;
        const first = route.call(f, ARGS) as Promise<unknown>;
        const joined = route.call(f, ARGS) as Promise<unknown>;
        expect(body.calls.count - before).toBe(1); // the second call joined the pending promise
        await Promise.all([first, joined]);
        expect(f.cacheInfo().currSize).toBe(sizeBefore); // refused on fulfilment: gone
        refuse = false;
        await route.call(f, ARGS);
        expect(body.calls.count - before).toBe(2); // ran again
        await route.call(f, ARGS);
        expect(body.calls.count - before).toBe(2); // accepted: kept
      });
    });
  });

  it('counts a refused call as a miss, and gets the value and a copy of the arguments', () => {
    const seen: unknown[][] = [];
    const f = lruCache((a: number, b: string) => `${a}${b}`, {
      shouldCache: (value, args) => {
        seen.push([value, args]);
        (args as unknown[]).push('mutated'); // a copy: the cache's keys are not touched
        return args[0] === 2;
      },
    });
    f(1, 'x');
    f(1, 'x');
    f(2, 'y');
    f(2, 'y');
    expect(seen).toEqual([
      ['1x', [1, 'x', 'mutated']],
      ['1x', [1, 'x', 'mutated']],
      ['2y', [2, 'y', 'mutated']],
    ]);
    expect(f.cacheInfo()).toEqual({ hits: 1, misses: 3, maxSize: 128, currSize: 1, evictions: 0 });
    expect(f.cacheContains(2, 'y')).toBe(true);
    expect(f.cacheContains(1, 'x')).toBe(false);
  });

  it('is asked with the fulfilled value of a promise, never for a rejection', async () => {
    const asked: unknown[] = [];
    const f = lruCache(
      async (n: number) => {
        if (n < 0) throw new Error('negative');
        return n * 10;
      },
      { shouldCache: (value) => (asked.push(value), true) },
    );
    await expect(f(-1)).rejects.toThrow('negative');
    expect(await f(2)).toBe(20);
    expect(asked).toEqual([20]);
  });

  it('a policy that throws: the call fails with its error (sync: thrown; async: rejected) and nothing is cached', async () => {
    const boom = new Error('policy failed');
    const sync = counted((n: number) => n);
    const f = lruCache(sync.fn, { shouldCache: () => { throw boom; } });
    expect(() => f(1)).toThrow(boom);
    expect(() => f(1)).toThrow(boom);
    expect(sync.calls.count).toBe(2);
    expect(f.cacheInfo().currSize).toBe(0);

    const body = counted(async (n: number) => n);
    const g = lruCache(body.fn, { shouldCache: () => { throw boom; } });
    await expect(g(1)).rejects.toBe(boom);
    await expect(g(1)).rejects.toBe(boom);
    expect(body.calls.count).toBe(2);
    expect(g.cacheInfo().currSize).toBe(0);
  });

  it('a promise refused after a clear, or after being replaced, changes nothing else', async () => {
    let release!: (v: number) => void;
    const f = lruCache((n: number) => (n === 1 ? new Promise<number>((r) => (release = r)) : Promise.resolve(n)), {
      shouldCache: (value) => value !== 0,
    });
    const pending = f(1);
    f.cacheClear();
    await f(2);
    release(0);
    await pending;
    expect(f.cacheInfo()).toMatchObject({ currSize: 1, misses: 1 });
    expect(f.cacheContains(2)).toBe(true);
  });

  it('works with custom thenables, answering with a promise of the same outcome', async () => {
    const thenable = { then: (resolve: (v: number) => void) => resolve(5) };
    const f = lruCache((_n: number) => thenable as unknown as PromiseLike<number>, { shouldCache: (v) => v === 5 });
    const first = f(1);
    expect(await first).toBe(5);
    expect(f(1)).toBe(first);
  });
});

describe('ttl as a function of the value', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe.each(ROUTES)('%s', (_name, route) => {
    const ARGS = [1, 2, 3, 4].slice(0, route.arity);

    it('each synchronous value lives what the function answers; 0 is not cached; Infinity never expires', () => {
      inOneRequest(() => {
        let life = 100;
        const body = counted((...args: unknown[]) => ({ args: args.length, life }), route.arity);
        const f = lruCache(body.fn, { ...route.options, ttl: (value) => (value as { life: number }).life }) as unknown as Wrapped;
        route.prepare?.(f);
        const before = body.calls.count;
        route.call(f, ARGS);
        vi.advanceTimersByTime(99);
        route.call(f, ARGS);
        expect(body.calls.count - before).toBe(1);
        vi.advanceTimersByTime(1);
        life = 0;
        route.call(f, ARGS); // expired: runs again, and 0 leaves it uncached
        route.call(f, ARGS);
        expect(body.calls.count - before).toBe(3);
        life = Infinity;
        route.call(f, ARGS);
        vi.advanceTimersByTime(10 * 365 * 24 * 3600 * 1000);
        route.call(f, ARGS);
        expect(body.calls.count - before).toBe(4);
      });
    });

    it('a promise lives what the function answers for its value, counted from fulfilment', async () => {
      await inOneRequest(async () => {
        const body = counted(async (...args: unknown[]) => args.length, route.arity);
        const f = lruCache(body.fn, { ...route.options, ttl: () => 50 }) as unknown as Wrapped;
        await route.prepare?.(f);
        const before = body.calls.count;
        const first = route.call(f, ARGS) as Promise<unknown>;
        vi.advanceTimersByTime(1000); // pending: not expiring
        expect(route.call(f, ARGS)).toBe(first);
        await first;
        await tick();
        vi.advanceTimersByTime(49);
        await route.call(f, ARGS);
        expect(body.calls.count - before).toBe(1);
        vi.advanceTimersByTime(1);
        await route.call(f, ARGS);
        expect(body.calls.count - before).toBe(2);
      });
    });
  });

  it('gets the value and the arguments; cacheParameters() shows the function', () => {
    const ttl = (value: number, args: [number]) => (value > 10 ? 1000 : args[0]);
    const f = lruCache((n: number) => n * n, { ttl });
    f(2);
    f(5);
    expect(f.cacheParameters()).toEqual({ maxSize: 128, ttl });
    vi.advanceTimersByTime(2);
    expect(f.cacheContains(2)).toBe(false); // lived 2 ms (its argument)
    expect(f.cacheContains(5)).toBe(true); // 25 > 10: lives 1000 ms
    vi.advanceTimersByTime(998);
    expect(f.cacheContains(5)).toBe(false);
    expect(f.cacheInfo().currSize).toBe(0);
  });

  it('with shouldCache: shouldCache is asked first, and a refused value never reaches the ttl function', () => {
    const asked: string[] = [];
    const f = lruCache((n: number) => n, {
      shouldCache: (v) => (asked.push(`should ${v}`), v > 0),
      ttl: (v) => (asked.push(`ttl ${v}`), 100),
    });
    f(0);
    f(1);
    expect(asked).toEqual(['should 0', 'should 1', 'ttl 1']);
  });

  it('an answer that is not a number of milliseconds fails the call, sync or async, and caches nothing', async () => {
    const f = lruCache((n: number) => n, { ttl: () => NaN });
    expect(() => f(1)).toThrow(RangeError);
    expect(f.cacheInfo().currSize).toBe(0);
    const g = lruCache(async (n: number) => n, { ttl: () => -1 });
    await expect(g(1)).rejects.toThrow(/option 'ttl' must return a positive number of milliseconds/);
    expect(g.cacheInfo().currSize).toBe(0);
  });

  it('expired entries are swept by later writes, as with a fixed ttl', () => {
    const f = lruCache((n: number) => n, { maxSize: Infinity, ttl: (n) => (n < 1000 ? 10 : Infinity) });
    for (let i = 0; i < 1000; i++) f(i);
    vi.advanceTimersByTime(10);
    for (let i = 1000; i < 3000; i++) f(i);
    expect(f.cacheInfo().currSize).toBe(2000);
  });
});

describe('policy types', () => {
  it('the value is the awaited result and the arguments the parameters; wrong answers do not compile', async () => {
    const load = async (id: string, page: number) => ({ id, page, rows: page > 0 ? [id] : [] });
    const f = lruCache(load, {
      shouldCache: (value, args) => {
        expectTypeOf(value).toEqualTypeOf<{ id: string; page: number; rows: string[] }>();
        expectTypeOf(args).toEqualTypeOf<[id: string, page: number]>();
        return value.rows.length > 0;
      },
      ttl: (value) => value.page * 1000,
    });
    // @ts-expect-error shouldCache must answer a boolean
    lruCache(load, { shouldCache: () => 1 });
    // @ts-expect-error ttl must answer a number
    lruCache(load, { ttl: () => '1s' });
    // @ts-expect-error the value has no such property
    lruCache(load, { ttl: (value) => value.pages });
    await f('a', 0);
    await f('a', 1);
    expect([f.cacheContains('a', 0), f.cacheContains('a', 1)]).toEqual([false, true]);
  });
});
