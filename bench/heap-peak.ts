/**
 * Heap peak within one synchronous loop: 300,000 instances, each carrying a
 * payload (as a service object carries request state), each calling m(1)
 * once and dropped at once, with gc() every 10,000 instances inside the loop
 * and no await: whatever a cached member keeps until the task ends (for
 * example finalization registrations) piles up here, where a batch job or a
 * test creating instances in a loop would see it. Reports the highest
 * heapUsed after those gc() calls minus the heap before the loop, each
 * contender in a fresh process.
 *
 * A naive module-level Map<instance, Map> is the control: it keeps every
 * instance. If the measure does not see it grow, the scenario throws: it
 * could not have seen a leak either.
 */
import { cached } from '../src/index.js';
import { heapUsed, runFresh, serveWorker, settledHeap, workerArgs } from './fresh.js';
import { progress, quick, selected, withRatios, type ScenarioResult } from './harness.js';
import { checkAnswers, plainClass, type Instance } from './members.js';

/** The member classes with a per-instance payload of 32 numbers. */
function payloadClass(counter: { runs: number }) {
  return class extends plainClass(counter) {
    readonly payload = new Array(32).fill(0);
  };
}

interface InstanceCaches {
  get(instance: object): Map<number, number> | undefined;
  set(instance: object, cache: Map<number, number>): unknown;
}

/** Memoizes `Class.prototype.m` in `caches`, keyed by instance: a WeakMap is the floor, a Map the leak. */
function keyedByInstance<C extends new (factor: number) => Instance>(Class: C, caches: InstanceCaches): C {
  const original = Class.prototype.m as (this: Instance, n: number) => number;
  Class.prototype.m = function (this: Instance, n: number): number {
    let cache = caches.get(this);
    if (cache === undefined) caches.set(this, (cache = new Map()));
    let hit = cache.get(n);
    if (hit === undefined) cache.set(n, (hit = original.call(this, n)));
    return hit;
  };
  return Class;
}

const naiveCaches = new Map<object, Map<number, number>>();

const contenders: { name: string; make: (counter: { runs: number }) => new (factor: number) => Instance; floor?: boolean; control?: boolean }[] = [
  { name: 'floor: WeakMap<instance, Map>', floor: true, make: (counter) => keyedByInstance(payloadClass(counter), new WeakMap()) },
  {
    name: 'lru-memo @cached',
    make: (counter) =>
      class extends payloadClass(counter) {
        @cached
        override m(n: number): number {
          return super.m(n);
        }
      },
  },
  { name: 'naive module-level Map<instance, Map> (control)', control: true, make: (counter) => keyedByInstance(payloadClass(counter), naiveCaches) },
];

export async function heapPeakScenario(): Promise<ScenarioResult[]> {
  const instances = quick ? 90_000 : 300_000;
  const every = 10_000;
  const title = `Heap peak within one synchronous loop (${instances.toLocaleString('en-US')} instances, a full GC every ${every.toLocaleString('en-US')})`;
  if (!selected(title)) return [];
  progress(title);
  // The control keeps about 0.5 KB per instance: 150 MB at full size. Half of that, scaled, proves the measure sees a leak.
  const controlAtLeastMb = (50 * instances) / 300_000;
  const rows = [];
  for (const [index, contender] of contenders.entries()) {
    const mb = await runFresh<number>(import.meta.url, ['--heap-peak-worker', index, instances, every]);
    progress(`  ${contender.name}: ${mb.toFixed(2)} MB peak above the start`);
    if (contender.control && !(mb > controlAtLeastMb)) {
      throw new Error(`bench: the naive control peaked at ${mb.toFixed(1)} MB, not above ${controlAtLeastMb} MB: this measure cannot see a leak`);
    }
    rows.push({ name: contender.name, nsPerOp: mb, floor: contender.floor ?? false });
  }
  return [
    {
      title,
      unit: 'MB heap peak above the start',
      rows: withRatios(rows),
      target: `lru-memo < 16 MB; each instance: new C(i) with a 32-number payload, m(1), dropped at once; heapUsed read after each gc(); the control must exceed ${controlAtLeastMb} MB`,
    },
  ];
}

/** Worker: the synchronous loop for one contender; prints the peak in MB above the heap before the loop. */
async function heapPeakWorker(index: number, count: number, every: number): Promise<number> {
  const gc = (globalThis as unknown as { gc: () => void }).gc;
  const contender = contenders[index]!;
  const counter = { runs: 0 };
  const Class = contender.make(counter);
  await checkAnswers(contender.name, Class, counter, 'm', [1, 2, 3]);
  naiveCaches.clear(); // the check's two instances are not part of the measure
  const before = await settledHeap();
  let peak = before;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    sum += new Class(i).m(1);
    if (i % every === every - 1) {
      gc();
      peak = Math.max(peak, heapUsed());
    }
  }
  if (sum !== (count * (count - 1)) / 2) throw new Error(`bench: ${contender.name} summed ${sum}, expected ${(count * (count - 1)) / 2}`);
  return (peak - before) / 2 ** 20;
}

const args = workerArgs('--heap-peak-worker');
if (args !== undefined) {
  const [index, count, every] = args;
  serveWorker(() => heapPeakWorker(Number(index), Number(count), Number(every)));
}
