/** White-box access to a cache's table, for the container and trie tests. */
import { lruCache } from '../../src/index.js';
import type { TrieNode } from '../../src/keys.js';
import type { Table } from '../../src/table.js';
import { groupOf } from '../../src/wrap.js';

/** The table of a fresh function's calls without a receiver, bounded by `maxSize`. */
export function tableOf(maxSize: number): Table {
  return groupOf(lruCache(() => 0, { maxSize }))!.unscoped.table!;
}

/** The trie root of a table for an argument count. */
export function rootOf(table: Table, count: number): TrieNode | undefined {
  return (table as unknown as { roots: (TrieNode | undefined)[] }).roots[count];
}
