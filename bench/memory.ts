/**
 * Memory per cached entry: heap retained by 100,000 entries, measured after
 * full garbage collections. Each contender is measured in a fresh child
 * process, so no other contender's garbage or code is in the heap.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LRUCache } from 'lru-cache';
import memoize from 'memoize';
import memoizee from 'memoizee';
import { lruCache } from '../src/index.js';
import { listLruFloor, mapFloor } from './floors.js';
import { benchExecArgv, runFresh, serveWorker, settledHeap, twoAtATime, workerArgs } from './fresh.js';
import { progress, quick, selected, withRatios, type Row, type ScenarioResult } from './harness.js';
import { checkAnswers, methodContenders, plainClass } from './members.js';
import { inShape, shapes, shapeTitle, type Shape } from './shapes.js';
import { randomKeys } from './workloads.js';

declare const gc: () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

type Fn1 = (key: number) => number;
const body: Fn1 = (key) => (key ^ 0x5bd1e995) >>> 0;

/** Retained bytes per entry: heap with the filled cache minus heap without it. */
function bytesPerEntry(make: (fn: Fn1) => Fn1, keys: readonly number[]): number {
  const before = heapAfterGc();
  let f: Fn1 | undefined = make(body);
  for (const key of keys) f(key);
  const after = heapAfterGc();
  const kept = f(keys[0]!); // keep f alive until after the measurement
  f = undefined;
  return (after - before) / keys.length + kept * 0;
}

const contenders: { name: string; make: (fn: Fn1, count: number) => Fn1; floor?: boolean }[] = [
  { name: 'floor: typed-array list LRU', make: (fn, count) => listLruFloor(fn, count), floor: true },
  { name: 'lru-memo lruCache({ maxSize })', make: (fn, count) => lruCache(fn, { maxSize: count }) },
  {
    name: 'lru-cache memo()',
    make: (fn, count) => {
      const lru = new LRUCache<number, number>({ max: count, memoMethod: (key) => fn(key) });
      return (key) => lru.memo(key);
    },
  },
  { name: 'memoizee { max }', make: (fn, count) => memoizee(fn, { max: count }) },
  { name: 'memoize (unbounded Map)', make: (fn) => memoize(fn) },
  { name: 'Map memoizer (unbounded)', make: (fn) => mapFloor(fn) },
];

const count = quick ? 20_000 : 100_000;

export function memoryScenario(): ScenarioResult[] {
  const title = `Bytes per entry (${count.toLocaleString('en-US')} number keys, bounded caches sized to hold them all)`;
  if (!selected('Bytes per entry')) return [];
  progress(title);
  const rows: Row[] = [];
  let floorBytes = 0;
  contenders.forEach((contender, index) => {
    const output = execFileSync(
      process.execPath,
      [...benchExecArgv, fileURLToPath(import.meta.url), '--memory-worker', String(index), String(count)],
      { encoding: 'utf8' },
    );
    const bytes = Number(output.trim().split('\n').pop());
    if (contender.floor) floorBytes = bytes;
    rows.push({ name: contender.name, nsPerOp: bytes, ratio: bytes / floorBytes, floor: contender.floor ?? false });
    progress(`  ${contender.name}: ${bytes.toFixed(1)} bytes/entry`);
  });
  return [{ title, unit: 'bytes per entry', rows, target: "lru-memo no more than lru-cache's bytes per entry" }];
}

/**
 * Bytes per instance: heap retained by instances that each called one cached
 * method once, minus what the same number of plain instances retain, in both
 * program shapes (shapes.ts). Each contender, and the plain baseline of each
 * shape, runs in a fresh process.
 */
export async function instanceMemoryScenario(): Promise<ScenarioResult[]> {
  const instances = quick ? 10_000 : 100_000;
  const results: ScenarioResult[] = [];
  for (const shape of shapes) {
    const title = `Bytes per instance, one cached method used once, ${shapeTitle[shape]} (${instances.toLocaleString('en-US')} instances)`;
    if (!selected(title)) continue;
    progress(title);
    const measure = (index: number) => () => runFresh<number>(import.meta.url, ['--instance-worker', index, instances, shape]);
    const [plainBytes, ...measured] = await twoAtATime([measure(-1), ...methodContenders.map((_, index) => measure(index))]);
    progress(`  plain instance (no cache): ${plainBytes!.toFixed(1)} bytes/instance`);
    const rows: Omit<Row, 'ratio'>[] = methodContenders.map((contender, index) => {
      const bytes = measured[index]! - plainBytes!;
      progress(`  ${contender.name}: ${bytes.toFixed(1)} bytes/instance above a plain instance`);
      return { name: contender.name, nsPerOp: bytes, floor: contender.floor ?? false };
    });
    results.push({
      title,
      unit: 'bytes per instance (above a plain instance)',
      rows: withRatios(rows),
      target: `lru-memo <= 1.0x the floor; a plain instance itself is ${plainBytes!.toFixed(0)} bytes`,
    });
  }
  return results;
}

/** Worker: `count` instances held, each calling m(1) once, created in `shape`; prints bytes per instance. */
async function instanceWorker(index: number, count: number, shape: Shape): Promise<number> {
  const counter = { runs: 0 };
  const contender = methodContenders[index];
  const Class = contender === undefined ? plainClass(counter) : contender.make(counter);
  if (contender !== undefined) await checkAnswers(contender.name, Class, counter, 'm', [1, 2, 3]);
  const held: { m(n: number): number }[] = [];
  const before = await settledHeap();
  await inShape(shape, count, () => {
    const instance = new Class(2);
    instance.m(1);
    held.push(instance);
  });
  const after = await settledHeap();
  if (held.length !== count) throw new Error('unreachable');
  return (after - before) / count;
}

const instanceArgs = workerArgs('--instance-worker');
if (instanceArgs !== undefined) {
  const [index, count, shape] = instanceArgs;
  serveWorker(() => instanceWorker(Number(index), Number(count), shape as Shape));
}

// Worker mode: measure one contender in this fresh process and print bytes per entry.
const workerFlag = process.argv.indexOf('--memory-worker');
if (workerFlag !== -1) {
  if (typeof gc !== 'function') throw new Error('bench: run with node --expose-gc');
  const contender = contenders[Number(process.argv[workerFlag + 1])]!;
  const n = Number(process.argv[workerFlag + 2]);
  console.log(bytesPerEntry((fn) => contender.make(fn, n), randomKeys(n, 11)));
}
