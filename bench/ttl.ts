/**
 * ttl overhead: the same bounded cache with and without a ttl, all hits. Both
 * run in one fresh child process, warmed up together and timed in turns, so
 * neither is measured in a JIT state the other left behind (measured one after
 * the other in the bench process, the second one pays for the first one's
 * deoptimisations of the shared hit path, whichever it is).
 */
import { lruCache } from '../src/index.js';
import { runFresh, serveWorker, workerArgs } from './fresh.js';
import { compileBatch, progress, quick, selected, timedInTurns, verify, type Row, type ScenarioResult } from './harness.js';
import { randomKeys } from './workloads.js';

const FLAG = '--ttl-worker';
const TITLE = 'ttl overhead: bounded (maxSize 1000), all hits, with and without ttl';
const contenders = [
  { name: 'lru-memo lruCache({ maxSize: 1000 }) (no ttl)', options: { maxSize: 1000 }, floor: true },
  { name: 'lru-memo lruCache({ maxSize: 1000, ttl: 60_000 })', options: { maxSize: 1000, ttl: 60_000 }, floor: false },
];

/** Worker: both caches filled, answers checked, then `rounds` turns of timed batches; median ns per call each. */
function worker(rounds: number): number[] {
  const keys = randomKeys(1000, 3);
  const body = (key: number) => (key ^ 0x5bd1e995) >>> 0;
  const batches = contenders.map((contender) => {
    const f = lruCache(body, contender.options);
    for (const key of keys) f(key);
    for (const key of keys) verify(contender.name, f(key), body(key), `key ${key}`);
    if (f.cacheInfo().misses !== keys.length) throw new Error(`bench: ${contender.name} missed on a hit`);
    return compileBatch(f, keys.map((key) => [key]), 1);
  });
  return timedInTurns(batches, keys.length, rounds, 50);
}

export async function ttlScenario(): Promise<ScenarioResult[]> {
  if (!selected(TITLE)) return [];
  progress(TITLE);
  const medians = await runFresh<number[]>(import.meta.url, [FLAG, quick ? 20 : 400]);
  const rows: Row[] = contenders.map((contender, i) => ({
    name: contender.name,
    nsPerOp: medians[i]!,
    ratio: medians[i]! / medians[0]!,
    floor: contender.floor,
  }));
  for (const row of rows) progress(`  ${row.name}: ${row.nsPerOp.toFixed(1)} ns/op`);
  return [
    {
      title: TITLE,
      unit: 'ns per call (all hits)',
      rows,
      target:
        'lru-memo with ttl <= 1.3x the same cache without it (ttl 60 s: nothing expires while timed; both in one fresh process, ' +
        'timed in turns, medians)',
    },
  ];
}

const args = workerArgs(FLAG);
if (args !== undefined) serveWorker(() => worker(Number(args[0])));
