/**
 * Validation of option `shared`, once, when a function is wrapped or a member
 * decorated. Same rules as the other options: messages name the option, the
 * rule and the value received; nothing is coerced.
 */
import { readFunction, readMilliseconds as readMs } from '../checks.js';
import { describe } from '../describe.js';
import { taggedJsonCodec, type SharedCodec } from './codec.js';
import type { SharedEvent, SharedStore } from './types.js';

/** Option `shared`, checked and with defaults filled in. */
export interface SharedSettings {
  readonly store: SharedStore;
  readonly namespace: string;
  readonly version: string;
  /** Milliseconds a shared entry lives. */
  readonly ttl: number;
  readonly timeoutMs: number;
  readonly lock: { readonly leaseMs: number; readonly waitMs: number } | undefined;
  readonly codec: SharedCodec;
  readonly breakerFailures: number;
  readonly breakerCooldownMs: number;
  readonly onEvent: ((event: SharedEvent) => void) | undefined;
}

export const DEFAULT_TIMEOUT_MS = 100;
export const DEFAULT_BREAKER_FAILURES = 5;
export const DEFAULT_BREAKER_COOLDOWN_MS = 5000;

const KNOWN = ['store', 'namespace', 'version', 'ttl', 'timeoutMs', 'lock', 'codec', 'breaker', 'onEvent'];

type Given = Record<string, unknown>;

function readObject(caller: string, option: string, value: unknown): Given {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${caller}: option '${option}' must be an object, received ${describe(value)}`);
  }
  return value as Given;
}

function checkKeys(caller: string, option: string, given: Given, known: readonly string[]): void {
  for (const name of Object.keys(given)) {
    if (!known.includes(name)) {
      const lower = name.toLowerCase();
      // A hint for a prefix or an extension of a known name: 'timeout' -> 'timeoutMs', 'lease' -> 'leaseMs'.
      const close =
        lower.length < 3
          ? undefined
          : known.find((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()));
      const hint = close === undefined ? '' : ` (did you mean '${option}.${close}'?)`;
      throw new TypeError(
        `${caller}: unknown option '${option}.${name}'${hint}; known are ${known.map((k) => `'${k}'`).join(', ')}`,
      );
    }
  }
}

function readMethods<T>(caller: string, option: string, value: unknown, methods: readonly string[], what: string): T {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${caller}: option '${option}' must be ${what}, received ${describe(value)}`);
  }
  for (const method of methods) {
    if (typeof (value as Given)[method] !== 'function') {
      throw new TypeError(
        `${caller}: option '${option}' must be ${what}; its '${method}' is ${describe((value as Given)[method])}`,
      );
    }
  }
  return value as T;
}

/** Reads option `shared`; `cacheTtl` is the cache's own `ttl` (0 when not given). */
export function readShared(caller: string, value: unknown, cacheTtl: number): SharedSettings | undefined {
  if (value === undefined) return undefined;
  const given = readObject(caller, 'shared', value);
  checkKeys(caller, 'shared', given, KNOWN);
  if (cacheTtl === 0) {
    throw new TypeError(
      `${caller}: option 'shared' requires option 'ttl' (shared entries must expire, and the local cache ` +
        "may not outlive them); 'ttl' was not given",
    );
  }
  const store = readMethods<SharedStore>(
    caller,
    'shared.store',
    given.store,
    ['get', 'set', 'delete'],
    'a store with get, set and delete methods (a Keyv instance, or redisStore(client) from lru-memo/redis)',
  );
  const { namespace, version } = given;
  if (typeof namespace !== 'string' || namespace === '') {
    throw new TypeError(`${caller}: option 'shared.namespace' must be a non-empty string, received ${describe(namespace)}`);
  }
  if (version !== undefined && typeof version !== 'string' && !(typeof version === 'number' && Number.isFinite(version))) {
    throw new TypeError(`${caller}: option 'shared.version' must be a string or a finite number, received ${describe(version)}`);
  }
  const breaker = given.breaker === undefined ? {} : readObject(caller, 'shared.breaker', given.breaker);
  checkKeys(caller, 'shared.breaker', breaker, ['failures', 'cooldownMs']);
  const failures = breaker.failures ?? DEFAULT_BREAKER_FAILURES;
  if (typeof failures !== 'number' || !Number.isInteger(failures) || failures < 1) {
    const error = typeof failures === 'number' ? RangeError : TypeError;
    throw new error(`${caller}: option 'shared.breaker.failures' must be a positive integer, received ${describe(failures)}`);
  }
  return {
    store,
    namespace,
    version: version === undefined ? '0' : String(version),
    ttl: readMs(caller, 'shared.ttl', given.ttl, cacheTtl),
    timeoutMs: readMs(caller, 'shared.timeoutMs', given.timeoutMs, DEFAULT_TIMEOUT_MS),
    lock: readLock(caller, given.lock, store),
    codec:
      given.codec === undefined
        ? taggedJsonCodec
        : readMethods<SharedCodec>(caller, 'shared.codec', given.codec, ['encode', 'decode'], 'a codec with encode and decode methods'),
    breakerFailures: failures,
    breakerCooldownMs: readMs(caller, 'shared.breaker.cooldownMs', breaker.cooldownMs, DEFAULT_BREAKER_COOLDOWN_MS),
    onEvent: readFunction(caller, 'shared.onEvent', given.onEvent) as SharedSettings['onEvent'],
  };
}

function readLock(caller: string, value: unknown, store: SharedStore): SharedSettings['lock'] {
  if (value === undefined) return undefined;
  const lock = readObject(caller, 'shared.lock', value);
  checkKeys(caller, 'shared.lock', lock, ['leaseMs', 'waitMs']);
  if (typeof store.acquire !== 'function' || typeof store.release !== 'function') {
    throw new TypeError(
      `${caller}: option 'shared.lock' needs a store with acquire and release methods (redisStore provides them), ` +
        `received a store whose acquire is ${describe(store.acquire)}`,
    );
  }
  return { leaseMs: readMs(caller, 'shared.lock.leaseMs', lock.leaseMs), waitMs: readMs(caller, 'shared.lock.waitMs', lock.waitMs) };
}
