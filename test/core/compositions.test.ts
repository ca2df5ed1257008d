/**
 * Features composed: grace with a ttl function, with shouldCache, with the
 * shared tier, and diagnostics subscribers that call back into the cache.
 * Each test is a defect found by a hostile review of the old core (where one
 * call's state travelled through fields parked on shared objects and tables
 * keyed by its promise); each failed there and must hold by construction now:
 * a miss is one object through ordered stages that returns its value with its
 * expiry, and events are published once the operation's bookkeeping is done.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EVICT_CHANNEL, createBudget, lruCache } from '../../src/index.js';
import { sharedStats, sharedTier } from '../../src/shared/index.js';
import { MemoryStore } from '../support/memory-store.js';
import '../../src/grace/index.js';
import '../../src/policies/index.js';
import '../../src/events/index.js';

/** An async source answering `${key}#${run}` after `delay` ms of fake time. */
function slowSource() {
  const state = { runs: 0, delay: 0, answer: undefined as string | undefined };
  const load = async (key: string) => {
    const run = ++state.runs;
    if (state.delay > 0) await new Promise((resolve) => setTimeout(resolve, state.delay));
    return state.answer ?? `${key}#${run}`;
  };
  return { state, load };
}

describe('grace composed with per-result policies', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ttl as a function + grace + softTimeoutMs: a refresh slower than the soft timeout is stored once it fulfils, and calls meanwhile start nothing', async () => {
    const { state, load } = slowSource();
    const f = lruCache(load, { ttl: () => 100, grace: 10_000, softTimeoutMs: 10 });
    expect(await f('a')).toBe('a#1');
    await vi.advanceTimersByTimeAsync(150); // stale
    state.delay = 40;
    const answers: string[] = [];
    // Eight calls 10 ms apart: the first answers stale at its soft timeout, the refresh fulfils at 40 ms.
    for (let i = 0; i < 8; i++) {
      void f('a').then((value) => answers.push(value));
      await vi.advanceTimersByTimeAsync(10);
    }
    await vi.advanceTimersByTimeAsync(50);
    expect(state.runs).toBe(2); // one refresh for all eight calls
    expect(answers.slice(0, 3)).toEqual(['a#1', 'a#1', 'a#1']); // while it ran: the stale value at once
    expect(answers.slice(-4)).toEqual(['a#2', 'a#2', 'a#2', 'a#2']); // once it fulfilled: its value, a hit
    expect(await f('a')).toBe('a#2');
    expect(state.runs).toBe(2);
  });

  it('control, a fixed ttl: the same calls serve the refreshed value once it fulfils', async () => {
    const { state, load } = slowSource();
    const f = lruCache(load, { ttl: 100, grace: 10_000, softTimeoutMs: 10 });
    expect(await f('a')).toBe('a#1');
    await vi.advanceTimersByTimeAsync(150);
    state.delay = 40;
    const answers: string[] = [];
    for (let i = 0; i < 8; i++) {
      void f('a').then((value) => answers.push(value));
      await vi.advanceTimersByTimeAsync(10);
    }
    await vi.advanceTimersByTimeAsync(50);
    expect(state.runs).toBe(2);
    expect(answers.slice(-4)).toEqual(['a#2', 'a#2', 'a#2', 'a#2']);
  });

  it('a refreshed value that shouldCache refuses is not cached, even when the refresh finished after the soft timeout', async () => {
    const { state, load } = slowSource();
    const f = lruCache(load, { ttl: 100, grace: 10_000, softTimeoutMs: 10, shouldCache: (value) => value !== 'refused' });
    expect(await f('a')).toBe('a#1');
    await vi.advanceTimersByTimeAsync(150);
    state.delay = 40;
    state.answer = 'refused';
    expect(await Promise.all([f('a'), vi.advanceTimersByTimeAsync(10)]).then(([value]) => value)).toBe('a#1'); // stale
    await vi.advanceTimersByTimeAsync(40); // the refresh fulfils with a value the policy refuses
    state.delay = 0;
    state.answer = undefined;
    const hitsBefore = f.cacheInfo().hits;
    expect(await f('a')).toBe('a#3'); // the refused value was not kept: the function runs again
    expect(f.cacheInfo().hits).toBe(hitsBefore);
    expect(state.runs).toBe(3);
  });

  it('shouldCache throwing on a refreshed value answers stale alike for a synchronous and an async function', async () => {
    const policy = (value: string) => {
      if (value.endsWith('#2')) throw new Error('policy failed');
      return true;
    };
    let syncRuns = 0;
    const sync = lruCache((key: string) => `${key}#${++syncRuns}`, { ttl: 100, grace: 10_000, shouldCache: policy });
    let asyncRuns = 0;
    const asynchronous = lruCache(async (key: string) => `${key}#${++asyncRuns}`, { ttl: 100, grace: 10_000, shouldCache: policy });
    expect(sync('a')).toBe('a#1');
    expect(await asynchronous('a')).toBe('a#1');
    await vi.advanceTimersByTimeAsync(150);
    expect(sync('a')).toBe('a#1');
    expect(await asynchronous('a')).toBe('a#1');
    expect(sync.cacheInfo().staleAnswers).toBe(1);
    expect(asynchronous.cacheInfo().staleAnswers).toBe(1);
    // The next refresh succeeds and is stored, for both.
    expect(sync('a')).toBe('a#3');
    expect(await asynchronous('a')).toBe('a#3');
    expect(sync('a')).toBe('a#3');
    expect(syncRuns).toBe(3);
  });
});

describe('grace composed with the shared tier', () => {
  it('a stale answer is kept stale locally: once this process has written the refreshed value, its next call gets that value', async () => {
    const store = new MemoryStore();
    const state = { runs: 0, delayMs: 0 };
    const load = lruCache(
      async (day: string) => {
        const run = ++state.runs;
        if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
        return `${day}#${run}`;
      },
      { ttl: 200, grace: 60_000, softTimeoutMs: 10, shared: sharedTier({ store, namespace: 'compose-grace' }) },
    );
    expect(await load('mon')).toBe('mon#1');
    await vi.waitFor(() => expect(sharedStats(load).writes).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 250)); // stale locally and in the store
    state.delayMs = 100;
    expect(await load('mon')).toBe('mon#1'); // a stale answer at the soft timeout; the refresh runs on
    await vi.waitFor(() => expect(sharedStats(load).writes).toBe(2), { timeout: 5_000 });
    state.delayMs = 0;
    expect(await load('mon')).toBe('mon#2'); // the stale answer did not become a fresh local entry
    expect(state.runs).toBe(2);
  });
});

describe('diagnostics subscribers run after the bookkeeping', () => {
  function onEvicts(handler: () => void): () => void {
    subscribe(EVICT_CHANNEL, handler);
    return () => unsubscribe(EVICT_CHANNEL, handler);
  }

  it('a subscriber of lru-memo:evict may clear the cache: the call that evicted returns its value', () => {
    const f = lruCache((n: number) => n * 2, { maxSize: 2 });
    let cleared = 0;
    const stop = onEvicts(() => {
      cleared++;
      f.cacheClear();
    });
    try {
      f(1);
      f(2);
      expect(f(3)).toBe(6); // evicts 1, whose event clears the cache
    } finally {
      stop();
    }
    expect(cleared).toBe(1);
    expect(f.cacheInfo()).toMatchObject({ currSize: 0, hits: 0, misses: 0 });
    expect(f(4)).toBe(8);
    expect(f(4)).toBe(8);
    expect(f.cacheInfo()).toMatchObject({ currSize: 1, hits: 1, misses: 1 });
  });

  it('a subscriber may clear a budget: the budget and every cache in it keep working', () => {
    const budget = createBudget({ maxSize: 2 });
    const f = lruCache((n: number) => n * 2, { budget, maxSize: Infinity });
    const g = lruCache((n: number) => n * 3, { budget, maxSize: Infinity });
    let clears = 0;
    const stop = onEvicts(() => {
      if (clears++ === 0) budget.clear();
    });
    try {
      f(1);
      g(1);
      expect(f(2)).toBe(4); // the budget evicts f(1); its event clears the budget
    } finally {
      stop();
    }
    for (let i = 0; i < 10; i++) {
      expect(f(10 + i)).toBe(2 * (10 + i));
      expect(g(10 + i)).toBe(3 * (10 + i));
    }
    expect(budget.info().currSize).toBe(2);
    expect(f(19)).toBe(38);
    expect(g(19)).toBe(57);
  });

  it('a subscriber calling the cache for another key evicts the least recently used entry, not the one just stored', () => {
    const f = lruCache((n: number) => n * 2, { maxSize: 2 });
    let inside = false;
    const stop = onEvicts(() => {
      if (inside) return;
      inside = true;
      try {
        f(100);
      } finally {
        inside = false;
      }
    });
    try {
      f(1);
      f(2);
      f(3); // evicts 1; the subscriber then calls f(100), which evicts the least recent: 2
    } finally {
      stop();
    }
    expect(f.cacheContains(3)).toBe(true);
    expect(f.cacheContains(100)).toBe(true);
    expect(f.cacheContains(2)).toBe(false);
  });
});
