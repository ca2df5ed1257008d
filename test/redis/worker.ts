/**
 * One "service process" for the multi-process tests: connects to Redis,
 * wraps a slow async function with the shared tier, says "ready", waits for
 * "go" on stdin (so all processes start the cold call together), calls it
 * once and prints one JSON line with the value, its own computation count and
 * its counters. Settings come from the environment.
 */
import { createInterface } from 'node:readline';
import { lruCache } from '../../src/index.js';
import { sharedStats, sharedTier } from '../../src/shared/index.js';
import { redisStore } from '../../src/redis/index.js';
import { connectedClient } from './client.js';
import '../../src/grace/index.js';

const env = process.env;
const port = Number(env.REDIS_PORT);
const computeMs = Number(env.COMPUTE_MS ?? 300);
const lock = env.LOCK === '1' ? { leaseMs: Number(env.LEASE_MS ?? 10_000), waitMs: Number(env.WAIT_MS ?? 5_000) } : undefined;
const shouldReject = env.REJECT === '1';
const ttl = Number(env.TTL_MS ?? 60_000);
const grace = env.GRACE_MS === undefined ? undefined : Number(env.GRACE_MS);
const softTimeoutMs = env.SOFT_MS === undefined ? undefined : Number(env.SOFT_MS);

const client = await connectedClient(port);
let computations = 0;
const report = lruCache(
  async (day: string) => {
    computations++;
    process.stdout.write(`computing\n`);
    await new Promise((resolve) => setTimeout(resolve, computeMs));
    if (shouldReject) throw new Error(`report ${day} failed in ${process.pid}`);
    return { day, total: 42n, by: process.pid };
  },
  { ttl, grace, softTimeoutMs, shared: sharedTier({ store: redisStore(client), namespace: env.NAMESPACE ?? 'reports', lock }) },
);

process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== 'go') continue;
  const started = Date.now();
  let value: unknown;
  let error: string | undefined;
  try {
    value = await report(env.DAY ?? '2026-11-29');
  } catch (failure) {
    error = (failure as Error).message;
  }
  const result = { pid: process.pid, value, error, computations, ms: Date.now() - started, stats: sharedStats(report) };
  process.stdout.write(`${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}\n`);
  break;
}
lines.close();
await new Promise((resolve) => setTimeout(resolve, 100)); // let background writes finish
// A refresh that runs on after a stale answer: wait for its write (no deadline; the test's timeout is the backstop).
while (env.AWAIT_WRITE === '1' && sharedStats(report).writes === 0) await new Promise((resolve) => setTimeout(resolve, 20));
client.destroy();
