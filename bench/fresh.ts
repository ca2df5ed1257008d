/**
 * Fresh child processes, for measures the bench process would distort: heap
 * measures (no other contender's garbage or compiled code in the heap) and
 * timings of whole create-call-drop programs (no JIT state left by the other
 * scenarios). A worker is a bench module started again with a flag; it prints
 * its result as JSON on the last line of stdout.
 */
import { execFile } from 'node:child_process';
import { setImmediate as tick } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';

/**
 * How every bench process starts: with gc() exposed, tsx for the bench's own
 * TypeScript, and bench/built.mjs so that lru-memo is the built package.
 */
export const benchExecArgv: readonly string[] = ['--expose-gc', '--import', 'tsx', '--import', fileURLToPath(new URL('./built.mjs', import.meta.url))];

/** Runs `moduleUrl` with `args` in a fresh bench process (`benchExecArgv`); resolves its last stdout line, parsed. */
export function runFresh<T>(moduleUrl: string, args: (string | number)[]): Promise<T> {
  const argv = [...benchExecArgv, fileURLToPath(moduleUrl), ...args.map(String)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`bench: worker ${args.join(' ')} failed:\n${stderr || error.message}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as T);
    });
  });
}

/**
 * Runs heap-measuring jobs two at a time: heap after full GC does not depend
 * on CPU contention, and the process start-ups (about a second each) overlap.
 * Timing workers never run this way.
 */
export async function twoAtATime<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all([lane(), lane()]);
  return results;
}

/** The arguments after `flag` when this process was started as that worker, else undefined. */
export function workerArgs(flag: string): string[] | undefined {
  const index = process.argv.indexOf(flag);
  return index === -1 ? undefined : process.argv.slice(index + 1);
}

/** Runs a worker's body and prints its result for runFresh; a failure exits non-zero with the error on stderr. */
export function serveWorker(body: () => unknown): void {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') throw new Error('bench: run with node --expose-gc');
  settledHeap()
    .then(body)
    .then((result) => console.log(JSON.stringify(result)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}

/**
 * Heap used after full collections, each after a task turn: work the last
 * task left for the end of the task (finalization registrations, weak cells)
 * is done before the heap is read, in either program shape. Code space is
 * left out: the JIT compiles and drops code at its own pace (about 100 KB
 * either way between two reads), and no cache lives there.
 */
export async function settledHeap(): Promise<number> {
  const gc = (globalThis as unknown as { gc: () => void }).gc;
  for (let i = 0; i < 6; i++) {
    await tick();
    gc();
  }
  return heapUsed();
}

/** heapUsed without code space (see settledHeap), as it is now. */
export function heapUsed(): number {
  const code = getHeapSpaceStatistics().find((space) => space.space_name === 'code_space')?.space_used_size ?? 0;
  return process.memoryUsage().heapUsed - code;
}
