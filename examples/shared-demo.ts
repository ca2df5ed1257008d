/**
 * `npm run demo:shared`: the shared tier on a private redis-server.
 * 1. Six processes start on a cold key together: local caches only, the shared
 *    tier, and the shared tier with the lock (one computation fleet-wide).
 * 2. Redis is SIGKILLed, then frozen with SIGSTOP, under a steady stream of
 *    calls: every call still completes within timeoutMs plus the computation,
 *    the breaker opens, and sharing resumes when Redis is back.
 * Needs Debian's redis-server (apt-get install redis-server).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { lruCache } from '../src/index.js';
import { sharedStats, type SharedEvent, sharedTier } from '../src/shared/index.js';
import { redisStore } from '../src/redis/index.js';
import { RedisServer, findRedisServer } from '../scripts/redis-server.js';
import { table } from './terminal.js';

const line = (text = '') => console.log(text);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const PROCESSES = 6;

if (findRedisServer() === undefined) {
  line('This demo needs redis-server on this machine: apt-get install redis-server (nothing else to set up:');
  line('it starts its own server on a free loopback port).');
  process.exit(0);
}

const server = await RedisServer.start();
line(`lru-memo shared tier: a private redis-server on 127.0.0.1:${server.port}\n`);

interface WorkerResult {
  pid: number;
  computations: number;
  ms: number;
  by: number;
  sharedHits: number;
}

/** Starts `count` worker processes, waits until all are ready, says go to all at once. */
async function stampede(mode: 'local' | 'shared' | 'locked'): Promise<WorkerResult[]> {
  const worker = fileURLToPath(new URL('./shared-worker.ts', import.meta.url));
  const children = Array.from({ length: PROCESSES }, () =>
    spawn(process.execPath, ['--import', 'tsx', worker], {
      env: { ...process.env, MODE: mode, REDIS_PORT: String(server.port), RUN: mode },
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const outputs = children.map((child) => {
    const lines = createInterface({ input: child.stdout });
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const result = new Promise<WorkerResult>((resolve) =>
      lines.on('line', (text) => {
        if (text === 'ready') ready();
        else if (text.startsWith('{')) resolve(JSON.parse(text) as WorkerResult);
      }),
    );
    return { isReady, result };
  });
  await Promise.all(outputs.map((o) => o.isReady));
  for (const child of children) child.stdin.write('go\n');
  return Promise.all(outputs.map((o) => o.result));
}

line(`1. ${PROCESSES} processes ask for the same cold report (500 ms to compute) at the same moment\n`);
const rows: string[][] = [];
for (const [mode, label] of [
  ['local', 'local cache only (each process alone)'],
  ['shared', 'shared: sharedTier({ store: redisStore(client) })'],
  ['locked', 'shared + lock: { leaseMs, waitMs }'],
] as const) {
  const results = await stampede(mode);
  const computations = results.reduce((sum, r) => sum + r.computations, 0);
  const slowest = Math.max(...results.map((r) => r.ms));
  const sources = new Set(results.map((r) => r.by)).size;
  rows.push([label, String(computations), String(sources), `${slowest} ms`]);
}
line(table(['setup', 'computations', 'distinct results', 'slowest call'], rows));
line('\n   Without a lock every process misses Redis at the same moment and computes; with it, one process');
line('   computes and the others wait for its result (one query hits the database instead of six).\n');

line('2. Redis dies, then freezes, under a call every 40 ms (timeoutMs 100, compute 20 ms)\n');
const client = createClient({
  socket: { host: '127.0.0.1', port: server.port, connectTimeout: 500, reconnectStrategy: (n) => Math.min(50 * (n + 1), 500) },
  disableOfflineQueue: true,
});
client.on('error', () => {});
await client.connect();
const events: SharedEvent['type'][] = [];
const lookup = lruCache(async (id: number) => (await sleep(20), { id }), {
  ttl: 60_000,
  shared: sharedTier({
    store: redisStore(client),
    namespace: 'outage',
    timeoutMs: 100,
    breaker: { failures: 3, cooldownMs: 1000 },
    onEvent: (event) => events.push(event.type),
  }),
});

let next = 0;
async function phase(label: string, calls: number): Promise<string[]> {
  const durations: number[] = [];
  const before = sharedStats(lookup);
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await lookup(next++);
    durations.push(performance.now() - started);
    await sleep(40);
  }
  const after = sharedStats(lookup);
  return [
    label,
    String(calls),
    `${Math.max(...durations).toFixed(0)} ms`,
    String(after.writes - before.writes),
    String(after.storeErrors - before.storeErrors + after.storeTimeouts - before.storeTimeouts),
    String(after.bypassed - before.bypassed),
    after.breakerOpen ? 'open' : 'closed',
  ];
}

const outage: string[][] = [];
outage.push(await phase('Redis up', 15));
await server.kill();
outage.push(await phase('Redis SIGKILLed', 25));
await server.launch();
await sleep(1100); // the breaker's cooldown
outage.push(await phase('Redis restarted', 15));
server.freeze();
outage.push(await phase('Redis frozen (SIGSTOP)', 25));
server.thaw();
await sleep(1100);
outage.push(await phase('Redis thawed', 15));
line(table(['phase', 'calls', 'slowest call', 'shared writes', 'store failures', 'skipped', 'breaker'], outage));
line(`\n   events: ${[...new Set(events)].map((type) => `${type} x${events.filter((e) => e === type).length}`).join(', ')}`);
line('   No call failed and none waited longer than timeoutMs plus the computation. Killed, the client knew it');
line('   had lost Redis and every command was skipped at once; frozen, after a few timeouts the breaker stopped');
line('   sending commands. Sharing resumed on its own both times.');

client.destroy();
await server.stop();
