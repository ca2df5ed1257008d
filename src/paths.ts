/**
 * The call paths: the code that runs on every call of a cached function.
 *
 * One is chosen at wrap time, for the function's declared parameter count (0
 * to 3 arguments without a rest array, or a general path) and for where its
 * calls usually go:
 * - a plain function is usually called without a receiver: its path tries the
 *   unscoped cache first and is kept small enough for V8 to inline it into
 *   the caller;
 * - a decorated member is usually called on an object: its path tries that
 *   object's record (scope.ts, record.ts) first;
 * - scope 'shared' sends every call to the unscoped cache;
 * - scope 'request' sends every call to the current request's record (the
 *   context comes from the plug-in that installed it: context.ts), and a call
 *   outside any request runs uncached.
 * A hit allocates nothing, checks no option and builds no key string. What the
 * first try does not answer (a miss, a NaN key, a grown or keyed cache, a
 * primitive receiver) goes to one slow path per arity, and misses to the group.
 *
 * `arguments.length` (no rest array) routes calls whose count differs from
 * the declared one to the general path: `f(1)` and `f(1, undefined)` differ.
 *
 * Flags (`timed`, `plain`) are tested with `=== true` / `=== false`: V8 does
 * not know that a closure variable or a field holds a boolean, so `if (flag)`
 * compiles to a full truthiness test (false, '', 0, NaN, undetectable
 * objects...: about ten instructions), where `=== true` is one comparison.
 */
import { MISS, type Cache, type Compute } from './cache.js';
import { fresh } from './clock.js';
import { requireProvider, type ContextProvider } from './context.js';
import { isObjectLike } from './keys.js';
import { GROWN, NO_KEYS, type InstanceRecord, type TimedRecord } from './record.js';
import { OUTSIDE, UNSCOPED, type CacheGroup } from './scope.js';
import type { AnyFunction } from './types.js';

/** What every path of one cached function knows, fixed at wrap time. */
interface Path {
  readonly fn: AnyFunction;
  readonly group: CacheGroup;
  readonly unscoped: Cache;
  /** What a miss runs: the function, or a load through a tier. */
  readonly compute: Compute;
  /** Misses run `fn` itself (no tier): the one-argument miss needs no argument array. */
  readonly plain: boolean;
  readonly timed: boolean;
  readonly scopeFn: ((self: unknown) => unknown) | undefined;
  /** Scope 'request': the current request's context (undefined outside any), whatever the receiver. */
  readonly contextOf: (() => object | undefined) | undefined;
}

export interface PathOptions {
  readonly key: AnyFunction | undefined;
  readonly ttl: number;
  readonly scope: 'instance' | 'shared' | 'request' | ((self: never) => unknown);
  /** A decorated member (calls usually have an object receiver). */
  readonly member: boolean;
  /** Error prefix, e.g. "lruCache 'load'" (scope 'request' without its plug-in). */
  readonly label: string;
}

/** Chooses the call path once, at wrap time. */
export function callPath(fn: AnyFunction, group: CacheGroup, compute: Compute, plain: boolean, options: PathOptions): AnyFunction {
  const path: Path = {
    fn,
    group,
    unscoped: group.unscoped,
    compute,
    plain,
    timed: options.ttl !== 0,
    scopeFn: typeof options.scope === 'function' ? (options.scope as (self: unknown) => unknown) : undefined,
    contextOf: options.scope === 'request' ? contextReader(options.label) : undefined,
  };
  const unscopedOnly = options.scope === 'shared';
  const general = generalPath(path, unscopedOnly);
  if (options.key !== undefined) return keyedPath(path, options.key, unscopedOnly);
  if (path.contextOf !== undefined) {
    // Every call goes to the request's record, whatever the receiver: the member paths, with that target.
    if (fn.length === 0) return request0(path, general, path.contextOf);
    if (fn.length === 1) return request1(path, general, path.contextOf);
  }
  switch (fn.length) {
    case 0:
      return unscopedOnly ? unscoped0(path, general) : options.member ? member0(path, general) : function0(path, general);
    case 1:
      return unscopedOnly ? unscoped1(path, general) : options.member ? member1(path, general) : function1(path, general);
    case 2:
      return unscopedOnly || options.member || path.contextOf !== undefined
        ? arity2(path, general, unscopedOnly)
        : function2(path, general);
    case 3:
      return unscopedOnly || options.member || path.contextOf !== undefined
        ? arity3(path, general, unscopedOnly)
        : function3(path, general);
    default:
      return general;
  }
}

/**
 * Reads the current request's context. The provider is looked up at the
 * first call, not at wrap time, so a module that wraps with scope 'request'
 * may load before the one that imports `lru-memo/request`.
 */
function contextReader(label: string): () => object | undefined {
  let provider: ContextProvider | undefined;
  return () => (provider ??= requireProvider(label)).current();
}

/** The call's target (scope.ts): UNSCOPED, an object (its record), a primitive (the keyed cache) or OUTSIDE. */
function targetOf(path: Path, receiver: unknown): unknown {
  if (path.contextOf !== undefined) return path.contextOf() ?? OUTSIDE;
  if (receiver === undefined || receiver === null) return UNSCOPED;
  return path.scopeFn === undefined ? receiver : path.scopeFn(receiver);
}

/** A timed record's entry is fresh; a pending one (expiry Infinity) counts as a joined call. */
function freshTimed(group: CacheGroup, record: InstanceRecord): boolean {
  const expires = (record as TimedRecord).expires;
  if (!fresh(expires)) return false;
  if (expires === Infinity) group.pendingHits++;
  return true;
}

/** A hit on a record's small entry: both counters move. */
function recordHit(group: CacheGroup, record: InstanceRecord): unknown {
  record.hits++;
  group.hits++;
  return record.value;
}

/** The group counts a hit on the full cache a record grew into (with a ttl, whether it joined a pending call). */
function grownHit(group: CacheGroup, full: Cache, timed: boolean, before: number, hit: unknown): unknown {
  if (hit !== MISS) {
    group.hits++;
    if (timed === true) group.pendingHits += full.pendingHits - before;
  }
  return hit;
}

/** `grownHit` for one key, reading the pending count only with a ttl (the hottest member path). */
function grown1(group: CacheGroup, full: Cache, timed: boolean, a: unknown): unknown {
  if (timed === true) return grownHit(group, full, timed, full.pendingHits, full.get1(a));
  const hit = full.get1(a);
  if (hit !== MISS) group.hits++;
  return hit;
}

// ---- any argument count ---------------------------------------------------------

function generalPath(path: Path, unscopedOnly: boolean): AnyFunction {
  const { group, compute } = path;
  return function general(this: unknown, ...args: unknown[]): unknown {
    return group.resolve(unscopedOnly ? UNSCOPED : targetOf(path, this), compute, this, args, args, args.length);
  };
}

function keyedPath(path: Path, key: AnyFunction, unscopedOnly: boolean): AnyFunction {
  const { group, unscoped, compute, timed } = path;
  return function keyed(this: unknown): unknown {
    const target = unscopedOnly ? UNSCOPED : targetOf(path, this);
    // apply(arguments) forwards without materialising an array; spread would allocate.
    // eslint-disable-next-line prefer-spread
    const k: unknown = key.apply(undefined, arguments as unknown as unknown[]);
    let hit: unknown = MISS;
    if (target === UNSCOPED) hit = unscoped.get1(k);
    else if (isObjectLike(target)) {
      const record = group.records.get(target);
      if (record !== undefined && record.stamp === group.stamp) {
        if (record.key === k && (timed === false || freshTimed(group, record))) return recordHit(group, record);
        if (record.key === GROWN) {
          const full = record.value as Cache;
          hit = grownHit(group, full, timed, full.pendingHits, full.get1(k));
        }
      }
    } else if (group.keyed !== undefined) hit = group.keyed.get2(target, k);
    return hit !== MISS ? hit : group.resolve(target, compute, this, Array.from(arguments), [k], 1);
  };
}

// ---- no argument (getters) ---------------------------------------------------------

function function0(path: Path, general: AnyFunction): AnyFunction {
  const { unscoped, compute } = path;
  const onReceiver = member0(path, general);
  return function call0(this: unknown): unknown {
    if (arguments.length !== 0) return general.apply(this, arguments as unknown as unknown[]);
    if (this !== undefined) return onReceiver.call(this);
    const hit = unscoped.get0();
    return hit !== MISS ? hit : unscoped.fill(compute, undefined, NO_KEYS, NO_KEYS, 0);
  };
}

function member0(path: Path, general: AnyFunction): AnyFunction {
  const { group, timed } = path;
  return function member0(this: unknown): unknown {
    if (arguments.length !== 0) return general.apply(this, arguments as unknown as unknown[]);
    const target = targetOf(path, this);
    if (isObjectLike(target)) {
      const record = group.records.get(target);
      if (record !== undefined && record.stamp === group.stamp && record.key === NO_KEYS && (timed === false || freshTimed(group, record))) {
        return recordHit(group, record);
      }
      return onObject0(path, this, target, record);
    }
    return slow0(path, this, target);
  };
}

function unscoped0(path: Path, general: AnyFunction): AnyFunction {
  const { unscoped, compute } = path;
  return function shared0(this: unknown): unknown {
    if (arguments.length !== 0) return general.apply(this, arguments as unknown as unknown[]);
    const hit = unscoped.get0();
    return hit !== MISS ? hit : unscoped.fill(compute, this, NO_KEYS, NO_KEYS, 0);
  };
}

function onObject0(path: Path, receiver: unknown, target: object, record: InstanceRecord | undefined): unknown {
  const { group } = path;
  if (record === undefined) {
    if (path.plain === true) return group.firstCall0(target, path.fn, receiver);
  } else if (record.key === GROWN && record.stamp === group.stamp) {
    const full = record.value as Cache;
    const hit = grownHit(group, full, path.timed, full.pendingHits, full.get0());
    if (hit !== MISS) return hit;
  }
  return group.resolve(target, path.compute, receiver, NO_KEYS, NO_KEYS, 0);
}

function slow0(path: Path, receiver: unknown, target: unknown): unknown {
  const { group } = path;
  let hit: unknown = MISS;
  if (target === UNSCOPED) hit = path.unscoped.get0();
  else if (group.keyed !== undefined) hit = group.keyed.get1(target);
  return hit !== MISS ? hit : group.resolve(target, path.compute, receiver, NO_KEYS, NO_KEYS, 0);
}

// ---- one argument --------------------------------------------------------------------

function function1(path: Path, general: AnyFunction): AnyFunction {
  const { fn, unscoped, compute, plain } = path;
  const onReceiver = member1(path, general);
  // A closure of its own for a ttl cache, not a branch inside call1: V8 compiles one call1 (with one set of
  // type feedback) for every function wrapped here, so a ttl cache's hits would put the expiry check into the
  // code of every plain cache's hits as well (callgrind, both kinds in one process: a plain hit 391 instructions
  // that way, 281 apart; a ttl hit 455, 304 apart).
  if (unscoped.ttlOnly) {
    return function call1Timed(this: unknown, a: unknown): unknown {
      if (arguments.length !== 1) return general.apply(this, arguments as unknown as unknown[]);
      if (this !== undefined) return onReceiver.call(this, a);
      const hit = unscoped.get1Timed(a);
      if (hit !== MISS) return hit;
      if (plain === true) return unscoped.fill1(fn, undefined, a);
      const args = [a];
      return unscoped.fill(compute, undefined, args, args, 1);
    };
  }
  return function call1(this: unknown, a: unknown): unknown {
    if (arguments.length !== 1) return general.apply(this, arguments as unknown as unknown[]);
    if (this !== undefined) return onReceiver.call(this, a);
    const hit = unscoped.get1(a);
    if (hit !== MISS) return hit;
    if (plain === true) return unscoped.fill1(fn, undefined, a); // the plain miss needs no argument array either
    const args = [a];
    return unscoped.fill(compute, undefined, args, args, 1);
  };
}

function member1(path: Path, general: AnyFunction): AnyFunction {
  const { group, timed, scopeFn } = path;
  return function member1(this: unknown, a: unknown): unknown {
    if (arguments.length !== 1) return general.apply(this, arguments as unknown as unknown[]);
    // targetOf, written out: no receiver, the receiver itself, or what the scope function names.
    const target = this === undefined || this === null ? UNSCOPED : scopeFn === undefined ? this : scopeFn(this);
    if (isObjectLike(target)) {
      const record = group.records.get(target);
      if (record !== undefined && record.stamp === group.stamp) {
        const key = record.key;
        if (key === GROWN) {
          const hit = grown1(group, record.value as Cache, timed, a);
          if (hit !== MISS) return hit;
        } else if (key === a && (timed === false || freshTimed(group, record))) {
          return recordHit(group, record);
        }
      }
      return onObject1(path, this, target, record, a);
    }
    return slow1(path, this, target, a);
  };
}

function unscoped1(path: Path, general: AnyFunction): AnyFunction {
  const { unscoped, compute } = path;
  return function shared1(this: unknown, a: unknown): unknown {
    if (arguments.length !== 1) return general.apply(this, arguments as unknown as unknown[]);
    const hit = unscoped.get1(a);
    if (hit !== MISS) return hit;
    const args = [a];
    return unscoped.fill(compute, this, args, args, 1);
  };
}

function onObject1(path: Path, receiver: unknown, target: object, record: InstanceRecord | undefined, a: unknown): unknown {
  if (record === undefined && path.plain === true && !isObjectLike(a)) return path.group.firstCall1(target, path.fn, receiver, a);
  const args = [a];
  return path.group.resolve(target, path.compute, receiver, args, args, 1);
}

function slow1(path: Path, receiver: unknown, target: unknown, a: unknown): unknown {
  const { group } = path;
  let hit: unknown = MISS;
  if (target === UNSCOPED) hit = path.unscoped.get1(a);
  else if (group.keyed !== undefined) hit = group.keyed.get2(target, a);
  if (hit !== MISS) return hit;
  const args = [a];
  return group.resolve(target, path.compute, receiver, args, args, 1);
}

// ---- scope 'request': zero and one argument ------------------------------------------------

function request0(path: Path, general: AnyFunction, contextOf: () => object | undefined): AnyFunction {
  const { group, timed } = path;
  return function request0(this: unknown): unknown {
    if (arguments.length !== 0) return general.apply(this, arguments as unknown as unknown[]);
    const context = contextOf();
    if (context === undefined) return group.resolve(OUTSIDE, path.compute, this, NO_KEYS, NO_KEYS, 0);
    const record = group.records.get(context);
    if (record !== undefined && record.stamp === group.stamp && record.key === NO_KEYS && (timed === false || freshTimed(group, record))) {
      return recordHit(group, record);
    }
    return onObject0(path, this, context, record);
  };
}

function request1(path: Path, general: AnyFunction, contextOf: () => object | undefined): AnyFunction {
  const { group, timed } = path;
  return function request1(this: unknown, a: unknown): unknown {
    if (arguments.length !== 1) return general.apply(this, arguments as unknown as unknown[]);
    const context = contextOf();
    if (context !== undefined) {
      const record = group.records.get(context);
      if (record !== undefined && record.stamp === group.stamp) {
        const key = record.key;
        if (key === GROWN) {
          const hit = grown1(group, record.value as Cache, timed, a);
          if (hit !== MISS) return hit;
        } else if (key === a && (timed === false || freshTimed(group, record))) {
          return recordHit(group, record);
        }
      }
      return onObject1(path, this, context, record, a);
    }
    const args = [a];
    return group.resolve(OUTSIDE, path.compute, this, args, args, 1);
  };
}

// ---- two and three arguments ---------------------------------------------------------------

function arity2(path: Path, general: AnyFunction, unscopedOnly: boolean): AnyFunction {
  const { group, unscoped, compute, timed } = path;
  return function call2(this: unknown, a: unknown, b: unknown): unknown {
    if (arguments.length !== 2) return general.apply(this, arguments as unknown as unknown[]);
    const target = unscopedOnly ? UNSCOPED : targetOf(path, this);
    let hit: unknown = MISS;
    if (target === UNSCOPED) hit = unscoped.get2(a, b);
    else if (isObjectLike(target)) {
      const record = group.records.get(target);
      if (record !== undefined && record.stamp === group.stamp) {
        const key = record.key;
        if (key === GROWN) {
          const full = record.value as Cache;
          hit = grownHit(group, full, timed, full.pendingHits, full.get2(a, b));
        } else if (Array.isArray(key) && key.length === 2 && key[0] === a && key[1] === b && (timed === false || freshTimed(group, record))) {
          return recordHit(group, record);
        }
      }
    } else if (group.keyed !== undefined) hit = group.keyed.get3(target, a, b);
    if (hit !== MISS) return hit;
    const args = [a, b];
    return group.resolve(target, compute, this, args, args, 2);
  };
}

/**
 * A plain function of two arguments: the call without a receiver is tried
 * first and written out (as function1 does); any receiver goes to arity2.
 */
function function2(path: Path, general: AnyFunction): AnyFunction {
  const { unscoped, compute } = path;
  const onReceiver = arity2(path, general, false);
  return function call2(this: unknown, a: unknown, b: unknown): unknown {
    if (arguments.length !== 2) return general.apply(this, arguments as unknown as unknown[]);
    if (this !== undefined) return onReceiver.call(this, a, b);
    const hit = unscoped.get2(a, b);
    if (hit !== MISS) return hit;
    const args = [a, b];
    return unscoped.fill(compute, undefined, args, args, 2);
  };
}

/** `function2` for three arguments. */
function function3(path: Path, general: AnyFunction): AnyFunction {
  const { unscoped, compute } = path;
  const onReceiver = arity3(path, general, false);
  return function call3(this: unknown, a: unknown, b: unknown, c: unknown): unknown {
    if (arguments.length !== 3) return general.apply(this, arguments as unknown as unknown[]);
    if (this !== undefined) return onReceiver.call(this, a, b, c);
    const hit = unscoped.get3(a, b, c);
    if (hit !== MISS) return hit;
    const args = [a, b, c];
    return unscoped.fill(compute, undefined, args, args, 3);
  };
}

function arity3(path: Path, general: AnyFunction, unscopedOnly: boolean): AnyFunction {
  const { group, unscoped, compute, timed } = path;
  return function call3(this: unknown, a: unknown, b: unknown, c: unknown): unknown {
    if (arguments.length !== 3) return general.apply(this, arguments as unknown as unknown[]);
    const target = unscopedOnly ? UNSCOPED : targetOf(path, this);
    let hit: unknown = MISS;
    if (target === UNSCOPED) hit = unscoped.get3(a, b, c);
    else if (isObjectLike(target)) {
      const record = group.records.get(target);
      if (record !== undefined && record.stamp === group.stamp) {
        const key = record.key;
        if (key === GROWN) {
          const full = record.value as Cache;
          hit = grownHit(group, full, timed, full.pendingHits, full.get3(a, b, c));
        } else if (
          Array.isArray(key) &&
          key.length === 3 &&
          key[0] === a &&
          key[1] === b &&
          key[2] === c &&
          (timed === false || freshTimed(group, record))
        ) {
          return recordHit(group, record);
        }
      }
    }
    if (hit !== MISS) return hit;
    const args = [a, b, c];
    return group.resolve(target, compute, this, args, args, 3);
  };
}
