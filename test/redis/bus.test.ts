/**
 * Option `bus` on real Redis pub/sub (redisBus): two "processes" (each its own
 * node-redis client, tier and local cache) against one redis-server. After
 * cacheInvalidate in one, the other stops serving its old copy; the
 * propagation delay is measured (printed, not asserted: timings are the
 * benchmark's business). A bus whose connection is down never fails a call.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lruCache } from '../../src/index.js';
import { sharedStats, sharedTier } from '../../src/shared/index.js';
import { redisBus, redisStore } from '../../src/redis/index.js';
import { connectedClient, disconnectedClient } from './client.js';
import { RedisServer, freePort } from '../../scripts/redis-server.js';

let server: RedisServer;
const clients: { destroy(): void }[] = [];
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await server?.stop();
});

async function process_(namespace: string, source: { version: number }) {
  const client = await connectedClient(server.port);
  clients.push(client);
  const f = lruCache(async (id: number) => ({ id, version: source.version }), {
    ttl: 60_000,
    shared: sharedTier({ store: redisStore(client), bus: redisBus(client), namespace }),
  });
  return f;
}

describe('redisBus', () => {
  it('cacheInvalidate in one process: the other stops serving its old copy (delay printed)', async () => {
    const source = { version: 1 };
    const a = await process_('bus1', source);
    const b = await process_('bus1', source);
    await a(0);
    await vi.waitFor(() => expect(sharedStats(a).writes).toBe(1));
    // b subscribes on a connection of its own, made in the background: it is live once a message gets through.
    await vi.waitFor(
      () => {
        a.cacheInvalidate(0);
        expect(sharedStats(b).busReceived).toBeGreaterThan(0);
      },
      { timeout: 30_000, interval: 50 },
    );
    await a(0);
    await vi.waitFor(() => expect(sharedStats(a).writes).toBe(2));
    const delays: number[] = [];
    for (let id = 1; id <= 20; id++) {
      await a(id);
      await vi.waitFor(() => expect(sharedStats(a).writes).toBe(id + 2));
      await b(id); // b's copy, read from Redis
      source.version++;
      const invalidatedAt = performance.now();
      a.cacheInvalidate(id);
      await vi.waitFor(() => expect(b.cacheContains(id)).toBe(false), { timeout: 5_000, interval: 1 });
      delays.push(performance.now() - invalidatedAt);
      expect(await b(id)).toEqual({ id, version: source.version });
    }
    delays.sort((x, y) => x - y);
    console.log(`redisBus: another process dropped its copy ${delays[10]!.toFixed(1)} ms (median), ${delays[19]!.toFixed(1)} ms (slowest of 20) after cacheInvalidate`);
    expect(sharedStats(b).busReceived).toBeGreaterThanOrEqual(20);
    expect(sharedStats(a).busErrors + sharedStats(b).busErrors).toBe(0);
  });

  it('control, without the bus: the other process serves its old copy', async () => {
    const client = await connectedClient(server.port);
    clients.push(client);
    const source = { version: 1 };
    const make = () => lruCache(async (id: number) => ({ id, version: source.version }), { ttl: 60_000, shared: sharedTier({ store: redisStore(client), namespace: 'nobus' }) });
    const [a, b] = [make(), make()];
    await a(1);
    await vi.waitFor(() => expect(sharedStats(a).writes).toBe(1));
    await b(1);
    source.version = 2;
    a.cacheInvalidate(1);
    await a(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await b(1)).toEqual({ id: 1, version: 1 });
  });

  it('a bus whose Redis is down: every call completes, nothing unhandled', async () => {
    const down = disconnectedClient(await freePort());
    clients.push(down);
    const f = lruCache(async (id: number) => id, {
      ttl: 60_000,
      shared: sharedTier({ store: redisStore(down), bus: redisBus(down), namespace: 'busdown' }),
    });
    for (let id = 0; id < 5; id++) expect(await f(id)).toBe(id);
    f.cacheInvalidate(1);
    f.cacheClear();
    await vi.waitFor(() => expect(sharedStats(f).busErrors).toBeGreaterThan(0));
  });
});
