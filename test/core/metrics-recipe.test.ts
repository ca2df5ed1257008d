/** The Prometheus recipe (examples/metrics.ts) reports what cacheInfo says, read at scrape time. */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerCacheMetrics } from '../../examples/metrics.js';
import { lruCache } from '../../src/index.js';

describe('the prom-client recipe', () => {
  it('exports hits, misses, evictions and entries per named cache, current at each scrape', async () => {
    const registry = new Registry();
    registerCacheMetrics(registry);
    const f = lruCache((n: number) => n, { name: 'recipe-test', maxSize: 2 });
    for (const n of [1, 1, 2, 3]) f(n);
    let text = await registry.metrics();
    expect(text).toContain('lru_memo_hits_total{cache="recipe-test"} 1');
    expect(text).toContain('lru_memo_misses_total{cache="recipe-test"} 3');
    expect(text).toContain('lru_memo_evictions_total{cache="recipe-test"} 1');
    expect(text).toContain('lru_memo_entries{cache="recipe-test"} 2');
    f(3);
    text = await registry.metrics();
    expect(text).toContain('lru_memo_hits_total{cache="recipe-test"} 2');
  });
});
