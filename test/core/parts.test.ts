/**
 * The optional parts (grace, policies, events) as a program meets them: this
 * file imports none of them statically (vitest gives each file its own module
 * graph), so the first calls see the core alone. An option of a part not
 * loaded is a TypeError naming the import; once the part is imported, the
 * same option works, for caches made afterwards. (The bundle sizes without
 * the parts are checked in test/package/package.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { lruCache } from '../../src/index.js';
import { parts } from '../../src/parts.js';

const one = async (n: number) => n;

describe('parts are installed by importing them, and named when missing', () => {
  it('without any import, no part is installed and every option of one names its import', () => {
    expect(Object.keys(parts)).toEqual([]);
    expect(() => lruCache(one, { ttl: 1000, grace: 5000 })).toThrow("add import 'lru-memo/grace'");
    expect(() => lruCache(one, { shouldCache: () => true })).toThrow("add import 'lru-memo/policies'");
    expect(() => lruCache(one, { ttl: () => 5 })).toThrow("add import 'lru-memo/policies'");
    expect(() => lruCache(one, { onEvict: () => {} })).toThrow("add import 'lru-memo/events'");
    // The plain options need nothing.
    const plain = lruCache((n: number) => n * 2, { maxSize: 2, ttl: 1000 });
    expect(plain(2)).toBe(4);
  });

  it('after the import, the option works', async () => {
    await import('../../src/grace/index.js');
    await import('../../src/policies/index.js');
    await import('../../src/events/index.js');
    expect(Object.keys(parts).sort()).toEqual(['events', 'grace', 'policies']);

    let fail = false;
    const graced = lruCache(
      (n: number) => {
        if (fail) throw new Error('down');
        return n;
      },
      { ttl: 1, grace: 60_000 },
    );
    expect(graced(1)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20)); // past the ttl
    fail = true;
    expect(graced(1)).toBe(1); // the stale value answers the failure
    expect(graced.cacheInfo().staleAnswers).toBe(1);

    const refused = lruCache((n: number) => n, { shouldCache: (value) => value > 0 });
    refused(0);
    refused(0);
    expect(refused.cacheInfo()).toMatchObject({ hits: 0, misses: 2, currSize: 0 });

    const told: unknown[] = [];
    const evicting = lruCache((n: number) => n, { maxSize: 1, onEvict: (key, value, reason) => told.push([key, value, reason]) });
    evicting(1);
    evicting(2);
    expect(told).toEqual([[[1], 1, 'evict']]);
  });
});
