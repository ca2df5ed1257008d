/**
 * redisStore over each major version of node-redis the package accepts
 * (peer range >=4): 4, 5 and 6, against one real redis-server. It uses only
 * `sendCommand`, so the same commands must work on all of them.
 */
import { createClient as createClient6 } from 'redis';
import { createClient as createClient4 } from 'redis-v4';
import { createClient as createClient5 } from 'redis-v5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lruCache } from '../../src/index.js';
import { sharedStats, sharedTier } from '../../src/shared/index.js';
import { redisStore, type RedisCommandClient } from '../../src/redis.js';
import { RedisServer } from '../../scripts/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  await server?.stop();
});

const factories = {
  'node-redis 4': createClient4,
  'node-redis 5': createClient5,
  'node-redis 6': createClient6,
} as unknown as Record<string, (options: object) => RedisCommandClient & { connect(): Promise<unknown>; destroy?(): void; disconnect(): Promise<void> }>;

describe.each(Object.entries(factories))('%s', (name, createClient) => {
  it('get/set/delete, the lock, and two wrappers sharing a value', async () => {
    const client = createClient({ socket: { host: '127.0.0.1', port: server.port }, disableOfflineQueue: true });
    await client.connect();
    try {
      const store = redisStore(client);
      const key = `${name}:k`;
      await store.set(key, 'v', 5000);
      expect(await store.get(key)).toBe('v');
      await store.delete(key);
      expect(await store.get(key)).toBeNull();
      expect(await store.acquire(`${key}~lock`, 'a', 1000)).toBe(true);
      expect(await store.acquire(`${key}~lock`, 'b', 1000)).toBe(false);
      await store.release(`${key}~lock`, 'b');
      expect(await store.get(`${key}~lock`)).toBe('a');
      await store.release(`${key}~lock`, 'a');
      expect(await store.get(`${key}~lock`)).toBeNull();

      let runs = 0;
      const make = () => lruCache(async (n: bigint) => (runs++, { n, at: new Date(5) }), { ttl: 5000, shared: sharedTier({ store, namespace: name }) });
      await make()(10n);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const reader = make();
      expect(await reader(10n)).toEqual({ n: 10n, at: new Date(5) });
      expect(runs).toBe(1);
      expect(sharedStats(reader).sharedHits).toBe(1);
    } finally {
      await client.disconnect();
    }
  });
});
