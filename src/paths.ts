/**
 * The call paths: the code that runs on every call of a cached function.
 *
 * Two choices are made once, at wrap time:
 * - the arity: 0 to 3 declared parameters get a path of their own (no rest
 *   array; `arguments.length` sends a call with another count to the general
 *   path, so `f(1)` and `f(1, undefined)` stay apart); more, or option `key`,
 *   take the general or the keyed path;
 * - where a call's target comes from (group.ts): the receiver, what the scope
 *   function returns for it, the request's context, or, with scope 'shared',
 *   nothing; a plain function tries "no receiver" first (its usual call).
 * A path then hands the call to its target's cache (`cache.callN`), which
 * answers a hit or continues to the slow path and the miss (miss.ts): no
 * sentinel value travels back, and nothing on a hit allocates, checks an
 * option or builds a key string.
 */
import { NO_KEYS, type Cache } from './cache.js';
import { requireProvider, type ContextProvider } from './context.js';
import { OUTSIDE, type Group } from './group.js';
import { isObjectLike } from './keys.js';
import { runMiss } from './miss.js';
import { MISS } from './table.js';
import type { AnyFunction } from './types.js';

/** Where a member's target comes from, decided at wrap time. */
const enum Target {
  /** The receiver itself (default scope). */
  Receiver,
  /** No target: every call goes to the unscoped cache (scope 'shared'). */
  None,
  /** What the scope function returns for the receiver. */
  ScopeKey,
  /** The current request's context (scope 'request'). */
  Request,
}

/** Chooses the call path once, at wrap time; `member`: a decorated member (calls usually have an object receiver). */
export function callPath(fn: AnyFunction, group: Group, label: string, member: boolean): AnyFunction {
  const scope = group.scope;
  const kind =
    scope === 'request' ? Target.Request : scope === 'shared' ? Target.None : typeof scope === 'function' ? Target.ScopeKey : Target.Receiver;
  const targetOf = targetReader(group, kind, label);
  const general = generalPath(group, targetOf);
  if (group.key !== undefined) return keyedPath(group, group.key, targetOf);
  // A plain function's calls usually have no receiver: its path tries the unscoped table first, and keeps the
  // receiver's path in a function of its own, so that it stays small enough for V8 to inline into the caller.
  const unscopedFirst = !member && kind === Target.Receiver;
  switch (fn.length) {
    case 0: {
      const path = member0(group, kind, targetOf, general);
      return unscopedFirst ? function0(group, path, general) : path;
    }
    case 1: {
      const path = member1(group, kind, targetOf, general);
      return unscopedFirst ? function1(group, path, general) : path;
    }
    case 2: {
      const path = member2(group, kind, targetOf, general);
      return unscopedFirst ? function2(group, path, general) : path;
    }
    case 3: {
      const path = member3(group, kind, targetOf, general);
      return unscopedFirst ? function3(group, path, general) : path;
    }
    default:
      return general;
  }
}

/**
 * The target of a call on `receiver` (group.ts: undefined for the unscoped
 * cache, an object for its own cache, a primitive for the keyed cache,
 * OUTSIDE). The request's provider is looked up at the first call, not at
 * wrap time, so a module that wraps with scope 'request' may load before the
 * one that imports `lru-memo/request`.
 */
function targetReader(group: Group, kind: Target, label: string): (receiver: unknown) => unknown {
  switch (kind) {
    case Target.None:
      return () => undefined;
    case Target.ScopeKey: {
      const scope = group.scope as (self: unknown) => unknown;
      return (receiver) => (receiver === undefined || receiver === null ? undefined : scope(receiver));
    }
    case Target.Request: {
      let provider: ContextProvider | undefined;
      return () => (provider ??= requireProvider(label)).current() ?? OUTSIDE;
    }
    default:
      return (receiver) => (receiver === null ? undefined : receiver);
  }
}

/**
 * The cache of a call's target that the hit path did not find ready (none
 * yet, or behind the invalidation log), or the unscoped cache; undefined for
 * a target whose calls take the general path (a primitive: the keyed cache,
 * whose keys start with it; OUTSIDE).
 */
function cacheFor(group: Group, target: unknown): Cache | undefined {
  if (target === undefined || target === null) return group.unscoped;
  if (!isObjectLike(target)) return undefined;
  const cache = group.receiverCache(target);
  group.receiverCalls++;
  return cache;
}

// ---- any argument count, and option key --------------------------------------------------

function generalPath(group: Group, targetOf: (receiver: unknown) => unknown): AnyFunction {
  return function general(this: unknown, ...args: unknown[]): unknown {
    return group.resolve(targetOf(this), this, args, args, args.length);
  };
}

function keyedPath(group: Group, key: AnyFunction, targetOf: (receiver: unknown) => unknown): AnyFunction {
  return function keyed(this: unknown): unknown {
    const target = targetOf(this);
    // apply(arguments) forwards without materialising an array; spread would allocate.
    // eslint-disable-next-line prefer-spread
    const k: unknown = key.apply(undefined, arguments as unknown as unknown[]);
    const cache = cacheFor(group, target);
    if (cache === undefined) return group.resolve(target, this, Array.from(arguments), [k], 1);
    const hit = cache.get1(group, k);
    if (hit !== MISS) return hit;
    const keys = [k];
    return runMiss(group, cache, this, 1, undefined, undefined, undefined, Array.from(arguments), keys);
  };
}

// ---- zero to three arguments -----------------------------------------------------------------
//
// functionN: a plain function's path. A call without a receiver goes to the
// unscoped table at once; any other to memberN.
// memberN: a member's path (and a plain function's with a receiver). The
// target's own cache when it is ready (made, and caught up with the
// invalidation log); else the slow path that makes or finds it.

function function0(group: Group, member: AnyFunction, general: AnyFunction): AnyFunction {
  const table = group.unscoped.table!;
  return function call0(this: unknown): unknown {
    if (arguments.length !== 0) return general.apply(this, arguments as unknown as unknown[]);
    if (this === undefined) return table.call0(undefined);
    return member.call(this);
  };
}

function member0(group: Group, kind: Target, targetOf: (receiver: unknown) => unknown, general: AnyFunction): AnyFunction {
  return function member0(this: unknown): unknown {
    if (arguments.length !== 0) return general.apply(this, arguments as unknown as unknown[]);
    const target = kind === Target.Receiver ? this : targetOf(this);
    // A WeakMap answers undefined for a key it cannot hold: the hit needs no type test of the target.
    const cache = group.receivers.get(target as object);
    if (cache !== undefined && cache.stamp === group.stamp) {
      group.receiverCalls++;
      return cache.call0(group, this);
    }
    const made = cacheFor(group, target);
    return made === undefined ? group.resolve(target, this, NO_KEYS, NO_KEYS, 0) : made.call0(group, this);
  };
}

function function1(group: Group, member: AnyFunction, general: AnyFunction): AnyFunction {
  const table = group.unscoped.table!;
  return function call1(this: unknown, a: unknown): unknown {
    if (arguments.length !== 1) return general.apply(this, arguments as unknown as unknown[]);
    if (this === undefined) return table.call1(undefined, a);
    return member.call(this, a);
  };
}

function member1(group: Group, kind: Target, targetOf: (receiver: unknown) => unknown, general: AnyFunction): AnyFunction {
  return function member1(this: unknown, a: unknown): unknown {
    if (arguments.length !== 1) return general.apply(this, arguments as unknown as unknown[]);
    const target = kind === Target.Receiver ? this : targetOf(this);
    // A WeakMap answers undefined for a key it cannot hold: the hit needs no type test of the target.
    const cache = group.receivers.get(target as object);
    if (cache !== undefined && cache.stamp === group.stamp) {
      group.receiverCalls++;
      return cache.call1(group, this, a);
    }
    if (cache === undefined && group.compute === undefined && isObjectLike(target) && !isObjectLike(a)) {
      return firstCall1(group, target, this, a);
    }
    const made = cacheFor(group, target);
    if (made !== undefined) return made.call1(group, this, a);
    const args = [a];
    return group.resolve(target, this, args, args, 1);
  };
}

/**
 * The first call on a new object target, with one primitive key: the path
 * every short-lived instance takes, so it makes the cache and nothing else.
 */
function firstCall1(group: Group, target: object, receiver: unknown, a: unknown): unknown {
  const cache = group.newReceiverCache(target);
  group.receiverCalls++;
  return runMiss(group, cache, receiver, 1, a, undefined, undefined);
}

function function2(group: Group, member: AnyFunction, general: AnyFunction): AnyFunction {
  const table = group.unscoped.table!;
  return function call2(this: unknown, a: unknown, b: unknown): unknown {
    if (arguments.length !== 2) return general.apply(this, arguments as unknown as unknown[]);
    if (this === undefined) return table.call2(undefined, a, b);
    return member.call(this, a, b);
  };
}

function member2(group: Group, kind: Target, targetOf: (receiver: unknown) => unknown, general: AnyFunction): AnyFunction {
  return function member2(this: unknown, a: unknown, b: unknown): unknown {
    if (arguments.length !== 2) return general.apply(this, arguments as unknown as unknown[]);
    const target = kind === Target.Receiver ? this : targetOf(this);
    // A WeakMap answers undefined for a key it cannot hold: the hit needs no type test of the target.
    const cache = group.receivers.get(target as object);
    if (cache !== undefined && cache.stamp === group.stamp) {
      group.receiverCalls++;
      return cache.call2(group, this, a, b);
    }
    const made = cacheFor(group, target);
    if (made !== undefined) return made.call2(group, this, a, b);
    const args = [a, b];
    return group.resolve(target, this, args, args, 2);
  };
}

function function3(group: Group, member: AnyFunction, general: AnyFunction): AnyFunction {
  const table = group.unscoped.table!;
  return function call3(this: unknown, a: unknown, b: unknown, c: unknown): unknown {
    if (arguments.length !== 3) return general.apply(this, arguments as unknown as unknown[]);
    if (this === undefined) return table.call3(undefined, a, b, c);
    return member.call(this, a, b, c);
  };
}

function member3(group: Group, kind: Target, targetOf: (receiver: unknown) => unknown, general: AnyFunction): AnyFunction {
  return function member3(this: unknown, a: unknown, b: unknown, c: unknown): unknown {
    if (arguments.length !== 3) return general.apply(this, arguments as unknown as unknown[]);
    const target = kind === Target.Receiver ? this : targetOf(this);
    // A WeakMap answers undefined for a key it cannot hold: the hit needs no type test of the target.
    const cache = group.receivers.get(target as object);
    if (cache !== undefined && cache.stamp === group.stamp) {
      group.receiverCalls++;
      return cache.call3(group, this, a, b, c);
    }
    const made = cacheFor(group, target);
    if (made !== undefined) return made.call3(group, this, a, b, c);
    const args = [a, b, c];
    return group.resolve(target, this, args, args, 3);
  };
}
