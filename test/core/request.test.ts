/**
 * scope 'request' for functions (lru-memo/request): one cache per request,
 * isolation between concurrent requests, calls outside any request, and the
 * plug-in's helpers. Members are in test/members/request.ts (both decorator
 * flavours); collection of a finished request's cache in request.gc.test.ts.
 */
import { EventEmitter } from 'node:events';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { lruCache } from '../../src/index.js';
import { CONTEXT_PROVIDER } from '../../src/context.js';
import { inRequest, requestMiddleware, requestStats, runInRequest, withRequestScope } from '../../src/request/index.js';
import { counted } from '../support/counted.js';

describe("scope 'request' for functions", () => {
  it('one cache per request: a second call in the same request hits, another request computes again', async () => {
    const body = counted((id: number) => ({ id }));
    const load = lruCache(body.fn, { scope: 'request' });
    const [first, again] = await runInRequest(async () => {
      const a = load(1);
      await tick();
      return [a, load(1)];
    });
    expect(again).toBe(first);
    const other = runInRequest(() => load(1));
    expect(other).not.toBe(first);
    expect(other).toEqual({ id: 1 });
    expect(body.calls.count).toBe(2);
    expect(load.cacheInfo()).toMatchObject({ hits: 1, misses: 2 });
    expect(requestStats(load)).toEqual({ requests: 2, outside: 0 });
  });

  it('works for every arity and with option key (through the general paths)', () => {
    const bodies = {
      zero: counted(() => ({})),
      two: counted((a: number, b: number) => ({ sum: a + b })),
      three: counted((a: number, b: number, c: number) => ({ sum: a + b + c })),
      four: counted((a: number, b: number, c: number, d: number) => ({ sum: a + b + c + d })),
      keyed: counted((user: { id: number }) => ({ id: user.id })),
    };
    const zero = lruCache(bodies.zero.fn, { scope: 'request' });
    const two = lruCache(bodies.two.fn, { scope: 'request' });
    const three = lruCache(bodies.three.fn, { scope: 'request' });
    const four = lruCache(bodies.four.fn, { scope: 'request' });
    const keyed = lruCache(bodies.keyed.fn, { scope: 'request', key: (user) => user.id });
    runInRequest(() => {
      expect(zero()).toBe(zero());
      expect(two(1, 2)).toBe(two(1, 2));
      expect(three(1, 2, 3)).toBe(three(1, 2, 3));
      expect(four(1, 2, 3, 4)).toBe(four(1, 2, 3, 4));
      expect(keyed({ id: 7 })).toBe(keyed({ id: 7 }));
    });
    runInRequest(() => {
      zero();
      two(1, 2);
      three(1, 2, 3);
      four(1, 2, 3, 4);
      keyed({ id: 7 });
    });
    for (const body of Object.values(bodies)) expect(body.calls.count).toBe(2);
    for (const f of [zero, two, three, four, keyed]) expect(f.cacheInfo()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('the receiver does not matter: one cache per request, not per receiver', () => {
    const body = counted(function (this: unknown, n: number) {
      return { n };
    });
    const get = lruCache(body.fn, { scope: 'request' });
    const api = { get };
    runInRequest(() => {
      expect(api.get(1)).toBe(get(1));
      expect(get.call(42, 1)).toBe(get(1));
    });
    expect(body.calls.count).toBe(1);
  });

  it('1,000 interleaved requests awaiting between calls never see each other\'s entries', async () => {
    const body = counted(async (key: string) => {
      const request = currentRequestLabel; // set by the request that is running synchronously now
      await tick();
      return { key, request };
    });
    let currentRequestLabel = -1;
    const load = lruCache(body.fn, { scope: 'request' });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, request) =>
        runInRequest(async () => {
          currentRequestLabel = request;
          const first = await load('shared-key');
          await sleep(request % 7);
          const second = await load('shared-key');
          await tick();
          const third = await load('shared-key');
          return { request, first, second, third };
        }),
      ),
    );
    for (const { request, first, second, third } of results) {
      // Each request computed its own value, and got it back on every later call.
      expect(second).toBe(first);
      expect(third).toBe(first);
      expect(first.request).toBe(request);
    }
    expect(body.calls.count).toBe(1000);
    expect(new Set(results.map((r) => r.first)).size).toBe(1000);
    expect(requestStats(load)).toEqual({ requests: 1000, outside: 0 });
    expect(load.cacheInfo()).toMatchObject({ hits: 2000, misses: 1000 });
  });

  it('an async call started in a request and finishing after its response stores in that request only', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let recheck!: () => void;
    const later = new Promise<void>((resolve) => (recheck = resolve));
    const body = counted(async (n: number) => {
      await gate;
      return { n };
    });
    const load = lruCache(body.fn, { scope: 'request' });
    let late!: Promise<{ n: number }>;
    let afterResponse!: Promise<{ n: number }>;
    const response = await runInRequest(async () => {
      late = load(1); // not awaited: the response goes out before it settles
      // A continuation of this request that runs long after its response: it still sees the request's cache.
      afterResponse = later.then(() => load(1));
      return 'sent';
    });
    expect(response).toBe('sent');
    const other = runInRequest(() => load(1)); // another request, while the first one's call still runs
    release();
    const [lateValue, otherValue] = await Promise.all([late, other]);
    expect(otherValue).not.toBe(lateValue);
    expect(body.calls.count).toBe(2);
    recheck();
    expect(await afterResponse).toBe(lateValue);
    expect(body.calls.count).toBe(2);
    expect(load(1)).not.toBe(late); // and outside any request, nothing was stored
  });

  it('outside any request: the call runs uncached, counted as a miss and in requestStats().outside', () => {
    const body = counted((n: number) => ({ n }));
    const load = lruCache(body.fn, { scope: 'request' });
    expect(inRequest()).toBe(false);
    expect(load(1)).not.toBe(load(1));
    expect(body.calls.count).toBe(2);
    expect(load.cacheInfo()).toEqual({ hits: 0, misses: 2, maxSize: 128, currSize: 0, evictions: 0 });
    expect(requestStats(load)).toEqual({ requests: 0, outside: 2 });
    expect(load.cacheContains(1)).toBe(false);
  });

  it('cacheContains and cacheInvalidate act on the current request; cacheClear on every request', async () => {
    const body = counted((n: number) => ({ n }));
    const load = lruCache(body.fn, { scope: 'request' });
    await runInRequest(async () => {
      const first = load(1);
      expect(load.cacheContains(1)).toBe(true);
      expect(runInRequest(() => load.cacheContains(1))).toBe(false);
      expect(load.cacheInvalidate(1)).toBe(true);
      expect(load.cacheContains(1)).toBe(false);
      const second = load(1);
      expect(second).not.toBe(first);
      await tick();
      load.cacheClear();
      expect(load(1)).not.toBe(second);
    });
    expect(body.calls.count).toBe(3);
    expect(load.cacheInfo()).toMatchObject({ hits: 0, misses: 1 }); // counters since the clear
    expect(requestStats(load)).toEqual({ requests: 1, outside: 0 });
  });

  it('maxSize bounds each request\'s cache', () => {
    const body = counted((n: number) => n * 2);
    const double = lruCache(body.fn, { scope: 'request', maxSize: 2 });
    runInRequest(() => {
      double(1);
      double(2);
      double(3); // evicts 1
      double(1);
      expect(body.calls.count).toBe(4);
      // The request's cache holds 3 and 1 (2 was evicted by 1); the totals count the evictions.
      expect([double.cacheContains(1), double.cacheContains(2), double.cacheContains(3)]).toEqual([true, false, true]);
      expect(double.cacheInfo()).toMatchObject({ hits: 0, misses: 4, evictions: 2 });
    });
  });
});

describe('entering requests', () => {
  it('withRequestScope gives each handler call its own request, and passes this, arguments and the result', async () => {
    const body = counted((n: number) => ({ n }));
    const load = lruCache(body.fn, { scope: 'request' });
    const handler = withRequestScope(function (this: { base: number }, a: number, b: number) {
      expect(inRequest()).toBe(true);
      return [load(a), load(a), this.base + b] as const;
    });
    const host = { base: 10, handler };
    const [x1, x2, sum] = host.handler(1, 5);
    const [y1] = host.handler(1, 5);
    expect(x1).toBe(x2);
    expect(y1).not.toBe(x1);
    expect(sum).toBe(15);
    expect(body.calls.count).toBe(2);
  });

  it('requestMiddleware runs the rest of the chain (next) in a new request, an Express-like app in miniature', async () => {
    const body = counted((path: string) => ({ path }));
    const load = lruCache(body.fn, { scope: 'request' });
    const middleware = requestMiddleware();
    const seen: unknown[][] = [];
    const app = new EventEmitter();
    app.on('request', (request: string) =>
      middleware(request, {}, () => {
        // A later handler, after an await, still in the same request.
        void (async () => {
          const first = load(request);
          await tick();
          seen.push([request, first, load(request)]);
        })();
      }),
    );
    app.emit('request', '/a');
    app.emit('request', '/a');
    await sleep(5);
    expect(seen).toHaveLength(2);
    for (const [, first, second] of seen) expect(second).toBe(first);
    expect(seen[0]![1]).not.toBe(seen[1]![1]);
    expect(body.calls.count).toBe(2);
  });

  it('runInRequest returns what its function returns, and nests: an inner request has its own cache', () => {
    const body = counted((n: number) => ({ n }));
    const load = lruCache(body.fn, { scope: 'request' });
    const result = runInRequest(() => {
      const outer = load(1);
      const inner = runInRequest(() => load(1));
      expect(inner).not.toBe(outer);
      expect(load(1)).toBe(outer);
      return 'done';
    });
    expect(result).toBe('done');
  });
});

describe('bad input', () => {
  it.each([
    ['runInRequest without a function', () => runInRequest(42 as never), 'runInRequest: expected a function to run, received 42'],
    [
      'withRequestScope without a function',
      () => withRequestScope('handler' as never),
      'withRequestScope: expected a request handler function, received "handler" (a string)',
    ],
    [
      'requestStats of a function cached without scope request',
      () => requestStats(lruCache((n: number) => n)),
      "requestStats: expected a function or member cached with scope 'request', received an anonymous function (its scope is 'instance')",
    ],
    [
      'requestStats of a plain function',
      () => requestStats(Math.abs),
      "requestStats: expected a function or member cached with scope 'request', received function abs",
    ],
    [
      'scope other than request for a function',
      () => lruCache((n: number) => n, { scope: 'shared' as never }),
      'lruCache: option \'scope\' takes \'request\' for a function, received "shared" (a string)',
    ],
  ])('%s: TypeError', (_name, run, message) => {
    expect(run).toThrow(new TypeError(message));
  });

  it("scope 'request' called with no request plug-in loaded: a TypeError naming the import, at the first call", () => {
    const installed = Object.getOwnPropertyDescriptor(globalThis, CONTEXT_PROVIDER)!;
    expect(installed).toBeDefined();
    Reflect.deleteProperty(globalThis, CONTEXT_PROVIDER);
    try {
      const load = lruCache((n: number) => n, { scope: 'request' }); // wrapping needs nothing yet
      expect(() => load(1)).toThrow(
        new TypeError(
          "lruCache: scope 'request' needs the request plug-in: import { runInRequest } from 'lru-memo/request' " +
            '(and run requests through it) before calling',
        ),
      );
    } finally {
      Object.defineProperty(globalThis, CONTEXT_PROVIDER, installed);
    }
  });
});
