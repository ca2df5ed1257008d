/**
 * The shared tier against a real redis-server (started by this file on a free
 * loopback port): the store adapter, value round-trips, expiry, and the
 * failure modes: server killed mid-run, frozen with SIGSTOP, down from the start.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lruCache } from '../../src/index.js';
import { sharedStats, type SharedEvent, sharedTier } from '../../src/shared/index.js';
import { redisStore } from '../../src/redis/index.js';
import { createClient as createClient6 } from 'redis';
import { connectedClient, disconnectedClient } from './client.js';
import { RedisServer, freePort } from '../../scripts/redis-server.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let server: RedisServer;
let client: Awaited<ReturnType<typeof connectedClient>>;
let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await RedisServer.start();
  client = await connectedClient(server.port);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  client?.destroy();
  await server?.stop();
});
afterEach(() => {
  expect(unhandled, 'no unhandled rejection').toEqual([]);
  unhandled = [];
});

let namespaceCounter = 0;
const freshNamespace = () => `t${++namespaceCounter}`;

describe('redisStore', () => {
  it('get, set with a ttl in ms, delete', async () => {
    const store = redisStore(client);
    await store.set('a', 'hello', 1000);
    expect(await store.get('a')).toBe('hello');
    const pttl = Number(await client.sendCommand(['PTTL', 'a']));
    expect(pttl).toBeGreaterThan(900);
    expect(pttl).toBeLessThanOrEqual(1000);
    await store.delete('a');
    expect(await store.get('a')).toBeNull();
  });

  it('the lock: set-if-absent with a lease, released only by its holder', async () => {
    const store = redisStore(client);
    expect(await store.acquire('L', 'me', 300)).toBe(true);
    expect(await store.acquire('L', 'you', 300)).toBe(false);
    await store.release('L', 'you'); // not the holder: nothing happens
    expect(await store.get('L')).toBe('me');
    await store.release('L', 'me');
    expect(await store.get('L')).toBeNull();
    expect(await store.acquire('L', 'me', 100)).toBe(true);
    await sleep(150); // the lease ran out
    expect(await store.acquire('L', 'you', 1000)).toBe(true);
    await store.release('L', 'me'); // the old holder comes back late: it must not free the new lease
    expect(await store.get('L')).toBe('you');
  });
});

describe('the tier on Redis', () => {
  it('a second wrapper (another process’s cache) gets every value type back exactly', async () => {
    const namespace = freshNamespace();
    const value = {
      when: new Date(1_764_000_000_123),
      big: -(2n ** 80n),
      map: new Map<unknown, unknown>([['k', new Set([1, undefined])], [2n, NaN]]),
      none: undefined,
      negativeZero: -0,
      text: 'ünïcødé ✓',
    };
    let runs = 0;
    const make = () =>
      lruCache(async (_id: number) => (runs++, value), { ttl: 10_000, shared: sharedTier({ store: redisStore(client), namespace }) });
    await make()(1);
    await sleep(20);
    const copy = await make()(1);
    expect(runs).toBe(1);
    expect(copy).toStrictEqual(value);
  });

  it('a local entry filled from Redis lives no longer than the Redis entry', async () => {
    const namespace = freshNamespace();
    const make = (sharedTtl: number) =>
      lruCache(async (id: number) => ({ id }), { ttl: 60_000, shared: sharedTier({ store: redisStore(client), namespace, ttl: sharedTtl }) });
    await make(300)(1);
    await sleep(20);
    const reader = make(300);
    await reader(1);
    expect(sharedStats(reader).sharedHits).toBe(1);
    const pttl = Number(await client.sendCommand(['PTTL', `${namespace}:v0:(n1)`]));
    expect(pttl).toBeGreaterThan(0);
    expect(reader.cacheContains(1)).toBe(true);
    await sleep(pttl + 30);
    expect(reader.cacheContains(1)).toBe(false); // the local ttl (60 s) did not keep it
  });

  it('a rejection is not shared', async () => {
    const namespace = freshNamespace();
    const f = lruCache(async (_id: number) => Promise.reject(new Error('no')), {
      ttl: 10_000,
      shared: sharedTier({ store: redisStore(client), namespace }),
    });
    await expect(f(1)).rejects.toThrow('no');
    await sleep(20);
    expect(await client.sendCommand(['KEYS', `${namespace}:*`])).toEqual([]);
  });
});

describe('when Redis fails', () => {
  const compute = 20;
  const timeoutMs = 100;
  // Scheduling slack: these tests share 2 cores with the other test files. A hang exceeds any bound.
  const slack = 300;

  /** Calls f(n) for n = start.., `count` times, every call timed. */
  async function timedCalls(f: (n: number) => Promise<unknown>, start: number, count: number) {
    const durations: number[] = [];
    for (let n = start; n < start + count; n++) {
      const began = performance.now();
      expect(await f(n)).toEqual({ n });
      durations.push(performance.now() - began);
    }
    return durations;
  }

  it('a healthy server and this process paused for 300 ms with 50 calls in flight: no timeout, the breaker stays closed', async () => {
    const events: SharedEvent[] = [];
    const f = lruCache(async (n: number) => ({ n }), {
      ttl: 60_000,
      shared: sharedTier({
        store: redisStore(client),
        namespace: freshNamespace(),
        timeoutMs,
        breaker: { failures: 3, cooldownMs: 5_000 },
        onEvent: (e) => events.push(e),
      }),
    });
    await f(-1); // connected and warm
    const calls = Array.from({ length: 50 }, (_, n) => f(n));
    // The commands go out, Redis answers at once; this process does not read the answers for 300 ms
    // (a long GC or a slow handler): three times timeoutMs.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const pausedUntil = performance.now() + 3 * timeoutMs;
    while (performance.now() < pausedUntil) {
      // busy: the event loop is blocked
    }
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 50 }, (_, n) => ({ n })));
    expect(sharedStats(f)).toMatchObject({ storeTimeouts: 0, storeErrors: 0, breakerOpenings: 0, breakerOpen: false });
    expect(events.filter((e) => e.type === 'store-timeout')).toEqual([]);
  });

  // node-redis 6, as the README's set-up; the other clients boot with Redis down in clients.test.ts.
  it.each([['node-redis 6', createClient6]] as const)(
    "%s, Redis down at boot (the README's set-up as written): every call completes; sharing starts by itself within 2 s of Redis answering",
    async (_name, createClient) => {
      const later = await RedisServer.reserve(); // a port nobody listens on yet
      // The README's set-up: no connect(), no error listener of our own; redisStore does both.
      const bootClient = (createClient as typeof createClient6)({
        url: later.url,
        disableOfflineQueue: true,
        socket: { connectTimeout: 1_000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000) },
      });
      try {
        const f = lruCache(async (n: number) => ({ n }), {
          ttl: 60_000,
          shared: sharedTier({ store: redisStore(bootClient as never), namespace: freshNamespace() }),
        });
        let n = 0;
        const downUntil = Date.now() + 2_000;
        while (Date.now() < downUntil) {
          expect(await f(n)).toEqual({ n });
          n++;
          await sleep(50);
        }
        expect(sharedStats(f)).toMatchObject({ writes: 0, breakerOpen: false });
        await later.launch(); // answers PING from here
        const answering = Date.now();
        while (sharedStats(f).writes === 0 && Date.now() - answering < 30_000) {
          await f(n++);
          await sleep(20);
        }
        const firstWriteMs = Date.now() - answering;
        expect(sharedStats(f).writes).toBeGreaterThan(0);
        expect(firstWriteMs).toBeLessThan(2_000);
      } finally {
        await (bootClient as { disconnect(): Promise<void> }).disconnect().catch(() => {});
        await later.stop();
      }
    },
    60_000,
  );

  it('the server SIGKILLed mid-run: every call completes in time, Redis is skipped while the client is down, sharing resumes after a restart', async () => {
    const local = await RedisServer.start();
    const localClient = await connectedClient(local.port);
    try {
      const events: SharedEvent[] = [];
      const make = () =>
        lruCache(async (n: number) => (await sleep(compute), { n }), {
          ttl: 60_000,
          shared: sharedTier({
            store: redisStore(localClient),
            namespace: 'k',
            timeoutMs,
            breaker: { failures: 3, cooldownMs: 300 },
            onEvent: (e) => events.push(e),
          }),
        });
      const f = make();
      const before = await timedCalls(f, 0, 5);
      await local.kill();
      const during = await timedCalls(f, 100, 20);
      const stats = sharedStats(f);
      // The client knows its connection is gone (isReady false): Redis is skipped at once, no breaker needed.
      expect(stats.bypassed).toBeGreaterThan(0);
      expect(localClient.isReady).toBe(false);
      for (const duration of [...before, ...during]) expect(duration).toBeLessThan(timeoutMs + compute + slack);

      await local.launch();
      // The client reconnects: writes and reads flow again, without waiting for a breaker's cooldown.
      const deadline = Date.now() + 10_000;
      let n = 1000;
      while (Date.now() < deadline) {
        await f(n++);
        await sleep(100);
        if (localClient.isReady && !sharedStats(f).breakerOpen && sharedStats(f).writes > 5) break;
      }
      const writesAfter = sharedStats(f).writes;
      await f(5000);
      await sleep(50);
      expect(sharedStats(f).writes).toBe(writesAfter + 1);
      const other = make();
      await other(5000);
      expect(sharedStats(other)).toMatchObject({ sharedHits: 1, computations: 0 });
      expect(events.filter((e) => e.type === 'breaker-open')).toEqual([]);
    } finally {
      localClient.destroy();
      await local.stop();
    }
  }, 30_000);

  it('the server frozen with SIGSTOP: latency stays bounded, the breaker opens, and closes after SIGCONT', async () => {
    const local = await RedisServer.start();
    const localClient = await connectedClient(local.port);
    try {
      const f = lruCache(async (n: number) => (await sleep(compute), { n }), {
        ttl: 60_000,
        shared: sharedTier({ store: redisStore(localClient), namespace: 'f', timeoutMs, breaker: { failures: 3, cooldownMs: 300 } }),
      });
      await timedCalls(f, 0, 3);
      local.freeze();
      const frozen = await timedCalls(f, 100, 20);
      for (const duration of frozen) expect(duration).toBeLessThan(timeoutMs + compute + slack);
      const stats = sharedStats(f);
      expect(stats.storeTimeouts).toBeGreaterThanOrEqual(3);
      expect(stats.breakerOpen).toBe(true);
      expect(stats.bypassed).toBeGreaterThan(0); // the store was left alone while open
      local.thaw();
      const deadline = Date.now() + 10_000;
      let n = 1000;
      while (sharedStats(f).breakerOpen && Date.now() < deadline) {
        await f(n++);
        await sleep(50);
      }
      expect(sharedStats(f).breakerOpen).toBe(false);
    } finally {
      localClient.destroy();
      await local.stop();
    }
  }, 30_000);

  it('the server down from the start: calls complete, nothing hangs', async () => {
    const port = await freePort(); // nothing listens here
    const downClient = disconnectedClient(port);
    try {
      const f = lruCache(async (n: number) => (await sleep(compute), { n }), {
        ttl: 60_000,
        shared: sharedTier({ store: redisStore(downClient), namespace: 'd', timeoutMs }),
      });
      const durations = await timedCalls(f, 0, 10);
      for (const duration of durations) expect(duration).toBeLessThan(timeoutMs + compute + slack);
      expect(sharedStats(f).computations).toBe(10);
      expect(sharedStats(f)).toMatchObject({ bypassed: 20, storeErrors: 0, storeTimeouts: 0, breakerOpen: false }); // a read and a write per call, skipped
    } finally {
      downClient.destroy();
    }
  });
});
