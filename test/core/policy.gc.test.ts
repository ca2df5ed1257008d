/**
 * A result refused by `shouldCache` (or given 0 ms by a ttl function) keeps
 * nothing alive, sync or async: its value is collected while its argument is
 * still in use. The control: the values accepted are kept.
 */
import { describe, expect, it } from 'vitest';
import { lruCache } from '../../src/index.js';
import { Watcher } from '../support/gc.js';
import '../../src/policies/index.js';

type Value = { payload: number[]; keep: boolean };

describe('a refused result keeps nothing alive', () => {
  it.each([
    ['shouldCache, synchronous', false, { shouldCache: (v: Value) => v.keep }],
    ['shouldCache, async', true, { shouldCache: (v: Value) => v.keep }],
    ['ttl answering 0, synchronous', false, { ttl: (v: Value) => (v.keep ? Infinity : 0) }],
    ['ttl answering 0, async', true, { ttl: (v: Value) => (v.keep ? Infinity : 0) }],
  ])('%s: refused values are collected; accepted ones are kept', async (_name, async, policy) => {
    const watcher = new Watcher();
    const make = (arg: { keep: boolean }): Value => ({ payload: new Array(100).fill(1), keep: arg.keep });
    const f = lruCache((arg: { keep: boolean }) => (async ? Promise.resolve(make(arg)) : make(arg)), {
      maxSize: Infinity,
      ...(policy as object),
    });
    const refused: number[] = [];
    const kept: number[] = [];
    // Every argument stays reachable, so an entry can only go because it was never stored.
    const args: object[] = [];
    // In a function of its own: a suspended async frame may keep its last locals alive.
    const call = async (i: number) => {
      const arg = { keep: i % 2 === 0 };
      const value = await f(arg);
      (arg.keep ? kept : refused).push(watcher.watch(value));
      args.push(arg);
    };
    for (let i = 0; i < 40; i++) await call(i);
    await watcher.awaitCollected(refused, 30);
    expect(refused.filter((index) => !watcher.collected(index))).toEqual([]);
    expect(kept.some((index) => watcher.collected(index))).toBe(false);
    expect(f.cacheInfo().currSize).toBe(20);
    expect(args).toHaveLength(40);
  });
});
