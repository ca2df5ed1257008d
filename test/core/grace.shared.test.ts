/**
 * Options `grace` and `softTimeoutMs` with the shared tier (an in-memory
 * store standing in for Redis; test/redis/processes.test.ts runs the same
 * against a real Redis with separate processes). Each `lruCache` over the
 * same store plays one process. Shared entries are aged by rewriting their
 * envelope's expiry, so no test waits for a ttl.
 */
import { describe, expect, it, vi } from 'vitest';
import { lruCache } from '../../src/index.js';
import { sharedStats, sharedTier } from '../../src/shared/index.js';
import { lockKeyOf } from '../../src/shared/keys.js';
import { MemoryStore } from '../support/memory-store.js';
import '../../src/grace/index.js';

const TTL = 60_000;
const GRACE = 600_000;

/** Moves every shared entry `ms` into the past (its envelope's expiry and the store's own). */
function age(store: MemoryStore, ms: number): void {
  for (const entry of store.entries.values()) {
    entry.value = entry.value.replace(/^lm1:(\d+):/, (_all, at: string) => `lm1:${Number(at) - ms}:`);
    entry.expiresAt -= ms;
  }
}

/** One "process": its own local cache and tier over the shared store; `source` decides what the function does. */
function processOver(
  store: MemoryStore,
  source: (day: string) => Promise<string>,
  local: { softTimeoutMs?: number } = {},
  tier: { lock?: { leaseMs: number; waitMs: number } } = {},
) {
  return lruCache(source, { ttl: TTL, grace: GRACE, ...local, shared: sharedTier({ store, namespace: 'rates', ...tier }) });
}

const failing = async (_day: string): Promise<string> => {
  throw new Error('source down');
};

async function written(store: MemoryStore, load: (...args: never[]) => unknown, writes: number): Promise<void> {
  await vi.waitFor(() => expect(sharedStats(load as never).writes).toBe(writes));
}

describe('grace in the shared tier', () => {
  it('a process with no copy of its own answers with the stale shared value when its function fails', async () => {
    const store = new MemoryStore();
    const writer = processOver(store, async (day) => `rates of ${day} (writer)`);
    expect(await writer('mon')).toBe('rates of mon (writer)');
    await written(store, writer, 1);
    age(store, TTL + 1000);
    const fresh = processOver(store, failing);
    expect(await fresh('mon')).toBe('rates of mon (writer)');
    expect(sharedStats(fresh)).toMatchObject({ staleAnswers: 1, computations: 1, sharedHits: 0, writes: 0 });
    expect(store.calls.set).toBe(1); // the failure wrote nothing
  });

  it('control: past ttl + grace there is nothing stale, and the failure propagates', async () => {
    const store = new MemoryStore();
    const writer = processOver(store, async (day) => `rates of ${day}`);
    await writer('mon');
    await written(store, writer, 1);
    const [entry] = [...store.entries.values()];
    age(store, TTL + GRACE + 1000);
    entry!.expiresAt = Date.now() + 60_000; // a store that kept it longer still does not make it usable
    await expect(processOver(store, failing)('mon')).rejects.toThrow('source down');
  });

  it('control: without grace, an expired shared entry is not used', async () => {
    const store = new MemoryStore();
    const writer = lruCache(async (day: string) => `rates of ${day}`, { ttl: TTL, shared: sharedTier({ store, namespace: 'rates' }) });
    await writer('mon');
    await written(store, writer, 1);
    age(store, TTL + 1000);
    store.entries.values().next().value!.expiresAt = Date.now() + 60_000;
    const fresh = lruCache(failing, { ttl: TTL, shared: sharedTier({ store, namespace: 'rates' }) });
    await expect(fresh('mon')).rejects.toThrow('source down');
  });

  it('a successful refresh replaces the stale entry, and the store keeps it ttl + grace', async () => {
    const store = new MemoryStore();
    const writer = processOver(store, async (day) => `old ${day}`);
    await writer('mon');
    await written(store, writer, 1);
    const [first] = [...store.entries.values()];
    expect(first!.expiresAt - Date.now()).toBeGreaterThan(TTL + GRACE - 5_000);
    age(store, TTL + 1000);
    const fresh = processOver(store, async (day) => `new ${day}`);
    expect(await fresh('mon')).toBe('new mon');
    await written(store, fresh, 1);
    expect(sharedStats(fresh)).toMatchObject({ staleAnswers: 0, computations: 1 });
    expect(await processOver(store, failing)('mon')).toBe('new mon'); // a third process: a fresh shared hit
  });

  it('with the lock: while another process refreshes a stale entry, the others answer stale at once and compute nothing', async () => {
    const store = new MemoryStore();
    const lock = { lock: { leaseMs: 60_000, waitMs: 60_000 } };
    const writer = processOver(store, async (day) => `old ${day}`, {}, lock);
    await writer('mon');
    await written(store, writer, 1);
    age(store, TTL + 1000);
    const [key] = [...store.entries.keys()];
    await store.acquire(lockKeyOf(key!), 'another process', 60_000); // someone is refreshing it
    let ran = 0;
    const other = processOver(store, async () => `new ${++ran}`, {}, lock);
    expect(await other('mon')).toBe('old mon');
    expect(ran).toBe(0);
    expect(sharedStats(other)).toMatchObject({ staleAnswers: 1, computations: 0, lockWaits: 0 });
  });

  it('with the lock and the lock free: the process takes it, refreshes and releases it', async () => {
    const store = new MemoryStore();
    const lock = { lock: { leaseMs: 60_000, waitMs: 60_000 } };
    const writer = processOver(store, async (day) => `old ${day}`, {}, lock);
    await writer('mon');
    await written(store, writer, 1);
    age(store, TTL + 1000);
    const refresher = processOver(store, async (day) => `new ${day}`, {}, lock);
    expect(await refresher('mon')).toBe('new mon');
    await vi.waitFor(() => expect(store.calls.release).toBe(2)); // the writer's lock and the refresher's
    expect(sharedStats(refresher)).toMatchObject({ lockAcquired: 1, staleAnswers: 0 });
  });

  it('softTimeoutMs: a slow refresh answers stale, runs on, and its write serves the next process', async () => {
    const store = new MemoryStore();
    const writer = processOver(store, async (day) => `old ${day}`);
    await writer('mon');
    await written(store, writer, 1);
    age(store, TTL + 1000);
    let finish!: (value: string) => void;
    const slow = processOver(store, () => new Promise<string>((resolve) => (finish = resolve)), { softTimeoutMs: 10 });
    expect(await slow('mon')).toBe('old mon'); // answered while the refresh is still pending
    expect(sharedStats(slow)).toMatchObject({ staleAnswers: 1, computations: 1, writes: 0 });
    finish('new mon');
    await written(store, slow, 1);
    expect(await processOver(store, failing)('mon')).toBe('new mon');
  });

  it('a failed refresh leaves the local copy stale: the next call asks the store and the function again', async () => {
    const store = new MemoryStore();
    const writer = processOver(store, async (day) => `old ${day}`);
    await writer('mon');
    await written(store, writer, 1);
    age(store, TTL + 1000);
    let down = true;
    let runs = 0;
    const fresh = processOver(store, async (day) => {
      runs++;
      if (down) throw new Error('source down');
      return `new ${day}`;
    });
    expect(await fresh('mon')).toBe('old mon');
    expect(await fresh('mon')).toBe('old mon');
    expect(runs).toBe(2);
    down = false;
    expect(await fresh('mon')).toBe('new mon');
    expect(await fresh('mon')).toBe('new mon');
    expect(runs).toBe(3);
  });

  it('grace Infinity is refused with shared: shared entries must expire', () => {
    const store = new MemoryStore();
    expect(() => lruCache(async (n: number) => n, { ttl: TTL, grace: Infinity, shared: sharedTier({ store, namespace: 'x' }) })).toThrow(
      "lruCache: option 'grace' must be finite with option 'shared' (a shared entry is kept ttl + grace in the store, and shared entries must expire); received grace Infinity",
    );
  });
});
