/**
 * The options of `sharedTier(...)`, read once, when the tier is made, with the
 * core's readers (read.ts), so their rules read the same as every other
 * option's. What depends on the function it is attached to (its ttl, its
 * scope) is checked when it is attached, at wrap or decoration time.
 */
import { describe } from '../describe.js';
import {
  readFunction,
  readMilliseconds,
  readOptions,
  readPositiveInteger,
  type OptionPath,
} from '../read.js';
import type { TierContext } from '../tier.js';
import { taggedJsonCodec, type SharedCodec } from './codec.js';
import type { SharedBus, SharedEvent, SharedStore } from './types.js';

/** `sharedTier`'s options, checked, with defaults filled in (the ttl may still come from the cache). */
export interface SharedSettings {
  readonly store: SharedStore;
  readonly namespace: string;
  /** Option `name`: the function's name in the shared keys ('' when not given; never the function's own name). */
  readonly name: string;
  readonly version: string;
  /** Milliseconds a shared entry lives; undefined: the cache's own ttl. */
  readonly ttl: number | undefined;
  readonly timeoutMs: number;
  readonly lock: { readonly leaseMs: number; readonly waitMs: number } | undefined;
  readonly codec: SharedCodec;
  readonly breakerFailures: number;
  readonly breakerCooldownMs: number;
  readonly onEvent: ((event: SharedEvent) => void) | undefined;
  readonly bus: SharedBus | undefined;
}

export const DEFAULT_TIMEOUT_MS = 100;
export const DEFAULT_BREAKER_FAILURES = 5;
export const DEFAULT_BREAKER_COOLDOWN_MS = 5000;

const KNOWN = ['store', 'namespace', 'name', 'version', 'ttl', 'timeoutMs', 'lock', 'bus', 'codec', 'breaker', 'onEvent'];

const CALLER = 'sharedTier';
const top: OptionPath = { caller: CALLER, prefix: '' };

/** An object with the named methods, or a TypeError naming the first one missing. */
function readMethods<T>(option: string, value: unknown, methods: readonly string[], what: string): T {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${CALLER}: option '${option}' must be ${what}, received ${describe(value)}`);
  }
  for (const method of methods) {
    const found = (value as Record<string, unknown>)[method];
    if (typeof found !== 'function') {
      throw new TypeError(`${CALLER}: option '${option}' must be ${what}; its '${method}' is ${describe(found)}`);
    }
  }
  return value as T;
}

/** Reads `sharedTier`'s options. */
export function readSharedOptions(value: unknown): SharedSettings {
  const given = readOptions(top, value, KNOWN);
  const store = readMethods<SharedStore>(
    'store',
    given.store,
    ['get', 'set', 'delete'],
    'a store with get, set and delete methods (a Keyv instance, or redisStore(client) from lru-memo/redis)',
  );
  const { namespace, name, version } = given;
  if (typeof namespace !== 'string' || namespace === '') {
    throw new TypeError(`${CALLER}: option 'namespace' must be a non-empty string, received ${describe(namespace)}`);
  }
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw new TypeError(`${CALLER}: option 'name' must be a non-empty string, received ${describe(name)}`);
  }
  if (version !== undefined && typeof version !== 'string' && !(typeof version === 'number' && Number.isFinite(version))) {
    throw new TypeError(`${CALLER}: option 'version' must be a string or a finite number, received ${describe(version)}`);
  }
  const breakerPath = { caller: CALLER, prefix: 'breaker.' };
  const breaker = given.breaker === undefined ? {} : readOptions(breakerPath, given.breaker, ['failures', 'cooldownMs']);
  return {
    store,
    namespace,
    name: name ?? '',
    version: version === undefined ? '0' : String(version),
    ttl: given.ttl === undefined ? undefined : readMilliseconds(top, 'ttl', given.ttl),
    timeoutMs: readMilliseconds(top, 'timeoutMs', given.timeoutMs, DEFAULT_TIMEOUT_MS),
    lock: readLock(given.lock, store),
    codec:
      given.codec === undefined
        ? taggedJsonCodec
        : readMethods<SharedCodec>('codec', given.codec, ['encode', 'decode'], 'a codec with encode and decode methods'),
    breakerFailures: readPositiveInteger(breakerPath, 'failures', breaker.failures, DEFAULT_BREAKER_FAILURES),
    breakerCooldownMs: readMilliseconds(breakerPath, 'cooldownMs', breaker.cooldownMs, DEFAULT_BREAKER_COOLDOWN_MS),
    onEvent: readFunction(top, 'onEvent', given.onEvent) as SharedSettings['onEvent'],
    bus:
      given.bus === undefined
        ? undefined
        : readMethods<SharedBus>('bus', given.bus, ['publish', 'subscribe'], 'a bus with publish and subscribe methods (redisBus(client) from lru-memo/redis)'),
  };
}

function readLock(value: unknown, store: SharedStore): SharedSettings['lock'] {
  if (value === undefined) return undefined;
  const path = { caller: CALLER, prefix: 'lock.' };
  const lock = readOptions(path, value, ['leaseMs', 'waitMs']);
  if (typeof store.acquire !== 'function' || typeof store.release !== 'function') {
    throw new TypeError(
      `${CALLER}: option 'lock' needs a store with acquire and release methods (redisStore provides them), ` +
        `received a store whose acquire is ${describe(store.acquire)}`,
    );
  }
  return { leaseMs: readMilliseconds(path, 'leaseMs', lock.leaseMs), waitMs: readMilliseconds(path, 'waitMs', lock.waitMs) };
}

/**
 * What the tier refuses about the function it is attached to: a cache
 * without a ttl (shared entries must expire, and the local copy may not
 * outlive them), a member cached per instance (an instance's identity
 * does not cross processes), and a cache per request (it lives for one
 * request of one process: nothing to share).
 */
export function checkAttachment(context: TierContext): void {
  if (context.ttl === 0) {
    throw new TypeError(
      `${context.caller}: option 'shared' requires option 'ttl' (shared entries must expire, and the local cache ` +
        "may not outlive them); 'ttl' was not given",
    );
  }
  if (context.grace === Infinity) {
    throw new TypeError(
      `${context.caller}: option 'grace' must be finite with option 'shared' (a shared entry is kept ttl + grace in ` +
        'the store, and shared entries must expire); received grace Infinity',
    );
  }
  if (context.member && context.scope === 'instance') {
    throw new TypeError(
      `${context.caller}: option 'shared' needs option 'scope' to be a function (self) => key returning a primitive ` +
        "(e.g. the user id), or 'shared': an instance's identity does not cross processes; received scope 'instance'",
    );
  }
  if (context.scope === 'request') {
    throw new TypeError(
      `${context.caller}: option 'shared' cannot be combined with scope 'request': a request's cache lives for one ` +
        'request of one process, so there is nothing to share',
    );
  }
}
