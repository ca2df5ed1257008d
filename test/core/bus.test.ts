/**
 * Option `bus` of the shared tier with an in-memory bus (an EventEmitter,
 * standing in for Redis pub/sub, which test/redis/bus.test.ts uses): another
 * "process" (a second wrapper with its own tier and local cache) stops
 * serving its local copy after cacheInvalidate, cacheClear() and a newer write
 * elsewhere; a bus that fails never fails a call.
 */
import { EventEmitter } from 'node:events';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { cacheContains, cacheInvalidate, cached, lruCache } from '../../src/index.js';
import { sharedStats, sharedTier, type SharedBus } from '../../src/shared/index.js';
import { MemoryStore } from '../support/memory-store.js';

function memoryBus(): SharedBus & { emitter: EventEmitter } {
  const emitter = new EventEmitter();
  return {
    emitter,
    publish: (channel, message) => void setImmediate(() => emitter.emit(channel, message)), // delivered later, like a network
    subscribe: (channel, onMessage) => void emitter.on(channel, onMessage),
  };
}

/** Two processes: each its own wrapper, tier and local cache; one store and one bus between them. */
function twoProcesses(namespace: string) {
  const store = new MemoryStore();
  const bus = memoryBus();
  const source = { version: 1 };
  const make = () =>
    lruCache(async (id: number) => ({ id, version: source.version }), { ttl: 60_000, shared: sharedTier({ store, namespace, bus }) });
  return { store, bus, source, a: make(), b: make() };
}

describe("option 'bus': other processes' local copies stay coherent", () => {
  it('cacheInvalidate in one process: the other drops its copy and reads the new value', async () => {
    const { store, source, a, b } = twoProcesses('inv');
    expect(await a(1)).toEqual({ id: 1, version: 1 });
    await vi.waitFor(() => expect(store.calls.set).toBe(1));
    expect(await b(1)).toEqual({ id: 1, version: 1 }); // b's local copy, read from the store
    source.version = 2;
    a.cacheInvalidate(1);
    expect(await a(1)).toEqual({ id: 1, version: 2 }); // a computes again and writes
    await vi.waitFor(() => expect(b.cacheContains(1)).toBe(false));
    await vi.waitFor(async () => expect(await b(1)).toEqual({ id: 1, version: 2 }));
    expect(sharedStats(b).busReceived).toBeGreaterThan(0);
  });

  it('control, without a bus: the other process serves its old copy for its whole ttl', async () => {
    const store = new MemoryStore();
    const source = { version: 1 };
    const make = () => lruCache(async (id: number) => ({ id, version: source.version }), { ttl: 60_000, shared: sharedTier({ store, namespace: 'nobus' }) });
    const [a, b] = [make(), make()];
    await a(1);
    await vi.waitFor(() => expect(store.calls.set).toBe(1));
    await b(1);
    source.version = 2;
    a.cacheInvalidate(1);
    await a(1);
    await vi.waitFor(() => expect(store.calls.set).toBe(2));
    for (let i = 0; i < 5; i++) await tick();
    expect(await b(1)).toEqual({ id: 1, version: 1 });
  });

  it('cacheClear() in one process clears the other processes\' copies; a message is not applied by its sender', async () => {
    const { store, a, b } = twoProcesses('clear');
    await a(1);
    await vi.waitFor(() => expect(store.calls.set).toBe(1));
    await b(1);
    await b(2);
    a.cacheClear();
    await vi.waitFor(() => expect(b.cacheInfo().currSize).toBe(0));
    expect(sharedStats(a).busReceived).toBe(1); // b's write of 2, not its own messages
  });

  it('a newer write in one process evicts the other processes\' copies', async () => {
    const { store, source, a, b } = twoProcesses('write');
    await a(1);
    await vi.waitFor(() => expect(store.calls.set).toBe(1));
    await b(1);
    source.version = 2;
    store.entries.clear(); // the shared entry expired; a's own copy goes too
    a.cacheClear();
    await vi.waitFor(() => expect(b.cacheContains(1)).toBe(false)); // the clear
    await b(1); // b computes (version 2) and writes
    await vi.waitFor(() => expect(store.calls.set).toBe(2));
    expect(await a(1)).toEqual({ id: 1, version: 2 });
  });

  it('scoped members: an invalidation reaches the same scope key in the other process, not other keys', async () => {
    const store = new MemoryStore();
    const bus = memoryBus();
    const computed: string[] = [];
    const makeClass = () => {
      class Account {
        constructor(readonly user: number) {}
        @cached({ ttl: 60_000, scope: (self: Account) => self.user, shared: sharedTier({ store, namespace: 'acct', bus }) })
        async balance(currency: string) {
          computed.push(`${this.user}:${currency}`);
          return `${this.user}:${currency}`;
        }
      }
      return Account;
    };
    const [A, B] = [makeClass(), makeClass()];
    await new A(7).balance('EUR');
    await new A(8).balance('EUR');
    await vi.waitFor(() => expect(store.calls.set).toBe(2));
    await new B(7).balance('EUR');
    await new B(8).balance('EUR');
    expect(computed).toEqual(['7:EUR', '8:EUR']);
    cacheInvalidate(new A(7), 'balance', 'EUR');
    await vi.waitFor(() => expect(sharedStats(B, 'balance').busReceived).toBeGreaterThan(0));
    await tick();
    await new B(8).balance('EUR'); // user 8's copy stays
    await new B(7).balance('EUR'); // user 7's went: recomputed (the shared entry was deleted too)
    expect(computed).toEqual(['7:EUR', '8:EUR', '7:EUR']);
  });

  it('a scope key that is undefined is still one scope key: its invalidation reaches only it', async () => {
    const store = new MemoryStore();
    const bus = memoryBus();
    const computed: string[] = [];
    const makeClass = () => {
      class Doc {
        constructor(readonly owner: string | undefined) {}
        @cached({ ttl: 60_000, scope: (self: Doc) => self.owner, shared: sharedTier({ store, namespace: 'docs', bus }) })
        async title(id: number) {
          computed.push(`${this.owner}:${id}`);
          return `${this.owner}:${id}`;
        }
      }
      return Doc;
    };
    const [A, B] = [makeClass(), makeClass()];
    await new A(undefined).title(1);
    await new A('ada').title(1);
    await vi.waitFor(() => expect(store.calls.set).toBe(2));
    // A's two writes also tell B (a newer value): let those arrive before B reads its copies.
    await vi.waitFor(() => expect(sharedStats(B, 'title').busReceived).toBe(2));
    await new B(undefined).title(1);
    await new B('ada').title(1);
    expect(computed).toEqual(['undefined:1', 'ada:1']);
    const heard = sharedStats(B, 'title').busReceived;
    cacheInvalidate(new A(undefined), 'title', 1);
    await vi.waitFor(() => expect(sharedStats(B, 'title').busReceived).toBeGreaterThan(heard));
    expect(cacheContains(new B('ada'), 'title', 1)).toBe(true); // another scope key: kept
    expect(cacheContains(new B(undefined), 'title', 1)).toBe(false);
  });

  it('a bus that throws or rejects never fails a call; its errors are counted', async () => {
    const store = new MemoryStore();
    const bus: SharedBus = {
      publish: () => Promise.reject(new Error('bus down')),
      subscribe: () => {
        throw new Error('cannot subscribe');
      },
    };
    const f = lruCache(async (id: number) => id, { ttl: 60_000, shared: sharedTier({ store, namespace: 'down', bus }) });
    expect(await f(1)).toBe(1);
    f.cacheInvalidate(1);
    f.cacheClear();
    await vi.waitFor(() => expect(sharedStats(f).busErrors).toBeGreaterThanOrEqual(3)); // subscribe, and two publishes
    expect(await f(1)).toBe(1);
  });

  it('a malformed message is counted and ignored', async () => {
    const store = new MemoryStore();
    const bus = memoryBus();
    const f = lruCache(async (id: number) => id, { ttl: 60_000, shared: sharedTier({ store, namespace: 'junk', bus }) });
    await f(1);
    await tick();
    bus.emitter.emit('lru-memo:junk:v0:', 'not json');
    bus.emitter.emit('lru-memo:junk:v0:', 'J{"from":"x","op":"explode"}');
    expect(sharedStats(f)).toMatchObject({ busErrors: 2, busReceived: 0 });
    expect(f.cacheContains(1)).toBe(true);
  });
});
