/**
 * The library keeps one object of each per-instance class alive
 * (src/shapes.ts), so that a full GC finding all of a program's instances dead
 * does not discard the compiled first-call path. Checked from V8's own
 * account: a worker process runs under `--trace-deopt` and the optimized code
 * V8 drops "for weak objects" (a dead map) is listed by function.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const workerSource = fileURLToPath(new URL('./workers/shapes-worker.ts', import.meta.url));
const worker = fileURLToPath(new URL('../../node_modules/.cache/lru-memo-test/shapes-worker.mjs', import.meta.url));

/** The library's functions on the paths the worker runs (names as esbuild keeps them). */
const LIBRARY_FUNCTIONS = [
  'member1', 'member2', 'firstCall1', 'newReceiverCache', 'receiverCache', 'miss1', 'runMiss', 'call1', 'call2',
  'store1', 'store', 'place', 'grow', 'resolve', 'settled', 'holds', 'watchSettlement', 'Watch', 'Cache', 'Table',
  'RecencyList', 'TrieNode', 'WeakEntry', 'WeakSlot', 'Miss',
];

/** Functions whose optimized code V8 dropped because an object it embedded died, with counts. */
function droppedForWeakObjects(trace: string): Map<string, number> {
  const dropped = new Map<string, number>();
  for (const match of trace.matchAll(/<SharedFunctionInfo ([^>]*)>\) \(opt id \d+\) for deoptimization, reason: weak objects/g)) {
    dropped.set(match[1]!, (dropped.get(match[1]!) ?? 0) + 1);
  }
  return dropped;
}

beforeAll(async () => {
  // Bundled as the package is built (no keepNames): the code V8 compiles is the published code's shape.
  await build({ entryPoints: [workerSource], outfile: worker, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' });
}, 60_000);

describe('hidden classes kept alive (src/shapes.ts)', () => {
  it("a full GC with every instance dead does not drop the library's compiled first-call path; the control's is dropped", async () => {
    // Optimization made synchronous: what gets compiled before each GC does not depend on the machine's load.
    const trace = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--expose-gc', '--trace-deopt', '--no-concurrent-recompilation', worker, '8'],
        { encoding: 'utf8', maxBuffer: 1 << 28 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
    expect(trace).toMatch(/^done \d+$/m);
    const dropped = droppedForWeakObjects(trace);
    expect(dropped.get('controlFirstCall') ?? 0).toBeGreaterThanOrEqual(3); // the control: its record class's map died
    expect(LIBRARY_FUNCTIONS.filter((name) => dropped.has(name)).map((name) => `${name} x${dropped.get(name)}`)).toEqual([]);
  }, 120_000);
});
