/**
 * namedCaches() holds caches weakly: a named cache nobody holds is collected
 * and leaves the list; a strongly held control stays.
 */
import { describe, expect, it } from 'vitest';
import { lruCache, namedCaches } from '../../src/index.js';
import { Watcher } from '../support/gc.js';

describe('namedCaches() holds caches weakly', () => {
  it('a dropped named cache is collected and no longer listed; a held one is', async () => {
    const watcher = new Watcher();
    const control = lruCache((n: number) => n, { name: 'gc-control' });
    control(1);
    const dropped: number[] = [];
    (function makeAndDrop() {
      for (let i = 0; i < 20; i++) {
        const f = lruCache((n: number) => new Array(1000).fill(n), { name: 'gc-dropped' });
        f(i);
        dropped.push(watcher.watch(f));
      }
    })();
    expect(namedCaches().filter((c) => c.name === 'gc-dropped').length).toBeGreaterThan(0);
    expect(await watcher.awaitCollected(dropped)).toBe(true);
    expect(namedCaches().filter((c) => c.name === 'gc-dropped')).toHaveLength(0);
    expect(namedCaches().filter((c) => c.name === 'gc-control').map((c) => c.fn)).toEqual([control]);
  });
});
