import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lruCache } from '../../src/index.js';

/** A promise with its resolve/reject exposed. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A minimal thenable that is not a native promise. */
class Thenable<T> {
  private callbacks: [(value: T) => unknown, (reason: unknown) => unknown][] = [];
  private state: { ok: boolean; value: unknown } | undefined;
  then(onFulfilled?: (value: T) => unknown, onRejected?: (reason: unknown) => unknown): Thenable<unknown> {
    const ok = onFulfilled ?? ((v: T) => v);
    const fail =
      onRejected ??
      ((reason: unknown) => {
        throw reason;
      });
    if (this.state === undefined) this.callbacks.push([ok, fail]);
    else if (this.state.ok) ok(this.state.value as T);
    else fail(this.state.value);
    return this as unknown as Thenable<unknown>;
  }
  settle(ok: boolean, value: unknown): void {
    this.state = { ok, value };
    for (const [fulfil, reject] of this.callbacks) {
      if (ok) fulfil(value as T);
      else reject(value);
    }
    this.callbacks = [];
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('async results', () => {
  it('100 concurrent calls with one key: 1 run, hits 99, misses 1, one shared promise', async () => {
    let runs = 0;
    const gate = deferred<string>();
    const f = lruCache(async (id: number) => {
      runs++;
      return `${await gate.promise} ${id}`;
    });
    const calls = Array.from({ length: 100 }, () => f(7));
    expect(new Set(calls).size).toBe(1);
    gate.resolve('user');
    expect(await Promise.all(calls)).toEqual(Array(100).fill('user 7'));
    expect(runs).toBe(1);
    expect(f.cacheInfo()).toMatchObject({ hits: 99, misses: 1, currSize: 1, evictions: 0 });
  });

  it('a rejection is shared by every waiter, then removed: the next call runs again', async () => {
    let runs = 0;
    const failure = new Error('down');
    const f = lruCache(async (id: number) => {
      runs++;
      await flush();
      if (runs === 1) throw failure;
      return id;
    });
    const waiters = [f(1), f(1), f(1)];
    const results = await Promise.allSettled(waiters);
    expect(results.map((r) => (r.status === 'rejected' ? r.reason : r.value))).toEqual([failure, failure, failure]);
    expect(f.cacheContains(1)).toBe(false);
    expect(f.cacheInfo().currSize).toBe(0);
    expect(await f(1)).toBe(1);
    expect(runs).toBe(2);
    expect(f.cacheContains(1)).toBe(true);
  });

  it('a rejection removes only its own entry, not a newer one for the same key', async () => {
    const first = deferred<number>();
    const second = deferred<number>();
    const queue = [first.promise, second.promise];
    const f = lruCache((_id: number) => queue.shift()!);
    const p1 = f(1);
    f.cacheInvalidate(1); // the first promise is no longer the entry
    const p2 = f(1);
    expect(p2).not.toBe(p1);
    first.reject(new Error('old'));
    await p1.catch(() => undefined);
    expect(f.cacheContains(1)).toBe(true); // the newer entry survived
    second.resolve(2);
    expect(await f(1)).toBe(2);
  });

  it('cacheClear() while a call is in flight: callers still get the result, it is not stored', async () => {
    const gate = deferred<number>();
    const f = lruCache((_id: number) => gate.promise);
    const inFlight = f(1);
    f.cacheClear();
    gate.resolve(42);
    expect(await inFlight).toBe(42);
    expect(f.cacheContains(1)).toBe(false);
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0, evictions: 0 });
  });

  it('maxSize 0: no de-duplication, every call runs', async () => {
    let runs = 0;
    const f = lruCache(async (id: number) => (runs++, id), { maxSize: 0 });
    await Promise.all([f(1), f(1), f(1)]);
    expect(runs).toBe(3);
    expect(f.cacheInfo()).toMatchObject({ hits: 0, misses: 3 });
  });

  it('works with thenables that are not native promises', async () => {
    const made: Thenable<number>[] = [];
    const f = lruCache((_id: number) => {
      const t = new Thenable<number>();
      made.push(t);
      return t;
    });
    const a = f(1);
    expect(f(1)).toBe(a);
    made[0]!.settle(false, new Error('nope'));
    expect(f.cacheContains(1)).toBe(false);
    const b = f(1);
    expect(b).not.toBe(a);
    made[1]!.settle(true, 5);
    expect(f.cacheContains(1)).toBe(true);
    expect(f(1)).toBe(b);
    expect(made).toHaveLength(2);
  });

  it('a thenable whose then() throws is not kept', () => {
    const f = lruCache((_id: number) => ({
      then() {
        throw new Error('broken then');
      },
    }));
    f(1);
    expect(f.cacheContains(1)).toBe(false);
  });
});

describe('ttl with promises', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts from fulfilment, not from the call', async () => {
    let runs = 0;
    const f = lruCache(
      (id: number) =>
        new Promise<number>((resolve) => {
          runs++;
          setTimeout(() => resolve(id), 500);
        }),
      { ttl: 100 },
    );
    const p = f(1);
    await vi.advanceTimersByTimeAsync(300); // pending for longer than ttl: still shared
    expect(f(1)).toBe(p);
    await vi.advanceTimersByTimeAsync(200); // fulfilled at t=500
    expect(await p).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(f(1)).toBe(p); // 99 ms after fulfilment
    await vi.advanceTimersByTimeAsync(1);
    expect(f.cacheContains(1)).toBe(false); // 100 ms after fulfilment
    expect(f(1)).not.toBe(p);
    expect(runs).toBe(2);
  });
});

describe('single entries: cacheInvalidate and cacheContains', () => {
  it('cacheInvalidate removes one entry, reports whether it did, leaves counters alone', () => {
    let runs = 0;
    const f = lruCache((a: number, b: number) => (runs++, a + b));
    f(1, 2);
    f(1, 2);
    f(3, 4);
    const before = f.cacheInfo();
    expect(f.cacheInvalidate(1, 2)).toBe(true);
    expect(f.cacheInvalidate(1, 2)).toBe(false);
    expect(f.cacheInvalidate(9, 9)).toBe(false);
    expect(f.cacheInfo()).toEqual({ ...before, currSize: 1 });
    f(1, 2);
    expect(runs).toBe(3);
  });

  it('cacheContains is a pure peek: no recency refresh, no counters', () => {
    const f = lruCache((x: string) => x, { maxSize: 2 });
    f('a');
    f('b');
    const before = f.cacheInfo();
    expect(f.cacheContains('a')).toBe(true); // must not make 'a' recent
    expect(f.cacheContains('zzz')).toBe(false);
    expect(f.cacheInfo()).toEqual(before);
    f('c'); // evicts the least recent: still 'a'
    expect(f.cacheContains('a')).toBe(false);
    expect(f.cacheContains('b')).toBe(true);
  });

  it('respect the custom key and object identity', () => {
    const f = lruCache((user: { id: number }) => user.id, { key: (user) => user.id });
    f({ id: 1 });
    expect(f.cacheContains({ id: 1 })).toBe(true);
    expect(f.cacheInvalidate({ id: 1 })).toBe(true);
    const g = lruCache((o: object) => o);
    const o = {};
    g(o);
    expect(g.cacheContains(o)).toBe(true);
    expect(g.cacheContains({})).toBe(false);
  });

  it('are false after expiry', () => {
    vi.useFakeTimers();
    try {
      const f = lruCache((x: number) => x, { ttl: 10 });
      f(1);
      f(2);
      vi.advanceTimersByTime(10);
      expect(f.cacheContains(1)).toBe(false);
      expect(f.cacheInvalidate(2)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
