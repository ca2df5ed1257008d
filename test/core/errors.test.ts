/**
 * Every misuse and its answer. Each row asserts the error class, that the
 * message is exactly the one documented in docs/errors.md (the test reads
 * the file, so the table cannot drift), and that a cache already in use keeps
 * working afterwards with its entries and counters intact.
 */
import { readFileSync } from 'node:fs';
import { redisBus, redisStore } from '../../src/redis/index.js';
import { describe, expect, it } from 'vitest';
import {
  cache,
  cached,
  cacheClear,
  cacheContains,
  cacheInfo,
  cacheInvalidate,
  createBudget,
  lruCache,
} from '../../src/index.js';
import { sharedTier } from '../../src/shared/index.js';
import { CONTEXT_PROVIDER } from '../../src/context.js';
import { requestStats, runInRequest, withRequestScope } from '../../src/request/index.js';
import '../../src/grace/index.js';
import '../../src/policies/index.js';
import '../../src/events/index.js';
import { parts } from '../../src/parts.js';

/** Runs `act` as if the part `name` had never been imported (test/core/parts.test.ts: a program that never does). */
function withoutPart(name: keyof typeof parts, act: () => unknown): unknown {
  const installed = parts[name];
  Reflect.deleteProperty(parts, name);
  try {
    return act();
  } finally {
    Object.assign(parts, { [name]: installed });
  }
}

/** Runs `act` as if lru-memo/request had never been imported. */
function withoutRequestPlugin(act: () => void): void {
  const installed = Object.getOwnPropertyDescriptor(globalThis, CONTEXT_PROVIDER)!;
  Reflect.deleteProperty(globalThis, CONTEXT_PROVIDER);
  try {
    act();
  } finally {
    Object.defineProperty(globalThis, CONTEXT_PROVIDER, installed);
  }
}

const errorsDoc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** A cache in use before each misuse; it must be untouched by it. */
function witness() {
  let runs = 0;
  const f = lruCache((n: number) => (runs++, n * 2));
  f(1);
  f(1);
  return {
    check() {
      expect(f.cacheInfo()).toEqual({ hits: 1, misses: 1, maxSize: 128, currSize: 1, evictions: 0 });
      expect(f(1)).toBe(2);
      expect(runs).toBe(1);
    },
  };
}

class Service {
  @cached
  m(n: number) {
    return n;
  }
  plain(n: number) {
    return n;
  }
}
const service = new Service();
const { proxy: revoked, revoke } = Proxy.revocable({}, {});
revoke();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const loose: any = cached;

type Row = [misuse: string, act: () => unknown, errorClass: typeof TypeError | typeof RangeError, message: string];

const store = { get() {}, set() {}, delete() {} };
const one = async () => 1;

const tier = sharedTier({ store, namespace: 'n' });
const KNOWN_SHARED = "'store', 'namespace', 'name', 'version', 'ttl', 'timeoutMs', 'lock', 'bus', 'codec', 'breaker', 'onEvent'";
class Opts {
  maxSize = 3;
}
const symbolKeyed = { [Symbol('maxSize')]: 3 };
const hidden = Object.defineProperty({}, 'maxSize', { value: 3, enumerable: false });
const cachedMethod = lruCache(function m(n: number) {
  return n;
});

const rows: Row[] = [
  ['wrapping a class', () => lruCache(class Widget {} as never), TypeError, 'lruCache: expected a function to cache, received class Widget (a class cannot be called without new)'],
  ['options that are a Map', () => lruCache(Math.abs, new Map([['maxSize', 3]]) as never), TypeError, 'lruCache: options must be a plain object, received a Map instance'],
  ['options that are a class instance', () => lruCache(Math.abs, new Opts() as never), TypeError, 'lruCache: options must be a plain object, received an Opts instance'],
  ['an option under a symbol key', () => lruCache(Math.abs, symbolKeyed as never), TypeError, 'lruCache: options must have string keys only, received the key Symbol(maxSize)'],
  ['an option that is not enumerable', () => lruCache(Math.abs, hidden as never), TypeError, "lruCache: option 'maxSize' must be an enumerable own property"],
  [
    '`shared` not made by `sharedTier`',
    () => lruCache(one, { ttl: 1, shared: { store, namespace: 'n' } as never }),
    TypeError,
    "lruCache: option 'shared' must be a tier made by sharedTier() from 'lru-memo/shared', received an object",
  ],
  [
    '`shared` without `ttl`',
    () => lruCache(one, { shared: tier }),
    TypeError,
    "lruCache: option 'shared' requires option 'ttl' (shared entries must expire, and the local cache may not outlive them); 'ttl' was not given",
  ],
  [
    '`grace` Infinity with `shared`',
    () => lruCache(one, { ttl: 1000, grace: Infinity, shared: tier }),
    TypeError,
    "lruCache: option 'grace' must be finite with option 'shared' (a shared entry is kept ttl + grace in the store, and shared entries must expire); received grace Infinity",
  ],
  [
    '`@cached` with `shared` and the default scope',
    () => loose({ ttl: 1, shared: tier })(one, { kind: 'method', name: 'load', static: false, private: false }),
    TypeError,
    "@cached: option 'shared' needs option 'scope' to be a function (self) => key returning a primitive (e.g. the user id), or 'shared': an instance's identity does not cross processes; received scope 'instance'",
  ],
  ['`sharedTier` options that are not an object', () => sharedTier('redis' as never), TypeError, 'sharedTier: options must be a plain object, received "redis" (a string)'],
  [
    'an unknown `sharedTier` option',
    () => sharedTier({ store, namespace: 'n', timeout: 5 } as never),
    TypeError,
    `sharedTier: unknown option 'timeout' (did you mean 'timeoutMs'?); known options are ${KNOWN_SHARED}`,
  ],
  [
    '`store` without get, set or delete',
    () => sharedTier({ store: { get() {}, set() {} } as never, namespace: 'n' }),
    TypeError,
    "sharedTier: option 'store' must be a store with get, set and delete methods (a Keyv instance, or redisStore(client) from lru-memo/redis); its 'delete' is undefined",
  ],
  ['an empty `namespace`', () => sharedTier({ store, namespace: '' }), TypeError, `sharedTier: option 'namespace' must be a non-empty string, received "" (a string)`],
  ['a `name` that is not a non-empty string', () => sharedTier({ store, namespace: 'n', name: 5 as never }), TypeError, "sharedTier: option 'name' must be a non-empty string, received 5"],
  [
    'one `sharedTier()` given to two functions',
    () => {
      const tier = sharedTier({ store, namespace: 'n' });
      lruCache(async function getUser() {}, { ttl: 1, shared: tier });
      lruCache(async function getOrder() {}, { ttl: 1, shared: tier });
    },
    TypeError,
    "lruCache 'getOrder': this sharedTier() already serves 'getUser', and its keys ('n:v0:(...)') do not name the function: give each function a sharedTier() of its own, with its own namespace or name",
  ],
  ['`version` that is not a string or number', () => sharedTier({ store, namespace: 'n', version: {} as never }), TypeError, "sharedTier: option 'version' must be a string or a finite number, received an object"],
  ['`timeoutMs` out of range', () => sharedTier({ store, namespace: 'n', timeoutMs: 0 }), RangeError, "sharedTier: option 'timeoutMs' must be a positive finite number of milliseconds, received 0"],
  [
    '`lock` with a store that cannot lock',
    () => sharedTier({ store, namespace: 'n', lock: { leaseMs: 1, waitMs: 1 } }),
    TypeError,
    "sharedTier: option 'lock' needs a store with acquire and release methods (redisStore provides them), received a store whose acquire is undefined",
  ],
  ['an unknown `lock` option', () => sharedTier({ store, namespace: 'n', lock: { lease: 1 } as never }), TypeError, "sharedTier: unknown option 'lock.lease' (did you mean 'lock.leaseMs'?); known options are 'leaseMs', 'waitMs'"],
  ['`codec` without encode or decode', () => sharedTier({ store, namespace: 'n', codec: JSON as never }), TypeError, "sharedTier: option 'codec' must be a codec with encode and decode methods; its 'encode' is undefined"],
  ['`breaker.failures` out of range', () => sharedTier({ store, namespace: 'n', breaker: { failures: 0 } }), RangeError, "sharedTier: option 'breaker.failures' must be a positive integer, received 0"],
  ['`onEvent` that is not a function', () => sharedTier({ store, namespace: 'n', onEvent: 'log' as never }), TypeError, `sharedTier: option 'onEvent' must be a function, received "log" (a string)`],
  ['`redisStore` of something that is not a client', () => redisStore({} as never), TypeError, 'redisStore: expected a node-redis client (with sendCommand) or an ioredis/iovalkey client (with call), received an object'],
  ['`redisBus` of something that is not a client', () => redisBus({} as never), TypeError, 'redisBus: expected a node-redis client (with sendCommand) or an ioredis/iovalkey client (with call), received an object'],
  ['`bus` without publish or subscribe', () => sharedTier({ store, namespace: 'n', bus: { publish() {} } as never }), TypeError, "sharedTier: option 'bus' must be a bus with publish and subscribe methods (redisBus(client) from lru-memo/redis); its 'subscribe' is undefined"],
  ['wrapping a non-function', () => lruCache(42 as never), TypeError, 'lruCache: expected a function to cache, received 42'],
  ['cache() of a non-function', () => cache('f' as never), TypeError, 'cache: expected a function to cache, received "f" (a string)'],
  ['options that are not an object', () => lruCache(Math.abs, 5 as never), TypeError, 'lruCache: options must be a plain object, received 5'],
  [
    'an unknown option (a typo)',
    () => lruCache(Math.abs, { maxsize: 10 } as never),
    TypeError,
    "lruCache: unknown option 'maxsize' (did you mean 'maxSize'?); known options are 'maxSize', 'ttl', 'key', 'shouldCache', 'grace', 'softTimeoutMs', 'budget', 'shared', 'scope', 'name', 'onEvict'",
  ],
  [
    'maxSize of the wrong type',
    () => lruCache(Math.abs, { maxSize: '10' as never }),
    TypeError,
    `lruCache: option 'maxSize' must be a non-negative integer or Infinity, received "10" (a string)`,
  ],
  [
    'maxSize out of range',
    () => lruCache(Math.abs, { maxSize: -1 }),
    RangeError,
    "lruCache: option 'maxSize' must be a non-negative integer or Infinity, received -1",
  ],
  [
    'ttl of the wrong type',
    () => lruCache(Math.abs, { ttl: '1s' as never }),
    TypeError,
    `lruCache: option 'ttl' must be a positive finite number of milliseconds or a function (value, args) => milliseconds, received "1s" (a string)`,
  ],
  [
    'ttl out of range',
    () => lruCache(Math.abs, { ttl: 0 }),
    RangeError,
    "lruCache: option 'ttl' must be a positive finite number of milliseconds, received 0",
  ],
  [
    'a ttl function answering out of range (negative, NaN)',
    () => lruCache(function load(n: number) { return n; }, { ttl: () => -5 })(1),
    RangeError,
    "lruCache 'load': option 'ttl' must return a positive number of milliseconds, Infinity (never expires) or 0 (not cached), received -5",
  ],
  [
    'a ttl function answering something other than a number',
    () => lruCache(function load(n: number) { return n; }, { ttl: () => '1s' as never })(1),
    TypeError,
    `lruCache 'load': option 'ttl' must return a positive number of milliseconds, Infinity (never expires) or 0 (not cached), received "1s" (a string)`,
  ],
  ['shouldCache that is not a function', () => lruCache(Math.abs, { shouldCache: true as never }), TypeError, "lruCache: option 'shouldCache' must be a function, received true"],
  [
    'shouldCache answering something other than a boolean',
    () => lruCache(function load(n: number) { return n; }, { shouldCache: (v) => v as never })(1),
    TypeError,
    "lruCache 'load': option 'shouldCache' must return a boolean, received 1",
  ],
  ['grace of the wrong type', () => lruCache(Math.abs, { ttl: 10, grace: '1h' as never }), TypeError, `lruCache: option 'grace' must be a positive number of milliseconds or Infinity, received "1h" (a string)`],
  ['grace out of range (zero, negative, NaN)', () => lruCache(Math.abs, { ttl: 10, grace: 0 }), RangeError, "lruCache: option 'grace' must be a positive number of milliseconds or Infinity, received 0"],
  ['grace without ttl', () => lruCache(Math.abs, { grace: 1000 }), TypeError, "lruCache: option 'grace' keeps entries past their ttl, so it needs option 'ttl' (entries that never expire are never stale)"],
  ['softTimeoutMs of the wrong type', () => lruCache(Math.abs, { ttl: 10, grace: 100, softTimeoutMs: '50' as never }), TypeError, `lruCache: option 'softTimeoutMs' must be a non-negative finite number of milliseconds, received "50" (a string)`],
  ['softTimeoutMs out of range (negative, Infinity, NaN)', () => lruCache(Math.abs, { ttl: 10, grace: 100, softTimeoutMs: -1 }), RangeError, "lruCache: option 'softTimeoutMs' must be a non-negative finite number of milliseconds, received -1"],
  ['softTimeoutMs without grace', () => lruCache(Math.abs, { ttl: 10, softTimeoutMs: 50 }), TypeError, "lruCache: option 'softTimeoutMs' answers a slow refresh with the stale value, so it needs option 'grace' (received softTimeoutMs 50 without grace)"],
  ['name that is not a non-empty string', () => lruCache(Math.abs, { name: '' }), TypeError, `lruCache: option 'name' must be a non-empty string, received "" (a string)`],
  ['onEvict that is not a function', () => lruCache(Math.abs, { onEvict: 'close' as never }), TypeError, `lruCache: option 'onEvict' must be a function, received "close" (a string)`],
  [
    'onEvict with grace',
    () => lruCache(Math.abs, { ttl: 10, grace: 100, onEvict: () => undefined }),
    TypeError,
    "lruCache: options 'onEvict' and 'grace' cannot be combined: a stale value may answer again after it expired, so there is no one moment it leaves the cache",
  ],
  ['key that is not a function', () => lruCache(Math.abs, { key: 'id' as never }), TypeError, `lruCache: option 'key' must be a function, received "id" (a string)`],
  [
    'budget not made by createBudget',
    () => lruCache(Math.abs, { budget: { maxSize: 3 } as never }),
    TypeError,
    "lruCache: option 'budget' must be a budget made by createBudget(), received an object",
  ],
  [
    'scope that is not instance, shared, request or a function',
    () => cached({ scope: 'global' as never }),
    TypeError,
    `@cached: option 'scope' must be 'instance', 'shared', 'request' or a function (self) => key, received "global" (a string)`,
  ],
  ['createBudget without options', () => createBudget(undefined as never), TypeError, 'createBudget: options must be a plain object, received undefined'],
  ['createBudget with an unknown option', () => createBudget({ maxSize: 5, max: 3 } as never), TypeError, "createBudget: unknown option 'max' (did you mean 'maxSize'?); known options are 'maxSize'"],
  ['createBudget without maxSize', () => createBudget({} as never), TypeError, "createBudget: option 'maxSize' must be a positive integer, received undefined"],
  ['createBudget maxSize of the wrong type', () => createBudget({ maxSize: '5' as never }), TypeError, `createBudget: option 'maxSize' must be a positive integer, received "5" (a string)`],
  ['createBudget maxSize out of range', () => createBudget({ maxSize: 0 }), RangeError, "createBudget: option 'maxSize' must be a positive integer, received 0"],
  [
    '@cached on a field',
    () => loose(undefined, { kind: 'field', name: 'x', static: false, private: false }),
    TypeError,
    "@cached cannot be used on field 'x': it caches methods (instance and static) and getters",
  ],
  [
    '@cached on a setter',
    () => loose(() => undefined, { kind: 'setter', name: 'x', static: false, private: false }),
    TypeError,
    "@cached cannot be used on setter 'x': it caches methods (instance and static) and getters",
  ],
  [
    '@cached on an auto-accessor',
    () => loose({ get: () => 1, set: () => undefined }, { kind: 'accessor', name: 'x', static: false, private: false }),
    TypeError,
    "@cached cannot be used on auto-accessor 'x': an auto-accessor already stores its value; cache a getter instead",
  ],
  [
    '@cached on a class',
    () => loose(class Widget {}, { kind: 'class', name: 'Widget' }),
    TypeError,
    "@cached cannot be used on class 'Widget': it caches methods (instance and static) and getters",
  ],
  [
    '@cached on a class (legacy decorators)',
    () => loose(class Gadget {}),
    TypeError,
    "@cached cannot be used on class 'Gadget': it caches methods (instance and static) and getters",
  ],
  [
    '@cached on a field (legacy decorators)',
    () => loose({}, 'y', undefined),
    TypeError,
    "@cached cannot be used on field 'y': it caches methods (instance and static) and getters",
  ],
  ['@cached applied to something else', () => loose()(42, 43), TypeError, '@cached: expected to decorate a class method or getter, received 42'],
  [
    '`@cached` twice on one member',
    () => loose(cachedMethod, { kind: 'method', name: 'm', static: false, private: false }),
    TypeError,
    "@cached cannot be applied twice to 'm': one @cached already caches it",
  ],
  [
    '`@cached` on a getter with a setter (legacy decorators)',
    () => loose({}, 'x', { get: () => 1, set: () => undefined, configurable: true }),
    TypeError,
    "@cached cannot be used on accessor 'x' with a setter: experimentalDecorators pass the getter and setter together, and a cached getter would ignore later writes; cache a getter that has no setter",
  ],
  [
    'cacheInfo on a function that is not cached',
    () => cacheInfo(Math.abs),
    TypeError,
    'cacheInfo: expected a function made by lruCache(), cache() or @cached, received function abs',
  ],
  [
    'cacheInfo on an instance without a member name',
    () => cacheInfo(service as never),
    TypeError,
    "cacheInfo: expected a function made by lruCache(), cache() or @cached, received a Service instance (for a member, pass its name: cacheInfo(obj, 'member'))",
  ],
  ['cacheInfo on a member that is not cached', () => cacheInfo(service, 'plain'), TypeError, "cacheInfo: a Service instance has no cached member 'plain'"],
  ['cacheInfo on a member that does not exist', () => cacheInfo(service, 'nope' as never), TypeError, "cacheInfo: a Service instance has no member 'nope'"],
  ['a member name that is not a string or symbol', () => cacheInfo(service, 42 as never), TypeError, 'cacheInfo: member name must be a string or symbol, received 42'],
  [
    "a function's scope other than request",
    () => lruCache(Math.abs, { scope: 'shared' as never }),
    TypeError,
    `lruCache: option 'scope' takes 'request' for a function, received "shared" (a string)`,
  ],
  [
    'shared with scope request',
    () => {
      const store = { get: () => undefined, set: () => undefined, delete: () => undefined };
      class Service {
        @cached({ scope: 'request', ttl: 10, shared: sharedTier({ store, namespace: 'n' }) })
        async load(n: number) {
          return n;
        }
      }
      return Service;
    },
    TypeError,
    "@cached: option 'shared' cannot be combined with scope 'request': a request's cache lives for one request of one process, so there is nothing to share",
  ],
  [
    'a request-scoped cache called before lru-memo/request is loaded',
    () => withoutRequestPlugin(() => lruCache(function load(n: number) { return n; }, { scope: 'request' })(1)),
    TypeError,
    "lruCache 'load': scope 'request' needs the request plug-in: import { runInRequest } from 'lru-memo/request' (and run requests through it) before calling",
  ],
  [
    '`grace` without `lru-memo/grace` loaded',
    () => withoutPart('grace', () => lruCache(one, { ttl: 1000, grace: 5000 })),
    TypeError,
    "lruCache: option 'grace' is a part of lru-memo that this program has not loaded: add import 'lru-memo/grace' (once, before the caches that use it are made)",
  ],
  [
    '`softTimeoutMs` without `lru-memo/grace` loaded',
    () => withoutPart('grace', () => lruCache(one, { ttl: 1000, softTimeoutMs: 50 })),
    TypeError,
    "lruCache: option 'softTimeoutMs' is a part of lru-memo that this program has not loaded: add import 'lru-memo/grace' (once, before the caches that use it are made)",
  ],
  [
    '`shouldCache` without `lru-memo/policies` loaded',
    () => withoutPart('policies', () => lruCache(one, { shouldCache: () => true })),
    TypeError,
    "lruCache: option 'shouldCache' is a part of lru-memo that this program has not loaded: add import 'lru-memo/policies' (once, before the caches that use it are made)",
  ],
  [
    '`ttl` as a function without `lru-memo/policies` loaded',
    () => withoutPart('policies', () => lruCache(one, { ttl: () => 1000 })),
    TypeError,
    "lruCache: option 'ttl' as a function is a part of lru-memo that this program has not loaded: add import 'lru-memo/policies' (once, before the caches that use it are made)",
  ],
  [
    '`onEvict` without `lru-memo/events` loaded',
    () => withoutPart('events', () => lruCache(one, { onEvict: () => {} })),
    TypeError,
    "lruCache: option 'onEvict' is a part of lru-memo that this program has not loaded: add import 'lru-memo/events' (once, before the caches that use it are made)",
  ],
  [
    '`@cached` with `grace` without `lru-memo/grace` loaded',
    () => withoutPart('grace', () => loose({ ttl: 1000, grace: 5000 })),
    TypeError,
    "@cached: option 'grace' is a part of lru-memo that this program has not loaded: add import 'lru-memo/grace' (once, before the caches that use it are made)",
  ],
  ['runInRequest of a non-function', () => runInRequest(42 as never), TypeError, 'runInRequest: expected a function to run, received 42'],
  [
    'withRequestScope of a non-function',
    () => withRequestScope('handler' as never),
    TypeError,
    'withRequestScope: expected a request handler function, received "handler" (a string)',
  ],
  [
    'requestStats of a cache without scope request',
    () => requestStats(lruCache(function load(n: number) { return n; })),
    TypeError,
    "requestStats: expected a function or member cached with scope 'request', received function load (its scope is 'instance')",
  ],
  ['cacheInfo on a primitive', () => cacheInfo('text' as never, 'length' as never), TypeError, 'cacheInfo: expected an object or class with cached members, received "text" (a string)'],
  ['a private member that is not cached', () => cacheInfo(service, '#nope'), TypeError, "cacheInfo: a Service instance has no cached private member '#nope'"],
  ['cacheClear on something with nothing cached', () => cacheClear({}), TypeError, 'cacheClear: expected a cached function or an object with cached members, received an object'],
  ['cacheInvalidate on a member that is not cached', () => cacheInvalidate(service, 'plain', 1), TypeError, "cacheInvalidate: a Service instance has no cached member 'plain'"],
  ['cacheContains on a member that is not cached', () => cacheContains(service, 'plain', 1), TypeError, "cacheContains: a Service instance has no cached member 'plain'"],
  [
    'introspecting a revoked Proxy',
    () => cacheInfo(revoked as never, 'm' as never),
    TypeError,
    "cacheInfo: cannot inspect an object: Cannot perform 'getOwnPropertyDescriptor' on a proxy that has been revoked",
  ],
];

describe('every bad input is answered (docs/errors.md)', () => {
  it.each(rows)('%s', (_misuse, act, errorClass, message) => {
    const before = witness();
    let thrown: unknown;
    try {
      act();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(errorClass);
    expect((thrown as Error).message).toBe(message);
    expect(errorsDoc, 'docs/errors.md must show this message').toContain(message);
    before.check();
  });

  it('docs/errors.md shows no message this test does not assert', () => {
    // Every backquoted message in the third column of the misuse tables must be a row above.
    const asserted = new Set(rows.map((row) => row[3]));
    const documented = errorsDoc
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| misuse') && !line.startsWith('| ---'))
      .map((line) => line.split(' | ')[2])
      .filter((cell): cell is string => cell !== undefined && cell.startsWith('`'))
      .map((cell) => cell.replace(/^`|`\s*\|?$/g, ''));
    expect(documented.length).toBeGreaterThan(0);
    expect(documented.filter((message) => !asserted.has(message))).toEqual([]);
  });
});

describe('errors at call time leave the cache intact', () => {
  it('a key function that throws: the error propagates; entries and counters are unchanged', () => {
    const f = lruCache((id: number) => ({ id }), {
      key: (id: number) => {
        if (id < 0) throw new RangeError(`negative id ${id}`);
        return id;
      },
    });
    const kept = f(1);
    f(1);
    expect(() => f(-1)).toThrow(new RangeError('negative id -1'));
    expect(f.cacheInfo()).toEqual({ hits: 1, misses: 1, maxSize: 128, currSize: 1, evictions: 0 });
    expect(f(1)).toBe(kept);
  });

  it('a body that throws non-Error values: rethrown as is, not cached, counted as a miss', () => {
    const values: unknown[] = ['text', 42, undefined, null, { code: 7 }];
    const f = lruCache((i: number) => {
      if (i < values.length) throw values[i];
      return i;
    });
    f(99);
    values.forEach((value, i) => {
      let caught: unknown = 'nothing';
      try {
        f(i);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBe(value);
    });
    expect(f.cacheInfo()).toEqual({ hits: 0, misses: 1 + values.length, maxSize: 128, currSize: 1, evictions: 0 });
    expect(f(99)).toBe(99);
  });

  it('a revoked Proxy as receiver: the body\'s own TypeError propagates; other receivers keep their entries', () => {
    class Box {
      constructor(readonly size: number) {}
      @cached
      double() {
        return this.size * 2;
      }
    }
    const box = new Box(3);
    box.double();
    const { proxy, revoke } = Proxy.revocable(new Box(5), {});
    revoke();
    expect(() => Box.prototype.double.call(proxy)).toThrow(TypeError);
    expect(cacheInfo(box, 'double')).toEqual({ hits: 0, misses: 1, maxSize: 128, currSize: 1, evictions: 0 });
    expect(box.double()).toBe(6);
  });

  it('a scope function that throws: the error propagates before any counter moves', () => {
    class Tenant {
      constructor(readonly id: string | undefined) {}
      @cached({
        scope: (self: Tenant) => {
          if (self.id === undefined) throw new TypeError('tenant without id');
          return self.id;
        },
      })
      name() {
        return `tenant ${this.id}`;
      }
    }
    const ok = new Tenant('a');
    ok.name();
    expect(() => new Tenant(undefined).name()).toThrow('tenant without id');
    expect(cacheInfo(ok, 'name')).toEqual({ hits: 0, misses: 1, maxSize: 128, currSize: 1, evictions: 0 });
  });

  it('a getter that throws: not cached, thrown again on the next read', () => {
    let attempts = 0;
    class Conf {
      @cached
      get value(): number {
        attempts++;
        throw new Error(`attempt ${attempts}`);
      }
    }
    const c = new Conf();
    expect(() => c.value).toThrow('attempt 1');
    expect(() => c.value).toThrow('attempt 2');
    expect(cacheInfo(c, 'value')).toEqual({ hits: 0, misses: 2, maxSize: 128, currSize: 0, evictions: 0 });
  });
});
