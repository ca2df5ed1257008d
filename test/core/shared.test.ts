/**
 * The shared tier's contract, against an in-memory store that can fail, hang
 * and lag on demand (real Redis, several processes: test/redis). Two wrappers
 * of the same function over one store stand for two processes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheInvalidate, cached, lruCache } from '../../src/index.js';
import { sharedStats, taggedJsonCodec, type SharedEvent, type SharedOptions, sharedTier } from '../../src/shared/index.js';
import { MemoryStore, sleep } from '../support/memory-store.js';

/**
 * Scheduling slack for time bounds: these tests share 2 cores with the other
 * test files. A hang exceeds any bound; waiting twice is checked structurally
 * (which store operations ran), not by the clock.
 */
const SLACK = 300;

let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);
afterEach(() => {
  expect(unhandled, 'no unhandled rejection').toEqual([]);
  unhandled = [];
});

/** A "process": its own wrapper (own local cache) of a counting async function over `store`. */
function processOf(store: MemoryStore, shared: Partial<SharedOptions> = {}, ttl = 60_000) {
  const runs: unknown[][] = [];
  const fetchUser = lruCache(
    async (...args: unknown[]) => {
      runs.push(args);
      await sleep(5);
      return { id: args[0], name: `user ${String(args[0])}` };
    },
    { ttl, shared: sharedTier({ store, namespace: 'users', ...shared }) },
  );
  return { fetchUser, runs };
}

describe('sharing between processes', () => {
  it('a second process gets the first one’s result and computes nothing', async () => {
    const store = new MemoryStore();
    const a = processOf(store);
    const b = processOf(store);
    const first = await a.fetchUser(1);
    await sleep(5); // the write is in the background
    const second = await b.fetchUser(1);
    expect(second).toEqual(first);
    expect(a.runs).toHaveLength(1);
    expect(b.runs).toHaveLength(0);
    expect(sharedStats(b.fetchUser)).toMatchObject({ sharedHits: 1, computations: 0, sharedMisses: 0 });
    expect(sharedStats(a.fetchUser)).toMatchObject({ sharedHits: 0, computations: 1, sharedMisses: 1, writes: 1 });
    // The local tier answers the next call without the store.
    const gets = store.calls.get;
    expect(await b.fetchUser(1)).toEqual(first);
    expect(store.calls.get).toBe(gets);
    expect(sharedStats(b.fetchUser).localHits).toBe(1);
  });

  it('control: different namespaces or versions do not share', async () => {
    const store = new MemoryStore();
    await processOf(store).fetchUser(1);
    await sleep(5);
    const other = processOf(store, { namespace: 'accounts' });
    const bumped = processOf(store, { version: 2 });
    await other.fetchUser(1);
    await bumped.fetchUser(1);
    expect(other.runs).toHaveLength(1);
    expect(bumped.runs).toHaveLength(1);
    expect(store.valueKeys().sort()).toEqual(['accounts:v0:(n1)', 'users:v0:(n1)', 'users:v2:(n1)'].sort());
  });

  it('keys are type-tagged: 1, "1", 1n, -0, NaN, undefined, null, true, "-0", "NaN" are all distinct', async () => {
    const store = new MemoryStore();
    const values = [1, '1', 1n, -0, NaN, undefined, null, true, 'a,b', 'a","b', '-0', 'NaN', 'undefined', '1n'];
    for (const value of values) await processOf(store).fetchUser(value); // a fresh local cache each time
    await sleep(5);
    expect(store.valueKeys()).toHaveLength(values.length);
    expect(store.valueKeys()).toContain('users:v0:(nNaN)');
    expect(store.valueKeys()).toContain('users:v0:("NaN")');
  });

  it('key equality is the local cache’s (SameValueZero): 0 and -0 are one key in both tiers, NaN is NaN', async () => {
    const store = new MemoryStore();
    const a = processOf(store);
    await a.fetchUser(-0);
    await a.fetchUser(NaN);
    await sleep(5);
    const b = processOf(store);
    await b.fetchUser(0);
    await b.fetchUser(Number('x'));
    expect(b.runs).toHaveLength(0); // answered from the shared tier, as the local tier would have
    expect(store.valueKeys().sort()).toEqual(['users:v0:(n0)', 'users:v0:(nNaN)']);
  });

  it('long argument lists are hashed (SHA-256), keeping the readable prefix', async () => {
    const store = new MemoryStore();
    const long = 'x'.repeat(500);
    const a = processOf(store);
    await a.fetchUser(long);
    await sleep(5);
    const [key] = store.valueKeys();
    expect(key).toMatch(/^users:v0:\(#[0-9a-f]{64}\)$/);
    const b = processOf(store);
    await b.fetchUser(long);
    expect(b.runs).toHaveLength(0);
    await processOf(store).fetchUser(`${long}y`); // control: a different long argument is another key
    await sleep(5);
    expect(store.valueKeys()).toHaveLength(2);
  });

  it("the namespace and option name identify the function, never its own name; option key replaces the arguments", async () => {
    const store = new MemoryStore();
    const byId = lruCache(async function profile(user: { id: number }) { return user.id; }, {
      ttl: 1000,
      key: (user: { id: number }) => user.id,
      shared: sharedTier({ store, namespace: 'p' }),
    });
    await byId({ id: 7 });
    const named = lruCache(async function profile(id: number) { return id; }, { ttl: 1000, shared: sharedTier({ store, namespace: 'q', name: 'profile' }) });
    await named(7);
    await sleep(5);
    expect(store.valueKeys().sort()).toEqual(['p:v0:(n7)', 'q:v0:profile(n7)']);
  });

  it('processes built differently (one minified) share: the function\'s own name is not in the key', async () => {
    const store = new MemoryStore();
    let runs = 0;
    const body = async (n: number) => (runs++, n * 2);
    const unminified = lruCache(Object.defineProperty(body, 'name', { value: 'loadInvoiceTotals' }), {
      ttl: 1000,
      shared: sharedTier({ store, namespace: 'billing' }),
    });
    await unminified(5);
    await sleep(5);
    const minified = lruCache(async function IX(n: number) { return (runs++, n * 2); }, { ttl: 1000, shared: sharedTier({ store, namespace: 'billing' }) });
    expect(await minified(5)).toBe(10);
    expect(runs).toBe(1);
    expect(sharedStats(minified)).toMatchObject({ sharedHits: 1, computations: 0 });
  });

  it('a tier serves one function: given to another, it throws at wrap time; the same function wrapped again is fine', () => {
    const tier = sharedTier({ store: new MemoryStore(), namespace: 'one' });
    lruCache(async function getUser(id: number) { return id; }, { ttl: 1000, shared: tier });
    lruCache(async function getUser(id: number) { return id + 0; }, { ttl: 1000, shared: tier }); // a class made twice, a test's second process
    expect(() => lruCache(async function getOrder(id: number) { return id; }, { ttl: 1000, shared: tier })).toThrow(
      new TypeError(
        "lruCache 'getOrder': this sharedTier() already serves 'getUser', and its keys ('one:v0:(...)') do not name the function: " +
          'give each function a sharedTier() of its own, with its own namespace or name',
      ),
    );
  });
});

describe('values round-trip exactly', () => {
  it('Date, BigInt, Map, Set, undefined, NaN, -0, Infinity, nested, and a "$" key', async () => {
    const value = {
      when: new Date('2026-11-29T10:00:00.123Z'),
      big: 2n ** 70n,
      map: new Map<unknown, unknown>([[1n, new Set([undefined, NaN])], [{ k: 1 }, -0]]),
      missing: undefined,
      list: [undefined, -0, NaN, Infinity, -Infinity, null, 'x'],
      $: 'not a tag',
      nested: { $: 'v', v: 1 },
    };
    const store = new MemoryStore();
    const make = () => lruCache(async (_id: number) => value, { ttl: 1000, shared: sharedTier({ store, namespace: 'v' }) });
    await make()(1);
    await sleep(5);
    const reader = make();
    const copy = (await reader(1)) as typeof value;
    expect(sharedStats(reader).sharedHits).toBe(1);
    expect(copy).not.toBe(value);
    expect(copy).toStrictEqual(value); // Object.is per leaf: -0 and NaN included
    expect(Object.is(copy.list[1], -0)).toBe(true);
    expect('missing' in copy).toBe(true);
    expect(copy.big).toBe(2n ** 70n);
  });

  it('the default codec refuses what it cannot bring back, and says where', () => {
    class Point { x = 1; }
    expect(() => taggedJsonCodec.encode({ a: [new Point()] })).toThrow('cannot encode an instance of Point at value.a[0]');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => taggedJsonCodec.encode(cyclic)).toThrow('cannot encode a cycle at value.self');
    expect(() => taggedJsonCodec.encode(() => 1)).toThrow('cannot encode a function at value');
    // Shared (not cyclic) references are fine: they come back as copies.
    const shared = { n: 1 };
    expect(taggedJsonCodec.decode(taggedJsonCodec.encode([shared, shared]))).toEqual([{ n: 1 }, { n: 1 }]);
    const protoKey = JSON.parse('{"__proto__": 1}') as object; // an own "__proto__" data property
    const back = taggedJsonCodec.decode(taggedJsonCodec.encode(protoKey)) as object;
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toBe(1);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });

  it('an encode failure is an event, the caller still gets its value, nothing is stored', async () => {
    const store = new MemoryStore();
    const events: SharedEvent[] = [];
    class Rich { constructor(readonly n: number) {} }
    const f = lruCache(async (n: number) => new Rich(n), {
      ttl: 1000,
      shared: sharedTier({ store, namespace: 'r', onEvent: (e) => events.push(e) }),
    });
    const value = await f(3);
    expect(value).toBeInstanceOf(Rich);
    expect(store.calls.set).toBe(0);
    expect(events.map((e) => e.type)).toEqual(['codec-error']);
    expect(String(events[0]!.error)).toContain('cannot encode an instance of Rich');
    expect(sharedStats(f).codecErrors).toBe(1);
  });

  it('a decode failure is a miss: computed again, the bad entry deleted, then rewritten', async () => {
    const store = new MemoryStore();
    store.entries.set('users:v0:(n1)', { value: 'garbage', expiresAt: Date.now() + 10_000 });
    store.entries.set('users:v0:(n2)', { value: 'lm1:9999999999999:{not json', expiresAt: Date.now() + 10_000 });
    const events: SharedEvent[] = [];
    const p = processOf(store, { onEvent: (e) => events.push(e) });
    expect(await p.fetchUser(1)).toEqual({ id: 1, name: 'user 1' });
    expect(await p.fetchUser(2)).toEqual({ id: 2, name: 'user 2' });
    await sleep(5);
    expect(p.runs).toHaveLength(2);
    expect(events.map((e) => e.type)).toEqual(['codec-error', 'codec-error']);
    expect(store.log).toContain('delete users:v0:(n1)');
    expect(store.entries.get('users:v0:(n1)')!.value).toMatch(/^lm1:\d+:/);
  });

  it('a replacement codec is used for both directions', async () => {
    const store = new MemoryStore();
    const codec = { encode: (v: unknown) => `J${JSON.stringify(v)}`, decode: (t: string) => JSON.parse(t.slice(1)) as unknown };
    const make = () => lruCache(async (n: number) => ({ n }), { ttl: 1000, shared: sharedTier({ store, namespace: 'c', codec }) });
    await make()(1);
    await sleep(5);
    expect(store.entries.get('c:v0:(n1)')!.value).toMatch(/^lm1:\d+:J\{"n":1\}$/);
    expect(await make()(1)).toEqual({ n: 1 });
  });
});

describe('read path guarantees', () => {
  it('a rejection is written to neither tier', async () => {
    const store = new MemoryStore();
    let runs = 0;
    const f = lruCache(
      async (n: number) => {
        runs++;
        if (runs === 1) throw new Error('upstream down');
        return n;
      },
      { ttl: 1000, shared: sharedTier({ store, namespace: 'e' }) },
    );
    await expect(f(1)).rejects.toThrow('upstream down');
    await sleep(5);
    expect(store.calls.set).toBe(0);
    expect(f.cacheContains(1)).toBe(false);
    expect(await f(1)).toBe(1);
    expect(runs).toBe(2);
  });

  it('concurrent calls in one process join one computation (deduplicated)', async () => {
    const store = new MemoryStore();
    const p = processOf(store);
    const results = await Promise.all([p.fetchUser(1), p.fetchUser(1), p.fetchUser(1)]);
    expect(results[0]).toBe(results[2]);
    expect(p.runs).toHaveLength(1);
    expect(sharedStats(p.fetchUser)).toMatchObject({ computations: 1, deduplicated: 2, localHits: 0 });
  });

  it('the caller does not wait for the shared write', async () => {
    const store = new MemoryStore();
    store.latencyMs = 0;
    const p = processOf(store, { timeoutMs: 1000 });
    await p.fetchUser(0); // warm up
    store.mode = 'hang';
    const started = Date.now();
    // The read hangs until timeoutMs... so give the read a fast answer and only the write a hang:
    store.mode = 'ok';
    const originalSet = store.set.bind(store);
    let writeStarted = false;
    store.set = () => ((writeStarted = true), new Promise<void>(() => {}));
    await p.fetchUser(2);
    expect(writeStarted).toBe(true);
    expect(Date.now() - started).toBeLessThan(500);
    store.set = originalSet;
  });

  it('a local entry filled by a shared hit never outlives the shared entry', async () => {
    const store = new MemoryStore();
    const writer = processOf(store, { ttl: 150 }, 60_000); // shared entries live 150 ms
    const { fetchUser: write } = writer;
    await write(1);
    await sleep(10);
    const reader = processOf(store, {}, 60_000); // local ttl 60 s
    const { fetchUser } = reader; // called without a receiver: the receiver-less local cache
    await fetchUser(1);
    expect(reader.runs).toHaveLength(0);
    expect(fetchUser.cacheContains(1)).toBe(true);
    await sleep(200);
    expect(fetchUser.cacheContains(1)).toBe(false);
    // Control: a locally computed entry keeps its full local ttl.
    expect(writer.fetchUser.cacheContains(1)).toBe(true);
  });

  it('cacheInvalidate also deletes the shared entry', async () => {
    const store = new MemoryStore();
    const p = processOf(store);
    const { fetchUser } = p;
    await fetchUser(1);
    await sleep(5);
    expect(fetchUser.cacheInvalidate(1)).toBe(true);
    await sleep(5);
    expect(store.valueKeys()).toEqual([]);
    await processOf(store).fetchUser(1);
    expect(p.runs).toHaveLength(1);
  });

  it('an object argument is a TypeError naming its position, at call time, before anything runs', () => {
    const store = new MemoryStore();
    const p = processOf(store);
    expect(() => p.fetchUser(1, { id: 1 })).toThrow(
      "lruCache: with option 'shared', argument 2 must be a string, number, bigint, boolean, null or undefined (identity does not cross processes; give option 'key' returning one), received an object",
    );
    expect(p.runs).toHaveLength(0);
    expect(store.calls.get).toBe(0);
    expect(() => p.fetchUser(Symbol('s'))).toThrow(TypeError);
  });

  it('a function that does not return a promise is refused when called', async () => {
    const store = new MemoryStore();
    const f = lruCache((n: number) => n as unknown as Promise<number>, { ttl: 1000, shared: sharedTier({ store, namespace: 's' }) });
    await expect(f(1)).rejects.toThrow("lruCache: option 'shared' is for functions that return a promise, received 1");
  });
});

describe('fail open', () => {
  for (const mode of ['throw', 'reject'] as const) {
    it(`a store that ${mode}s: calls succeed, errors are counted and reported`, async () => {
      const store = new MemoryStore();
      store.mode = mode;
      const events: SharedEvent[] = [];
      const p = processOf(store, { onEvent: (e) => events.push(e), breaker: { failures: 100 } });
      expect(await p.fetchUser(1)).toEqual({ id: 1, name: 'user 1' });
      await sleep(5);
      expect(sharedStats(p.fetchUser)).toMatchObject({ storeErrors: 2, computations: 1, writes: 0 });
      expect(events.map((e) => `${e.type} ${e.operation}`)).toEqual(['store-error get', 'store-error set']);
    });
  }

  it('a store that hangs: each call waits at most timeoutMs, then the breaker opens and calls skip the store', async () => {
    const store = new MemoryStore();
    store.mode = 'hang';
    const events: SharedEvent[] = [];
    // A long cooldown, so a slow machine cannot reach the half-open probe before the checks below.
    const p = processOf(store, { timeoutMs: 30, breaker: { failures: 3, cooldownMs: 1000 }, onEvent: (e) => events.push(e) });
    const durations: number[] = [];
    for (let n = 0; n < 6; n++) {
      const started = Date.now();
      await p.fetchUser(n);
      durations.push(Date.now() - started);
    }
    // Call 1: get times out (30) + compute; its set times out in the background: 2 failures.
    // Call 2: get times out: 3 failures, the breaker opens. Later calls skip the store.
    for (const duration of durations) expect(duration).toBeLessThan(30 + 5 + SLACK);
    const stats = sharedStats(p.fetchUser);
    expect(stats.breakerOpen).toBe(true);
    expect(stats.breakerOpenings).toBe(1);
    expect(stats.storeTimeouts).toBeGreaterThanOrEqual(3);
    expect(stats.bypassed).toBeGreaterThan(0);
    const getsWhileOpen = store.calls.get;
    await p.fetchUser(100);
    expect(store.calls.get).toBe(getsWhileOpen); // control: open means the store is not called
    expect(events.filter((e) => e.type === 'breaker-open')).toHaveLength(1);

    // The store recovers; after the cooldown one call probes it and closes the breaker.
    store.mode = 'ok';
    await sleep(1010);
    await p.fetchUser(200);
    expect(sharedStats(p.fetchUser).breakerOpen).toBe(false);
    expect(events.at(-1)?.type).toBe('breaker-close');
    await sleep(5);
    expect(store.valueKeys()).toContain('users:v0:(n200)');
  });

  it('a failed probe opens the breaker again', async () => {
    const store = new MemoryStore();
    store.mode = 'throw';
    const p = processOf(store, { breaker: { failures: 2, cooldownMs: 50 } });
    await p.fetchUser(1);
    await sleep(5);
    expect(sharedStats(p.fetchUser).breakerOpen).toBe(true);
    await sleep(60);
    await p.fetchUser(2); // probe fails
    await sleep(5);
    expect(sharedStats(p.fetchUser)).toMatchObject({ breakerOpen: true, breakerOpenings: 2 });
  });
});

describe('events', () => {
  it('an onEvent handler that throws does not fail the call; its error is rethrown on its own', async () => {
    const store = new MemoryStore();
    store.mode = 'throw';
    const rethrown: (() => void)[] = [];
    vi.stubGlobal('queueMicrotask', (task: () => void) => rethrown.push(task));
    try {
      const p = processOf(store, {
        onEvent: () => {
          throw new Error('logger broke');
        },
      });
      expect(await p.fetchUser(1)).toEqual({ id: 1, name: 'user 1' });
      await sleep(10); // the background write fails too, and reports
    } finally {
      vi.unstubAllGlobals();
    }
    expect(rethrown).toHaveLength(2); // the failed read and the failed write
    expect(() => rethrown[0]!()).toThrow('logger broke');
  });
});

describe('the cross-process lock', () => {
  const lock = { leaseMs: 2000, waitMs: 1000 };

  it('one process computes a cold key; the others wait and take its result', async () => {
    const store = new MemoryStore();
    const processes = [1, 2, 3, 4].map(() => processOf(store, { lock }));
    const results = await Promise.all(processes.map((p) => p.fetchUser(1)));
    for (const result of results) expect(result).toEqual({ id: 1, name: 'user 1' });
    expect(processes.reduce((sum, p) => sum + p.runs.length, 0)).toBe(1);
    const waits = processes.map((p) => sharedStats(p.fetchUser).lockWaits);
    expect(waits.reduce((a, b) => a + b)).toBe(3);
    await sleep(10);
    expect([...store.entries.keys()].filter((k) => k.endsWith('~lock'))).toEqual([]); // released
  });

  it('a holder reads again under the lock: a value written between its read and its acquire is not computed again', async () => {
    const store = new MemoryStore();
    let runs = 0;
    const make = () => lruCache(async (n: number) => (runs++, n * 2), { ttl: 10_000, shared: sharedTier({ store, namespace: 'race', lock }) });
    const [ours, theirs] = [make(), make()];
    // Our acquire is held back until the other process has computed, written and released.
    const acquire = store.acquire.bind(store);
    let heldBack = true;
    store.acquire = async (key, token, leaseMs) => {
      if (heldBack) {
        heldBack = false;
        await theirs(1);
        await vi.waitFor(() => expect([...store.entries.keys()]).toEqual(['race:v0:(n1)'])); // written, lock released
      }
      return acquire(key, token, leaseMs);
    };
    expect(await ours(1)).toBe(2);
    expect(runs).toBe(1); // computed by the other process only
    expect(sharedStats(ours)).toMatchObject({ lockAcquired: 1, sharedHits: 1, computations: 0 });
  });

  it('control: without the lock, every process computes', async () => {
    const store = new MemoryStore();
    const processes = [1, 2, 3, 4].map(() => processOf(store));
    await Promise.all(processes.map((p) => p.fetchUser(1)));
    expect(processes.reduce((sum, p) => sum + p.runs.length, 0)).toBe(4);
  });

  it('when the holder’s computation rejects, a waiter takes over at once', async () => {
    const store = new MemoryStore();
    let runs = 0;
    const make = () =>
      lruCache(
        async (n: number) => {
          runs++;
          await sleep(20);
          if (runs === 1) throw new Error('first attempt fails');
          return n;
        },
        { ttl: 1000, shared: sharedTier({ store, namespace: 'l', lock }) },
      );
    const [holder, waiter] = [make(), make()];
    const started = Date.now();
    const [a, b] = await Promise.allSettled([holder(1), waiter(1)]);
    expect(a.status).toBe('rejected');
    expect(b).toEqual({ status: 'fulfilled', value: 1 });
    expect(runs).toBe(2);
    expect(Date.now() - started).toBeLessThan(lock.waitMs);
  });

  it('a holder that never finishes: waiters compute themselves after waitMs', async () => {
    const store = new MemoryStore();
    store.entries.set('users:v0:(n1)~lock', { value: 'someone-else', expiresAt: Date.now() + 60_000 });
    const events: SharedEvent[] = [];
    const p = processOf(store, { lock: { leaseMs: 60_000, waitMs: 80 }, onEvent: (e) => events.push(e) });
    const started = Date.now();
    expect(await p.fetchUser(1)).toEqual({ id: 1, name: 'user 1' });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(80);
    expect(took).toBeLessThan(80 + SLACK);
    expect(sharedStats(p.fetchUser)).toMatchObject({ lockWaits: 1, lockTimeouts: 1, computations: 1 });
    expect(events.map((e) => e.type)).toEqual(['lock-timeout']);
    await sleep(5);
    expect(store.entries.get('users:v0:(n1)~lock')!.value).toBe('someone-else'); // not ours to release
  });

  it('with the lock, a store that hangs still costs a call at most one timeoutMs (no lock attempt after a failed read)', async () => {
    const store = new MemoryStore();
    store.mode = 'hang';
    const p = processOf(store, { lock, timeoutMs: 60, breaker: { failures: 100 } });
    const started = Date.now();
    await p.fetchUser(1);
    expect(Date.now() - started).toBeLessThan(60 + 5 + SLACK);
    expect(store.calls.acquire).toBe(0);
  });

  it('a lock taken after its acquire timed out is given back when the late answer arrives', async () => {
    const store = new MemoryStore();
    store.latencyMs = 40; // every answer arrives after timeoutMs
    const p = processOf(store, { lock: { leaseMs: 60_000, waitMs: 1000 }, timeoutMs: 25, breaker: { failures: 100 } });
    // A fast read, so the tier goes on to the lock; the acquire is slow.
    const get = store.get.bind(store);
    store.get = (key) => ((store.latencyMs = 0), get(key).finally(() => (store.latencyMs = 40)));
    await p.fetchUser(1);
    expect(sharedStats(p.fetchUser)).toMatchObject({ storeTimeouts: 1, computations: 1, lockAcquired: 0 });
    expect(store.calls.acquire).toBe(1);
    await sleep(150); // the late acquire lands (40 ms), then the release (40 ms more)
    expect(store.calls.release).toBe(1);
    expect([...store.entries.keys()].filter((k) => k.endsWith('~lock'))).toEqual([]);
  });

  it('an expired lease is taken over by a waiter', async () => {
    const store = new MemoryStore();
    store.entries.set('users:v0:(n1)~lock', { value: 'crashed', expiresAt: Date.now() + 40 });
    const p = processOf(store, { lock: { leaseMs: 1000, waitMs: 1000 } });
    const started = Date.now();
    await p.fetchUser(1);
    expect(Date.now() - started).toBeLessThan(40 + SLACK); // the lease ran out at 40 ms, not waitMs (1000)
    expect(sharedStats(p.fetchUser)).toMatchObject({ lockWaits: 1, lockTimeouts: 0, lockAcquired: 1 });
  });
});

describe('members', () => {
  it('a scope function makes instances with equal keys share across processes', async () => {
    const store = new MemoryStore();
    const makeClass = () => {
      class Account {
        static runs = 0;
        constructor(readonly userId: number) {}
        @cached({ ttl: 1000, scope: (self: Account) => self.userId, shared: sharedTier({ store, namespace: 'acct' }) })
        async balance(currency: string) {
          Account.runs++;
          return `${this.userId}:${currency}`;
        }
      }
      return Account;
    };
    const A = makeClass();
    const B = makeClass(); // the same class in another process
    expect(await new A(7).balance('EUR')).toBe('7:EUR');
    await sleep(5);
    expect(await new B(7).balance('EUR')).toBe('7:EUR');
    expect(await new B(8).balance('EUR')).toBe('8:EUR'); // control: another user computes
    expect([A.runs, B.runs]).toEqual([1, 1]);
    expect(store.valueKeys().sort()).toEqual(['acct:v0:[n7]("EUR")', 'acct:v0:[n8]("EUR")']);
    expect(sharedStats(B, 'balance')).toMatchObject({ sharedHits: 1, computations: 1 });
    // A new instance of user 7 shares user 7's local cache; invalidating drops both tiers' entry.
    expect(cacheInvalidate(new B(7), 'balance', 'EUR')).toBe(true);
    await sleep(5);
    expect(store.valueKeys()).toEqual(['acct:v0:[n8]("EUR")']);
  });

  it("scope 'shared': one key for every instance, no scope part", async () => {
    const store = new MemoryStore();
    class Rates {
      @cached({ ttl: 1000, scope: 'shared', shared: sharedTier({ store, namespace: 'rates' }) })
      async rate(currency: string) {
        return currency.length;
      }
    }
    await new Rates().rate('EUR');
    await sleep(5);
    expect(store.valueKeys()).toEqual(['rates:v0:("EUR")']);
  });

  it('option shared is refused for a function that does not return a promise: by the types, and at the call', async () => {
    const store = new MemoryStore();
    // @ts-expect-error shared is for functions that return a promise
    const sync = lruCache((n: number) => n, { ttl: 1, shared: sharedTier({ store, namespace: 'x' }) });
    const async = lruCache(async (n: number) => n, { ttl: 1, shared: sharedTier({ store, namespace: 'x' }) });
    await expect(sync(1)).rejects.toThrow(
      new TypeError("lruCache: option 'shared' is for functions that return a promise, received 1"),
    );
    expect(await async(1)).toBe(1);
  });

  it('a scope function returning an object is a TypeError at call time', () => {
    const store = new MemoryStore();
    class Bad {
      @cached({ ttl: 1000, scope: (self: Bad) => self, shared: sharedTier({ store, namespace: 'b' }) })
      async m() {
        return 1;
      }
    }
    expect(() => new Bad().m()).toThrow(
      "@cached 'm': with option 'shared', option 'scope' must return a string, number, bigint, boolean, null or undefined (identity does not cross processes), received a Bad instance",
    );
  });
});

describe('a Keyv instance as the store', () => {
  it('works as is: shared between two wrappers, entries expire with the shared ttl', async () => {
    const { default: Keyv } = await import('keyv');
    const keyv = new Keyv();
    let runs = 0;
    const make = () => lruCache(async (id: number) => (runs++, { id, at: new Date(0) }), { ttl: 60_000, shared: sharedTier({ store: keyv, namespace: 'kv', ttl: 100 }) });
    await make()(1);
    await sleep(10);
    const reader = make();
    expect(await reader(1)).toEqual({ id: 1, at: new Date(0) });
    expect(runs).toBe(1);
    expect(sharedStats(reader).sharedHits).toBe(1);
    await sleep(120);
    await make()(1); // Keyv expired it: computed again
    expect(runs).toBe(2);
  });
});
