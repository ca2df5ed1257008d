import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lruCache } from '../../src/index.js';

describe('ttl', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never returns an entry older than ttl: the call is a miss and runs again', () => {
    let runs = 0;
    const f = lruCache((x: number) => x + runs++, { ttl: 1000 });
    expect(f(1)).toBe(1);
    vi.advanceTimersByTime(999);
    expect(f(1)).toBe(1);
    vi.advanceTimersByTime(1);
    expect(f(1)).toBe(2); // exactly ttl old: stale
    expect(f.cacheInfo()).toEqual({ hits: 1, misses: 2, maxSize: 128, currSize: 1 });
  });

  it('currSize does not count expired entries', () => {
    const f = lruCache((x: number) => x, { ttl: 100 });
    f(1);
    f(2);
    vi.advanceTimersByTime(50);
    f(3);
    expect(f.cacheInfo().currSize).toBe(3);
    vi.advanceTimersByTime(50);
    expect(f.cacheInfo().currSize).toBe(1);
    vi.advanceTimersByTime(50);
    expect(f.cacheInfo().currSize).toBe(0);
  });

  it('expires object-keyed entries too', () => {
    let runs = 0;
    const f = lruCache((o: object) => (runs++, o), { ttl: 10 });
    const key = {};
    f(key);
    f(key);
    vi.advanceTimersByTime(10);
    f(key);
    expect(runs).toBe(2);
    expect(f.cacheInfo()).toMatchObject({ hits: 1, misses: 2, currSize: 1 });
  });

  it('a re-stored entry gets a fresh ttl, and bounded eviction still works', () => {
    let runs = 0;
    const f = lruCache((x: number) => (runs++, x), { ttl: 100, maxSize: 2 });
    f(1);
    vi.advanceTimersByTime(60);
    f(2);
    f(3); // evicts 1
    vi.advanceTimersByTime(60); // 2 and 3 are 60 ms old
    f(2);
    f(3);
    expect(runs).toBe(3);
    expect(f.cacheInfo().currSize).toBe(2);
  });
});

describe('ttl in real time', () => {
  it('expires after the wall clock passes ttl', async () => {
    let runs = 0;
    const f = lruCache((x: number) => (runs++, x), { ttl: 30 });
    f(1);
    f(1);
    expect(runs).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    f(1);
    expect(runs).toBe(2);
  });
});
