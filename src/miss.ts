/**
 * The miss: one protocol for every cache of every function.
 *
 * 1. Count it (the cache's misses, the function's), publish `lru-memo:miss`,
 *    and tell listeners what the lookup removed (events/index.ts): all before any
 *    user code of the call runs.
 * 2. Compute. With no part that acts on a miss, that is the function itself.
 *    Otherwise one {@link Miss} object goes through the stages, composed once
 *    per function in this order (outermost first):
 *      grace   a stale entry answers if the refresh fails or is slow (grace/stage.ts)
 *      policy  shouldCache / ttl as a function decide the result's life (policies/policy.ts)
 *      tier    a store shared by every process answers first (tier.ts)
 *      compute the function
 *    Each stage leaves on the miss the value the caller gets and its expiry
 *    (async.ts: the cache's own rule, a number, not cached, keep what is
 *    there, or a promise of one of those for a promise value): a stage reads
 *    what the inner ones decided and never asks anyone else.
 * 3. Store, unless the cache was cleared while the call ran (the clear wins).
 * 4. Tell listeners what the store evicted.
 *
 * A throw (the function's, a policy's) propagates and nothing is stored.
 */
import type { Expiry } from './async.js';
import { DETACHED, HELD, NO_KEYS, type Cache } from './cache.js';
import { flushEvents, missed } from './notify.js';
import { parts } from './parts.js';
import type { Group } from './group.js';

/** One miss on its way through the stages. */
export class Miss {
  /** What the caller gets, and the cache stores. */
  value: unknown = undefined;
  /** When the stored entry expires (see async.ts); undefined: the cache's own rule. */
  expiry: Expiry | PromiseLike<Expiry> = undefined;
  /** What a part keeps with the stored entry (grace: the refresh that runs on). */
  state: unknown = undefined;

  constructor(
    readonly group: Group,
    /** The cache the result goes to; undefined for a request-scoped call outside any request (not stored). */
    readonly cache: Cache | undefined,
    readonly receiver: unknown,
    readonly args: ArrayLike<unknown>,
    /** What the call is keyed by: the arguments, or option `key`'s one value (what a tier encodes). */
    readonly keys: ArrayLike<unknown>,
    readonly count: number,
    /** What the cache stores it under: `keys`, after the scope key in the keyed cache. */
    readonly cacheKeys: ArrayLike<unknown>,
    readonly cacheCount: number,
  ) {}
}

/** What a miss runs: leaves the value and its expiry on the miss. */
export type Computation = (miss: Miss) => void;
/** A part that acts on a miss: wraps the computation inside it. */
export type Stage = (next: Computation) => Computation;

/** The innermost computation: the function itself. */
const callFunction: Computation = (miss) => {
  miss.value = miss.group.fn.apply(miss.receiver, miss.args as never[]);
};

/**
 * The computation of a function with these stages (grace, policy, tier, in
 * that order, each undefined when not configured); undefined when there is
 * none, and a miss runs the function itself.
 */
export function compose(grace: Stage | undefined, policy: Stage | undefined, tier: Stage | undefined): Computation | undefined {
  if (grace === undefined && policy === undefined && tier === undefined) return undefined;
  let computation = callFunction;
  for (const stage of [tier, policy, grace]) if (stage !== undefined) computation = stage(computation);
  return computation;
}

/**
 * Whether a miss of `group` has nothing to tell: no events part, or a quiet
 * group while nothing is queued and nobody subscribes to the channels.
 */
function isSilent(group: Group): boolean {
  const events = parts.events;
  return events === undefined || (group.quiet && events.silent());
}

/**
 * The miss protocol (see the module comment), one function for every cache
 * and every arity: `args` are the call's arguments (for zero to three, also
 * given as `a`, `b`, `c` with `args` undefined: a plain miss then allocates
 * nothing to call the function); `keys` what it is keyed by; `cacheKeys` what
 * `cache` stores it under (both default to the arguments).
 *
 * It is one function on purpose, with its steps written out: V8 inlines no
 * function of more than 460 bytes of bytecode, so the hit paths that end in
 * it stay small enough for V8 to inline them into their callers. (Inlined,
 * the miss made each cached function's hit path too big to inline into its
 * caller, and every hit then paid a call: in a process whose other caches
 * miss often, the bounded hit cost 365 instructions instead of 236.)
 */
export function runMiss(
  group: Group,
  cache: Cache | undefined,
  receiver: unknown,
  count: number,
  a: unknown,
  b: unknown,
  c: unknown,
  args?: ArrayLike<unknown>,
  keys?: ArrayLike<unknown>,
  cacheKeys?: ArrayLike<unknown>,
  cacheCount = count,
): unknown {
  const fn = group.fn as (this: unknown, ...args: unknown[]) => unknown;
  if (count === 1 && args === undefined && cache !== undefined && group.compute === undefined && isSilent(group)) {
    // The plain miss of one key, nothing to tell: the steps below with nothing that would not run.
    cache.misses++;
    if (cache.stamp !== HELD) group.receiverMisses++;
    const clears = group.clears;
    const table = cache.table;
    if (table === undefined) {
      const value = fn.call(receiver, a);
      if (group.clears === clears && cache.stamp !== DETACHED) cache.store1(group, a, value);
      return value;
    }
    const { epoch, writes } = table;
    const value = fn.call(receiver, a);
    if (group.clears === clears && cache.stamp !== DETACHED && table.epoch === epoch) table.store1(a, value, table.writes === writes);
    return value;
  }
  // 1. Counted (a request-scoped call outside any request has no cache), and told, before anything runs.
  if (cache !== undefined) {
    cache.misses++;
    if (cache.stamp !== HELD) group.receiverMisses++;
  }
  missed(group);
  flushEvents();
  // What a clear, or a store, while the call runs would change.
  const clears = group.clears;
  const table = cache === undefined ? undefined : cache.table;
  const epoch = table === undefined ? -1 : table.epoch;
  const writes = table === undefined ? -1 : table.writes;
  // 2. Computed: the function itself, or the stages with one Miss.
  const compute = group.compute;
  let value: unknown;
  let expiry: Expiry | PromiseLike<Expiry> = undefined;
  let state: unknown = undefined;
  if (compute === undefined && args === undefined) {
    if (count === 1) value = fn.call(receiver, a);
    else if (count === 0) value = fn.call(receiver);
    else if (count === 2) value = fn.call(receiver, a, b);
    else value = fn.call(receiver, a, b, c);
  } else {
    args ??= count === 1 ? [a] : count === 0 ? NO_KEYS : count === 2 ? [a, b] : [a, b, c];
    keys ??= args;
    if (compute === undefined) {
      value = fn.apply(receiver, args as unknown[]);
    } else {
      const miss = new Miss(group, cache, receiver, args, keys, count, cacheKeys ?? keys, cacheCount);
      compute(miss);
      value = miss.value;
      expiry = miss.expiry;
      state = miss.state;
    }
  }
  // 3. Stored, unless the cache was cleared meanwhile (a clear-all, its receiver's own clear, a budget's clear).
  if (cache !== undefined && group.clears === clears && cache.stamp !== DETACHED && (table === undefined || table.epoch === epoch)) {
    if (count === 1 && cacheKeys === undefined && keys === undefined && expiry === undefined && state === undefined) {
      // One key, the function's own result: no key array, no walk (nor a second lookup, if nothing was stored meanwhile).
      if (table !== undefined) table.store1(a, value, table.writes === writes);
      else cache.store1(group, a, value);
    } else {
      keys ??= args ?? (count === 0 ? NO_KEYS : count === 2 ? [a, b] : [a, b, c]);
      cache.store(group, cacheKeys ?? keys, cacheCount, value, expiry, state);
    }
  }
  // 4. Told what the store evicted.
  flushEvents();
  return value;
}
