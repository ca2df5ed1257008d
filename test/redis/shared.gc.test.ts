/**
 * With the shared tier on (real Redis), instances and argument objects are
 * still freed: the tier keeps key strings and counters only. Each proof has a
 * strongly held control that must survive.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cached, lruCache } from '../../src/index.js';
import { sharedStats, sharedTier } from '../../src/shared/index.js';
import { redisStore } from '../../src/redis/index.js';
import { Watcher } from '../support/gc.js';
import { connectedClient } from './client.js';
import { RedisServer } from '../../scripts/redis-server.js';

let server: RedisServer;
let client: Awaited<ReturnType<typeof connectedClient>>;
beforeAll(async () => {
  server = await RedisServer.start();
  client = await connectedClient(server.port);
});
afterAll(async () => {
  client?.destroy();
  await server?.stop();
});

it('instances of a member cached with shared (scope by user id) are collected; a held one is not', async () => {
  const store = redisStore(client);
  class Account {
    readonly payload = new Array(1000).fill(this);
    constructor(readonly userId: number) {}
    @cached({ ttl: 60_000, scope: (self: Account) => self.userId, shared: sharedTier({ store, namespace: 'gc-acct' }) })
    async balance(currency: string) {
      return `${this.userId}:${currency}`;
    }
  }
  const watcher = new Watcher();
  const held: Account[] = [];
  const indexes: number[] = [];
  async function useMany() {
    for (let i = 0; i < 50; i++) {
      const account = new Account(i % 5);
      expect(await account.balance('EUR')).toBe(`${i % 5}:EUR`);
      indexes.push(watcher.watch(account));
    }
    const control = new Account(99);
    await control.balance('USD');
    held.push(control);
    return watcher.watch(control);
  }
  const controlIndex = await useMany();
  await new Promise((resolve) => setTimeout(resolve, 50)); // background writes done
  expect(await watcher.awaitCollected(indexes)).toBe(true);
  expect(watcher.collected(controlIndex)).toBe(false);
  expect(held).toHaveLength(1);
  expect(sharedStats(Account, 'balance')).toMatchObject({ computations: 6 }); // users 0-4 and 99
});

it('argument objects of a function cached with shared (key by id) are collected; a held one is not', async () => {
  const store = redisStore(client);
  const profile = lruCache(async (user: { id: number; blob: number[] }) => ({ id: user.id }), {
    ttl: 60_000,
    key: (user: { id: number }) => user.id,
    shared: sharedTier({ store, namespace: 'gc-fn', timeoutMs: 200 }),
  });
  const watcher = new Watcher();
  const indexes: number[] = [];
  const held: object[] = [];
  async function useMany() {
    for (let i = 0; i < 50; i++) {
      const user = { id: i, blob: new Array(1000).fill(i) };
      await profile(user);
      indexes.push(watcher.watch(user));
    }
    const control = { id: -1, blob: [] };
    await profile(control);
    held.push(control);
    return watcher.watch(control);
  }
  const controlIndex = await useMany();
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await watcher.awaitCollected(indexes)).toBe(true);
  expect(watcher.collected(controlIndex)).toBe(false);
  expect(held).toHaveLength(1);
});
