/**
 * The bench harness: measures contenders of one scenario in this process,
 * checks each contender's answers first, and reports ns/op and the ratio to
 * the scenario's floor. Timings are only ever compared within one run.
 */

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

let sink = 0;
/** Keeps results observable so the optimiser cannot drop the calls. */
export function consume(value: unknown): void {
  if (typeof value === 'number') sink = (sink + value) | 0;
  else if (value !== undefined) sink ^= 1;
}

export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/** Turns per contender: each one a few milliseconds, so a table's contenders take ~1.5 s each. */
const TURNS = quick ? 20 : 500;
/** Milliseconds of calls in one turn. */
const TURN_MS = quick ? 1 : 3;

/**
 * Median ns per operation of each batch (which runs `opsPerBatch`
 * operations), the contenders interleaved finely: all warmed up together,
 * then TURNS rounds in which each runs for about TURN_MS.
 *
 * Why so fine: this machine's load comes in bursts of 100 ms and more that
 * slow everything running by up to 2x. Timed in long stretches (mitata, 400 ms
 * per contender, three rounds in turns, medians), a burst landed on one
 * contender and not on the other, and the bounded table's ratio read 1.04x
 * to 1.56x in full runs of the same code. Interleaved every few
 * milliseconds, every contender sees the same bursts: twelve processes of
 * the bounded table read 1.24x-1.31x but one (1.48x), five of the
 * three-argument table 1.11x-1.31x.
 */
export async function nsPerOpInTurns(batches: readonly (() => void)[], opsPerBatch: number): Promise<number[]> {
  for (let warm = 0; warm < (quick ? 20 : 200); warm++) for (const batch of batches) batch();
  // A whole number of batches per turn, about TURN_MS each, from each contender's own speed.
  const repeats = batches.map((batch) => {
    const started = performance.now();
    for (let i = 0; i < 20; i++) batch();
    const msPerBatch = (performance.now() - started) / 20;
    return Math.max(1, Math.round(TURN_MS / msPerBatch));
  });
  await new Promise((resolve) => setImmediate(resolve)); // a pending timer or GC task runs before, not inside, the timing
  return timedInTurns(batches, opsPerBatch, TURNS, repeats, 0);
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
  repeats: number | readonly number[],
  warmups = 300,
): number[] {
  for (let warm = 0; warm < warmups; warm++) for (const batch of batches) batch();
  const times: number[][] = batches.map(() => []);
  const counts = batches.map((_, i) => (typeof repeats === 'number' ? repeats : repeats[i]!));
  for (let round = 0; round < rounds; round++) {
    batches.forEach((batch, i) => {
      const count = counts[i]!;
      const started = process.hrtime.bigint();
      for (let repeat = 0; repeat < count; repeat++) batch();
      times[i]!.push(Number(process.hrtime.bigint() - started) / (count * opsPerBatch));
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

/**
 * Times each contender's batch in turns (`nsPerOpInTurns`) and returns the
 * table's rows, ratios included, printing each contender's time.
 */
export async function rowsInTurns(
  contenders: readonly { name: string; floor?: boolean; note?: string }[],
  batches: readonly (() => void)[],
  opsPerBatch: number,
): Promise<Row[]> {
  const medians = await nsPerOpInTurns(batches, opsPerBatch);
  const rows = contenders.map((contender, i) => {
    progress(`  ${contender.name}: ${medians[i]!.toFixed(1)} ns/op`);
    return { name: contender.name, nsPerOp: medians[i]!, floor: contender.floor ?? false, note: contender.note };
  });
  return withRatios(rows);
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
