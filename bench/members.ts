/**
 * Member scenarios: the hit path of decorated instance methods, getters,
 * static methods and async methods, beside a hand-written per-instance floor
 * and the decorator libraries people use. Peer decorators are legacy
 * (experimentalDecorators) ones: they are applied by hand here, exactly as a
 * legacy decorator runtime applies them.
 *
 * Before timing, each contender is checked with two instances of different
 * state: a contender that shares results across instances, or remembers only
 * its last call, fails the run.
 */
import d from 'd';
import { Memoize as LodashMemoize } from 'lodash-decorators';
import { memoizeDecorator } from 'memoize';
import memoizeMethods from 'memoizee/methods.js';
import { pMemoizeDecorator } from 'p-memoize';
import { Memoize as TsMemoize } from 'typescript-memoize';
import { cached } from '../src/index.js';
import { compileCalls, progress, rowsInTurns, selected, type ScenarioResult } from './harness.js';
import { randomKeys } from './workloads.js';

// A legacy decorator may return a replacement descriptor, or nothing.
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type
type LegacyDecorator = (target: object, key: string, descriptor: PropertyDescriptor) => PropertyDescriptor | void;

/** Applies a legacy decorator to `target[key]`, as TypeScript's __decorate does. */
export function applyLegacy(target: object, key: string, decorator: LegacyDecorator): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
  Object.defineProperty(target, key, decorator(target, key, descriptor) ?? descriptor);
}

export interface Instance {
  m(n: number): number;
  readonly value: number;
  load(n: number): Promise<number>;
}
interface Contender {
  name: string;
  /** A fresh class whose members are cached by this contender; `counter.runs` counts body runs. */
  make(counter: { runs: number }): new (factor: number) => Instance;
  floor?: boolean;
}

/** The plain members every contender caches. */
export function plainClass(counter: { runs: number }) {
  return class Plain {
    constructor(readonly factor: number) {}
    m(n: number): number {
      counter.runs++;
      return n * this.factor;
    }
    get value(): number {
      counter.runs++;
      return this.factor * 10;
    }
    async load(n: number): Promise<number> {
      counter.runs++;
      return n * this.factor;
    }
    static s(n: number): number {
      counter.runs++;
      return n + 1;
    }
  };
}

/** The hand-written floor: `Class.prototype[key]` memoized in a WeakMap<instance, Map<argument, result>>. */
function withPerInstanceFloor<C extends new (factor: number) => Instance>(Class: C, key: 'm' | 'load'): C {
  const caches = new WeakMap<object, Map<number, unknown>>();
  const original = Class.prototype[key] as (this: Instance, n: number) => unknown;
  Object.defineProperty(Class.prototype, key, {
    value: function (this: Instance, n: number) {
      let perInstance = caches.get(this);
      if (perInstance === undefined) caches.set(this, (perInstance = new Map()));
      let hit = perInstance.get(n);
      if (hit === undefined) perInstance.set(n, (hit = original.call(this, n)));
      return hit;
    },
    writable: true,
    configurable: true,
  });
  return Class;
}

function withLegacy(kind: 'm' | 'value' | 'load', decorator: () => LegacyDecorator): Contender['make'] {
  return (counter) => {
    const Class = plainClass(counter);
    applyLegacy(Class.prototype, kind, decorator());
    return Class;
  };
}

export const methodContenders: Contender[] = [
  {
    name: 'floor: WeakMap<instance, Map>',
    floor: true,
    make: (counter) => withPerInstanceFloor(plainClass(counter), 'm'),
  },
  {
    name: 'lru-memo @cached',
    make: (counter) =>
      class extends plainClass(counter) {
        @cached
        override m(n: number): number {
          return super.m(n);
        }
      },
  },
  { name: 'typescript-memoize @Memoize()', make: withLegacy('m', () => TsMemoize() as LegacyDecorator) },
  { name: "memoize's memoizeDecorator()", make: withLegacy('m', () => memoizeDecorator() as LegacyDecorator) },
  { name: 'lodash-decorators @Memoize()', make: withLegacy('m', () => LodashMemoize() as unknown as LegacyDecorator) },
  {
    name: 'memoizee/methods',
    make: (counter) => {
      const Class = plainClass(counter);
      const original = Class.prototype.m;
      Object.defineProperties(Class.prototype, memoizeMethods({ m: d(original, { length: 1 }) }));
      return Class;
    },
  },
];

const getterContenders: Contender[] = [
  {
    name: 'floor: WeakMap<instance, value>',
    floor: true,
    make: (counter) => {
      const Class = plainClass(counter);
      const values = new WeakMap<object, number>();
      const original = Object.getOwnPropertyDescriptor(Class.prototype, 'value')!.get!;
      Object.defineProperty(Class.prototype, 'value', {
        get(this: object) {
          let hit = values.get(this);
          if (hit === undefined) values.set(this, (hit = original.call(this) as number));
          return hit;
        },
      });
      return Class;
    },
  },
  {
    name: 'lru-memo @cached getter',
    make: (counter) =>
      class extends plainClass(counter) {
        @cached
        override get value(): number {
          return super.value;
        }
      },
  },
  { name: 'typescript-memoize @Memoize()', make: withLegacy('value', () => TsMemoize() as LegacyDecorator) },
  // lodash-decorators @Memoize() is left out: on a getter its body runs on every read (checked).
];

const asyncContenders: Contender[] = [
  {
    name: 'floor: WeakMap<instance, Map> of promises',
    floor: true,
    make: (counter) => withPerInstanceFloor(plainClass(counter), 'load'),
  },
  {
    name: 'lru-memo @cached async',
    make: (counter) =>
      class extends plainClass(counter) {
        @cached
        override load(n: number): Promise<number> {
          return super.load(n);
        }
      },
  },
  { name: "p-memoize's pMemoizeDecorator()", make: withLegacy('load', () => pMemoizeDecorator() as LegacyDecorator) },
];

/**
 * Checks a contender's class on two instances of different state, two passes
 * over `keys`: a wrong answer (results shared across instances, or only the
 * last call remembered) or a body run more than once per distinct call throws.
 * Returns the first instance, warmed.
 */
export async function checkAnswers(
  name: string,
  Class: new (factor: number) => Instance,
  counter: { runs: number },
  kind: 'm' | 'value' | 'load',
  keys: readonly number[],
): Promise<Instance> {
  const [a, b] = [new Class(2), new Class(3)];
  const runsBefore = counter.runs;
  const ask = async (x: Instance, n: number) => (kind === 'm' ? x.m(n) : kind === 'value' ? x.value : await x.load(n));
  const expected = (factor: number, n: number) => (kind === 'value' ? factor * 10 : n * factor);
  for (let pass = 0; pass < 2; pass++) {
    for (const n of keys) {
      for (const [x, factor] of [[a, 2], [b, 3]] as const) {
        const got = await ask(x, n);
        if (got !== expected(factor, n)) {
          throw new Error(`bench: ${name} answered ${got} for instance ${factor}, key ${n}; expected ${expected(factor, n)}`);
        }
      }
    }
  }
  const distinct = kind === 'value' ? 2 : 2 * keys.length;
  if (counter.runs - runsBefore !== distinct) {
    throw new Error(`bench: ${name} ran its body ${counter.runs - runsBefore} times for ${distinct} distinct calls`);
  }
  return a;
}

/** Checks answers on two instances of different state, then times one instance. */
async function memberScenario(
  title: string,
  target: string,
  contenders: Contender[],
  kind: 'm' | 'value' | 'load',
  keys: number[],
): Promise<ScenarioResult | undefined> {
  if (!selected(title)) return undefined;
  progress(title);
  const timed: { contender: Contender; batch: () => void }[] = [];
  for (const contender of contenders) {
    const counter = { runs: 0 };
    let Class: new (factor: number) => Instance;
    try {
      Class = contender.make(counter);
    } catch (error) {
      progress(`  ${contender.name}: does not support this member kind (${(error as Error).message})`);
      continue;
    }
    const a = await checkAnswers(contender.name, Class, counter, kind, keys);
    const call = kind === 'm' ? 'x.m(a[0])' : kind === 'value' ? 'x.value' : 'x.load(a[0])';
    timed.push({ contender, batch: compileCalls(a, call, keys.map((n) => [n])) });
  }
  const rows = await rowsInTurns(
    timed.map(({ contender }) => contender),
    timed.map(({ batch }) => batch),
    keys.length,
  );
  return { title, unit: 'ns per call (all hits)', rows, target };
}

/** Static methods: one cache per class; the floor is a Map keyed by argument. */
async function staticScenario(keys: number[]): Promise<ScenarioResult | undefined> {
  const title = 'Static method, one number argument, all hits';
  if (!selected(title)) return undefined;
  progress(title);
  const contenders: { name: string; floor?: boolean; make(counter: { runs: number }): { s(n: number): number } }[] = [
    {
      name: 'floor: Map memoizer',
      floor: true,
      make: (counter) => {
        const Class = plainClass(counter);
        const map = new Map<number, number>();
        const original = Class.s;
        Class.s = (n: number) => {
          let hit = map.get(n);
          if (hit === undefined) map.set(n, (hit = original(n)));
          return hit;
        };
        return Class;
      },
    },
    {
      name: 'lru-memo @cached static',
      make: (counter) => {
        const Base = plainClass(counter);
        return class extends Base {
          @cached
          static override s(n: number): number {
            return Base.s(n);
          }
        };
      },
    },
    // lodash-decorators @Memoize() is left out: on a static method its body runs on every call (checked).
    ...(['typescript-memoize @Memoize()', "memoize's memoizeDecorator()"] as const).map((name) => ({
      name,
      make: (counter: { runs: number }) => {
        const Class = plainClass(counter);
        const decorator = name.startsWith('typescript') ? TsMemoize() : memoizeDecorator();
        applyLegacy(Class, 's', decorator as unknown as LegacyDecorator);
        return Class;
      },
    })),
  ];
  const batches: (() => void)[] = [];
  for (const contender of contenders) {
    const counter = { runs: 0 };
    const Class = contender.make(counter);
    for (let pass = 0; pass < 2; pass++) {
      for (const n of keys) {
        if (Class.s(n) !== n + 1) throw new Error(`bench: ${contender.name} answered wrongly for ${n}`);
      }
    }
    if (counter.runs !== keys.length) throw new Error(`bench: ${contender.name} ran ${counter.runs} times for ${keys.length} keys`);
    batches.push(compileCalls(Class, 'x.s(a[0])', keys.map((n) => [n])));
  }
  return {
    title,
    unit: 'ns per call (all hits)',
    rows: await rowsInTurns(contenders, batches, keys.length),
    target: 'faster than every peer (lodash-decorators @Memoize() does not cache statics: left out)',
  };
}

export async function memberScenarios(): Promise<ScenarioResult[]> {
  const keys = randomKeys(100, 5); // within every contender's default bound (lru-memo: 128)
  const results = [
    await memberScenario(
      'Instance method, one number argument, all hits',
      "lru-memo <= 2x its own function hit path, and faster than every peer",
      methodContenders,
      'm',
      keys,
    ),
    await memberScenario(
      'Getter, all hits',
      'faster than every peer (lodash-decorators @Memoize() does not cache getters: left out)',
      getterContenders,
      'value',
      [0],
    ),
    await staticScenario(keys),
    await memberScenario(
      'Async method, all hits',
      "hit cost of an async cached method, beside the floor and p-memoize's decorator",
      asyncContenders,
      'load',
      keys,
    ),
  ];
  return results.filter((result) => result !== undefined);
}
