/**
 * Per-result policies with the shared tier (an in-memory store standing in
 * for Redis): a result not cached locally is not shared; a ttl function gives
 * the shared entry its life (unless the tier has its own ttl) and the local
 * one too. Node only, like the tier.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { lruCache } from '../../src/index.js';
import { sharedStats, sharedTier } from '../../src/shared/index.js';
import { counted } from '../support/counted.js';
import { MemoryStore } from '../support/memory-store.js';
import '../../src/policies/index.js';

/** Milliseconds left to the store's only entry. */
function storedLife(store: MemoryStore): number {
  const [entry] = [...store.entries.values()];
  return entry === undefined ? NaN : entry.expiresAt - Date.now();
}

describe('per-result policies with a shared tier', () => {
  it('a result refused by shouldCache is neither kept locally nor shared; an accepted one is both', async () => {
    const store = new MemoryStore();
    const body = counted(async (id: number) => (id > 0 ? { id } : null));
    const load = lruCache(body.fn, {
      ttl: 60_000,
      shouldCache: (user) => user !== null,
      shared: sharedTier({ store, namespace: 'refused' }),
    });
    expect(await load(0)).toBe(null);
    expect(await load(0)).toBe(null);
    expect(body.calls.count).toBe(2);
    expect(load.cacheInfo().currSize).toBe(0);
    await tick();
    expect(store.calls.set).toBe(0);
    expect(await load(1)).toEqual({ id: 1 });
    await vi.waitFor(() => expect(store.calls.set).toBe(1));
    expect(await load(1)).toEqual({ id: 1 });
    expect(body.calls.count).toBe(3);
    expect(sharedStats(load)).toMatchObject({ computations: 3 });
    await vi.waitFor(() => expect(sharedStats(load).writes).toBe(1));
  });

  it('with the lock: a refused result is not written, and the lock is released at once (waiters take over)', async () => {
    const store = new MemoryStore();
    const tier = sharedTier({ store, namespace: 'lock', lock: { leaseMs: 60_000, waitMs: 60_000 } });
    const a = lruCache(async (id: number) => ({ id, ok: false }), { ttl: 60_000, shouldCache: (r) => r.ok, shared: tier });
    expect(await a(1)).toEqual({ id: 1, ok: false });
    await vi.waitFor(() => expect(store.calls.release).toBe(1));
    expect(store.calls.set).toBe(0);
    expect([...store.entries.keys()]).toEqual([]); // no value, no lock left behind
  });

  it('a ttl function gives the shared entry its life, and the local entry the same', async () => {
    const store = new MemoryStore();
    const load = lruCache(async (id: number) => ({ id }), {
      ttl: (user) => (user.id === 1 ? 5_000 : 50_000),
      shared: sharedTier({ store, namespace: 'life' }),
    });
    await load(1);
    await vi.waitFor(() => expect(store.calls.set).toBe(1));
    const life = storedLife(store);
    expect(life).toBeGreaterThan(4_000);
    expect(life).toBeLessThanOrEqual(5_000);
    expect(load.cacheContains(1)).toBe(true);
  });

  it("the tier's own ttl wins for the shared entry; the local entry follows the function", async () => {
    vi.useFakeTimers();
    try {
      const store = new MemoryStore();
      const body = counted(async (id: number) => ({ id }));
      const load = lruCache(body.fn, { ttl: () => 100, shared: sharedTier({ store, namespace: 'own', ttl: 600_000 }) });
      await load(1);
      await vi.waitFor(() => expect(store.calls.set).toBe(1));
      expect(storedLife(store)).toBeGreaterThan(500_000);
      vi.advanceTimersByTime(100);
      expect(load.cacheContains(1)).toBe(false); // the local copy lived 100 ms
      await load(1); // read back from the shared entry: no computation
      expect(body.calls.count).toBe(1);
      expect(sharedStats(load)).toMatchObject({ sharedHits: 1 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('a ttl function answering Infinity: with a tier ttl the value is kept locally as settled (not pending); without one the call rejects', async () => {
    const store = new MemoryStore();
    const body = counted(async (id: number) => ({ id }));
    const kept = lruCache(body.fn, { ttl: () => Infinity, shared: sharedTier({ store, namespace: 'inf', ttl: 60_000 }) });
    await kept(1);
    await kept(1);
    expect(body.calls.count).toBe(1);
    expect(sharedStats(kept)).toMatchObject({ localHits: 1, deduplicated: 0 });

    const refused = lruCache(async function load(id: number) { return { id }; }, {
      ttl: () => Infinity,
      shared: sharedTier({ store, namespace: 'inf2' }),
    });
    await expect(refused(1)).rejects.toThrow(
      "lruCache 'load': option 'ttl' returned Infinity for a value of a cache with option 'shared': shared entries must expire (return a finite number, or give the tier its own 'ttl')",
    );
    expect(refused.cacheInfo().currSize).toBe(0);
  });
});
