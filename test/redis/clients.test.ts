/**
 * redisStore and redisBus over each client the package accepts, against one
 * real redis-server: node-redis 4, 5 and 6 (peer range >=4), ioredis 5 and 6,
 * and iovalkey. Each is recognised by its shape (src/redis/clients.ts); the
 * same commands must work on all. Also: each boots with Redis down and
 * starts sharing once it is up, and a stranger object is refused.
 */
import { Redis as IoRedis5 } from 'ioredis';
import { Redis as IoRedis6 } from 'ioredis-v6';
import { Redis as IoValkey } from 'iovalkey';
import { createClient as createClient6 } from 'redis';
import { createClient as createClient4 } from 'redis-v4';
import { createClient as createClient5 } from 'redis-v5';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lruCache } from '../../src/index.js';
import { sharedStats, sharedTier } from '../../src/shared/index.js';
import { redisStore, type RedisClientLike } from '../../src/redis/index.js';
import { expectBusEviction } from './bus-check.js';
import { RedisServer } from '../../scripts/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  await server?.stop();
});

interface Made {
  client: RedisClientLike;
  close(): Promise<unknown>;
}

/** Each client, made as its README shows, on `port`, not connected by the test (redisStore connects it). */
const clients: Record<string, (port: number) => Made> = {
  'node-redis 4': (port) => nodeRedis(createClient4 as never, port),
  'node-redis 5': (port) => nodeRedis(createClient5 as never, port),
  'node-redis 6': (port) => nodeRedis(createClient6 as never, port),
  'ioredis 5': (port) => ioRedis(IoRedis5 as never, port),
  'ioredis 6': (port) => ioRedis(IoRedis6 as never, port),
  iovalkey: (port) => ioRedis(IoValkey as never, port),
};

function nodeRedis(createClient: typeof createClient6, port: number): Made {
  const client = createClient({
    socket: { host: '127.0.0.1', port, connectTimeout: 1_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 500) },
    disableOfflineQueue: true,
  });
  return { client: client as RedisClientLike, close: () => client.disconnect().catch(() => {}) };
}

function ioRedis(Redis: typeof IoRedis5, port: number): Made {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: (times: number) => Math.min(50 * 2 ** times, 500) });
  return { client, close: async () => client.disconnect() };
}

describe.each(Object.entries(clients))('%s', (name, make) => {
  it('get/set/delete, the lock, and two wrappers sharing a value', async () => {
    const { client, close } = make(server.port);
    try {
      const store = redisStore(client);
      await vi.waitFor(() => expect(store.ready()).toBe(true), { timeout: 30_000 });
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
      const make2 = () => lruCache(async (n: bigint) => (runs++, { n, at: new Date(5) }), { ttl: 5000, shared: sharedTier({ store, namespace: name }) });
      await make2()(10n);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const reader = make2();
      expect(await reader(10n)).toEqual({ n: 10n, at: new Date(5) });
      expect(runs).toBe(1);
      expect(sharedStats(reader).sharedHits).toBe(1);
    } finally {
      await close();
    }
  });

  it('the bus: an invalidation in one process evicts the copy in another', async () => {
    const [one, two] = [make(server.port), make(server.port)];
    try {
      await expectBusEviction(`${name}:bus`, one.client, two.client, 30_000);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('Redis down at boot: every call completes; sharing starts once Redis answers', async () => {
    const later = await RedisServer.reserve();
    const { client, close } = make(later.port);
    try {
      const f = lruCache(async (n: number) => ({ n }), { ttl: 60_000, shared: sharedTier({ store: redisStore(client), namespace: `${name}:boot` }) });
      for (let n = 0; n < 10; n++) {
        expect(await f(n)).toEqual({ n });
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      expect(sharedStats(f).writes).toBe(0);
      await later.launch();
      let n = 100;
      await vi.waitFor(
        async () => {
          await f(n++);
          expect(sharedStats(f).writes).toBeGreaterThan(0);
        },
        { timeout: 30_000, interval: 20 },
      );
    } finally {
      await close();
      await later.stop();
    }
  }, 60_000);
});

it('redisStore refuses what is not a client it knows, naming what it got', () => {
  expect(() => redisStore({ sendCommand: undefined, call: () => {} } as never)).toThrow(
    'redisStore: expected a node-redis client (with sendCommand) or an ioredis/iovalkey client (with call), received an object',
  );
});
