/**
 * Several real processes (test/redis/worker.ts) sharing one redis-server: a
 * result computed by one is used by the others, the lock makes a cold key
 * computed once across 8 processes (and its absence, 8 times), a rejection is
 * not shared, and a lock holder that is SIGKILLed does not block the others.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../scripts/redis-server.js';
import '../../src/grace/index.js';

/**
 * The worker, bundled once before the tests: a plain `node worker.mjs` starts
 * in a fraction of the time `--import tsx` takes, which matters with eight at
 * once on a busy 2-core machine. Written under node_modules/.cache so that
 * its imports of packages (the redis client) resolve from the project.
 */
const workerSource = fileURLToPath(new URL('./worker.ts', import.meta.url));
const worker = fileURLToPath(new URL('../../node_modules/.cache/lru-memo-test/worker.mjs', import.meta.url));

interface Result {
  pid: number;
  value?: { day: string; total: string; by: number };
  error?: string;
  computations: number;
  ms: number;
  stats: Record<string, number | boolean>;
}

let server: RedisServer;
beforeAll(async () => {
  await build({
    entryPoints: [workerSource],
    outfile: worker,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  server = await RedisServer.start();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

/**
 * A worker process. Waiting for one of its lines has no deadline of its own
 * (a start-up on a loaded machine takes what it takes; the test's timeout is
 * the backstop); a worker that exits first fails the wait with what it said.
 */
class Worker {
  readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private exited: string | undefined = undefined;
  private waiters: (() => void)[] = [];

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [worker], {
      env: { ...process.env, REDIS_PORT: String(server.port), ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.wake();
    });
    // 'close', not 'exit': it comes after the last of its output has been read.
    this.child.once('close', (code, signal) => {
      this.exited = signal ?? String(code);
      this.wake();
    });
  }

  /** Waits until a line satisfying `test` has been printed; returns it. */
  async line(test: (line: string) => boolean): Promise<string> {
    for (;;) {
      const found = this.lines.find(test);
      if (found !== undefined) return found;
      if (this.exited !== undefined) {
        throw new Error(`worker ${this.child.pid} exited (${this.exited}) without such a line; it said ${JSON.stringify(this.lines)}`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  go(): void {
    this.child.stdin!.write('go\n');
  }

  /** Waits until the process has exited (its background writes done). */
  async closed(): Promise<void> {
    while (this.exited === undefined) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async result(): Promise<Result> {
    return JSON.parse(await this.line((line) => line.startsWith('{'))) as Result;
  }
}

async function startWorkers(count: number, env: Record<string, string>): Promise<Worker[]> {
  const workers = Array.from({ length: count }, () => new Worker(env));
  await Promise.all(workers.map((w) => w.line((line) => line === 'ready')));
  return workers;
}

async function runTogether(count: number, env: Record<string, string>): Promise<Result[]> {
  const workers = await startWorkers(count, env);
  for (const w of workers) w.go();
  return Promise.all(workers.map((w) => w.result()));
}

const total = (results: Result[]) => results.reduce((sum, r) => sum + r.computations, 0);

describe('processes sharing one Redis', () => {
  it('two processes: the second computes 0 times', async () => {
    const env = { NAMESPACE: 'two', COMPUTE_MS: '50' };
    const [first] = await runTogether(1, env);
    const [second] = await runTogether(1, env);
    expect(first!.computations).toBe(1);
    expect(second!.computations).toBe(0);
    expect(second!.value).toEqual(first!.value);
    expect(second!.value!.by).toBe(first!.pid); // computed by the other process
    expect(second!.stats).toMatchObject({ sharedHits: 1, computations: 0 });
  });

  // LOCK_RUNS repeats it (npm run test:stress: 20), each run on a cold key of its own.
  let lockRun = 0;
  it.each(Array.from({ length: Number(process.env.LOCK_RUNS ?? '1') }, (_, i) => i + 1))('8 processes, a cold key, with the lock: computed once (run %i)', async () => {
    const results = await runTogether(8, { NAMESPACE: `locked-${++lockRun}`, LOCK: '1', COMPUTE_MS: '300' });
    expect(total(results)).toBe(1);
    const computedBy = results.find((r) => r.computations === 1)!.pid;
    for (const r of results) expect(r.value!.by).toBe(computedBy);
    expect(results.filter((r) => r.stats.lockWaits === 1)).toHaveLength(7);
  });

  it('control: 8 processes, a cold key, without the lock: computed 8 times', async () => {
    const results = await runTogether(8, { NAMESPACE: 'unlocked', COMPUTE_MS: '1000' });
    expect(total(results)).toBe(8);
  });

  it('a rejection is not shared: every process gets its own failure and nothing is stored', async () => {
    const results = await runTogether(3, { NAMESPACE: 'failing', LOCK: '1', REJECT: '1', COMPUTE_MS: '50' });
    for (const r of results) expect(r.error).toMatch(/^report 2026-11-29 failed in \d+$/);
    expect(total(results)).toBe(3); // each waiter took over after the holder's failure
    const [again] = await runTogether(1, { NAMESPACE: 'failing', COMPUTE_MS: '10' });
    expect(again!.stats).toMatchObject({ sharedHits: 0, sharedMisses: 1 });
  });

  it('the lock holder SIGKILLed mid-computation: the others finish within waitMs, one of them computing', async () => {
    const env = { NAMESPACE: 'crash', LOCK: '1', LEASE_MS: '1000', WAIT_MS: '4000', COMPUTE_MS: '200' };
    const [holder] = await startWorkers(1, { ...env, COMPUTE_MS: '60000' });
    const others = await startWorkers(3, env);
    holder!.go();
    await holder!.line((line) => line === 'computing'); // it holds the lock now
    const started = Date.now();
    for (const w of others) w.go();
    holder!.child.kill('SIGKILL');
    const results = await Promise.all(others.map((w) => w.result()));
    const elapsed = Date.now() - started;
    console.log(`holder killed: the others finished in ${elapsed} ms (lease 1000 ms, waitMs 4000 ms)`);
    expect(elapsed).toBeLessThan(4000);
    for (const r of results) expect(r.value!.day).toBe('2026-11-29');
    expect(total(results)).toBe(1); // the lease expired; one waiter took over, the rest used its result
  });
});

describe('grace across processes: a process with no copy of its own answers from the shared stale entry', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Writes an entry with a 200 ms ttl from one process, then waits until it is past its ttl. */
  async function staleEntry(env: Record<string, string>): Promise<Result> {
    const [writer] = await runTogether(1, { ...env, TTL_MS: '200', COMPUTE_MS: '10' });
    await sleep(400);
    return writer!;
  }

  it('the function fails: a fresh process answers with the stale value written by another', async () => {
    const env = { NAMESPACE: 'grace-fail', GRACE_MS: '600000' };
    const writer = await staleEntry(env);
    const [fresh] = await runTogether(1, { ...env, TTL_MS: '200', REJECT: '1', COMPUTE_MS: '10' });
    expect(fresh!.error).toBeUndefined();
    expect(fresh!.value!.by).toBe(writer.pid);
    expect(fresh!.computations).toBe(1); // it tried its own function first
    expect(fresh!.stats).toMatchObject({ staleAnswers: 1, sharedHits: 0, writes: 0 });
  });

  it('control: without grace the fresh process gets its own failure', async () => {
    const env = { NAMESPACE: 'no-grace-fail' };
    await staleEntry(env);
    const [fresh] = await runTogether(1, { ...env, TTL_MS: '200', REJECT: '1', COMPUTE_MS: '10' });
    expect(fresh!.error).toMatch(/^report 2026-11-29 failed in \d+$/);
    expect(fresh!.stats).toMatchObject({ staleAnswers: 0 });
  });

  it('the function is slow: softTimeoutMs answers stale, the refresh runs on and its write serves the next process', async () => {
    const env = { NAMESPACE: 'grace-slow', GRACE_MS: '600000', TTL_MS: '60000' };
    const writer = await staleEntry(env);
    const [slow] = await startWorkers(1, { ...env, COMPUTE_MS: '1500', SOFT_MS: '50', AWAIT_WRITE: '1' });
    slow!.go();
    const answered = await slow!.result();
    expect(answered.value!.by).toBe(writer.pid); // the stale value, before the 1.5 s refresh finished
    expect(answered.stats).toMatchObject({ staleAnswers: 1, computations: 1 });
    await slow!.closed(); // after its background refresh wrote
    const [next] = await runTogether(1, { ...env, REJECT: '1', COMPUTE_MS: '10' });
    expect(next!.value!.by).toBe(slow!.child.pid);
    expect(next!.stats).toMatchObject({ sharedHits: 1, computations: 0, staleAnswers: 0 });
  });
});
