/**
 * The bench harness: measures contenders of one scenario in this process,
 * checks each contender's answers first, and reports ns/op and the ratio to
 * the scenario's floor. Timings are only ever compared within one run.
 */
import { measure } from 'mitata';

export interface Contender<F> {
  name: string;
  /** Builds a fresh memoized function around `fn`. */
  make: (fn: F) => F;
  /** Marks the floor (ratios are relative to it) or a note shown in the table. */
  floor?: boolean;
  note?: string;
}

export interface Row {
  name: string;
  nsPerOp: number;
  ratio: number;
  floor: boolean;
  note?: string;
  extra?: string;
}

export interface ScenarioResult {
  title: string;
  unit: string;
  rows: Row[];
  target?: string;
}

export const quick = process.argv.includes('--quick');

/** `--only <text>`: run only the scenarios whose title contains the text. */
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex === -1 ? undefined : process.argv[onlyIndex + 1]?.toLowerCase();

/** `--scenario <title>`: this process is a worker running exactly that scenario (see index.ts). */
const scenarioIndex = process.argv.indexOf('--scenario');
export const workerScenario = scenarioIndex === -1 ? undefined : process.argv[scenarioIndex + 1];

/** Titles seen while planning (see `planTitles`); undefined when running. */
let planned: string[] | undefined;

export function selected(title: string): boolean {
  if (planned !== undefined) {
    if (only === undefined || title.toLowerCase().includes(only)) planned.push(title);
    return false;
  }
  if (workerScenario !== undefined) return title === workerScenario;
  return only === undefined || title.toLowerCase().includes(only);
}

/**
 * The titles `run` would measure under `--only`, without measuring anything:
 * every scenario asks `selected(title)` before any work.
 */
export async function planTitles(run: () => Promise<unknown>): Promise<string[]> {
  planned = [];
  try {
    await run();
    return planned;
  } finally {
    planned = undefined;
  }
}

/** Measuring options: long enough for stable ratios, short in --quick mode. */
const measureOptions = quick
  ? { min_cpu_time: 20 * 1e6, min_samples: 4, max_samples: 40, warmup_samples: 2 }
  : { min_cpu_time: 400 * 1e6, min_samples: 16, max_samples: 1e9 };

let sink = 0;
/** Keeps results observable so the optimiser cannot drop the calls. */
export function consume(value: unknown): void {
  if (typeof value === 'number') sink = (sink + value) | 0;
  else if (value !== undefined) sink ^= 1;
}

export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/**
 * Measures `batch` (which runs `opsPerBatch` operations) and returns ns per op.
 */
export async function nsPerOp(batch: () => void, opsPerBatch: number): Promise<number> {
  const stats = await measure(batch, measureOptions);
  return stats.avg / opsPerBatch;
}

/**
 * Median ns per operation of each batch, each timed by mitata (`nsPerOp`) in
 * ROUNDS rounds, every round timing every batch, each round starting at the
 * next one. Timed one after another once each, a table's ratios moved with the
 * machine's load between contenders (the bounded table's lru-memo/floor ratio
 * read 1.04x to 1.76x in four runs of the same code).
 */
export async function nsPerOpInTurns(batches: readonly (() => void)[], opsPerBatch: number): Promise<number[]> {
  const rounds = quick ? 1 : 3;
  const times: number[][] = batches.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < batches.length; turn++) {
      const index = (turn + round) % batches.length;
      times[index]!.push(await nsPerOp(batches[index]!, opsPerBatch));
    }
  }
  return times.map((series) => series.sort((a, b) => a - b)[Math.floor(series.length / 2)]!);
}

/**
 * A number written into every compiled source: V8 caches what `new Function`
 * compiles by source text, and functions from one cached source share their
 * type feedback and optimized code. Without it, every contender's batch in a
 * table was the same function to V8, its call site megamorphic.
 */
let compiled = 0;
export const uniqueSourceTag = (): string => `/* compiled source ${++compiled} */`;

/**
 * A batch loop compiled separately for each contender, so its call site is
 * monomorphic, as a call site in an application is. A loop shared by every
 * contender would be megamorphic and time the call dispatch, not the caches.
 */
export function compileBatch(
  f: (...args: never[]) => unknown,
  argLists: readonly unknown[][],
  arity: number,
  start = 0,
  length = argLists.length,
): () => void {
  const args = Array.from({ length: arity }, (_, i) => `a[${i}]`).join(', ');
  const source = `${uniqueSourceTag()}
    let offset = ${start};
    return function batch() {
      const end = offset + ${length};
      for (let i = offset; i < end; i++) { const a = lists[i]; consume(f(${args})); }
      offset = end >= lists.length ? 0 : end;
    };`;
  return new Function('f', 'lists', 'consume', source)(f, argLists, consume) as () => void;
}

/**
 * Median ns per operation of each batch, timed in turns: every batch warmed up
 * together (`warmups` runs each), then `rounds` rounds in which each batch runs
 * `repeats` times, one after the other, so no contender is timed in a JIT state
 * another one left behind (used in fresh worker processes).
 */
export function timedInTurns(
  batches: readonly (() => void)[],
  opsPerBatch: number,
  rounds: number,
  repeats: number,
  warmups = 300,
): number[] {
  for (let warm = 0; warm < warmups; warm++) for (const batch of batches) batch();
  const times: number[][] = batches.map(() => []);
  for (let round = 0; round < rounds; round++) {
    batches.forEach((batch, i) => {
      const started = process.hrtime.bigint();
      for (let repeat = 0; repeat < repeats; repeat++) batch();
      times[i]!.push(Number(process.hrtime.bigint() - started) / (repeats * opsPerBatch));
    });
  }
  return times.map((series) => series.sort((a, b) => a - b)[Math.floor(series.length / 2)]!);
}

/**
 * Like compileBatch, for a call expression on one object: `call` is written
 * with `x` for the object and `a` for the argument list, e.g. 'x.m(a[0])'.
 */
export function compileCalls(target: unknown, call: string, argLists: readonly unknown[][]): () => void {
  const source = `${uniqueSourceTag()}
    return function batch() {
      for (let i = 0; i < lists.length; i++) { const a = lists[i]; consume(${call}); }
    };`;
  return new Function('x', 'lists', 'consume', source)(target, argLists, consume) as () => void;
}

export function withRatios(rows: Omit<Row, 'ratio'>[]): Row[] {
  const floor = rows.find((row) => row.floor) ?? rows[0]!;
  return rows.map((row) => ({ ...row, ratio: row.nsPerOp / floor.nsPerOp }));
}

/** Throws when a contender answers differently from the plain function. */
export function verify(name: string, got: unknown, expected: unknown, where: string): void {
  if (!Object.is(got, expected)) {
    throw new Error(`bench: ${name} returned ${String(got)} for ${where}, expected ${String(expected)}`);
  }
}

export function sinkValue(): number {
  return sink;
}
