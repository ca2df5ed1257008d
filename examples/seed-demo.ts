/**
 * `npm start`: the seed article ("lru_cache on a method keeps every instance
 * alive"), reproduced in TypeScript, and the fix.
 *
 *   1. SlowAdder: the first calculate(1, 2) takes the delay, the second is a lookup
 *   2. drop the instance: it is collected ("Deleting instance ..."), unlike with
 *      a naive module-level memoizer (what Python's lru_cache does)
 *   3. the self dilemma: per-instance caches, then scope: (a: SlowAdder) => a.delay
 *   4. static methods: one cache per class
 *   5. per request: one service for the process, two concurrent requests, each
 *      computing once (scope 'request', lru-memo/request)
 *   6. the leak lab: N simulated requests, naive memoizer vs @cached, heap after GC
 *
 * Options: --requests N (leak lab size, default 40000), --delay MS (default 400).
 * Runs with --expose-gc (npm start passes it) so collection can be shown.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { cached, cacheInfo } from '../src/index.js';
import { requestStats, runInRequest } from '../src/request/index.js';
import { heapChart, progressBar, table } from './terminal.js';

const argValue = (flag: string, fallback: number): number => {
  const index = process.argv.indexOf(flag);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${flag} must be a positive integer, received ${process.argv[index + 1]}`);
  }
  return value;
};
const REQUESTS = argValue('--requests', 40_000);
const DELAY_MS = argValue('--delay', 400);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('Run with node --expose-gc (npm start does) so garbage collection can be shown.');
  process.exit(1);
}

/** Python's time.sleep: blocks the thread without spinning. */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await tick();
    gc!();
    await tick();
  }
}

const heapMb = () => process.memoryUsage().heapUsed / 2 ** 20;
const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const title = (text: string) => console.log(`\n\x1b[1m${text}\x1b[0m`);

/**
 * Counts the leak lab's collected services. One registry for the whole run: on
 * Node 20, a FinalizationRegistry collected while cleanups are pending stops
 * every cleanup in the process, so a registry per variant would be unsafe.
 */
const collectedServices = new FinalizationRegistry<{ collected: number }>((counted) => counted.collected++);

/** Prints "Deleting instance ..." when an instance is collected, like the seed's __del__. */
const deletions = new FinalizationRegistry<string>((label) => console.log(`   Deleting instance ... (${label})`));

// ---- the seed's class, with @cached --------------------------------------------

class SlowAdder {
  constructor(readonly delay: number) {
    deletions.register(this, `SlowAdder(${delay})`);
  }

  @cached
  calculate(...numbers: number[]): number {
    sleep(this.delay);
    return numbers.reduce((a, b) => a + b, 0);
  }
}

// ---- what Python's lru_cache does: one module-level cache keyed on self ----------

const naiveCache = new Map<unknown, Map<string, number>>();
class NaiveSlowAdder {
  constructor(readonly delay: number) {
    deletions.register(this, `NaiveSlowAdder(${delay})`);
  }

  calculate(...numbers: number[]): number {
    let perSelf = naiveCache.get(this);
    if (perSelf === undefined) naiveCache.set(this, (perSelf = new Map()));
    const key = numbers.join(',');
    let result = perSelf.get(key);
    if (result === undefined) {
      sleep(this.delay);
      perSelf.set(key, (result = numbers.reduce((a, b) => a + b, 0)));
    }
    return result;
  }
}

async function main(): Promise<void> {
  console.log('lru-memo: the seed demo. Python\'s lru_cache on a method keeps every instance alive;');
  console.log('@cached keeps one cache per instance, held weakly.');

  // 1 ---------------------------------------------------------------------------
  title(`1. A SlowAdder with a ${DELAY_MS} ms delay`);
  await (async () => {
    const slowAdder = new SlowAdder(DELAY_MS);
    for (let i = 0; i < 2; i++) {
      const start = process.hrtime.bigint();
      const result = slowAdder.calculate(1, 2);
      console.log(`   Calculation took ${elapsed(start).toFixed(6)} seconds, result: ${result}.`);
    }
    console.log(`   cacheInfo(slowAdder, 'calculate') -> ${JSON.stringify(cacheInfo(slowAdder, 'calculate'))}`);
  })();

  // 2 ---------------------------------------------------------------------------
  title('2. Drop the instances and collect garbage (no cacheClear anywhere)');
  let naiveRef: WeakRef<NaiveSlowAdder> | undefined;
  let cachedRef: WeakRef<SlowAdder> | undefined;
  (() => {
    const naive = new NaiveSlowAdder(1);
    naive.calculate(1, 2);
    naiveRef = new WeakRef(naive);
    const fixed = new SlowAdder(1);
    fixed.calculate(1, 2);
    cachedRef = new WeakRef(fixed);
  })();
  await collectGarbage();
  console.log(`   @cached SlowAdder collected:            ${cachedRef!.deref() === undefined ? 'yes' : 'NO'}`);
  console.log(
    `   naive memoizer's NaiveSlowAdder collected: ${naiveRef!.deref() === undefined ? 'yes' : 'no: the module-level cache still holds it'}`,
  );

  // 3 ---------------------------------------------------------------------------
  title('3. The self dilemma: equal instances, separate caches');
  const first = new SlowAdder(2);
  const second = new SlowAdder(2);
  first.calculate(1, 2);
  second.calculate(1, 2);
  console.log(`   first : ${JSON.stringify(cacheInfo(first, 'calculate'))}`);
  console.log(`   second: ${JSON.stringify(cacheInfo(second, 'calculate'))}   (recomputed: the cache is per instance)`);

  class SharedSlowAdder {
    constructor(readonly delay: number) {}
    @cached({ scope: (adder: SharedSlowAdder) => adder.delay })
    calculate(...numbers: number[]): number {
      sleep(this.delay);
      return numbers.reduce((a, b) => a + b, 0);
    }
  }
  const a = new SharedSlowAdder(2);
  const b = new SharedSlowAdder(2);
  a.calculate(1, 2);
  const start = process.hrtime.bigint();
  b.calculate(1, 2);
  console.log(`   with @cached({ scope: (adder: SlowAdder) => adder.delay }):`);
  console.log(`   second instance, same delay: ${elapsed(start).toFixed(6)} s, ${JSON.stringify(cacheInfo(b, 'calculate'))}`);

  // 4 ---------------------------------------------------------------------------
  title('4. Static methods: one cache per class, like a classmethod keyed on cls');
  class Foo {
    static runs = 0;
    @cached
    static bar(delay: number): number {
      this.runs++;
      sleep(delay);
      return 42;
    }
  }
  class SubFoo extends Foo {}
  Foo.bar(1);
  Foo.bar(1);
  SubFoo.bar(1);
  console.log(`   Foo.bar    -> ${JSON.stringify(cacheInfo(Foo, 'bar'))}`);
  console.log(`   SubFoo.bar -> ${JSON.stringify(cacheInfo(SubFoo, 'bar'))}`);

  // 5 ---------------------------------------------------------------------------
  title("5. Per request: one service for the process, one cache per request (scope: 'request')");
  const loads: string[] = [];
  class Profiles {
    @cached({ scope: 'request' })
    async load(id: number): Promise<{ id: number }> {
      loads.push(`user ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 20)); // a database round trip
      return { id };
    }
  }
  const profiles = new Profiles(); // a singleton, as a NestJS provider is
  const handle = (request: string) =>
    runInRequest(async () => {
      // Three calls in one request: the page, its header and its sidebar all need the user.
      const [page, header] = await Promise.all([profiles.load(1), profiles.load(1)]);
      await tick();
      const sidebar = await profiles.load(1);
      return `${request}: 3 calls, ${page === header && header === sidebar ? 'one result' : 'different results'}`;
    });
  const answers = await Promise.all([handle('request A'), handle('request B')]);
  for (const answer of answers) console.log(`   ${answer}`);
  console.log(`   the database was asked ${loads.length} times for 2 concurrent requests: once per request`);
  console.log(`   requestStats(Profiles.prototype.load) -> ${JSON.stringify(requestStats(Profiles.prototype.load))}`);

  // 6 ---------------------------------------------------------------------------
  await leakLab();
}

/** Each simulated request creates a service object and calls a cached method. */
async function leakLab(): Promise<void> {
  title(`6. The leak lab: ${REQUESTS.toLocaleString('en-US')} requests, each creating an instance`);
  class NaiveService {
    readonly payload = new Array(128).fill(0); // about 1 KB of per-request state
    compute(n: number): number {
      let perSelf = naiveCache.get(this);
      if (perSelf === undefined) naiveCache.set(this, (perSelf = new Map()));
      let result = perSelf.get(String(n));
      if (result === undefined) perSelf.set(String(n), (result = n * 2));
      return result;
    }
  }
  class CachedService {
    readonly payload = new Array(128).fill(0);
    @cached
    compute(n: number): number {
      return n * 2;
    }
  }
  const variants: { name: string; make: () => { compute(n: number): number } }[] = [
    { name: 'naive memoizer', make: () => new NaiveService() },
    { name: '@cached', make: () => new CachedService() },
  ];
  const batches = 20;
  const perBatch = Math.ceil(REQUESTS / batches);
  const series: { name: string; points: number[]; collected: number; retainedMb: number }[] = [];
  for (const variant of variants) {
    naiveCache.clear();
    await collectGarbage();
    const base = heapMb();
    const counted = { collected: 0 };
    const points: number[] = [0];
    // A batch of requests, in its own function so no local outlives it.
    const runBatch = () => {
      for (let i = 0; i < perBatch; i++) {
        const service = variant.make(); // one "request"
        collectedServices.register(service, counted);
        service.compute(i % 10);
        service.compute(i % 10);
      }
    };
    for (let batch = 0; batch < batches; batch++) {
      runBatch();
      await collectGarbage();
      points.push(heapMb() - base);
      progressBar(`   ${variant.name.padEnd(15)}`, (batch + 1) / batches);
    }
    await collectGarbage();
    series.push({ name: variant.name, points, collected: counted.collected, retainedMb: heapMb() - base });
  }
  console.log('');
  console.log(heapChart(series, perBatch));
  console.log(
    table(
      ['variant', 'requests', 'heap retained after GC', 'instances collected'],
      series.map((s) => [
        s.name,
        (perBatch * batches).toLocaleString('en-US'),
        `${Math.max(0, s.retainedMb).toFixed(1)} MB`, // below zero: the heap shrank, nothing retained
        `${s.collected.toLocaleString('en-US')} of ${(perBatch * batches).toLocaleString('en-US')}`,
      ]),
    ),
  );
  console.log('\nThe naive memoizer keeps every request\'s instance; @cached keeps none of them.');
  console.log('Next: npm test (the contract, both decorator flavours), npm run bench (speed and memory).');
}

await main();
