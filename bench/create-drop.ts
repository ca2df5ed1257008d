/**
 * Create an instance, make its first cached call, drop it: the life of a
 * service object in a request. Time per instance, including the collection of
 * what the loop produced: one repetition creates N instances, each
 * `new C(i).m(1)` and dropped at once, then waits a task turn, runs gc() and
 * waits another turn, all inside the timed region, so every contender pays
 * for its garbage and its end-of-task work (finalization registrations) in
 * the measure. In both program shapes (shapes.ts); in the 10-per-task shape
 * the task turns between instances are timed for every contender alike.
 *
 * All contenders of one shape run in one fresh child process (the bench
 * process's JIT state is shaped by every other scenario), interleaved
 * round-robin over the repetitions, each round starting at the next
 * contender; the median per contender is reported. Timings are never asserted.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { runFresh, serveWorker, workerArgs } from './fresh.js';
import { progress, quick, selected, uniqueSourceTag, withRatios, type ScenarioResult } from './harness.js';
import { checkAnswers, methodContenders, type Instance } from './members.js';
import { PER_TASK, shapes, shapeTitle, type Shape } from './shapes.js';

interface Timed {
  name: string;
  floor: boolean;
  /** Median, fastest and slowest ns per instance over the repetitions. */
  median: number;
  min: number;
  max: number;
}
interface WorkerResult {
  timed: Timed[];
  excluded: { name: string; reason: string }[];
}

export async function createDropScenario(): Promise<ScenarioResult[]> {
  const instances = quick ? 10_000 : 100_000;
  const reps = quick ? 3 : 9;
  const warmups = quick ? 1 : 2; // rounds run first and not counted
  const results: ScenarioResult[] = [];
  for (const shape of shapes) {
    const title =
      shape === 'loop'
        ? `Create an instance + first cached call + drop, incl. GC, ${shapeTitle[shape]} (${instances.toLocaleString('en-US')} instances per repetition)`
        : `Create an instance + first cached call + drop, incl. GC, ${shapeTitle[shape]} (${instances.toLocaleString('en-US')} instances per repetition, task turns timed)`;
    if (!selected(title)) continue;
    progress(`${title}: ${reps} repetitions per contender, interleaved, in one fresh process`);
    const { timed, excluded } = await runFresh<WorkerResult>(import.meta.url, ['--create-drop-worker', instances, warmups, reps, shape]);
    for (const row of timed) progress(`  ${row.name}: ${row.median.toFixed(0)} ns/instance (${row.min.toFixed(0)}–${row.max.toFixed(0)})`);
    for (const { name, reason } of excluded) progress(`  ${name}: left out, ${reason}`);
    const turns = shape === 'tasks' ? `; a setImmediate turn every ${PER_TASK} instances is timed for every contender` : '';
    results.push({
      title,
      unit: `ns per instance (median of ${reps})`,
      rows: withRatios(
        timed.map((row) => ({
          name: row.name,
          nsPerOp: row.median,
          floor: row.floor,
          extra: `range ${row.min.toFixed(0)}–${row.max.toFixed(0)}`,
        })),
      ),
      target: `lru-memo <= 1.2x the floor; each instance: new C(i).m(1), dropped at once; each repetition ends with a task turn, gc() and a task turn, timed${turns}${excluded.map(({ name, reason }) => `; ${name} left out: ${reason}`).join('')}`,
    });
  }
  return results;
}

/**
 * A repetition compiled separately for each contender, so that its `new` and
 * call sites are monomorphic, as they are in an application.
 */
function compileRepetition(Class: new (factor: number) => Instance, shape: Shape, count: number): () => Promise<number> {
  const yieldEvery = shape === 'tasks' ? `if (i % ${PER_TASK} === ${PER_TASK - 1}) await tick();` : '';
  const source = `${uniqueSourceTag()}
    return async function repetition() {
      let sum = 0;
      for (let i = 0; i < ${count}; i++) {
        sum += new C(i).m(1);
        ${yieldEvery}
      }
      await tick();
      gc();
      await tick();
      return sum;
    };`;
  const gc = (globalThis as unknown as { gc: () => void }).gc;
  return new Function('C', 'tick', 'gc', source)(Class, tick, gc) as () => Promise<number>;
}

async function createDropWorker(count: number, warmups: number, reps: number, shape: Shape): Promise<WorkerResult> {
  const excluded: WorkerResult['excluded'] = [];
  const contenders: { name: string; floor: boolean; repetition: () => Promise<number>; times: number[] }[] = [];
  for (const contender of methodContenders) {
    const counter = { runs: 0 };
    const Class = contender.make(counter);
    try {
      await checkAnswers(contender.name, Class, counter, 'm', [1, 2, 3]);
    } catch (error) {
      // A wrong answer from the floor or lru-memo fails the run; a peer's leaves it out of the table.
      if (contender.floor || contender.name.startsWith('lru-memo')) throw error;
      excluded.push({ name: contender.name, reason: (error as Error).message });
      continue;
    }
    const repetition = compileRepetition(Class, shape, count);
    contenders.push({ name: contender.name, floor: contender.floor ?? false, repetition, times: [] });
  }
  const expected = (count * (count - 1)) / 2; // m(1) on new C(i) is i
  for (let round = 0; round < warmups + reps; round++) {
    for (let turn = 0; turn < contenders.length; turn++) {
      const contender = contenders[(round + turn) % contenders.length]!;
      const started = process.hrtime.bigint();
      const sum = await contender.repetition();
      const ns = Number(process.hrtime.bigint() - started) / count;
      if (sum !== expected) throw new Error(`bench: ${contender.name} summed ${sum} over a repetition, expected ${expected}`);
      if (round >= warmups) contender.times.push(ns);
    }
  }
  const timed = contenders.map(({ name, floor, times }) => {
    const sorted = [...times].sort((a, b) => a - b);
    return { name, floor, median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
  });
  return { timed, excluded };
}

const args = workerArgs('--create-drop-worker');
if (args !== undefined) {
  const [count, warmups, reps, shape] = args;
  serveWorker(() => createDropWorker(Number(count), Number(warmups), Number(reps), shape as Shape));
}
