/**
 * Shared-tier scenarios:
 * - the local hit with option `shared` on, beside the same cache without it
 *   (an async function with a ttl; all calls are local hits, the store is
 *   never reached): the tier must cost the hit path nothing;
 * - a shared hit on loopback Redis (the local cache keeps nothing, so every
 *   call reads Redis and decodes), beside a bare GET with the same client;
 * - the bus on loopback Redis: how long after `cacheInvalidate` in one
 *   "process" another stops serving its copy (p50, p99), beside a bare
 *   pub/sub round trip between the same two clients.
 * The Redis scenario needs `redis-server` (Debian's package); without it the
 * scenario is skipped and says so.
 */
import { createClient } from 'redis';
import { lruCache } from '../src/index.js';
import '../src/grace/index.js';
import { sharedStats, sharedTier } from '../src/shared/index.js';
import { redisBus, redisStore } from '../src/redis/index.js';
import { RedisServer, findRedisServer } from '../scripts/redis-server.js';
import { runFresh, serveWorker, workerArgs } from './fresh.js';
import { compileBatch, progress, quick, selected, timedInTurns, withRatios, type Row, type ScenarioResult } from './harness.js';
import { randomKeys } from './workloads.js';

type AsyncFn1 = (key: number) => Promise<number>;

/** A bus that delivers nothing (the local-hit scenario never publishes: hits touch no tier). */
const silentBus = { publish: () => undefined, subscribe: () => undefined };

/** A store that is never consulted in the local-hit scenario (every call is a local hit). */
const untouchedStore = {
  get: () => Promise.reject(new Error('bench: the store was reached on a local hit')),
  set: () => Promise.resolve(),
  delete: () => Promise.resolve(),
};

/** The local-hit contenders: the same async function and ttl, with the tier, bus and grace on or off. */
function localHitContenders(body: AsyncFn1): { name: string; floor?: boolean; make: () => AsyncFn1 }[] {
  return [
    { name: 'lru-memo lruCache({ ttl }) (no shared tier)', floor: true, make: () => lruCache(body, { ttl: 3_600_000, maxSize: 2000 }) },
    {
      name: 'lru-memo lruCache({ ttl, shared })',
      make: () =>
        lruCache(body, {
          ttl: 3_600_000,
          maxSize: 2000,
          shared: sharedTier({ store: untouchedStore, namespace: 'bench', breaker: { failures: 1e9 } }),
        }),
    },
    {
      name: 'lru-memo lruCache({ ttl, shared with bus })',
      make: () =>
        lruCache(body, {
          ttl: 3_600_000,
          maxSize: 2000,
          shared: sharedTier({ store: untouchedStore, bus: silentBus, namespace: 'bench-bus', breaker: { failures: 1e9 } }),
        }),
    },
    {
      name: 'lru-memo lruCache({ ttl, grace, softTimeoutMs }) (no shared tier)',
      make: () => lruCache(body, { ttl: 3_600_000, grace: 3_600_000, softTimeoutMs: 50, maxSize: 2000 }),
    },
    {
      name: 'lru-memo lruCache({ ttl, grace, softTimeoutMs, shared with bus })',
      make: () =>
        lruCache(body, {
          ttl: 3_600_000,
          grace: 3_600_000,
          softTimeoutMs: 50,
          maxSize: 2000,
          shared: sharedTier({ store: untouchedStore, bus: silentBus, namespace: 'bench-grace', breaker: { failures: 1e9 } }),
        }),
    },
  ];
}

const LOCAL_HIT_FLAG = '--local-hit-worker';

/**
 * Worker: every contender filled and checked, warmed up together, then timed
 * in turns (median ns per call each), in a fresh process: measured one after
 * the other, each paid for the JIT state the previous ones left (the floor
 * measured 45 and 81 ns in two runs of the same code).
 */
async function localHitWorker(rounds: number): Promise<number[]> {
  const keys = randomKeys(1000).map((k) => [k] as [number]);
  const body: AsyncFn1 = async (key) => (key ^ 0x5bd1e995) >>> 0;
  const batches: (() => void)[] = [];
  for (const contender of localHitContenders(body)) {
    const f = contender.make();
    for (const [key] of keys) {
      if ((await f(key)) !== (await body(key))) throw new Error(`bench: ${contender.name} answered wrongly for ${key}`);
    }
    batches.push(compileBatch(f, keys, 1));
  }
  return timedInTurns(batches, keys.length, rounds, 20);
}

async function localHitScenario(): Promise<ScenarioResult | undefined> {
  const title = 'Local hit with option shared on (async function, ttl), all hits';
  if (!selected(title)) return undefined;
  progress(title);
  const medians = await runFresh<number[]>(import.meta.url, [LOCAL_HIT_FLAG, quick ? 20 : 300]);
  const rows: Row[] = localHitContenders(async (key) => key).map((contender, i) => ({
    name: contender.name,
    nsPerOp: medians[i]!,
    ratio: medians[i]! / medians[0]!,
    floor: contender.floor ?? false,
  }));
  for (const row of rows) progress(`  ${row.name}: ${row.nsPerOp.toFixed(1)} ns/op`);
  return {
    title,
    unit: 'ns per call (all local hits; one fresh process, timed in turns, medians)',
    rows,
    target: 'with shared, and with bus and grace on, <= 1.2x without them',
  };
}

/** Median over `batches` of the time per call of `calls` sequential awaited calls. */
async function sequentialNs(call: (i: number) => Promise<unknown>, calls: number, batches: number): Promise<number> {
  const perBatch: number[] = [];
  let i = 0;
  for (let b = 0; b < batches; b++) {
    const started = process.hrtime.bigint();
    for (let n = 0; n < calls; n++) await call(i++);
    perBatch.push(Number(process.hrtime.bigint() - started) / calls);
  }
  perBatch.sort((x, y) => x - y);
  return perBatch[Math.floor(perBatch.length / 2)]!;
}

/** A connected node-redis client of a loopback server (errors are the scenario's to notice, not an unhandled event). */
async function connectedClient(port: number) {
  const client = createClient({ socket: { host: '127.0.0.1', port }, disableOfflineQueue: true });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function sharedHitScenario(): Promise<ScenarioResult | undefined> {
  const title = 'Shared hit on loopback Redis (each call reads Redis), sequential';
  if (!selected(title)) return undefined;
  if (findRedisServer() === undefined) {
    progress(`${title}: skipped, no redis-server installed (apt-get install redis-server)`);
    return undefined;
  }
  progress(title);
  const server = await RedisServer.start();
  const client = await connectedClient(server.port);
  try {
    const keyCount = 100;
    const value = { id: 1, name: 'Ada Lovelace', roles: ['admin', 'author'], since: new Date(0), visits: 1234n };
    let computations = 0;
    // maxSize 0: the local tier keeps nothing, so every call is a shared read.
    const shared = lruCache(async (id: number) => (computations++, { ...value, id }), {
      maxSize: 0,
      ttl: 3_600_000,
      shared: sharedTier({ store: redisStore(client), namespace: 'bench', timeoutMs: 1000 }),
    });
    for (let id = 0; id < keyCount; id++) await shared(id);
    await new Promise((resolve) => setTimeout(resolve, 100)); // background writes
    const before = computations;
    for (let id = 0; id < keyCount; id++) {
      const got = (await shared(id)) as typeof value;
      if (got.id !== id || got.visits !== 1234n || !(got.since instanceof Date)) throw new Error('bench: wrong shared value');
    }
    if (computations !== before) throw new Error('bench: shared reads recomputed');

    const calls = quick ? 100 : 2000;
    const batches = quick ? 3 : 9;
    const rawGet = await sequentialNs((i) => client.get(`bench:v0:(n${i % keyCount})`), calls, batches);
    const sharedHit = await sequentialNs((i) => shared(i % keyCount), calls, batches);
    const rows = withRatios([
      { name: 'floor: client.get(key) (node-redis, raw string)', nsPerOp: rawGet, floor: true },
      { name: 'lru-memo shared hit (GET, envelope, decode)', nsPerOp: sharedHit, floor: false },
    ]);
    for (const row of rows) progress(`  ${row.name}: ${(row.nsPerOp / 1000).toFixed(1)} µs/op`);
    return { title, unit: 'ns per call (awaited one at a time)', rows, target: 'a shared hit costs about one Redis round trip' };
  } finally {
    client.destroy();
    await server.stop();
  }
}

/** The `p`-quantile (0..1) of sorted values. */
const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function busScenario(): Promise<ScenarioResult | undefined> {
  const title = 'Bus on loopback Redis: another process drops its copy after cacheInvalidate';
  if (!selected(title)) return undefined;
  if (findRedisServer() === undefined) {
    progress(`${title}: skipped, no redis-server installed (apt-get install redis-server)`);
    return undefined;
  }
  progress(title);
  const server = await RedisServer.start();
  const connect = () => connectedClient(server.port);
  const [clientA, clientB, rawSubscriber] = await Promise.all([connect(), connect(), connect()]);
  try {
    const rounds = quick ? 20 : 300;
    /** Polls `done` at every turn of the event loop; resolves with the ms it took from `since`. */
    const until = async (done: () => boolean, since: number) => {
      while (!done()) await new Promise((resolve) => setImmediate(resolve));
      return performance.now() - since;
    };

    // The floor: a bare PUBLISH from one client to another's subscription, the same clients and server.
    let received = 0;
    await rawSubscriber.subscribe('bench:raw', () => void received++);
    const raw: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const expected = received + 1;
      const sent = performance.now();
      await clientA.sendCommand(['PUBLISH', 'bench:raw', 'x']);
      raw.push(await until(() => received === expected, sent));
    }

    const source = { version: 0 };
    const make = (client: typeof clientA) =>
      lruCache(async (id: number) => ({ id, version: source.version }), {
        ttl: 3_600_000,
        shared: sharedTier({ store: redisStore(client), bus: redisBus(client), namespace: 'bench-bus' }),
      });
    const [a, b] = [make(clientA), make(clientB)];
    // b's subscription is made in the background: it is live once an invalidation gets through.
    for (let tries = 0; ; tries++) {
      await b(-1); // b holds a copy
      a.cacheInvalidate(-1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (!b.cacheContains(-1)) break;
      if (tries > 500) throw new Error('bench: the bus never delivered');
    }
    const propagation: number[] = [];
    for (let id = 0; id < rounds; id++) {
      // a computes; its write's message (a newer value) reaches b before b reads, so b's copy is the last word.
      const heard = sharedStats(b).busReceived;
      await a(id);
      await until(() => sharedStats(b).busReceived > heard, performance.now());
      await b(id);
      if (!b.cacheContains(id)) throw new Error('bench: b holds no copy to drop');
      source.version++;
      const invalidated = performance.now();
      a.cacheInvalidate(id);
      propagation.push(await until(() => !b.cacheContains(id), invalidated));
      const fresh = (await b(id)) as { version: number };
      if (fresh.version !== source.version && fresh.version !== source.version - 1) throw new Error('bench: b read a wrong value');
    }
    raw.sort((x, y) => x - y);
    propagation.sort((x, y) => x - y);
    const rows = withRatios([
      { name: 'floor: PUBLISH to another client\'s subscription, p50', nsPerOp: quantile(raw, 0.5) * 1e6, floor: true },
      { name: 'floor: PUBLISH to another client\'s subscription, p99', nsPerOp: quantile(raw, 0.99) * 1e6, floor: false },
      { name: 'lru-memo bus: cacheInvalidate to the other copy gone, p50', nsPerOp: quantile(propagation, 0.5) * 1e6, floor: false },
      { name: 'lru-memo bus: cacheInvalidate to the other copy gone, p99', nsPerOp: quantile(propagation, 0.99) * 1e6, floor: false },
    ]);
    for (const row of rows) progress(`  ${row.name}: ${(row.nsPerOp / 1e6).toFixed(2)} ms`);
    return {
      title,
      unit: `ns (${rounds} invalidations, one at a time)`,
      rows,
      target: 'another process stops serving the old value within 50 ms p99 on loopback',
    };
  } finally {
    for (const client of [clientA, clientB, rawSubscriber]) client.destroy();
    await server.stop();
  }
}

/**
 * Milliseconds per call of `call` on `keys`, one awaited call per key, each
 * answered with a stale value (checked by `expectStale`).
 */
async function staleMs(keys: number[], call: (key: number) => Promise<unknown>, expectStale: (key: number, got: unknown) => void): Promise<number> {
  const started = performance.now();
  for (const key of keys) expectStale(key, await call(key));
  return (performance.now() - started) / keys.length;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stale answers (options grace and softTimeoutMs): how long a call on an
 * expired entry takes when the function fails, or is slow, beside the same
 * slow call without grace (which waits) and a fresh hit. Locally, and from
 * a shared entry on loopback Redis read by a process with no copy of its own.
 */
async function staleScenario(): Promise<ScenarioResult | undefined> {
  const title = 'Stale answers with grace: the function fails or is slow (200 ms)';
  if (!selected(title)) return undefined;
  progress(title);
  const SLOW_MS = 200;
  const SOFT_MS = 20;
  const count = quick ? 5 : 20;
  const keys = Array.from({ length: count }, (_, i) => i);
  const good = async (key: number) => ({ key, good: true });
  const failing = async (_key: number): Promise<{ key: number; good: boolean }> => {
    throw new Error('source down');
  };
  const slow = async (key: number) => (await sleep(SLOW_MS), { key, good: false });
  const isStale = (key: number, got: unknown) => {
    const value = got as { key: number; good: boolean };
    if (value.key !== key || !value.good) throw new Error(`bench: no stale answer for ${key}`);
  };
  /** A cache whose entries (written by `good`) are all stale; then its function becomes `then`. */
  async function staleLocal(options: { grace?: number; softTimeoutMs?: number }, then: typeof good) {
    let fn = good;
    const f = lruCache((key: number) => fn(key), { ttl: 5, maxSize: 1000, ...options });
    for (const key of keys) await f(key);
    await sleep(20);
    fn = then;
    return f;
  }
  const rows: Omit<Row, 'ratio'>[] = [];
  const hit = lruCache(good, { ttl: 3_600_000 });
  for (const key of keys) await hit(key);
  rows.push({ name: 'floor: a fresh local hit (awaited)', nsPerOp: (await staleMs(keys, hit, isStale)) * 1e6, floor: true });
  const failed = await staleLocal({ grace: 60_000 }, failing);
  rows.push({ name: 'local, the function rejects: stale answer', nsPerOp: (await staleMs(keys, failed, isStale)) * 1e6, floor: false });
  const softened = await staleLocal({ grace: 60_000, softTimeoutMs: SOFT_MS }, slow);
  rows.push({ name: `local, the function takes ${SLOW_MS} ms, softTimeoutMs ${SOFT_MS}: stale answer`, nsPerOp: (await staleMs(keys, softened, isStale)) * 1e6, floor: false });
  const waiting = await staleLocal({}, slow);
  const waited = await staleMs(keys.slice(0, quick ? 2 : 5), waiting, (key, got) => {
    if ((got as { key: number }).key !== key) throw new Error('bench: wrong value');
  });
  rows.push({ name: `control: no grace, the function takes ${SLOW_MS} ms: the call waits`, nsPerOp: waited * 1e6, floor: false });

  if (findRedisServer() === undefined) {
    progress(`${title}: shared rows skipped, no redis-server installed (apt-get install redis-server)`);
  } else {
    const server = await RedisServer.start();
    const client = await connectedClient(server.port);
    try {
      /** A process with no copy of its own: a new local cache over the shared entries, which are stale. */
      const freshProcess = (fn: typeof good, namespace: string, softTimeoutMs?: number) =>
        lruCache(fn, { ttl: 5, grace: 60_000, softTimeoutMs, shared: sharedTier({ store: redisStore(client), namespace }) });
      for (const [namespace, fn, soft] of [['bench-stale-fail', failing, undefined], ['bench-stale-slow', slow, SOFT_MS]] as const) {
        const writer = freshProcess(good, namespace);
        for (const key of keys) await writer(key);
        while (sharedStats(writer).writes < keys.length) await sleep(5); // background writes
        await sleep(20);
        const reader = freshProcess(fn, namespace, soft);
        const ms = await staleMs(keys, reader, isStale);
        if (sharedStats(reader).staleAnswers !== keys.length) throw new Error('bench: the stale answers did not come from Redis');
        const what = soft === undefined ? 'the function rejects' : `the function takes ${SLOW_MS} ms, softTimeoutMs ${SOFT_MS}`;
        rows.push({ name: `shared (Redis), a process with no copy, ${what}: stale answer`, nsPerOp: ms * 1e6, floor: false });
      }
    } finally {
      client.destroy();
      await server.stop();
    }
  }
  for (const row of rows) progress(`  ${row.name}: ${(row.nsPerOp / 1e6).toFixed(3)} ms`);
  return {
    title,
    unit: `ns per call (${count} keys, one awaited call each)`,
    rows: withRatios(rows),
    target: 'a failing function answers stale at once; a slow one at softTimeoutMs, not after the function',
  };
}

export async function sharedScenarios(): Promise<ScenarioResult[]> {
  const results = [await localHitScenario(), await sharedHitScenario(), await busScenario(), await staleScenario()];
  return results.filter((result): result is ScenarioResult => result !== undefined);
}

const localHitArgs = workerArgs(LOCAL_HIT_FLAG);
if (localHitArgs !== undefined) serveWorker(() => localHitWorker(Number(localHitArgs[0])));
