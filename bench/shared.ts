/**
 * Shared-tier scenarios:
 * - the local hit with option `shared` on, beside the same cache without it
 *   (an async function with a ttl; all calls are local hits, the store is
 *   never reached): the tier must cost the hit path nothing;
 * - a shared hit on loopback Redis (the local cache keeps nothing, so every
 *   call reads Redis and decodes), beside a bare GET with the same client.
 * The Redis scenario needs `redis-server` (Debian's package); without it the
 * scenario is skipped and says so.
 */
import { createClient } from 'redis';
import { lruCache } from '../src/index.js';
import { sharedTier } from '../src/shared/index.js';
import { redisStore } from '../src/redis/index.js';
import { RedisServer, findRedisServer } from '../scripts/redis-server.js';
import {
  compileBatch,
  nsPerOp,
  progress,
  quick,
  selected,
  withRatios,
  type Row,
  type ScenarioResult,
} from './harness.js';
import { randomKeys } from './workloads.js';

type AsyncFn1 = (key: number) => Promise<number>;

/** A store that is never consulted in the local-hit scenario (every call is a local hit). */
const untouchedStore = {
  get: () => Promise.reject(new Error('bench: the store was reached on a local hit')),
  set: () => Promise.resolve(),
  delete: () => Promise.resolve(),
};

async function localHitScenario(): Promise<ScenarioResult | undefined> {
  const title = 'Local hit with option shared on (async function, ttl), all hits';
  if (!selected(title)) return undefined;
  progress(title);
  const keys = randomKeys(1000).map((k) => [k] as [number]);
  const body: AsyncFn1 = async (key) => (key ^ 0x5bd1e995) >>> 0;
  const contenders: { name: string; floor?: boolean; make: () => AsyncFn1 }[] = [
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
  ];
  const rows: Omit<Row, 'ratio'>[] = [];
  for (const contender of contenders) {
    const f = contender.make();
    for (const [key] of keys) {
      if ((await f(key)) !== (await body(key))) throw new Error(`bench: ${contender.name} answered wrongly for ${key}`);
    }
    const ns = await nsPerOp(compileBatch(f, keys, 1), keys.length);
    rows.push({ name: contender.name, nsPerOp: ns, floor: contender.floor ?? false });
    progress(`  ${contender.name}: ${ns.toFixed(1)} ns/op`);
  }
  return { title, unit: 'ns per call (all local hits)', rows: withRatios(rows), target: 'with shared <= 1.2x without it' };
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

async function sharedHitScenario(): Promise<ScenarioResult | undefined> {
  const title = 'Shared hit on loopback Redis (each call reads Redis), sequential';
  if (!selected(title)) return undefined;
  if (findRedisServer() === undefined) {
    progress(`${title}: skipped, no redis-server installed (apt-get install redis-server)`);
    return undefined;
  }
  progress(title);
  const server = await RedisServer.start();
  const client = createClient({ socket: { host: '127.0.0.1', port: server.port }, disableOfflineQueue: true });
  client.on('error', () => {});
  await client.connect();
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

export async function sharedScenarios(): Promise<ScenarioResult[]> {
  const results = [await localHitScenario(), await sharedHitScenario()];
  return results.filter((result): result is ScenarioResult => result !== undefined);
}
