/**
 * Bytes per instance with three cached members, each used once: `m(n)` (one
 * number argument), `pair(a, b)` (two) and a getter `value`. A service object
 * usually caches several members; this shows what each instance pays for all
 * of them beside a hand-written floor with one WeakMap per member. Measured
 * like the one-member table (memory.ts): heap after GC with N instances held,
 * minus N plain instances, each contender in a fresh process, in both program
 * shapes (shapes.ts).
 */
import { Memoize as TsMemoize } from 'typescript-memoize';
import { cached } from '../src/index.js';
import { runFresh, serveWorker, settledHeap, twoAtATime, workerArgs } from './fresh.js';
import { progress, quick, selected, withRatios, type Row, type ScenarioResult } from './harness.js';
import { applyLegacy } from './members.js';
import { inShape, shapes, shapeTitle, type Shape } from './shapes.js';

interface Three {
  m(n: number): number;
  pair(a: number, b: number): number;
  readonly value: number;
}
type ThreeClass = new (factor: number) => Three;

/** The plain members; `pair` is asymmetric so that (1, 2) and (2, 1) differ. */
function plainThree(counter: { runs: number }) {
  return class PlainThree {
    constructor(readonly factor: number) {}
    m(n: number): number {
      counter.runs++;
      return n * this.factor;
    }
    pair(a: number, b: number): number {
      counter.runs++;
      return a * 1000 + b * this.factor;
    }
    get value(): number {
      counter.runs++;
      return this.factor * 10;
    }
  };
}

/** The floor: one hand-written WeakMap per member, nested Maps for the arguments. */
function floorThree(counter: { runs: number }): ThreeClass {
  const Plain = plainThree(counter);
  const { m, pair } = Plain.prototype;
  const value = Object.getOwnPropertyDescriptor(Plain.prototype, 'value')!.get!;
  const ms = new WeakMap<object, Map<number, number>>();
  const pairs = new WeakMap<object, Map<number, Map<number, number>>>();
  const values = new WeakMap<object, number>();
  Object.defineProperties(Plain.prototype, {
    m: {
      value(this: Three, n: number): number {
        let cache = ms.get(this);
        if (cache === undefined) ms.set(this, (cache = new Map()));
        let hit = cache.get(n);
        if (hit === undefined) cache.set(n, (hit = m.call(this, n)));
        return hit;
      },
    },
    pair: {
      value(this: Three, a: number, b: number): number {
        let byA = pairs.get(this);
        if (byA === undefined) pairs.set(this, (byA = new Map()));
        let byB = byA.get(a);
        if (byB === undefined) byA.set(a, (byB = new Map()));
        let hit = byB.get(b);
        if (hit === undefined) byB.set(b, (hit = pair.call(this, a, b)));
        return hit;
      },
    },
    value: {
      get(this: Three): number {
        let hit = values.get(this);
        if (hit === undefined) values.set(this, (hit = value.call(this) as number));
        return hit;
      },
    },
  });
  return Plain;
}

const contenders: { name: string; make: (counter: { runs: number }) => ThreeClass; floor?: boolean; note?: string }[] = [
  { name: 'floor: a WeakMap per member', floor: true, make: floorThree },
  {
    name: 'lru-memo @cached (three members)',
    make: (counter) =>
      class extends plainThree(counter) {
        @cached
        override m(n: number): number {
          return super.m(n);
        }
        @cached
        override pair(a: number, b: number): number {
          return super.pair(a, b);
        }
        @cached
        override get value(): number {
          return super.value;
        }
      },
  },
  {
    name: 'typescript-memoize @Memoize() (three members)',
    // Its default key is the first argument only: (1, 2) and (1, 3) would collide.
    note: 'pair uses { hashFunction: true } (key: the arguments joined); its default key is the first argument only',
    make: (counter) => {
      const Class = plainThree(counter);
      applyLegacy(Class.prototype, 'm', TsMemoize() as never);
      applyLegacy(Class.prototype, 'pair', TsMemoize({ hashFunction: true }) as never);
      applyLegacy(Class.prototype, 'value', TsMemoize() as never);
      return Class;
    },
  },
];

/**
 * Two instances of different state, every member, two passes, (1, 2) beside
 * (2, 1) and (1, 3): a wrong answer or a body run twice for one call throws.
 */
function checkThree(name: string, Class: ThreeClass, counter: { runs: number }): void {
  const instances = [[new Class(2), 2], [new Class(3), 3]] as const;
  const pairs = [[1, 2], [2, 1], [1, 3]] as const;
  const before = counter.runs;
  for (let pass = 0; pass < 2; pass++) {
    for (const [x, f] of instances) {
      const answers: [string, number, number][] = [
        ['m(1)', x.m(1), f],
        ['m(2)', x.m(2), 2 * f],
        ...pairs.map(([a, b]): [string, number, number] => [`pair(${a}, ${b})`, x.pair(a, b), a * 1000 + b * f]),
        ['value', x.value, f * 10],
      ];
      for (const [call, got, expected] of answers) {
        if (got !== expected) throw new Error(`bench: ${name} answered ${got} for ${call} on instance ${f}; expected ${expected}`);
      }
    }
  }
  const distinct = instances.length * (2 + pairs.length + 1);
  if (counter.runs - before !== distinct) throw new Error(`bench: ${name} ran its bodies ${counter.runs - before} times for ${distinct} distinct calls`);
}

export async function threeMemberScenario(): Promise<ScenarioResult[]> {
  const instances = quick ? 10_000 : 100_000;
  const results: ScenarioResult[] = [];
  for (const shape of shapes) {
    const title = `Bytes per instance, three cached members used once, ${shapeTitle[shape]} (${instances.toLocaleString('en-US')} instances)`;
    if (!selected(title)) continue;
    progress(title);
    const measure = (index: number) => () => runFresh<number>(import.meta.url, ['--three-worker', index, instances, shape]);
    const [plainBytes, ...measured] = await twoAtATime([measure(-1), ...contenders.map((_, index) => measure(index))]);
    progress(`  plain instance (no cache): ${plainBytes!.toFixed(1)} bytes/instance`);
    const rows: Omit<Row, 'ratio'>[] = contenders.map((contender, index) => {
      const bytes = measured[index]! - plainBytes!;
      progress(`  ${contender.name}: ${bytes.toFixed(1)} bytes/instance above a plain instance`);
      return { name: contender.name, nsPerOp: bytes, floor: contender.floor ?? false, note: contender.note };
    });
    results.push({
      title,
      unit: 'bytes per instance (above a plain instance)',
      rows: withRatios(rows),
      target: `lru-memo <= 1.0x the floor; each instance calls m(1), pair(1, 2) and reads value once; a plain instance itself is ${plainBytes!.toFixed(0)} bytes`,
    });
  }
  return results;
}

/** Worker: `count` instances held, each using its three members once; prints bytes per instance. */
async function threeWorker(index: number, count: number, shape: Shape): Promise<number> {
  const counter = { runs: 0 };
  const contender = contenders[index];
  const Class = contender === undefined ? plainThree(counter) : contender.make(counter);
  if (contender !== undefined) checkThree(contender.name, Class, counter);
  const held: Three[] = [];
  let sum = 0;
  const before = await settledHeap();
  await inShape(shape, count, () => {
    const instance = new Class(2);
    sum += instance.m(1) + instance.pair(1, 2) + instance.value;
    held.push(instance);
  });
  const after = await settledHeap();
  if (sum !== count * (2 + 1004 + 20)) throw new Error(`bench: wrong answers while measuring (sum ${sum})`);
  return (after - before) / count;
}

const args = workerArgs('--three-worker');
if (args !== undefined) {
  const [index, count, shape] = args;
  serveWorker(() => threeWorker(Number(index), Number(count), shape as Shape));
}
