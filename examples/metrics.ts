/**
 * Recipe: lru-memo's caches as Prometheus metrics, with prom-client.
 *
 * `namedCaches()` lists every cache created with option `name`, with its
 * counters; a collector reads them when Prometheus scrapes, so the hit path
 * does nothing for metrics. Run it: `npm run demo:metrics` (prints what a
 * scrape of /metrics would return).
 */
import { pathToFileURL } from 'node:url';
import { Counter, Gauge, Registry } from 'prom-client';
import { cached, lruCache, namedCaches, type CacheInfo } from '../src/index.js';

/**
 * Registers lru-memo's metrics on `registry`: per named cache (label `cache`),
 * hits, misses and evictions as counters, entries and the bound as gauges.
 */
export function registerCacheMetrics(registry: Registry): void {
  const labelNames = ['cache'] as const;
  /** A metric's collect: its value per cache name, read from every named cache at scrape time. */
  const perCache = (read: (info: CacheInfo) => number) =>
    function collect(this: { reset(): void; inc(labels: { cache: string }, value: number): void }) {
      this.reset();
      // Two caches may share a name (a class defined twice): their values add up.
      for (const { name: cache, info } of namedCaches()) this.inc({ cache }, read(info));
    };
  const counter = (name: string, help: string, read: (info: CacheInfo) => number) =>
    new Counter({ name, help, labelNames, registers: [registry], collect: perCache(read) });
  const gauge = (name: string, help: string, read: (info: CacheInfo) => number) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect: perCache(read) });
  counter('lru_memo_hits_total', 'Calls answered from the cache', (info) => info.hits);
  counter('lru_memo_misses_total', 'Calls that ran the function', (info) => info.misses);
  counter('lru_memo_evictions_total', 'Entries dropped to make room', (info) => info.evictions);
  gauge('lru_memo_entries', 'Entries held now', (info) => info.currSize);
  gauge('lru_memo_max_entries', 'The bound on entries (per instance for members)', (info) => info.maxSize);
}

async function main(): Promise<void> {
  const getUser = lruCache((id: number) => ({ id, name: `user ${id}` }), { name: 'users', maxSize: 3 });
  class Pricing {
    @cached({ name: 'pricing.quote' })
    quote(sku: string): number {
      return sku.length * 100;
    }
  }
  for (const id of [1, 2, 1, 3, 4, 5, 1]) getUser(id);
  const pricing = new Pricing();
  for (const sku of ['a', 'bb', 'a']) pricing.quote(sku);

  const registry = new Registry();
  registerCacheMetrics(registry);
  console.log(await registry.metrics());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
