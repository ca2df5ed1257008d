/**
 * Unit tests of the guarded store (src/shared/guarded.ts) with a hand-made
 * store (no Redis). Fake timers drive the per-operation timeout and the
 * breaker's clock; assertions are on values, counts and order only, never on
 * elapsed time. `flush` lets pending promise callbacks run (setImmediate is
 * left real: it fires after every queued microtask).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAILED, GuardedStore, type StoreCounters } from '../../src/shared/guarded.js';
import type { SharedEvent, SharedStore } from '../../src/shared/types.js';

const TIMEOUT_MS = 100;
const FAILURES = 3;
const COOLDOWN_MS = 1000;

type Operation = 'get' | 'set' | 'delete' | 'acquire' | 'release';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A store whose every method is a spy, answering `undefined` unless told otherwise. */
function makeStore() {
  return {
    get: vi.fn((_key: string): unknown => undefined),
    set: vi.fn((_key: string, _value: string, _ttlMs: number): unknown => undefined),
    delete: vi.fn((_key: string): unknown => undefined),
    acquire: vi.fn((_key: string, _token: string, _leaseMs: number): unknown => undefined),
    release: vi.fn((_key: string, _token: string): unknown => undefined),
  } satisfies SharedStore;
}
type Store = ReturnType<typeof makeStore>;

function setup(failures = FAILURES, store: SharedStore = makeStore()) {
  const counters: StoreCounters = { storeErrors: 0, storeTimeouts: 0, bypassed: 0, breakerOpenings: 0 };
  const events: SharedEvent[] = [];
  const guarded = new GuardedStore(store, TIMEOUT_MS, failures, COOLDOWN_MS, counters, (event) => events.push(event));
  return { guarded, counters, events };
}

/** Runs `operation` on `guarded` with fixed arguments (key 'k'). */
function run(guarded: GuardedStore, operation: Operation, key = 'k'): Promise<unknown> {
  switch (operation) {
    case 'get':
      return guarded.get(key);
    case 'set':
      return guarded.set(key, 'text', 500);
    case 'delete':
      return guarded.delete(key);
    case 'acquire':
      return guarded.acquire(key, 'token', 300);
    case 'release':
      return guarded.release(key, 'token');
  }
}

const OPERATIONS: Operation[] = ['get', 'set', 'delete', 'acquire', 'release'];
const EXPECTED_ARGS: Record<Operation, unknown[]> = {
  get: ['k'],
  set: ['k', 'text', 500],
  delete: ['k'],
  acquire: ['k', 'token', 300],
  release: ['k', 'token'],
};

function totalCalls(store: Store): number {
  return OPERATIONS.reduce((sum, operation) => sum + store[operation].mock.calls.length, 0);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: new Date('2030-01-01T00:00:00Z') });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('GuardedStore: an operation that answers in time', () => {
  it.each(OPERATIONS)('%s passes its arguments and returns what a promise resolves to', async (operation) => {
    const store = makeStore();
    store[operation].mockImplementation(() => Promise.resolve(`answer of ${operation}`));
    const { guarded, counters, events } = setup(FAILURES, store);
    expect(await run(guarded, operation)).toBe(`answer of ${operation}`);
    expect(store[operation].mock.calls).toStrictEqual([EXPECTED_ARGS[operation]]);
    expect(totalCalls(store)).toBe(1);
    expect(counters).toStrictEqual({ storeErrors: 0, storeTimeouts: 0, bypassed: 0, breakerOpenings: 0 });
    expect(events).toStrictEqual([]);
    expect(vi.getTimerCount()).toBe(0); // the timeout timer is cleared
  });

  it('returns a plain (non-promise) answer as is, including undefined, null and false', async () => {
    const store = makeStore();
    const answers: unknown[] = ['v', undefined, null, false, 0];
    store.get.mockImplementation(() => answers.shift());
    const { guarded, counters } = setup(FAILURES, store);
    const got: unknown[] = [];
    for (let i = 0; i < 5; i++) got.push(await guarded.get('k'));
    expect(got).toStrictEqual(['v', undefined, null, false, 0]);
    expect(counters.storeErrors + counters.storeTimeouts).toBe(0);
  });

  it('an answer arriving just before the timeout is a success', async () => {
    const store = makeStore();
    const answer = deferred<string>();
    store.get.mockImplementation(() => answer.promise);
    const { guarded, counters, events } = setup(FAILURES, store);
    const result = guarded.get('k');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    answer.resolve('late but in time');
    expect(await result).toBe('late but in time');
    expect(counters.storeTimeouts).toBe(0);
    expect(events).toStrictEqual([]);
  });
});

describe('GuardedStore: an operation that fails', () => {
  it.each(OPERATIONS)('%s that throws synchronously: FAILED, one store error, one event', async (operation) => {
    const store = makeStore();
    const error = new Error(`sync ${operation}`);
    store[operation].mockImplementation(() => {
      throw error;
    });
    const { guarded, counters, events } = setup(FAILURES, store);
    expect(await run(guarded, operation)).toBe(FAILED);
    expect(counters).toStrictEqual({ storeErrors: 1, storeTimeouts: 0, bypassed: 0, breakerOpenings: 0 });
    expect(events).toStrictEqual([{ type: 'store-error', operation, key: 'k', error }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each(OPERATIONS)('%s that rejects: FAILED, one store error, one event', async (operation) => {
    const store = makeStore();
    const error = new Error(`rejected ${operation}`);
    store[operation].mockImplementation(() => Promise.reject(error));
    const { guarded, counters, events } = setup(FAILURES, store);
    expect(await run(guarded, operation)).toBe(FAILED);
    expect(counters).toStrictEqual({ storeErrors: 1, storeTimeouts: 0, bypassed: 0, breakerOpenings: 0 });
    expect(events).toStrictEqual([{ type: 'store-error', operation, key: 'k', error }]);
  });

  it.each(OPERATIONS)('%s that never settles: FAILED at the timeout, one store timeout, one event', async (operation) => {
    const store = makeStore();
    store[operation].mockImplementation(() => new Promise(() => {}));
    const { guarded, counters, events } = setup(FAILURES, store);
    let settled: unknown = 'pending';
    void run(guarded, operation, 'slow').then((value) => (settled = value));
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    expect(settled).toBe('pending');
    expect(store[operation]).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(FAILED);
    expect(counters).toStrictEqual({ storeErrors: 0, storeTimeouts: 1, bypassed: 0, breakerOpenings: 0 });
    expect(events).toStrictEqual([{ type: 'store-timeout', operation, key: 'slow' }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a rejection arriving after the timeout is not counted or reported again', async () => {
    const store = makeStore();
    const answer = deferred<string>();
    store.get.mockImplementation(() => answer.promise);
    const { guarded, counters, events } = setup(FAILURES, store);
    const result = guarded.get('k');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(await result).toBe(FAILED);
    answer.reject(new Error('too late'));
    await flush();
    expect(counters).toStrictEqual({ storeErrors: 0, storeTimeouts: 1, bypassed: 0, breakerOpenings: 0 });
    expect(events.map((event) => event.type)).toStrictEqual(['store-timeout']);
  });

  it('a success arriving after the timeout does not reset the run of failures', async () => {
    const store = makeStore();
    const answer = deferred<string>();
    store.get.mockImplementationOnce(() => answer.promise).mockImplementation(() => Promise.reject(new Error('down')));
    const { guarded, counters } = setup(2, store);
    const first = guarded.get('a');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(await first).toBe(FAILED);
    answer.resolve('late');
    await flush();
    expect(guarded.breakerOpen).toBe(false);
    expect(await guarded.get('b')).toBe(FAILED);
    expect(guarded.breakerOpen).toBe(true);
    expect(counters.breakerOpenings).toBe(1);
  });

  it('a store without acquire: FAILED and a store error (a TypeError), not a throw', async () => {
    const store: SharedStore = { get: () => undefined, set: () => undefined, delete: () => undefined };
    const { guarded, counters, events } = setup(FAILURES, store);
    expect(await guarded.acquire('k', 'token', 300)).toBe(FAILED);
    expect(counters.storeErrors).toBe(1);
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe('store-error');
    expect(events[0]!.operation).toBe('acquire');
    expect(events[0]!.error).toBeInstanceOf(TypeError);
  });
});

describe('GuardedStore: the breaker', () => {
  /** A store that fails every get: throws for key 't', rejects for 'r', hangs for 'h'. */
  function failingStore(): Store {
    const store = makeStore();
    store.get.mockImplementation((key: string) => {
      if (key.startsWith('t')) throw new Error('thrown');
      if (key.startsWith('r')) return Promise.reject(new Error('rejected'));
      return new Promise(() => {});
    });
    return store;
  }

  async function openIt(guarded: GuardedStore): Promise<void> {
    expect(await guarded.get('t1')).toBe(FAILED);
    expect(await guarded.get('r2')).toBe(FAILED);
    expect(guarded.breakerOpen).toBe(false);
    const third = guarded.get('h3');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(await third).toBe(FAILED);
    expect(guarded.breakerOpen).toBe(true);
  }

  it('opens after breakerFailures failures of any kind in a row, reporting the key that tipped it', async () => {
    const store = failingStore();
    const { guarded, counters, events } = setup(FAILURES, store);
    await openIt(guarded);
    expect(events.map((event) => [event.type, event.key])).toStrictEqual([
      ['store-error', 't1'],
      ['store-error', 'r2'],
      ['store-timeout', 'h3'],
      ['breaker-open', 'h3'],
    ]);
    expect(events[3]).toStrictEqual({ type: 'breaker-open', key: 'h3' });
    expect(counters).toStrictEqual({ storeErrors: 2, storeTimeouts: 1, bypassed: 0, breakerOpenings: 1 });
  });

  it('once open, every operation answers FAILED without calling the store, counted as bypassed', async () => {
    const store = failingStore();
    const { guarded, counters, events } = setup(FAILURES, store);
    await openIt(guarded);
    const callsBefore = totalCalls(store);
    const eventsBefore = events.length;
    for (const operation of OPERATIONS) expect(await run(guarded, operation)).toBe(FAILED);
    expect(totalCalls(store)).toBe(callsBefore);
    expect(counters.bypassed).toBe(OPERATIONS.length);
    expect(counters.storeErrors + counters.storeTimeouts).toBe(FAILURES);
    expect(events.length).toBe(eventsBefore);
  });

  it('a success in between resets the run', async () => {
    const store = makeStore();
    let down = true;
    store.get.mockImplementation(() => (down ? Promise.reject(new Error('down')) : 'ok'));
    const { guarded, counters } = setup(FAILURES, store);
    for (let round = 0; round < 3; round++) {
      down = true;
      for (let i = 0; i < FAILURES - 1; i++) expect(await guarded.get('k')).toBe(FAILED);
      down = false;
      expect(await guarded.get('k')).toBe('ok');
    }
    expect(guarded.breakerOpen).toBe(false);
    expect(counters).toStrictEqual({ storeErrors: 6, storeTimeouts: 0, bypassed: 0, breakerOpenings: 0 });
  });

  it('after the cooldown one probe reaches the store; others are bypassed while it is out; its success closes', async () => {
    const store = failingStore();
    const { guarded, counters, events } = setup(FAILURES, store);
    await openIt(guarded);
    await vi.advanceTimersByTimeAsync(COOLDOWN_MS - TIMEOUT_MS - 1);
    expect(await guarded.get('early')).toBe(FAILED);
    expect(counters.bypassed).toBe(1);
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS + 1);

    const probeAnswer = deferred<string>();
    store.get.mockImplementation(() => probeAnswer.promise);
    const callsBefore = store.get.mock.calls.length;
    const probe = guarded.get('probe');
    const concurrent = await Promise.all([guarded.get('x'), guarded.set('y', 'text', 1), guarded.get('z')]);
    expect(concurrent).toStrictEqual([FAILED, FAILED, FAILED]);
    expect(counters.bypassed).toBe(4);
    await flush();
    expect(store.get.mock.calls.slice(callsBefore)).toStrictEqual([['probe']]);
    expect(store.set).not.toHaveBeenCalled();

    probeAnswer.resolve('fresh');
    expect(await probe).toBe('fresh');
    expect(guarded.breakerOpen).toBe(false);
    expect(events.at(-1)).toStrictEqual({ type: 'breaker-close', key: 'probe' });
    expect(counters.breakerOpenings).toBe(1);

    store.get.mockImplementation(() => 'normal');
    expect(await guarded.get('after')).toBe('normal');
    expect(counters.bypassed).toBe(4);
  });

  it('a failed probe opens the breaker again for another cooldown', async () => {
    const store = failingStore();
    const { guarded, counters, events } = setup(FAILURES, store);
    await openIt(guarded);
    await vi.advanceTimersByTimeAsync(COOLDOWN_MS);
    const eventsBefore = events.length;
    expect(await guarded.get('r-probe')).toBe(FAILED);
    expect(events.slice(eventsBefore).map((event) => [event.type, event.key])).toStrictEqual([
      ['store-error', 'r-probe'],
      ['breaker-open', 'r-probe'],
    ]);
    expect(counters.breakerOpenings).toBe(2);
    expect(guarded.breakerOpen).toBe(true);

    const calls = store.get.mock.calls.length;
    expect(await guarded.get('k')).toBe(FAILED);
    expect(store.get.mock.calls.length).toBe(calls);
    await vi.advanceTimersByTimeAsync(COOLDOWN_MS);
    store.get.mockImplementation(() => 'back');
    expect(await guarded.get('k')).toBe('back');
    expect(events.at(-1)).toStrictEqual({ type: 'breaker-close', key: 'k' });
  });

  it('breakerFailures = 1: the first failure opens it', async () => {
    const store = makeStore();
    store.delete.mockImplementation(() => Promise.reject(new Error('x')));
    const { guarded, counters, events } = setup(1, store);
    expect(await guarded.delete('d')).toBe(FAILED);
    expect(guarded.breakerOpen).toBe(true);
    expect(events.map((event) => event.type)).toStrictEqual(['store-error', 'breaker-open']);
    expect(await guarded.get('g')).toBe(FAILED);
    expect(store.get).not.toHaveBeenCalled();
    expect(counters).toStrictEqual({ storeErrors: 1, storeTimeouts: 0, bypassed: 1, breakerOpenings: 1 });
  });
});

describe('GuardedStore.acquire abandoned at the timeout', () => {
  async function abandonedAcquire(lateAnswer: (attempt: Deferred<unknown>) => void) {
    const store = makeStore();
    const attempt = deferred<unknown>();
    store.acquire.mockImplementation(() => attempt.promise);
    store.release.mockImplementation(() => Promise.resolve(1));
    const { guarded, counters, events } = setup(FAILURES, store);
    const acquired = guarded.acquire('lock-key', 'token-1', 5000);
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(await acquired).toBe(FAILED);
    expect(store.release).not.toHaveBeenCalled(); // nothing to give back yet
    lateAnswer(attempt);
    await flush();
    return { store, counters, events };
  }

  it('later resolving true: the lock is released with the same key and token', async () => {
    const { store, counters, events } = await abandonedAcquire((attempt) => attempt.resolve(true));
    expect(store.release.mock.calls).toStrictEqual([['lock-key', 'token-1']]);
    expect(store.acquire.mock.calls).toStrictEqual([['lock-key', 'token-1', 5000]]);
    expect(counters).toStrictEqual({ storeErrors: 0, storeTimeouts: 1, bypassed: 0, breakerOpenings: 0 });
    expect(events).toStrictEqual([{ type: 'store-timeout', operation: 'acquire', key: 'lock-key' }]);
  });

  it.each<[string, (attempt: Deferred<unknown>) => void]>([
    ['resolving false', (attempt) => attempt.resolve(false)],
    ['resolving a truthy non-true value', (attempt) => attempt.resolve('OK')],
    ['rejecting', (attempt) => attempt.reject(new Error('late failure'))],
  ])('later %s: nothing is released, nothing more is counted', async (_name, lateAnswer) => {
    const { store, counters, events } = await abandonedAcquire(lateAnswer);
    expect(store.release).not.toHaveBeenCalled();
    expect(counters).toStrictEqual({ storeErrors: 0, storeTimeouts: 1, bypassed: 0, breakerOpenings: 0 });
    expect(events).toHaveLength(1);
  });

  it('an acquire that answers true in time is not released', async () => {
    const store = makeStore();
    store.acquire.mockImplementation(() => Promise.resolve(true));
    const { guarded } = setup(FAILURES, store);
    expect(await guarded.acquire('lock-key', 'token-1', 5000)).toBe(true);
    await flush();
    expect(store.release).not.toHaveBeenCalled();
  });
});

describe('GuardedStore: a pause of this process is not the store\'s fault', () => {
  /**
   * A pause of the event loop (a long GC, a slow handler) of `ms`: the clock
   * jumps ahead of the timers, so the next one to fire fires that late.
   * (vi.setSystemTime would move the timers with the clock.)
   */
  let paused = 0;
  function pause(ms: number): void {
    paused += ms;
  }
  beforeEach(() => {
    paused = 0;
    const fakeNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => fakeNow() + paused);
  });

  it('a timer that fires late gives the store a fresh window: an answer read in it is a success', async () => {
    const store = makeStore();
    const answer = deferred<string>();
    store.get.mockImplementation(() => answer.promise);
    const { guarded, counters } = setup(FAILURES, store);
    let settled: unknown = 'pending';
    void guarded.get('k').then((value) => (settled = value));
    await flush();
    pause(3 * TIMEOUT_MS);
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS); // the timer fires, 300 ms late
    await flush();
    expect(settled).toBe('pending');
    answer.resolve('here'); // the reply, read once the loop runs again
    await flush();
    expect(settled).toBe('here');
    expect(counters).toStrictEqual({ storeErrors: 0, storeTimeouts: 0, bypassed: 0, breakerOpenings: 0 });
  });

  it('a store that does not answer in the fresh window either times out: one window more, never two', async () => {
    const store = makeStore();
    store.get.mockImplementation(() => new Promise(() => {}));
    const { guarded, counters, events } = setup(FAILURES, store);
    let settled: unknown = 'pending';
    void guarded.get('frozen').then((value) => (settled = value));
    await flush();
    pause(3 * TIMEOUT_MS);
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS); // late: a fresh window
    await flush();
    expect(settled).toBe('pending');
    pause(3 * TIMEOUT_MS); // stalled again: no third window
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    await flush();
    expect(settled).toBe(FAILED);
    expect(counters.storeTimeouts).toBe(1);
    expect(events).toStrictEqual([{ type: 'store-timeout', operation: 'get', key: 'frozen' }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('on time, the timeout waits for the I/O phase: an answer delivered there is a success', async () => {
    const store = makeStore();
    const answer = deferred<string>();
    store.get.mockImplementation(() => answer.promise);
    const { guarded, counters } = setup(FAILURES, store);
    let settled: unknown = 'pending';
    void guarded.get('k').then((value) => (settled = value));
    await flush();
    vi.advanceTimersByTime(TIMEOUT_MS); // the timer fires on time; the timeout is declared after I/O
    answer.resolve('read in the same turn');
    await flush();
    expect(settled).toBe('read in the same turn');
    expect(counters.storeTimeouts).toBe(0);
  });
});

describe('GuardedStore: a store that says it is not ready', () => {
  it('is skipped at once (bypassed), without a wait, a failure or a breaker opening; used again once ready', async () => {
    let ready = false;
    const store = { ...makeStore(), ready: vi.fn(() => ready) };
    const { guarded, counters, events } = setup(1, store);
    for (const operation of OPERATIONS) expect(await run(guarded, operation)).toBe(FAILED);
    expect(counters).toStrictEqual({ storeErrors: 0, storeTimeouts: 0, bypassed: 5, breakerOpenings: 0 });
    expect(events).toStrictEqual([]);
    expect(guarded.breakerOpen).toBe(false);
    for (const operation of OPERATIONS) expect(store[operation]).not.toHaveBeenCalled();
    ready = true;
    store.get.mockImplementation(() => 'value');
    expect(await guarded.get('k')).toBe('value');
  });

  it('a ready() that throws says nothing: the store is used', async () => {
    const store = {
      ...makeStore(),
      ready: () => {
        throw new Error('no idea');
      },
    };
    store.get.mockImplementation(() => 'value');
    const { guarded, counters } = setup(FAILURES, store);
    expect(await guarded.get('k')).toBe('value');
    expect(counters.bypassed).toBe(0);
  });
});
