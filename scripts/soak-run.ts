/**
 * The soak: drive examples/http-service.ts with autocannon on loopback for a
 * bounded number of requests, sampling heap after GC at intervals. Used by
 * `npm run soak` (full size) and by test/soak (reduced size).
 *
 * Needs --expose-gc. Traffic goes to 127.0.0.1 only and stops by itself.
 */
import autocannon from 'autocannon';
import { setImmediate as tick } from 'node:timers/promises';
import { naiveInstancesHeld, resetNaive, startService, type ServiceMode } from '../examples/http-service.js';

export interface SoakResult {
  mode: ServiceMode;
  requests: number;
  errors: number;
  non2xx: number;
  requestsPerSecond: number;
  p99Ms: number;
  /** Heap after GC (MB) after each interval, the first being the warm-up. */
  heapMb: number[];
  /** Heap after the last interval minus heap after warm-up, in MB. */
  growthMb: number;
  naiveInstancesHeld: number;
}

async function heapAfterGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('soak: run with node --expose-gc');
  for (let i = 0; i < 4; i++) {
    await tick();
    gc();
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

export async function soak(options: {
  requests: number;
  intervals?: number;
  mode?: ServiceMode;
  connections?: number;
  onInterval?: (index: number, heapMb: number, done: number) => void;
}): Promise<SoakResult> {
  const mode = options.mode ?? 'cached';
  const intervals = options.intervals ?? 10;
  const perInterval = Math.ceil(options.requests / (intervals + 1)); // +1: the warm-up interval
  resetNaive();
  const service = await startService({ mode });
  const heapMb: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let done = 0;
  let elapsedMs = 0;
  let p99Ms = 0;
  try {
    for (let interval = 0; interval <= intervals; interval++) {
      const started = Date.now();
      const result = await autocannon({
        url: `http://127.0.0.1:${service.port}`,
        connections: options.connections ?? 10,
        amount: perInterval,
        requests: [
          { path: '/quote?sku=widget&region=eu' },
          { path: '/quote?sku=gadget&region=us' },
          { path: '/quote?sku=thing&region=jp' },
        ],
      });
      elapsedMs += Date.now() - started;
      errors += result.errors + result.timeouts;
      non2xx += result.non2xx;
      done += result.requests.total;
      p99Ms = Math.max(p99Ms, result.latency.p99);
      heapMb.push(await heapAfterGc());
      options.onInterval?.(interval, heapMb.at(-1)!, done);
    }
  } finally {
    await service.close();
  }
  return {
    mode,
    requests: done,
    errors,
    non2xx,
    requestsPerSecond: Math.round((done / elapsedMs) * 1000),
    p99Ms,
    heapMb,
    growthMb: heapMb.at(-1)! - heapMb[0]!,
    naiveInstancesHeld: naiveInstancesHeld(),
  };
}
