import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lruCache } from '../../src/index.js';
import { sharedStats, sharedTier } from '../../src/shared/index.js';
import { counted } from '../support/counted.js';
import { MemoryStore } from '../support/memory-store.js';

describe('ttl', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never returns an entry older than ttl: the call is a miss and runs again', () => {
    let runs = 0;
    const f = lruCache((x: number) => x + runs++, { ttl: 1000 });
    expect(f(1)).toBe(1);
    vi.advanceTimersByTime(999);
    expect(f(1)).toBe(1);
    vi.advanceTimersByTime(1);
    expect(f(1)).toBe(2); // exactly ttl old: stale
    expect(f.cacheInfo()).toEqual({ hits: 1, misses: 2, maxSize: 128, currSize: 1, evictions: 0 });
  });

  it('currSize does not count expired entries', () => {
    const f = lruCache((x: number) => x, { ttl: 100 });
    f(1);
    f(2);
    vi.advanceTimersByTime(50);
    f(3);
    expect(f.cacheInfo().currSize).toBe(3);
    vi.advanceTimersByTime(50);
    expect(f.cacheInfo().currSize).toBe(1);
    vi.advanceTimersByTime(50);
    expect(f.cacheInfo().currSize).toBe(0);
  });

  it('expires object-keyed entries too', () => {
    let runs = 0;
    const f = lruCache((o: object) => (runs++, o), { ttl: 10 });
    const key = {};
    f(key);
    f(key);
    vi.advanceTimersByTime(10);
    f(key);
    expect(runs).toBe(2);
    expect(f.cacheInfo()).toMatchObject({ hits: 1, misses: 2, currSize: 1, evictions: 0 });
  });

  it('a re-stored entry gets a fresh ttl, and bounded eviction still works', () => {
    let runs = 0;
    const f = lruCache((x: number) => (runs++, x), { ttl: 100, maxSize: 2 });
    f(1);
    vi.advanceTimersByTime(60);
    f(2);
    f(3); // evicts 1
    vi.advanceTimersByTime(60); // 2 and 3 are 60 ms old
    f(2);
    f(3);
    expect(runs).toBe(3);
    expect(f.cacheInfo().currSize).toBe(2);
  });

  // Each declared arity has a hit path of its own (src/paths.ts; a ttl cache's one-argument calls one more).
  it.each([0, 1, 2, 3, 4])('declared arity %i: a hit refreshes recency, so the least recently used entry is evicted', (arity) => {
    const { fn, calls } = counted((...args: unknown[]) => args.join(','), arity);
    const f = lruCache(fn, { ttl: 60_000, maxSize: 2 });
    const keyOf = (k: number) => [k, 'b', 3, true].slice(0, Math.max(arity, 1)).map((part, i) => (i === 0 ? k : part));
    f(...keyOf(1));
    f(...keyOf(2));
    f(...keyOf(1)); // a hit: 1 becomes the most recently used
    f(...keyOf(3)); // evicts 2, not 1
    expect([f.cacheContains(...keyOf(1)), f.cacheContains(...keyOf(2)), f.cacheContains(...keyOf(3))]).toEqual([true, false, true]);
    expect(calls.count).toBe(3);
    expect(f.cacheInfo()).toMatchObject({ hits: 1, misses: 3, evictions: 1 });
  });
});

describe('ttl in real time', () => {
  it('expires after the wall clock passes ttl', async () => {
    let runs = 0;
    const f = lruCache((x: number) => (runs++, x), { ttl: 30 });
    f(1);
    f(1);
    expect(runs).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    f(1);
    expect(runs).toBe(2);
  });
});

// Option shared (which needs a ttl) on every call path (src/paths.ts): the
// path of each declared arity must send its misses through the tier, and
// count calls that join a pending call. Here rather than in function.test.ts,
// which the browser project also runs: the shared tier is for Node.
describe('ttl with a shared tier, on every call path', () => {
  const ARITIES = [0, 1, 2, 3, 4];

  it.each(ARITIES)('declared arity %i: a miss loads through the tier, so a second wrapper computes nothing', async (arity) => {
    const store = new MemoryStore();
    const namespace = `paths-${arity}`;
    const wrappers = [0, 1].map(() => {
      const { fn, calls } = counted(async (...args: unknown[]) => args.join(','), arity);
      return { calls, f: lruCache(fn, { ttl: 60_000, shared: sharedTier({ store, namespace }) }) };
    });
    const [a, b] = [wrappers[0]!, wrappers[1]!];
    const args = [1, 'b', 3, true, 5].slice(0, arity);
    expect(await a.f(...args)).toBe(args.join(','));
    await vi.waitFor(() => expect(store.calls.set).toBe(1)); // the shared write is in the background
    expect(await b.f(...args)).toBe(args.join(','));
    expect([a.calls.count, b.calls.count]).toEqual([1, 0]);
    expect(sharedStats(b.f)).toMatchObject({ sharedHits: 1, computations: 0 });
    expect(sharedStats(a.f)).toMatchObject({ sharedMisses: 1, computations: 1 });
  });

  it.each(ARITIES)('declared arity %i: calls that join a pending call count as deduplicated, on small and grown records', async (arity) => {
    const store = new MemoryStore();
    const { fn, calls } = counted(async (...args: unknown[]) => args.length, arity);
    const f = lruCache(fn, { ttl: 60_000, shared: sharedTier({ store, namespace: `pending-${arity}` }) });
    const args = [1, 2, 3, 4].slice(0, arity);
    const [small, grown] = [{}, {}];
    await f.call(grown, ...args, 'more'); // settled; the next key makes grown's record grow
    const pending = [f.call(small, ...args), f.call(small, ...args), f.call(grown, ...args), f.call(grown, ...args)];
    expect(sharedStats(f)).toMatchObject({ deduplicated: 2, localHits: 0 });
    expect(await Promise.all(pending)).toEqual([arity, arity, arity, arity]);
    await f.call(small, ...args); // settled now: a local hit, not a joined call
    await f.call(grown, ...args);
    expect(sharedStats(f)).toMatchObject({ deduplicated: 2, localHits: 2 });
    expect(calls.count).toBe(3);
  });

  it.each(ARITIES)('declared arity %i: without a receiver too, a call that joins a pending call counts as deduplicated', async (arity) => {
    const store = new MemoryStore();
    const { fn, calls } = counted(async (...args: unknown[]) => args.length, arity);
    const f = lruCache(fn, { ttl: 60_000, shared: sharedTier({ store, namespace: `pending-unscoped-${arity}` }) });
    const args = [1, 2, 3, 4].slice(0, arity);
    const pending = [f(...args), f(...args)];
    expect(sharedStats(f)).toMatchObject({ deduplicated: 1, localHits: 0 });
    expect(await Promise.all(pending)).toEqual([arity, arity]);
    await f(...args); // settled now: a local hit
    expect(sharedStats(f)).toMatchObject({ deduplicated: 1, localHits: 1 });
    expect(calls.count).toBe(1);
  });
});
