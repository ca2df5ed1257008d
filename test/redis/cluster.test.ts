/**
 * The store, the lock and the bus on a real 3-node Redis Cluster (started by
 * this file with redis-cli --cluster create on free loopback ports), with
 * ioredis's `Redis.Cluster` and node-redis's `createCluster`. Every command
 * lru-memo sends touches one key, so keys spread over the nodes: the test
 * checks they do (the control that the cluster is really sharded).
 */
import { Cluster as IoCluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lruCache } from '../../src/index.js';
import { sharedStats, sharedTier } from '../../src/shared/index.js';
import { redisStore, type RedisClientLike } from '../../src/redis/index.js';
import { expectBusEviction } from './bus-check.js';
import { RedisCluster } from '../../scripts/redis-server.js';

let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await RedisCluster.start(3);
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
});

const clients: Record<string, () => { client: RedisClientLike; close(): Promise<unknown> }> = {
  'ioredis Cluster': () => {
    const client = new IoCluster(cluster.nodes, { lazyConnect: true });
    return { client, close: async () => client.disconnect() };
  },
  'node-redis createCluster': () => {
    const client = createCluster({ rootNodes: cluster.nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })) });
    return { client: client as unknown as RedisClientLike, close: () => client.close().catch(() => {}) };
  },
};

describe.each(Object.entries(clients))('%s', (name, make) => {
  it('values, the lock and two wrappers sharing, with keys spread over the nodes', async () => {
    const { client, close } = make();
    try {
      const store = redisStore(client);
      await vi.waitFor(() => expect(store.ready()).toBe(true), { timeout: 60_000 });
      let runs = 0;
      const wrap = () =>
        lruCache(async (n: number) => (runs++, { n }), {
          ttl: 60_000,
          shared: sharedTier({ store, namespace: `${name}:v`, lock: { leaseMs: 5_000, waitMs: 5_000 } }),
        });
      const a = wrap();
      for (let n = 0; n < 30; n++) await a(n);
      await vi.waitFor(() => expect(sharedStats(a).writes).toBe(30));
      const b = wrap();
      for (let n = 0; n < 30; n++) expect(await b(n)).toEqual({ n });
      expect(runs).toBe(30);
      expect(sharedStats(b)).toMatchObject({ sharedHits: 30, computations: 0 });
      expect(sharedStats(a)).toMatchObject({ lockAcquired: 30, storeErrors: 0, storeTimeouts: 0 });
      // The control: the 30 keys really live on more than one node.
      const perNode = await Promise.all(
        cluster.nodes.map(async ({ port }) => {
          const { createClient } = await import('redis');
          const node = createClient({ socket: { host: '127.0.0.1', port } });
          await node.connect();
          const keys = await node.sendCommand(['KEYS', `${name}:v*`]);
          await node.disconnect();
          return (keys as unknown as string[]).length;
        }),
      );
      expect(perNode.reduce((x, y) => x + y, 0)).toBe(30);
      expect(perNode.filter((count) => count > 0).length).toBeGreaterThan(1);
    } finally {
      await close();
    }
  }, 120_000);

  it('the bus: an invalidation in one process evicts the copy in another', async () => {
    const [one, two] = [make(), make()];
    try {
      await expectBusEviction(`${name}:bus`, one.client, two.client, 60_000);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  }, 120_000);
});
