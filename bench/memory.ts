/**
 * Memory per cached entry: heap retained by 100,000 entries, measured after
 * full garbage collections, for each contender built and filled in turn.
 */
import { LRUCache } from 'lru-cache';
import memoize from 'memoize';
import memoizee from 'memoizee';
import { lruCache } from '../src/index.js';
import { listLruFloor, mapFloor } from './floors.js';
import { progress, quick, type Row, type ScenarioResult } from './harness.js';
import { randomKeys } from './workloads.js';

declare const gc: () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

type Fn1 = (key: number) => number;
const body: Fn1 = (key) => (key ^ 0x5bd1e995) >>> 0;

/** Retained bytes per entry: heap with the filled cache minus heap without it. */
function bytesPerEntry(make: (fn: Fn1) => Fn1, keys: readonly number[]): number {
  const before = heapAfterGc();
  let f: Fn1 | undefined = make(body);
  for (const key of keys) f(key);
  const after = heapAfterGc();
  const kept = f(keys[0]!); // keep f alive until after the measurement
  f = undefined;
  return (after - before) / keys.length + kept * 0;
}

export function memoryScenario(): ScenarioResult {
  const count = quick ? 20_000 : 100_000;
  const title = `Bytes per entry (${count.toLocaleString('en-US')} number keys, bounded caches sized to hold them all)`;
  progress(title);
  if (typeof gc !== 'function') throw new Error('bench: run with node --expose-gc');
  const keys = randomKeys(count, 11);
  const contenders: { name: string; make: (fn: Fn1) => Fn1; floor?: boolean }[] = [
    { name: 'floor: typed-array list LRU', make: (fn) => listLruFloor(fn, count), floor: true },
    { name: 'lru-memo lruCache({ maxSize })', make: (fn) => lruCache(fn, { maxSize: count }) },
    {
      name: 'lru-cache memo()',
      make: (fn) => {
        const lru = new LRUCache<number, number>({ max: count, memoMethod: (key) => fn(key) });
        return (key) => lru.memo(key);
      },
    },
    { name: 'memoizee { max }', make: (fn) => memoizee(fn, { max: count }) },
    { name: 'memoize (unbounded Map)', make: (fn) => memoize(fn) },
    { name: 'Map memoizer (unbounded)', make: (fn) => mapFloor(fn) },
  ];
  const rows: Row[] = [];
  let floorBytes = 0;
  for (const contender of contenders) {
    const bytes = bytesPerEntry(contender.make, keys);
    if (contender.floor) floorBytes = bytes;
    rows.push({ name: contender.name, nsPerOp: bytes, ratio: bytes / floorBytes, floor: contender.floor ?? false });
    progress(`  ${contender.name}: ${bytes.toFixed(1)} bytes/entry`);
  }
  return {
    title,
    unit: 'bytes per entry',
    rows,
    target: "lru-memo no more than lru-cache's bytes per entry",
  };
}
