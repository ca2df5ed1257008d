/**
 * Options `grace` and `softTimeoutMs` in the local cache: a stale value
 * answers when the function fails or (with a soft timeout) is slow; nothing
 * failed is stored; outside grace, calls behave as without it. Time is driven
 * by fake timers (the clock and the soft timeout both follow them).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cacheInfo, cached, lruCache, MISS_CHANNEL, type CachedFunction } from '../../src/index.js';
import '../../src/grace/index.js';
import '../../src/events/index.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A source that answers `${key}#${run}` and fails while `down` is set. */
function source() {
  const state = { runs: 0, down: false };
  const load = (key: string) => {
    state.runs++;
    if (state.down) throw new Error(`source down (${key})`);
    return `${key}#${state.runs}`;
  };
  return { state, load };
}

/** An async source that answers `${key}#${run}` after `delay` ms (at once while 0), cached with `ttl` and a soft timeout of 10 ms. */
function slowSource(ttl: number) {
  const state = { runs: 0, delay: 0 };
  const f = lruCache(
    async (k: string) => {
      const run = ++state.runs;
      if (state.delay > 0) await new Promise((r) => setTimeout(r, state.delay));
      return `${k}#${run}`;
    },
    { ttl, grace: 60_000, softTimeoutMs: 10 },
  );
  return { state, f };
}

/** A deferred promise the test settles. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('grace, synchronous functions', () => {
  it('answers a failed refresh with the stale value, tries again on every call, and stores a success', () => {
    const { state, load } = source();
    const f = lruCache(load, { ttl: 100, grace: 1000 });
    expect(f('a')).toBe('a#1');
    vi.advanceTimersByTime(100); // expired: stale
    state.down = true;
    expect(f('a')).toBe('a#1');
    expect(f('a')).toBe('a#1');
    expect(state.runs).toBe(3); // each call on the stale entry tried the source again
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 3, maxSize: 128, currSize: 1, evictions: 0, staleAnswers: 2 });
    state.down = false;
    expect(f('a')).toBe('a#4');
    expect(f('a')).toBe('a#4'); // the fresh value is an ordinary entry: a hit
    expect(state.runs).toBe(4);
  });

  it('a stale answer never extends grace: past ttl + grace the failure propagates', () => {
    const { state, load } = source();
    const f = lruCache(load, { ttl: 100, grace: 500 });
    f('a');
    vi.advanceTimersByTime(400);
    state.down = true;
    expect(f('a')).toBe('a#1');
    vi.advanceTimersByTime(199); // 599 ms after the entry was stored: still within grace
    expect(f('a')).toBe('a#1');
    vi.advanceTimersByTime(1); // 600: grace over
    expect(() => f('a')).toThrow('source down (a)');
    expect(() => f('a')).toThrow('source down (a)'); // nothing was stored
    expect(f.cacheInfo().currSize).toBe(0);
  });

  it('without grace the same failure propagates at once (control)', () => {
    const { state, load } = source();
    const f = lruCache(load, { ttl: 100 });
    f('a');
    vi.advanceTimersByTime(100);
    state.down = true;
    expect(() => f('a')).toThrow('source down (a)');
  });

  it('a cold key has no stale value: its failure propagates', () => {
    const { state, load } = source();
    const f = lruCache(load, { ttl: 100, grace: 1000 });
    f('a');
    vi.advanceTimersByTime(100);
    state.down = true;
    expect(() => f('b')).toThrow('source down (b)');
    expect(f('a')).toBe('a#1'); // another key's stale value is not involved
  });

  it('a fresh entry is an ordinary hit: grace never delays or changes one', () => {
    const { state, load } = source();
    const f = lruCache(load, { ttl: 100, grace: 1000 });
    f('a');
    state.down = true;
    vi.advanceTimersByTime(99);
    expect(f('a')).toBe('a#1');
    expect(state.runs).toBe(1);
    expect(f.cacheInfo()).toEqual({ hits: 1, misses: 1, maxSize: 128, currSize: 1, evictions: 0, staleAnswers: 0 });
  });

  it('stale entries count in currSize until grace ends, then writes reclaim them', () => {
    const f = lruCache((n: number) => n, { ttl: 100, grace: 1000, maxSize: Infinity });
    for (let i = 0; i < 50; i++) f(i);
    vi.advanceTimersByTime(500);
    expect(f.cacheInfo().currSize).toBe(50); // stale, kept as fallbacks
    vi.advanceTimersByTime(600);
    expect(f.cacheInfo().currSize).toBe(0);
    for (let i = 0; i < 50; i++) f(i);
    vi.advanceTimersByTime(1100);
    for (let i = 1000; i < 1100; i++) f(i); // writes sweep what is past grace
    expect(f.cacheInfo().currSize).toBe(100);
  });

  it('cacheContains says false for a stale entry; cacheInvalidate drops it, so a failure then propagates', () => {
    const { state, load } = source();
    const f = lruCache(load, { ttl: 100, grace: 1000 });
    f('a');
    vi.advanceTimersByTime(150);
    expect(f.cacheContains('a')).toBe(false);
    f.cacheInvalidate('a');
    state.down = true;
    expect(() => f('a')).toThrow('source down (a)');
  });

  it('cacheClear drops stale entries and resets staleAnswers', () => {
    const { state, load } = source();
    const f = lruCache(load, { ttl: 100, grace: 1000 });
    f('a');
    vi.advanceTimersByTime(150);
    state.down = true;
    f('a');
    expect(f.cacheInfo().staleAnswers).toBe(1);
    f.cacheClear();
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0, evictions: 0, staleAnswers: 0 });
    expect(() => f('a')).toThrow('source down (a)');
  });

  it('works for object arguments (held weakly) and several arguments', () => {
    let down = false;
    let runs = 0;
    const f = lruCache(
      (user: { id: number }, field: string) => {
        runs++;
        if (down) throw new Error('down');
        return `${user.id}.${field}.${runs}`;
      },
      { ttl: 100, grace: 1000 },
    );
    const alice = { id: 1 };
    expect(f(alice, 'name')).toBe('1.name.1');
    vi.advanceTimersByTime(150);
    expect(f.cacheInfo().currSize).toBe(1); // stale, kept within grace
    down = true;
    expect(f(alice, 'name')).toBe('1.name.1');
    expect(() => f({ id: 1 }, 'name')).toThrow('down'); // another object: no stale value of its own
  });

  it('answers with the stale value even when it is undefined', () => {
    let down = false;
    const f = lruCache(
      (_k: string): string | undefined => {
        if (down) throw new Error('down');
        return undefined;
      },
      { ttl: 100, grace: 1000 },
    );
    expect(f('a')).toBeUndefined();
    vi.advanceTimersByTime(150);
    down = true;
    expect(f('a')).toBeUndefined();
    expect(f.cacheInfo().staleAnswers).toBe(1);
  });
});

describe('grace, promises', () => {
  it('a rejected refresh answers with the stale value; the rejection is not cached', async () => {
    let runs = 0;
    let down = false;
    const f = lruCache(
      async (k: string) => {
        runs++;
        if (down) throw new Error('down');
        return `${k}#${runs}`;
      },
      { ttl: 100, grace: 1000 },
    );
    expect(await f('a')).toBe('a#1');
    vi.advanceTimersByTime(150);
    down = true;
    expect(await f('a')).toBe('a#1');
    expect(await f('a')).toBe('a#1');
    expect(runs).toBe(3);
    down = false;
    expect(await f('a')).toBe('a#4');
    expect(await f('a')).toBe('a#4');
    expect(f.cacheInfo().staleAnswers).toBe(2);
  });

  it('callers joining a refresh share it: one run, and its outcome (fresh or stale) for all', async () => {
    const pending = [deferred<string>(), deferred<string>()];
    let runs = 0;
    const f = lruCache(() => pending[runs++]!.promise, { ttl: 100, grace: 1000 });
    const first = f();
    pending[0]!.resolve('v1');
    expect(await first).toBe('v1');
    vi.advanceTimersByTime(150);
    const [a, b] = [f(), f()];
    expect(runs).toBe(2);
    pending[1]!.reject(new Error('down'));
    expect(await Promise.all([a, b])).toEqual(['v1', 'v1']);
  });

  it('softTimeoutMs: a slow refresh answers stale at the timeout, runs on, and its value is used once it fulfils', async () => {
    const refresh = deferred<string>();
    let runs = 0;
    const f = lruCache((k: string) => (++runs === 1 ? Promise.resolve(`${k}#1`) : refresh.promise), {
      ttl: 100,
      grace: 10_000,
      softTimeoutMs: 50,
    });
    expect(await f('a')).toBe('a#1');
    vi.advanceTimersByTime(150);
    const slow = f('a');
    let answered: string | undefined;
    void slow.then((v) => (answered = v));
    await vi.advanceTimersByTimeAsync(49);
    expect(answered).toBeUndefined(); // within the soft timeout: still waiting for the refresh
    await vi.advanceTimersByTimeAsync(1);
    expect(answered).toBe('a#1');
    // While the refresh runs on: stale at once, nothing started.
    expect(await f('a')).toBe('a#1');
    expect(await f('a')).toBe('a#1');
    expect(runs).toBe(2);
    refresh.resolve('a#2');
    await refresh.promise;
    expect(await f('a')).toBe('a#2');
    expect(await f('a')).toBe('a#2');
    expect(runs).toBe(2); // the background refresh's value was stored, not computed again
    expect(f.cacheInfo().staleAnswers).toBe(3);
  });

  it('softTimeoutMs: a refresh that fulfils in time answers fresh, and no stale answer is counted', async () => {
    let runs = 0;
    const f = lruCache(
      async (k: string) => {
        runs++;
        await new Promise((r) => setTimeout(r, 10));
        return `${k}#${runs}`;
      },
      { ttl: 100, grace: 1000, softTimeoutMs: 50 },
    );
    const first = f('a');
    await vi.advanceTimersByTimeAsync(10);
    expect(await first).toBe('a#1');
    vi.advanceTimersByTime(150);
    const second = f('a');
    await vi.advanceTimersByTimeAsync(10);
    expect(await second).toBe('a#2');
    expect(f.cacheInfo().staleAnswers).toBe(0);
    vi.advanceTimersByTime(150); // the refreshed entry expires in turn: the next call refreshes again
    const third = f('a');
    await vi.advanceTimersByTimeAsync(10);
    expect(await third).toBe('a#3');
    expect(runs).toBe(3);
  });

  it('softTimeoutMs: a refresh that rejects after the timeout leaves the stale entry, and the next call refreshes again', async () => {
    const refreshes = [deferred<string>(), deferred<string>()];
    let runs = 0;
    const f = lruCache((k: string) => (runs++ === 0 ? Promise.resolve(`${k}#0`) : refreshes[runs - 2]!.promise), {
      ttl: 100,
      grace: 10_000,
      softTimeoutMs: 0,
    });
    expect(await f('a')).toBe('a#0');
    vi.advanceTimersByTime(150);
    const stale = f('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(await stale).toBe('a#0'); // softTimeoutMs 0: stale while it revalidates
    refreshes[0]!.reject(new Error('down'));
    await refreshes[0]!.promise.catch(() => undefined);
    const again = f('a');
    expect(runs).toBe(3); // the failed refresh is retried
    refreshes[1]!.resolve('a#2');
    expect(await again).toBe('a#2');
  });

  it('a cold key with softTimeoutMs waits for its computation (nothing stale to answer with)', async () => {
    const computation = deferred<string>();
    const f = lruCache(() => computation.promise, { ttl: 100, grace: 1000, softTimeoutMs: 10 });
    const call = f();
    let answered: string | undefined;
    void call.then((v) => (answered = v));
    await vi.advanceTimersByTimeAsync(1000);
    expect(answered).toBeUndefined();
    computation.resolve('v');
    expect(await call).toBe('v');
  });

  it('no timer keeps running once a refresh settles before its soft timeout', async () => {
    const f = lruCache(async (k: string) => k, { ttl: 100, grace: 1000, softTimeoutMs: 60_000 });
    await f('a');
    vi.advanceTimersByTime(150);
    await f('a');
    expect(vi.getTimerCount()).toBeLessThanOrEqual(1); // at most the clock's 1 ms refresh timer
  });
});

describe('grace: a stale value answers only for its own call', () => {
  it('a miss subscriber calling the function for another key meanwhile gets its own outcome, not the stale value', () => {
    const { state, load } = source();
    const f = lruCache(load, { ttl: 100, grace: 10_000 });
    const inner: string[] = [];
    let inside = false;
    const onMiss = () => {
      if (inside || !state.down) return;
      inside = true;
      try {
        inner.push(f('b'));
      } catch (error) {
        inner.push((error as Error).message);
      } finally {
        inside = false;
      }
    };
    f('a');
    vi.advanceTimersByTime(150);
    state.down = true;
    subscribe(MISS_CHANNEL, onMiss);
    try {
      expect(f('a')).toBe('a#1'); // a's own stale value
    } finally {
      unsubscribe(MISS_CHANNEL, onMiss);
    }
    expect(inner).toEqual(['source down (b)']); // b has nothing stale: its failure, not a's value
    expect(() => f('b')).toThrow('source down (b)'); // and nothing was stored under b
  });

  it('a refresh that finished long after its soft timeout is not served as fresh later: the function runs again', async () => {
    const { state, f } = slowSource(50);
    expect(await f('a')).toBe('a#1');
    vi.advanceTimersByTime(70);
    state.delay = 40;
    const stale = f('a');
    await vi.advanceTimersByTimeAsync(10);
    expect(await stale).toBe('a#1'); // answered stale; the refresh runs on
    await vi.advanceTimersByTimeAsync(30); // the refresh fulfils (a#2)
    await vi.advanceTimersByTimeAsync(500); // and grows old
    state.delay = 0;
    expect(await f('a')).toBe('a#3');
    expect(state.runs).toBe(3);
  });

  it('a refresh that finished after its soft timeout answers the next call while it is still fresh', async () => {
    const { state, f } = slowSource(1000);
    await f('a');
    vi.advanceTimersByTime(1100);
    state.delay = 40;
    const stale = f('a');
    await vi.advanceTimersByTimeAsync(10);
    expect(await stale).toBe('a#1');
    await vi.advanceTimersByTimeAsync(30);
    expect(await f('a')).toBe('a#2');
    expect(await f('a')).toBe('a#2');
    expect(state.runs).toBe(2);
  });
});

describe('grace on members', () => {
  class Prices {
    runs = 0;
    down = false;
    constructor(readonly shop: string) {}

    @cached({ ttl: 100, grace: 1000 })
    price(sku: string): string {
      this.runs++;
      if (this.down) throw new Error('down');
      return `${this.shop}:${sku}:${this.runs}`;
    }

    @cached({ ttl: 100, grace: 1000 })
    get banner(): string {
      this.runs++;
      if (this.down) throw new Error('down');
      return `${this.shop}!${this.runs}`;
    }
  }

  it('each instance answers with its own stale value, from a small record and from a grown cache', () => {
    const a = new Prices('a');
    const b = new Prices('b');
    expect(a.price('x')).toBe('a:x:1');
    expect(b.price('x')).toBe('b:x:1');
    expect(b.price('y')).toBe('b:y:2'); // b's record grows into a full cache
    expect(a.banner).toBe('a!2');
    vi.advanceTimersByTime(150);
    a.down = b.down = true;
    expect(a.price('x')).toBe('a:x:1');
    expect(b.price('x')).toBe('b:x:1');
    expect(b.price('y')).toBe('b:y:2');
    expect(a.banner).toBe('a!2');
    expect(cacheInfo(a, 'price')).toEqual({ hits: 0, misses: 2, maxSize: 128, currSize: 1, evictions: 0 });
    expect((Prices.prototype.price as CachedFunction<Prices['price']>).cacheInfo().staleAnswers).toBe(3); // the getter counts its own
  });

  it('a scope key shares stale values between instances of equal state, and only them', () => {
    let down = false;
    let runs = 0;
    class Account {
      constructor(readonly id: string) {}
      @cached({ ttl: 100, grace: 1000, scope: (self: Account) => self.id })
      balance(): string {
        runs++;
        if (down) throw new Error('down');
        return `${this.id}=${runs}`;
      }
    }
    expect(new Account('x').balance()).toBe('x=1');
    vi.advanceTimersByTime(150);
    down = true;
    expect(new Account('x').balance()).toBe('x=1');
    expect(() => new Account('y').balance()).toThrow('down');
  });
});

describe('grace, types', () => {
  it('grace and softTimeoutMs are milliseconds; staleAnswers is optional in CacheInfo', () => {
    const f = lruCache((n: number) => n, { ttl: 100, grace: 1000 });
    // @ts-expect-error grace is a number of milliseconds
    expect(() => lruCache((n: number) => n, { ttl: 100, grace: '1h' })).toThrow(TypeError);
    // @ts-expect-error softTimeoutMs is a number of milliseconds
    expect(() => lruCache((n: number) => n, { ttl: 100, grace: 1000, softTimeoutMs: true })).toThrow(TypeError);
    const stale: number | undefined = f.cacheInfo().staleAnswers;
    expect(stale).toBe(0);
    expect(lruCache((n: number) => n, { ttl: 100 }).cacheInfo().staleAnswers).toBeUndefined();
  });
});

describe('grace: the stale entry of a miss is its own', () => {
  it('found by the same keys (SameValueZero) in the same cache: never another key\'s, never another receiver\'s', () => {
    let down = false;
    const f = lruCache(
      function (this: unknown, key: string, n: number) {
        if (down) throw new Error(`down (${key}, ${n})`);
        return `${key}:${n}:${this === undefined ? 'none' : 'receiver'}`;
      },
      { ttl: 100, grace: 1000, maxSize: Infinity },
    );
    const receiver = {};
    expect(f('a', NaN)).toBe('a:NaN:none');
    expect(f('a', -0)).toBe('a:0:none');
    expect(f.call(receiver, 'r', 1)).toBe('r:1:receiver');
    vi.advanceTimersByTime(150);
    down = true;
    expect(f('a', NaN)).toBe('a:NaN:none'); // NaN finds NaN
    expect(f('a', 0)).toBe('a:0:none'); // 0 finds -0
    expect(() => f('b', NaN)).toThrow('down (b, NaN)'); // another key has nothing stale
    expect(() => f.call(receiver, 'a', 0)).toThrow('down (a, 0)'); // another receiver neither
    expect(() => f('r', 1)).toThrow('down (r, 1)'); // nor calls without one
    expect(f.call(receiver, 'r', 1)).toBe('r:1:receiver');
    expect(f.cacheInfo().staleAnswers).toBe(3);
  });

  it('not past grace: ttl + grace later the failure propagates', () => {
    let down = false;
    const f = lruCache((key: string) => {
      if (down) throw new Error('down');
      return key;
    }, { ttl: 100, grace: 1000 });
    f('a');
    vi.advanceTimersByTime(1099);
    down = true;
    expect(f('a')).toBe('a');
    vi.advanceTimersByTime(2);
    expect(() => f('a')).toThrow('down');
  });
});
