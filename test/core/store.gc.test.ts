import { describe, expect, it } from 'vitest';
import { MISS } from '../../src/table.js';
import { collectUntil } from '../support/gc.js';
import { rootOf, tableOf } from '../support/tables.js';

describe('collected object keys give their trie branches back', () => {
  it.each([
    ['unbounded', Infinity],
    ['bounded', 1000],
  ])('%s: f(id, object) leaves no node per id once the objects are gone', async (_label, maxSize) => {
    const table = tableOf(maxSize);
    const held = {};
    table.store(['held', held], 2, 'control', undefined);
    (function fill() {
      for (let i = 0; i < 200; i++) table.store([`request-${i}`, { i }], 2, i, undefined);
    })();
    const root = rootOf(table, 2)!;
    expect(root.size).toBe(201);
    const pruned = await collectUntil(() => root.size === 1);
    expect(pruned).toBe(true);
    expect(root.live).toBe(1);
    expect(table.entries).toBe(1);
    expect(table.get(['held', held], 2)).toBe('control'); // the control survived
    expect(table.get(['request-0', {}], 2)).toBe(MISS);
  });
});
