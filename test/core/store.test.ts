import { describe, expect, it } from 'vitest';
import { Cache } from '../../src/cache.js';
import type { TrieNode } from '../../src/keys.js';
import { RecencyList } from '../../src/store.js';

/** Reads the trie root for an argument count (white-box, for pruning checks). */
function rootOf(cache: Cache, count: number): TrieNode | undefined {
  return (cache as unknown as { roots: (TrieNode | undefined)[] }).roots[count];
}

describe('RecencyList', () => {
  it('evicts the least recently used slot and reuses it', () => {
    const evicted: number[] = [];
    const list = new RecencyList(3, { evictSlot: (slot) => void evicted.push(slot) });
    const [a, b, c] = [list.allocate(), list.allocate(), list.allocate()];
    list.touch(a);
    const d = list.allocate();
    expect(evicted).toEqual([b]);
    expect(d).toBe(b);
    expect([...list.slotsOldestFirst()]).toEqual([c, a, d]);
    expect(list.size).toBe(3);
  });

  it('releases and reuses slots, growing past its initial capacity', () => {
    const list = new RecencyList(Infinity, {
      evictSlot() {
        throw new Error('an unbounded list never evicts');
      },
    });
    const slots = Array.from({ length: 100 }, () => list.allocate());
    expect(new Set(slots).size).toBe(100);
    list.release(slots[50]!);
    list.release(slots[0]!);
    expect(list.size).toBe(98);
    expect(list.allocate()).toBe(slots[0]);
    expect([...list.slotsOldestFirst()].length).toBe(99);
    list.clear();
    expect(list.size).toBe(0);
    expect([...list.slotsOldestFirst()]).toEqual([]);
  });

  it('touch on the head and on the tail keeps the order consistent', () => {
    const list = new RecencyList(4, { evictSlot() {} });
    const s = [list.allocate(), list.allocate(), list.allocate()];
    list.touch(s[2]!); // head already
    list.touch(s[0]!); // tail
    expect([...list.slotsOldestFirst()]).toEqual([s[1], s[2], s[0]]);
  });
});

describe('Cache trie pruning', () => {
  it('a bounded cache over ever-new primitive keys keeps its trie at the bound', () => {
    const cache = new Cache(10, 0);
    for (let i = 0; i < 10_000; i++) cache.store([i, i % 3, 'x'], 3, i, false);
    const root = rootOf(cache, 3)!;
    expect(cache.size).toBe(10);
    expect(root.live).toBe(10);
    expect(root.size).toBe(10); // one first key per live entry: evicted ones were pruned
  });

  it('delete prunes emptied branches up to the root', () => {
    const cache = new Cache(Infinity, 0);
    cache.store([1, 2], 2, 'a', false);
    cache.store([1, 3], 2, 'b', false);
    const root = rootOf(cache, 2)!;
    expect(root.size).toBe(1);
    expect(cache.delete([1, 2], 2)).toBe(true);
    expect(root.size).toBe(1);
    expect(cache.delete([1, 3], 2)).toBe(true);
    expect(root.size).toBe(0);
    expect(root.live).toBe(0);
    expect(cache.delete([1, 3], 2)).toBe(false);
  });

  it('evicting object-keyed entries prunes their primitive prefixes', () => {
    const cache = new Cache(5, 0);
    const keep: object[] = [];
    for (let i = 0; i < 1000; i++) {
      const o = {};
      keep.push(o);
      cache.store([`request-${i}`, o], 2, i, false);
    }
    const root = rootOf(cache, 2)!;
    expect(cache.size).toBe(5);
    expect(root.size).toBe(5);
  });
});
