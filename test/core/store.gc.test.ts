import { describe, expect, it } from 'vitest';
import { Cache } from '../../src/cache.js';
import type { TrieNode } from '../../src/keys.js';
import { collectUntil } from '../support/gc.js';

function rootOf(cache: Cache, count: number): TrieNode | undefined {
  return (cache as unknown as { roots: (TrieNode | undefined)[] }).roots[count];
}

describe('collected object keys give their trie branches back', () => {
  it.each([
    ['unbounded', Infinity],
    ['bounded', 1000],
  ])('%s: f(id, object) leaves no node per id once the objects are gone', async (_label, maxSize) => {
    const cache = new Cache(maxSize, 0);
    const held = {};
    cache.store(['held', held], 2, 'control', false);
    (function fill() {
      for (let i = 0; i < 200; i++) cache.store([`request-${i}`, { i }], 2, i, false);
    })();
    const root = rootOf(cache, 2)!;
    expect(root.size).toBe(201);
    const pruned = await collectUntil(() => root.size === 1);
    expect(pruned).toBe(true);
    expect(root.live).toBe(1);
    expect(cache.size).toBe(1);
    expect(cache.get(['held', held], 2)).toBe('control'); // the control survived
  });
});
