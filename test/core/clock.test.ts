/**
 * The clock every ttl reads (src/clock.ts): monotonic (a wall-clock step
 * moves no expiry), cheap on the hit path (a cached reading, refreshed by a
 * 1 ms timer and by every write), and driven by fake timers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cached, cacheInfo, lruCache } from '../../src/index.js';
import { RESOLUTION_MS } from '../../src/clock.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('the ttl hit path reads a cached clock', () => {
  it('hits within one synchronous job do not read the clock; the first hit after the event loop turned does', async () => {
    const f = lruCache((n: number) => n * 2, { ttl: 60_000 });
    f(1);
    const now = vi.spyOn(performance, 'now');
    for (let i = 0; i < 3200; i++) f(1);
    expect(now).toHaveBeenCalledTimes(0);
    expect(f.cacheInfo().hits).toBe(3200); // (cacheInfo reads the clock itself: it counts fresh entries)
    now.mockClear();
    await sleep(RESOLUTION_MS + 5); // the refresh timer marks the reading stale
    f(1);
    f(1);
    expect(now).toHaveBeenCalledTimes(1); // expiry stays checked: one read, then cached again
  });

  it('across tasks an expired entry is a miss once the reading is stale', async () => {
    let time = 1_000_000;
    vi.spyOn(performance, 'now').mockImplementation(() => time);
    let runs = 0;
    const f = lruCache((n: number) => (runs++, n), { ttl: 100 });
    f(1);
    time += 100;
    await sleep(RESOLUTION_MS + 5);
    f(1);
    expect(runs).toBe(2);
  });

  it('inside one synchronous job, time moves on when a cache with a ttl stores something', () => {
    let time = 1_000_000;
    vi.spyOn(performance, 'now').mockImplementation(() => time);
    let runs = 0;
    const f = lruCache((n: number) => (runs++, n), { ttl: 100 });
    const other = lruCache((n: number) => n, { ttl: 5 });
    f(1);
    time += 100; // expired; no timer can fire inside this job
    f(1);
    expect(runs).toBe(1); // served from the cached reading (documented: until the job ends or a cache stores)
    other(7); // a store by any cache with a ttl refreshes the reading
    f(1);
    expect(runs).toBe(2);
  });
});

describe('a wall-clock step moves no expiry', () => {
  it('the system clock stepped back an hour: entries still expire after ttl', () => {
    vi.useFakeTimers();
    let runs = 0;
    const f = lruCache((n: number) => (runs++, n), { ttl: 1000 });
    f(1);
    vi.setSystemTime(Date.now() - 3_600_000);
    vi.advanceTimersByTime(999);
    f(1);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(1);
    f(1);
    expect(runs).toBe(2);
  });

  it('the system clock stepped forward an hour: entries are not expired early', () => {
    vi.useFakeTimers();
    let runs = 0;
    const f = lruCache((n: number) => (runs++, n), { ttl: 1000 });
    f(1);
    vi.setSystemTime(Date.now() + 3_600_000);
    f(1);
    expect(runs).toBe(1);
    expect(f.cacheContains(1)).toBe(true);
  });

  it('Date.now() jumping (as under NTP) does not matter either', () => {
    let runs = 0;
    const f = lruCache((n: number) => (runs++, n), { ttl: 60_000 });
    f(1);
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 86_400_000);
    f(1);
    expect(runs).toBe(1);
  });
});

describe('fake timers drive expiry, for members as for functions', () => {
  it('vi.advanceTimersByTime expires a cached getter and a method', () => {
    vi.useFakeTimers();
    let builds = 0;
    class Config {
      @cached({ ttl: 500 })
      get settings() {
        builds++;
        return { builds };
      }
      @cached({ ttl: 500 })
      lookup(key: string) {
        builds++;
        return key;
      }
    }
    const c = new Config();
    void c.settings;
    c.lookup('a');
    vi.advanceTimersByTime(499);
    void c.settings;
    c.lookup('a');
    expect(builds).toBe(2);
    vi.advanceTimersByTime(1);
    void c.settings;
    c.lookup('a');
    expect(builds).toBe(4);
    expect(cacheInfo(c, 'settings')).toEqual({ hits: 1, misses: 2, maxSize: 128, currSize: 1, evictions: 0 });
  });
});
