/**
 * The HTTP pattern: a node:http server on loopback creating a service object
 * per request and calling its members, driven by autocannon (bounded request
 * count, 127.0.0.1 only), for a naive module-level memoizer, @cached, and no
 * cache. Reports requests/s, p99 latency and heap after GC every 10,000
 * requests.
 */
import { soak, type SoakResult } from '../scripts/soak-run.js';
import { progress, quick, selected, type Row, type ScenarioResult } from './harness.js';

export interface HttpResult {
  scenario: ScenarioResult;
  runs: SoakResult[];
  perInterval: number;
}

export async function httpScenario(): Promise<HttpResult | undefined> {
  const title = 'HTTP: a service object per request (node:http + autocannon on loopback)';
  if (!selected('HTTP')) return undefined;
  const intervals = quick ? 1 : 6;
  const perInterval = quick ? 2_000 : 10_000;
  progress(`${title}: ${intervals} x ${perInterval.toLocaleString('en-US')} requests after a warm-up, per variant`);
  const runs: SoakResult[] = [];
  for (const mode of ['none', 'naive', 'cached'] as const) {
    const run = await soak({ requests: perInterval * (intervals + 1), intervals, mode });
    if (run.errors + run.non2xx > 0) throw new Error(`bench: HTTP ${mode}: ${run.errors} errors, ${run.non2xx} non-2xx`);
    runs.push(run);
    progress(`  ${mode}: ${run.requestsPerSecond} req/s, p99 ${run.p99Ms} ms, heap growth ${run.growthMb.toFixed(1)} MB`);
  }
  const label = { none: 'no cache', naive: 'naive module-level memoizer', cached: 'lru-memo @cached' } as const;
  const baseline = runs[0]!;
  const rows: Row[] = runs.map((run) => ({
    name: label[run.mode],
    nsPerOp: run.requestsPerSecond,
    ratio: run.requestsPerSecond / baseline.requestsPerSecond,
    floor: run.mode === 'none',
    extra: `p99 ${run.p99Ms} ms; heap after GC ${run.heapMb.map((mb) => mb.toFixed(1)).join(' → ')} MB (growth ${run.growthMb.toFixed(1)} MB)`,
  }));
  return {
    scenario: {
      title,
      unit: 'requests per second',
      rows,
      target: `heap after GC sampled every ${perInterval.toLocaleString('en-US')} requests: @cached stays flat, the naive memoizer grows with every request (its instances are never collected)`,
    },
    runs,
    perInterval,
  };
}
