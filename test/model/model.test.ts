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

type Kind = 'function' | 'receivers' | 'method' | 'static' | 'getter' | 'scoped';
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

/** The model's clock; the library's is driven by fake timers advanced by the same amounts. */
let clock = 0;

/** One run's real system and model, side by side. */
class World {
  readonly receivers: unknown[];
  readonly models: ModelCache[];
  /**
   * Per receiver, the first key of its entries in a shared model cache:
   * primitive scope keys and primitive receivers share one cache keyed by
   * (key, ...args), bounded in total. Undefined: the receiver's own cache.
   */
  private readonly prefixes: unknown[] = [];
  /** Object receivers called since the last clear-all (their caches are cleaned lazily). */
  private objectReceiversUsed = false;
  /** Counters of per-receiver caches cleared one by one: the function's totals keep them. */
  private clearedCounts = { hits: 0, misses: 0 };
  /** The decorated member's function (its totals), for member kinds. */
  private memberFunction: CachedFunction<(...args: unknown[]) => unknown> | undefined;
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
      case 'receivers': {
        // A plain function called with no receiver, on objects (a cache each) and on primitives (one shared cache).
        const variadic = function (this: unknown, ..._args: unknown[]) {
          return body();
        };
        Object.defineProperty(variadic, 'length', { value: setup.declaredArity });
        const fn = lruCache(variadic, options);
        this.fn = fn;
        this.receivers = [undefined, { name: 'r1' }, { name: 'r2' }, 7, 'p'];
        const keyed = model();
        this.models = [model(), model(), model(), keyed, keyed];
        this.prefixes = [undefined, undefined, undefined, 7, 'p'];
        this.callOn = (r, args) => fn.apply(r, args);
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
        this.memberFunction = Service.prototype.m as never;
        this.receivers = [new Service('g0'), new Service('g0'), new Service('g1')];
        const shared = model();
        this.models = scoped ? [shared, shared, shared] : [model(), model(), model()];
        if (scoped) this.prefixes = ['g0', 'g0', 'g1'];
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
        this.memberFunction = Base.m as never;
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
        this.memberFunction = Object.getOwnPropertyDescriptor(Lazy.prototype, 'value')!.get as never;
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

  /** The key list the model keys a receiver's call by. */
  private keyOf(index: number, args: unknown[]): unknown[] {
    return index < this.prefixes.length && this.prefixes[index] !== undefined ? [this.prefixes[index], ...args] : args;
  }

  private get plainWithReceivers(): boolean {
    return this.setup.kind === 'receivers';
  }

  call(index: number, rawArgs: unknown[]): void {
    const receiver = this.receivers[index]!;
    const model = this.models[index]!;
    const args = this.argsFor(rawArgs);
    const runsBefore = this.runs;
    this.last = undefined;
    const result = this.callOn(receiver, args);
    if (typeof receiver === 'object' && receiver !== null) this.objectReceiversUsed = true;
    const key = this.keyOf(index, args);
    const expected = model.lookup(key, clock);
    if (expected.hit) {
      expect(this.runs, 'a hit must not run the body').toBe(runsBefore);
      expect(result).toBe(expected.result);
    } else {
      expect(this.runs, 'a miss must run the body once').toBe(runsBefore + 1);
      expect(result).toBe(this.last!.result);
      const entry = model.store(key, result, this.setup.async, clock);
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
    if (this.plainWithReceivers) {
      // Totals over every receiver: hits and misses since the last clear-all. currSize is not
      // compared here: entries invalidated for every receiver leave it when each cache is next used.
      const totals = [...new Set(this.models)].map((model) => model.info(clock));
      const actual = this.fn!.cacheInfo();
      expect({ hits: actual.hits, misses: actual.misses }).toEqual({
        hits: totals.reduce((sum, info) => sum + info.hits, 0),
        misses: totals.reduce((sum, info) => sum + info.misses, 0),
      });
      return;
    }
    const actual = this.fn !== undefined ? this.fn.cacheInfo() : cacheInfo(receiver as object, this.member as never);
    expect(actual).toEqual(this.models[index]!.info(clock));
  }

  clear(index: number): void {
    if (this.fn !== undefined) {
      this.fn.cacheClear();
      for (const model of new Set(this.models)) model.clear();
      this.objectReceiversUsed = false;
    } else if (this.prefixes[index] !== undefined) {
      // One scope key's entries; the shared cache's counters stay.
      cacheClear(this.receivers[index] as object, this.member as never);
      this.models[index]!.clearWhere((key) => Object.is(key[0], this.prefixes[index]));
    } else {
      cacheClear(this.receivers[index] as object, this.member as never);
      const model = this.models[index]!;
      this.clearedCounts.hits += model.hits;
      this.clearedCounts.misses += model.misses;
      model.clear();
    }
  }

  /**
   * A member's totals (`Class.prototype.m.cacheInfo()`): hits and misses since
   * the last clear-all, per-receiver clears included; no entries (nothing lists
   * the instances or classes: each one's entries are in its own cacheInfo).
   */
  totals(): void {
    if (this.memberFunction === undefined || this.setup.kind === 'scoped') return;
    const models = [...new Set(this.models)];
    const infos = models.map((model) => model.info(clock));
    const actual = this.memberFunction.cacheInfo();
    expect({ hits: actual.hits, misses: actual.misses }).toEqual({
      hits: infos.reduce((sum, info) => sum + info.hits, this.clearedCounts.hits),
      misses: infos.reduce((sum, info) => sum + info.misses, this.clearedCounts.misses),
    });
    expect(actual.currSize).toBe(0);
  }

  invalidate(index: number, rawArgs: unknown[]): void {
    const args = this.argsFor(rawArgs);
    if (this.plainWithReceivers) {
      // Every receiver's entry goes; object receivers' caches drop it lazily, so the answer is
      // "removed, or may have been" once any object receiver was used.
      const actual = this.fn!.cacheInvalidate(...args);
      let removed = false;
      this.models.forEach((model, i) => {
        if (i === 4) return; // the keyed model, done at index 3 for both primitive receivers
        if (i === 3) {
          removed = model.invalidate([7, ...args], clock) || removed;
          removed = model.invalidate(['p', ...args], clock) || removed;
        } else {
          removed = model.invalidate(args, clock) || removed;
        }
      });
      expect(actual).toBe(removed || this.objectReceiversUsed);
      return;
    }
    const actual =
      this.fn !== undefined
        ? this.fn.cacheInvalidate(...args)
        : cacheInvalidate(this.receivers[index] as object, this.member as never, ...args);
    expect(actual).toBe(this.models[index]!.invalidate(this.keyOf(index, args), clock));
  }

  contains(index: number, rawArgs: unknown[]): void {
    const args = this.argsFor(rawArgs);
    if (this.plainWithReceivers) {
      // Calls without a receiver or with a primitive one (object receivers: cacheContains(receiver, name, ...)).
      const expected =
        this.models[0]!.contains(args, clock) ||
        this.models[3]!.contains([7, ...args], clock) ||
        this.models[3]!.contains(['p', ...args], clock);
      expect(this.fn!.cacheContains(...args)).toBe(expected);
      return;
    }
    const actual =
      this.fn !== undefined
        ? this.fn.cacheContains(...args)
        : cacheContains(this.receivers[index] as object, this.member as never, ...args);
    expect(actual).toBe(this.models[index]!.contains(this.keyOf(index, args), clock));
  }

  budgetInfo(): void {
    if (this.budget === undefined || this.modelBudget === undefined) return;
    const caches = [...new Set(this.models)];
    let hits = 0;
    let misses = 0;
    let evictions = 0;
    for (const model of caches) {
      const info = model.info(clock);
      hits += info.hits;
      misses += info.misses;
      evictions += info.evictions;
    }
    const actual = this.budget.info();
    expect(actual).toEqual({
      hits,
      misses,
      maxSize: this.modelBudget.maxSize,
      currSize: this.modelBudget.order.length,
      evictions,
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

const pick = fc.nat({ max: 4 });
const commands = [
  fc.tuple(pick, argsArb).map(([i, args]) => command(`call(${i}, ${fmt(args)})`, (w) => w.call(i % w.receivers.length, args))),
  fc.tuple(pick, argsArb).map(([i, args]) => command(`call(${i}, ${fmt(args)})`, (w) => w.call(i % w.receivers.length, args))),
  fc.tuple(fc.nat(), fc.boolean()).map(([i, ok]) => command(`settle(${i}, ${ok})`, (w) => w.settle(i, ok))),
  pick.map((i) => command(`info(${i})`, (w) => w.info(i % w.receivers.length))),
  pick.map((i) => command(`clear(${i})`, (w) => w.clear(i % w.receivers.length))),
  fc.tuple(pick, argsArb).map(([i, args]) => command(`invalidate(${i}, ${fmt(args)})`, (w) => w.invalidate(i % w.receivers.length, args))),
  fc.tuple(pick, argsArb).map(([i, args]) => command(`contains(${i}, ${fmt(args)})`, (w) => w.contains(i % w.receivers.length, args))),
  fc.integer({ min: 1, max: 40 }).map((ms) =>
    command(`advance(${ms})`, () => {
      clock += ms;
      vi.advanceTimersByTime(ms);
    }),
  ),
  fc.constant(command('budgetInfo()', (w) => w.budgetInfo())),
  fc.constant(command('totals()', (w) => w.totals())),
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
  // The library's clock is monotonic (performance.now), refreshed by a timer:
  // fake timers drive it, as the README tells users to.
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(() => {
    console.log(`model operations: ${operations}, divergences: ${divergences}`);
  });

  it.each<Kind>(['function', 'receivers', 'method', 'static', 'getter', 'scoped'])('%s', async (kind) => {
    const sequences = fc.commands(commands, { maxCommands: MAX_COMMANDS, size: 'max' });
    try {
      await fc.assert(
        fc.asyncProperty(setupArb(kind), sequences, async (setup, cmds) => {
          clock = performance.now(); // fake: both clocks start together
          const world = new World(setup);
          await fc.asyncModelRun(() => ({ model: {}, real: world }), cmds);
        }),
        { numRuns: RUNS, ...(process.env.MODEL_SEED ? { seed: Number(process.env.MODEL_SEED), path: process.env.MODEL_PATH } : {}) },
      );
    } catch (error) {
      divergences++; // fast-check reports the shrunk counterexample in the error
      throw error;
    }
  }, 3_600_000);
});
