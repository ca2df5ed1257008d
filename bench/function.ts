/**
 * Function-cache scenarios: lru-memo beside hand-written floors and the
 * memoizers people would pick instead, in one process.
 */
import fastMemoize from 'fast-memoize';
import { LRUCache } from 'lru-cache';
import memoize from 'memoize';
import memoizee from 'memoizee';
import { cache, createBudget, lruCache } from '../src/index.js';
import { runInRequest } from '../src/request/index.js';
import { listLruFloor, mapFloor, trieFloor3 } from './floors.js';
import {
  compileBatch,
  nsPerOpInTurns,
  progress,
  rowsInTurns,
  selected,
  verify,
  withRatios,
  type Contender,
  type ScenarioResult,
} from './harness.js';
import { exactLruHitRatio, randomKeys, zipfSequence } from './workloads.js';

type Fn1 = (key: number) => number;
type Fn3 = (a: number, b: number, c: number) => number;
type FnObj = (key: { id: number }) => number;

const body1: Fn1 = (key) => (key ^ 0x5bd1e995) >>> 0;
const body3: Fn3 = (a, b, c) => (a ^ (b * 31) ^ (c * 17)) >>> 0;
const bodyObj: FnObj = (key) => key.id * 2;

function lruCacheMemo(max: number): Contender<Fn1> {
  return {
    name: `lru-cache ${'memo()'}`,
    make: (fn) => {
      const lru = new LRUCache<number, number>({ max, memoMethod: (key) => fn(key) });
      return (key) => lru.memo(key);
    },
  };
}

/** Runs one scenario: verify every contender, then time each on the same keys. */
async function allHits<F extends (...args: never[]) => number>(
  title: string,
  target: string,
  contenders: Contender<F>[],
  body: F,
  argLists: Parameters<F>[],
): Promise<ScenarioResult | undefined> {
  if (!selected(title)) return undefined;
  progress(title);
  const batches: (() => void)[] = [];
  for (const contender of contenders) {
    let runs = 0;
    const counted = ((...args: Parameters<F>) => (runs++, body(...args))) as F;
    // Memoizers pick their path from fn.length (memoizee, lru-memo): keep the body's arity.
    Object.defineProperty(counted, 'length', { value: body.length });
    const f = contender.make(counted);
    for (let pass = 0; pass < 2; pass++) {
      for (const args of argLists) verify(contender.name, f(...args), body(...args), `(${args.join(', ')})`);
    }
    // Every key was stored by the first pass; a contender that forgot any fails here.
    verify(contender.name, runs, argLists.length, 'body runs after two passes (all hits expected)');
    batches.push(compileBatch(f, argLists, body.length));
  }
  return { title, unit: 'ns per call (all hits)', rows: await rowsInTurns(contenders, batches, argLists.length), target };
}

export async function functionScenarios(): Promise<ScenarioResult[]> {
  const results: (ScenarioResult | undefined)[] = [];
  const keys = randomKeys(1000).map((k) => [k] as [number]);

  results.push(
    await allHits<Fn1>(
      'One number argument, unbounded, all hits',
      'lru-memo <= 2.0x the Map floor',
      [
        { name: 'floor: Map memoizer', make: mapFloor, floor: true },
        { name: 'lru-memo cache()', make: (fn) => cache(fn) },
        { name: 'memoize', make: (fn) => memoize(fn) },
        { name: 'memoizee (primitive)', make: (fn) => memoizee(fn, { primitive: true }) },
        { name: 'memoizee', make: (fn) => memoizee(fn) },
        { name: 'fast-memoize', make: (fn) => fastMemoize(fn) },
        lruCacheMemo(100_000),
      ],
      body1,
      keys,
    ),
  );

  results.push(
    await allHits<Fn1>(
      'One number argument, bounded (maxSize 1000), all hits',
      'lru-memo <= 1.5x the list-LRU floor in every full run',
      [
        { name: 'floor: typed-array list LRU', make: (fn) => listLruFloor(fn, 1000), floor: true },
        { name: 'lru-memo lruCache({ maxSize: 1000 })', make: (fn) => lruCache(fn, { maxSize: 1000 }) },
        lruCacheMemo(1000),
        { name: 'memoizee { max: 1000 }', make: (fn) => memoizee(fn, { max: 1000 }) },
      ],
      body1,
      keys,
    ),
  );

  const triples = randomKeys(1500, 7);
  const args3 = Array.from({ length: 500 }, (_, i) => [triples[i]!, triples[i + 500]!, triples[i + 1000]!] as [
    number,
    number,
    number,
  ]);
  results.push(
    await allHits<Fn3>(
      'Three number arguments, unbounded, all hits',
      'lru-memo <= 1.5x the nested-Map trie floor in every full run',
      [
        { name: 'floor: nested-Map trie', make: trieFloor3, floor: true },
        { name: 'lru-memo cache()', make: (fn) => cache(fn) },
        { name: 'memoizee (length 3)', make: (fn) => memoizee(fn, { length: 3 }) },
        { name: 'memoize (JSON key)', make: (fn) => memoize(fn, { cacheKey: (args) => JSON.stringify(args) }) },
        { name: 'fast-memoize', make: (fn) => fastMemoize(fn) },
      ],
      body3,
      args3,
    ),
  );

  const objects = randomKeys(1000, 3).map((id) => [{ id }] as [{ id: number }]);
  results.push(
    await allHits<FnObj>(
      'One object argument (by identity), unbounded, all hits',
      'lru-memo <= 2.5x the Map floor (lru-memo holds the object weakly; the floor and memoize hold it strongly)',
      [
        { name: 'floor: Map memoizer (strong keys)', make: (fn) => mapFloor(fn), floor: true },
        { name: 'lru-memo cache() (weak keys)', make: (fn) => cache(fn) },
        { name: 'memoize (strong keys)', make: (fn) => memoize(fn) },
        { name: 'memoizee', make: (fn) => memoizee(fn) },
        {
          name: 'fast-memoize',
          make: (fn) => fastMemoize(fn),
          note: 'keys by JSON: two equal-looking objects collide',
        },
      ],
      bodyObj,
      objects,
    ),
  );

  results.push(await zipfScenario());

  results.push(
    await allHits<Fn1>(
      'Budget overhead: bounded (maxSize 1000), all hits, with and without a budget',
      'lru-memo with a budget <= 1.3x the same cache without one',
      [
        { name: 'lru-memo lruCache({ maxSize: 1000 }) (no budget)', make: (fn) => lruCache(fn, { maxSize: 1000 }), floor: true },
        {
          name: 'lru-memo lruCache({ maxSize: 1000, budget })',
          make: (fn) => lruCache(fn, { maxSize: 1000, budget: createBudget({ maxSize: 100_000 }) }),
        },
      ],
      body1,
      keys,
    ),
  );

  // Inside one request (lru-memo/request): the request-scoped cache reads the request's context on every call.
  results.push(
    await runInRequest(() =>
      allHits<Fn1>(
        "Request scope: one number argument, all hits inside one request",
        "lru-memo with scope 'request' <= 2x the same cache without it",
        [
          { name: 'lru-memo lruCache({ maxSize: 1000 })', make: (fn) => lruCache(fn, { maxSize: 1000 }), floor: true },
          { name: "lru-memo lruCache({ maxSize: 1000, scope: 'request' })", make: (fn) => lruCache(fn, { maxSize: 1000, scope: 'request' }) },
        ],
        body1,
        keys,
      ),
    ),
  );

  return results.filter((result) => result !== undefined);
}

/** Mixed Zipf(s=1) workload over 10,000 keys with maxSize 1000: hits and misses. */
async function zipfScenario(): Promise<ScenarioResult | undefined> {
  const title = 'Zipf(s=1) over 10,000 keys, maxSize 1000 (hits and misses)';
  if (!selected(title)) return undefined;
  progress(title);
  const sequence = zipfSequence(10_000, 1, 200_000);
  const reference = exactLruHitRatio(sequence, 1000);
  const contenders: Contender<Fn1>[] = [
    { name: 'floor: typed-array list LRU', make: (fn) => listLruFloor(fn, 1000), floor: true },
    { name: 'lru-memo lruCache({ maxSize: 1000 })', make: (fn) => lruCache(fn, { maxSize: 1000 }) },
    lruCacheMemo(1000),
    { name: 'memoizee { max: 1000 }', make: (fn) => memoizee(fn, { max: 1000 }) },
  ];
  const batch = 1000;
  const lists = sequence.map((key) => [key]);
  const measured = contenders.map((contender) => {
    let runs = 0;
    const f = contender.make((key: number) => (runs++, body1(key)));
    for (const key of sequence) verify(contender.name, f(key), body1(key), `key ${key}`);
    return { hitRatio: 1 - runs / sequence.length, batch: compileBatch(f, lists, 1, 0, batch) };
  });
  const medians = await nsPerOpInTurns(measured.map((m) => m.batch), batch);
  const rows = contenders.map((contender, i) => {
    const { hitRatio } = measured[i]!;
    const exact = Math.abs(hitRatio - reference) < 1e-9;
    progress(`  ${contender.name}: ${medians[i]!.toFixed(1)} ns/op, hit ratio ${(hitRatio * 100).toFixed(2)}%`);
    return {
      name: contender.name,
      nsPerOp: medians[i]!,
      floor: contender.floor ?? false,
      extra: `hit ratio ${(hitRatio * 100).toFixed(2)}%${exact ? ' (exact LRU)' : ` (exact LRU: ${(reference * 100).toFixed(2)}%)`}`,
    };
  });
  return {
    title,
    unit: 'ns per call',
    rows: withRatios(rows),
    target: 'lru-memo <= 1.3x the list-LRU floor, faster than lru-cache memo(), exact-LRU hit ratio',
  };
}
