import { describe, expect, it } from 'vitest';
import { RecencyList } from '../../src/store.js';
import { rootOf, tableOf } from '../support/tables.js';

/** A recency list whose evictions are recorded (or refused). */
class List extends RecencyList {
  readonly evicted: number[];
  constructor(maxSize: number, refuse = false) {
    const evicted: number[] = [];
    super(maxSize, {
      evictSlot(slot) {
        if (refuse) throw new Error('an unbounded list never evicts');
        evicted.push(slot);
      },
    });
    this.evicted = evicted;
  }
}

describe('RecencyList', () => {
  it('evicts the least recently used slot and reuses it', () => {
    const list = new List(3);
    const [a, b, c] = [list.allocate(), list.allocate(), list.allocate()];
    list.touch(a);
    const d = list.allocate();
    expect(list.evicted).toEqual([b]);
    expect(d).toBe(b);
    expect(list.slotsOldestFirst()).toEqual([c, a, d]);
    expect(list.size).toBe(3);
  });

  it('releases and reuses slots, growing past its initial capacity', () => {
    const list = new List(Infinity, true);
    const slots = Array.from({ length: 100 }, () => list.allocate());
    expect(new Set(slots).size).toBe(100);
    list.release(slots[50]!);
    list.release(slots[0]!);
    expect(list.size).toBe(98);
    expect(list.allocate()).toBe(slots[0]);
    expect(list.slotsOldestFirst().length).toBe(99);
  });

  it('touch on the head and on the tail keeps the order consistent', () => {
    const list = new List(4);
    const s = [list.allocate(), list.allocate(), list.allocate()];
    list.touch(s[2]!); // head already
    list.touch(s[0]!); // tail
    expect(list.slotsOldestFirst()).toEqual([s[1], s[2], s[0]]);
  });

  it('a lone slot needs no links; the second one links both', () => {
    const list = new List(Infinity);
    const first = list.allocate();
    expect(list.slotsOldestFirst()).toEqual([first]);
    list.release(first);
    expect(list.slotsOldestFirst()).toEqual([]);
    const [a, b] = [list.allocate(), list.allocate()];
    list.touch(a);
    expect(list.slotsOldestFirst()).toEqual([b, a]);
  });
});

describe('Table trie pruning', () => {
  it('a bounded cache over ever-new primitive keys keeps its trie at the bound', () => {
    const table = tableOf(10);
    for (let i = 0; i < 10_000; i++) table.store([i, i % 3, 'x'], 3, i, undefined);
    const root = rootOf(table, 3)!;
    expect(table.entries).toBe(10);
    expect(root.live).toBe(10);
    expect(root.size).toBe(10); // one first key per live entry: evicted ones were pruned
  });

  it('delete prunes emptied branches up to the root', () => {
    const table = tableOf(Infinity);
    table.store([1, 2], 2, 'a', undefined);
    table.store([1, 3], 2, 'b', undefined);
    const root = rootOf(table, 2)!;
    expect(root.size).toBe(1);
    expect(table.delete([1, 2], 2)).toBe(true);
    expect(root.size).toBe(1);
    expect(table.delete([1, 3], 2)).toBe(true);
    expect(root.size).toBe(0);
    expect(root.live).toBe(0);
    expect(table.delete([1, 3], 2)).toBe(false);
  });

  it('evicting object-keyed entries prunes their primitive prefixes', () => {
    const table = tableOf(5);
    const keep: object[] = [];
    for (let i = 0; i < 1000; i++) {
      const o = {};
      keep.push(o);
      table.store([`request-${i}`, o], 2, i, undefined);
    }
    const root = rootOf(table, 2)!;
    expect(table.entries).toBe(5);
    expect(root.size).toBe(5);
  });
});
