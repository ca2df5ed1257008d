/**
 * Model-based property tests: random command sequences run against the
 * library and against the reference model (reference.ts); every observable
 * must agree: each call's result, whether the body ran, cacheInfo,
 * cacheContains, cacheInvalidate, budget.info(). Covers functions, instance
 * methods, statics, getters, `scope`, budgets, TTL on a controlled clock, and
 * async results settling in random order.
 *
 * MODEL_RUNS sets the number of random sequences (default small for `npm
 * test`; `npm run test:stress` runs over a million operations).
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  cached,
  cacheClear,
  cacheContains,
  cacheInfo,
  cacheInvalidate,
  createBudget,
  lruCache,
  type Budget,
  type CachedFunction,
} from '../../src/index.js';
import { ModelBudget, ModelCache, type ModelEntry } from './reference.js';

const RUNS = Number(process.env.MODEL_RUNS ?? 60);
const MAX_COMMANDS = Number(process.env.MODEL_COMMANDS ?? 60);
let operations = 0;
let divergences = 0;

type Kind = 'function' | 'method' | 'static' | 'getter' | 'scoped';
interface Setup {
  kind: Kind;
  maxSize: number;
  ttl: number;
  budgetMax: number | undefined;
  async: boolean;
  declaredArity: number;
}

const objA = { name: 'a' };
const objB = { name: 'b' };
const argPool = [0, 1, 2, 'a', '1', NaN, -0, undefined, null, 1n, objA, objB] as const;
const argsArb = fc.array(fc.constantFrom(...argPool), { maxLength: 3 });

let clock = 1_000_000;

/** One run's real system and model, side by side. */
class World {
  readonly receivers: unknown[];
  readonly models: ModelCache[];
  readonly budget: Budget | undefined;
  readonly modelBudget: ModelBudget | undefined;
  runs = 0;
  readonly pending: { settle: (ok: boolean) => void; entry: ModelEntry | undefined; model: ModelCache }[] = [];
  private readonly callOn: (receiver: unknown, args: unknown[]) => unknown;
  private readonly member: string;
  private readonly fn: CachedFunction<(...args: unknown[]) => unknown> | undefined;
  /** The body's result for the call in progress, recorded for the model. */
  private last: { result: unknown; settle?: (ok: boolean) => void } | undefined;

  constructor(readonly setup: Setup) {
    this.budget = setup.budgetMax === undefined ? undefined : createBudget({ maxSize: setup.budgetMax });
    this.modelBudget = setup.budgetMax === undefined ? undefined : new ModelBudget(setup.budgetMax);
    const options = {
      maxSize: setup.maxSize,
      ...(setup.ttl !== 0 ? { ttl: setup.ttl } : {}),
      ...(this.budget !== undefined ? { budget: this.budget } : {}),
    };
    const body = (): unknown => {
      this.runs++;
      const token = { run: this.runs };
      if (!setup.async) {
        this.last = { result: token };
        return token;
      }
      let settle!: (ok: boolean) => void;
      const promise = new Promise((resolve, reject) => {
        settle = (ok) => (ok ? resolve(token) : reject(new Error(`run ${token.run} failed`)));
      });
      promise.catch(() => undefined);
      this.last = { result: promise, settle };
      return promise;
    };
    const model = () => new ModelCache(setup.maxSize, setup.ttl, this.modelBudget);
    this.member = setup.kind === 'getter' ? 'value' : 'm';
    switch (setup.kind) {
      case 'function': {
        const variadic = (..._args: unknown[]) => body();
        Object.defineProperty(variadic, 'length', { value: setup.declaredArity });
        const fn = lruCache(variadic, options);
        this.fn = fn;
        this.receivers = [undefined];
        this.models = [model()];
        // Called without a receiver (`this.fn(...)` would give it one: its own cache).
        this.callOn = (_r, args) => fn(...args);
        break;
      }
      case 'method':
      case 'scoped': {
        const scoped = setup.kind === 'scoped';
        class Service {
          constructor(readonly group: string) {}
          @cached(scoped ? { ...options, scope: (self: Service) => self.group } : options)
          m(..._args: unknown[]) {
            return body();
          }
        }
        this.receivers = [new Service('g0'), new Service('g0'), new Service('g1')];
        const shared = model();
        this.models = scoped ? [shared, shared, model()] : [model(), model(), model()];
        this.callOn = (r, args) => (r as Service).m(...args);
        break;
      }
      case 'static': {
        class Base {
          @cached(options)
          static m(..._args: unknown[]) {
            return body();
          }
        }
        class Sub extends Base {}
        this.receivers = [Base, Sub];
        this.models = [model(), model()];
        this.callOn = (r, args) => (r as typeof Base).m(...args);
        break;
      }
      case 'getter': {
        class Lazy {
          @cached(options)
          get value() {
            return body();
          }
        }
        this.receivers = [new Lazy(), new Lazy()];
        this.models = [model(), model()];
        this.callOn = (r) => (r as Lazy).value;
        break;
      }
    }
  }

  argsFor(args: unknown[]): unknown[] {
    return this.setup.kind === 'getter' ? [] : args;
  }

  call(index: number, rawArgs: unknown[]): void {
    const receiver = this.receivers[index]!;
    const model = this.models[index]!;
    const args = this.argsFor(rawArgs);
    const runsBefore = this.runs;
    this.last = undefined;
    const result = this.callOn(receiver, args);
    const expected = model.lookup(args, clock);
    if (expected.hit) {
      expect(this.runs, 'a hit must not run the body').toBe(runsBefore);
      expect(result).toBe(expected.result);
    } else {
      expect(this.runs, 'a miss must run the body once').toBe(runsBefore + 1);
      expect(result).toBe(this.last!.result);
      const entry = model.store(args, result, this.setup.async, clock);
      if (this.last!.settle !== undefined) this.pending.push({ settle: this.last!.settle, entry, model });
    }
  }

  async settle(pick: number, ok: boolean): Promise<void> {
    if (this.pending.length === 0) return;
    const [item] = this.pending.splice(pick % this.pending.length, 1);
    item!.settle(ok);
    for (let i = 0; i < 4; i++) await Promise.resolve(); // let the library's handlers run
    if (item!.entry !== undefined) item!.model.settle(item!.entry, ok, clock);
  }

  info(index: number): void {
    const receiver = this.receivers[index];
    const actual = this.fn !== undefined ? this.fn.cacheInfo() : cacheInfo(receiver as object, this.member as never);
    expect(actual).toEqual(this.models[index]!.info(clock));
  }

  clear(index: number): void {
    if (this.fn !== undefined) this.fn.cacheClear();
    else cacheClear(this.receivers[index] as object, this.member as never);
    this.models[index]!.clear();
  }

  invalidate(index: number, rawArgs: unknown[]): void {
    const args = this.argsFor(rawArgs);
    const actual =
      this.fn !== undefined
        ? this.fn.cacheInvalidate(...args)
        : cacheInvalidate(this.receivers[index] as object, this.member as never, ...args);
    expect(actual).toBe(this.models[index]!.invalidate(args, clock));
  }

  contains(index: number, rawArgs: unknown[]): void {
    const args = this.argsFor(rawArgs);
    const actual =
      this.fn !== undefined
        ? this.fn.cacheContains(...args)
        : cacheContains(this.receivers[index] as object, this.member as never, ...args);
    expect(actual).toBe(this.models[index]!.contains(args, clock));
  }

  budgetInfo(): void {
    if (this.budget === undefined || this.modelBudget === undefined) return;
    const caches = [...new Set(this.models)];
    let hits = 0;
    let misses = 0;
    for (const model of caches) {
      const info = model.info(clock);
      hits += info.hits;
      misses += info.misses;
    }
    expect(this.budget.info()).toEqual({
      hits,
      misses,
      maxSize: this.modelBudget.maxSize,
      currSize: this.modelBudget.order.length,
    });
  }
}

type Command = fc.AsyncCommand<object, World>;
const command = (name: string, run: (world: World) => void | Promise<void>): Command => ({
  check: () => true,
  async run(_model, world) {
    operations++;
    await run(world);
  },
  toString: () => name,
});

const pick = fc.nat({ max: 2 });
const commands = [
  fc.tuple(pick, argsArb).map(([i, args]) => command(`call(${i}, ${fmt(args)})`, (w) => w.call(i % w.receivers.length, args))),
  fc.tuple(pick, argsArb).map(([i, args]) => command(`call(${i}, ${fmt(args)})`, (w) => w.call(i % w.receivers.length, args))),
  fc.tuple(fc.nat(), fc.boolean()).map(([i, ok]) => command(`settle(${i}, ${ok})`, (w) => w.settle(i, ok))),
  pick.map((i) => command(`info(${i})`, (w) => w.info(i % w.receivers.length))),
  pick.map((i) => command(`clear(${i})`, (w) => w.clear(i % w.receivers.length))),
  fc.tuple(pick, argsArb).map(([i, args]) => command(`invalidate(${i}, ${fmt(args)})`, (w) => w.invalidate(i % w.receivers.length, args))),
  fc.tuple(pick, argsArb).map(([i, args]) => command(`contains(${i}, ${fmt(args)})`, (w) => w.contains(i % w.receivers.length, args))),
  fc.integer({ min: 1, max: 40 }).map((ms) => command(`advance(${ms})`, () => void (clock += ms))),
  fc.constant(command('budgetInfo()', (w) => w.budgetInfo())),
];

function fmt(args: unknown[]): string {
  return `[${args.map((a) => (a === objA ? 'objA' : a === objB ? 'objB' : typeof a === 'bigint' ? `${a}n` : Object.is(a, -0) ? '-0' : JSON.stringify(a) ?? String(a))).join(', ')}]`;
}

const setupArb = (kind: Kind): fc.Arbitrary<Setup> =>
  fc.record({
    kind: fc.constant(kind),
    maxSize: fc.constantFrom(0, 1, 2, 3, 5, Infinity),
    ttl: fc.constantFrom(0, 0, 50),
    budgetMax: fc.constantFrom(undefined, undefined, 1, 2, 4),
    async: fc.boolean(),
    declaredArity: fc.integer({ min: 0, max: 4 }),
  });

describe('model-based: the library agrees with the reference model', () => {
  beforeEach(() => {
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(() => {
    console.log(`model operations: ${operations}, divergences: ${divergences}`);
  });

  it.each<Kind>(['function', 'method', 'static', 'getter', 'scoped'])('%s', async (kind) => {
    const sequences = fc.commands(commands, { maxCommands: MAX_COMMANDS, size: 'max' });
    try {
      await fc.assert(
        fc.asyncProperty(setupArb(kind), sequences, async (setup, cmds) => {
          const world = new World(setup);
          await fc.asyncModelRun(() => ({ model: {}, real: world }), cmds);
        }),
        { numRuns: RUNS },
      );
    } catch (error) {
      divergences++; // fast-check reports the shrunk counterexample in the error
      throw error;
    }
  }, 3_600_000);
});
