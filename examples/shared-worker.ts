/**
 * One "service process" of the shared-tier demo (examples/shared-demo.ts):
 * builds a slow daily report with lru-memo, locally only or with the shared
 * tier on Redis, says "ready", waits for "go" so every process starts the
 * cold call together, then prints one JSON line: its computations and time.
 */
import { createInterface } from 'node:readline';
import { createClient } from 'redis';
import { lruCache } from '../src/index.js';
import { sharedStats, sharedTier } from '../src/shared/index.js';
import { redisStore } from '../src/redis/index.js';

const mode = process.env.MODE as 'local' | 'shared' | 'locked';
const client = createClient({
  socket: { host: '127.0.0.1', port: Number(process.env.REDIS_PORT), connectTimeout: 500 },
  disableOfflineQueue: true,
});
client.on('error', () => {});
await client.connect();

let computations = 0;
async function dailyReport(day: string) {
  computations++;
  await new Promise((resolve) => setTimeout(resolve, 500)); // a slow query
  return { day, orders: 1234, revenue: 98_765_43n, computedBy: process.pid };
}

const shared = sharedTier({
  store: redisStore(client),
  namespace: `demo-${process.env.RUN}`,
  lock: mode === 'locked' ? { leaseMs: 5000, waitMs: 3000 } : undefined,
});
const report = lruCache(dailyReport, { ttl: 60_000, ...(mode === 'local' ? {} : { shared }) });

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'go') continue;
  const started = Date.now();
  const value = await report('2026-11-29');
  const stats = mode === 'local' ? undefined : sharedStats(report);
  const out = { pid: process.pid, computations, ms: Date.now() - started, by: value.computedBy, sharedHits: stats?.sharedHits ?? 0 };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  break;
}
await new Promise((resolve) => setTimeout(resolve, 50)); // background write
client.destroy();
process.exit(0);
