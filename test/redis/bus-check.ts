/**
 * One check of option `bus` over two clients (two "processes", each its own
 * tier and local cache), for clients.test.ts and cluster.test.ts: once b's
 * subscription is live, an invalidation in a makes b drop its copy and read
 * the new value.
 */
import { expect, vi } from 'vitest';
import { lruCache } from '../../src/index.js';
import { sharedStats, sharedTier } from '../../src/shared/index.js';
import { redisBus, redisStore, type RedisClientLike } from '../../src/redis/index.js';

export async function expectBusEviction(namespace: string, clientA: RedisClientLike, clientB: RedisClientLike, timeout: number): Promise<void> {
  const source = { version: 1 };
  const wrap = (client: RedisClientLike) => {
    const store = redisStore(client);
    const f = lruCache(async (id: number) => ({ id, version: source.version }), {
      ttl: 60_000,
      shared: sharedTier({ store, bus: redisBus(client), namespace }),
    });
    return { store, f };
  };
  const [{ store: storeA, f: a }, { store: storeB, f: b }] = [wrap(clientA), wrap(clientB)];
  await vi.waitFor(() => expect(storeA.ready() && storeB.ready()).toBe(true), { timeout });
  await vi.waitFor(
    () => {
      a.cacheInvalidate(0); // until b's subscription is live
      expect(sharedStats(b).busReceived).toBeGreaterThan(0);
    },
    { timeout, interval: 50 },
  );
  const writes = sharedStats(a).writes;
  await a(1);
  await vi.waitFor(() => expect(sharedStats(a).writes).toBe(writes + 1));
  expect(await b(1)).toEqual({ id: 1, version: 1 });
  source.version = 2;
  a.cacheInvalidate(1);
  await vi.waitFor(() => expect(b.cacheContains(1)).toBe(false));
  expect(await b(1)).toEqual({ id: 1, version: 2 });
}
