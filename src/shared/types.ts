/** Public types of the shared tier. */
import type { SharedCodec } from './codec.js';

/**
 * Where shared entries live: anything with `get`, `set` and `delete` (a Keyv
 * instance fits as is; `redisStore(client)` from `lru-memo/redis` adapts the
 * `redis` client). Each method may return a value or a promise. `get` answers
 * `undefined` or `null` for an absent key. `acquire` and `release` are needed
 * only for the cross-process lock.
 *
 * @example
 * ```ts
 * const memory = new Map<string, string>();
 * const store: SharedStore = {
 *   get: (key) => memory.get(key),
 *   set: (key, value) => void memory.set(key, value),
 *   delete: (key) => memory.delete(key),
 * };
 * ```
 */
export interface SharedStore {
  /** The stored string for `key`, or undefined/null when absent (a promise of it, or the value itself). */
  get(key: string): unknown;
  /** Stores `value` (a string made by the codec) for `ttlMs` milliseconds. */
  set(key: string, value: string, ttlMs: number): unknown;
  /** Removes `key` (`cacheInvalidate`, or an entry that could not be decoded). */
  delete(key: string): unknown;
  /** Sets `key` to `token` for `leaseMs` only if `key` is absent; true when it did. */
  acquire?(key: string, token: string, leaseMs: number): unknown;
  /** Deletes `key` only if it still holds `token` (compare-and-delete). */
  release?(key: string, token: string): unknown;
  /**
   * False while the store knows it cannot answer (a client that is not
   * connected): operations are skipped at once, counted as `bypassed`,
   * without waiting for `timeoutMs` or counting towards the breaker, and
   * resume as soon as it answers true again. `redisStore` provides it.
   */
  ready?(): boolean;
}

/**
 * How processes tell each other that entries changed, so their local copies
 * stay coherent (option `bus`): `redisBus(client)` from `lru-memo/redis`
 * (Redis pub/sub on a connection of its own), or anything that delivers a
 * published string to every subscriber of a channel, this process included.
 * Delivery is best effort: a message lost while a connection is down leaves
 * the other processes' copies stale until their ttl, never a call waiting.
 *
 * @example
 * ```ts
 * const bus: SharedBus = { publish: (channel, message) => emitter.emit(channel, message), subscribe: (channel, on) => emitter.on(channel, on) };
 * ```
 */
export interface SharedBus {
  /** Sends `message` to every subscriber of `channel`. May return a promise; its failure is counted, never thrown. */
  publish(channel: string, message: string): unknown;
  /** Calls `onMessage` with every message published on `channel` from now on. */
  subscribe(channel: string, onMessage: (message: string) => void): unknown;
}

/**
 * Something that went wrong in the shared tier. The call that met it still
 * completed (fail open); these are for logs and alerts.
 *
 * @example
 * ```ts
 * lruCache(load, { ttl: 60_000, shared: sharedTier({ store, namespace: 'users', onEvent: (e) => log.warn(e.type, e.key) }) });
 * ```
 */
export interface SharedEvent {
  readonly type:
    | 'store-error'
    | 'store-timeout'
    | 'codec-error'
    | 'breaker-open'
    | 'breaker-close'
    | 'lock-timeout';
  /** The store operation, for store errors and timeouts. */
  readonly operation?: 'get' | 'set' | 'delete' | 'acquire' | 'release';
  /** The shared key involved (breaker events carry the key that tipped it). */
  readonly key: string;
  /** The error thrown, for store and codec errors. */
  readonly error?: unknown;
}

/**
 * Options of {@link sharedTier}: the tier behind the local cache of the
 * functions and members whose option `shared` it is given to.
 *
 * @example
 * ```ts
 * lruCache(fetchUser, {
 *   ttl: 60_000,
 *   shared: sharedTier({ store: redisStore(client), namespace: 'users', lock: { leaseMs: 10_000, waitMs: 5_000 } }),
 * });
 * ```
 */
export interface SharedOptions {
  /** The store shared by every process. */
  store: SharedStore;
  /**
   * Prefix of every key of this function: with `name`, what identifies the
   * function in every process (its own name is never used: a minifier
   * changes it). One per function or member.
   */
  namespace: string;
  /**
   * The function's name in its keys (`namespace:v<version>:<name>(...)`), for a
   * namespace shared by several functions, each with its own tier.
   * `name: 'loadUser'` keeps the keys of lru-memo versions that used the
   * function's own name. @default '' (the namespace alone)
   */
  name?: string;
  /** Part of every key: bump it to make all older entries unreachable, without scanning. @default 0 */
  version?: string | number;
  /** Milliseconds a shared entry lives. @default the cache's `ttl` (a ttl function: its answer for each value) */
  ttl?: number;
  /** Longest wait for any one store operation, whatever the client does. @default 100 */
  timeoutMs?: number;
  /**
   * Cross-process lock on a cold key (needs a store with `acquire`/`release`):
   * one process computes, the others poll for its result up to `waitMs`, then
   * compute themselves. `leaseMs` bounds how long a crashed holder blocks.
   * @default undefined (no lock)
   */
  lock?: { leaseMs: number; waitMs: number };
  /**
   * Keeps other processes' local copies coherent: `cacheInvalidate`,
   * `cacheClear()` and every shared write here evict their copies (they read
   * the store again on their next call). `redisBus(client)` from
   * `lru-memo/redis`. Best effort: while the bus is down, copies are stale at
   * most until their ttl.
   * @default undefined (other processes keep their copy until its ttl)
   */
  bus?: SharedBus;
  /** How values become strings. @default taggedJsonCodec */
  codec?: SharedCodec;
  /**
   * After `failures` store failures in a row, the store is not used for
   * `cooldownMs`; then one call probes it, and a success closes the breaker.
   * @default { failures: 5, cooldownMs: 5000 }
   */
  breaker?: { failures?: number; cooldownMs?: number };
  /**
   * Called for every failure (see {@link SharedEvent}). If it throws, the
   * call still completes; the error is rethrown on its own as an uncaught
   * exception, like an error in an event listener.
   */
  onEvent?: (event: SharedEvent) => void;
}

/**
 * Counters of a function's (or member's) shared tier, for dashboards.
 *
 * @example
 * ```ts
 * sharedStats(fetchUser); // { localHits: 10, sharedHits: 2, computations: 1, ... }
 * ```
 */
export interface SharedStats {
  /** Calls answered by this process's cache with a settled value. */
  readonly localHits: number;
  /** Calls that joined a computation already running in this process. */
  readonly deduplicated: number;
  /** Calls answered from the shared store. */
  readonly sharedHits: number;
  /** Shared lookups that found nothing usable. */
  readonly sharedMisses: number;
  /** Times the function itself ran. */
  readonly computations: number;
  /**
   * With option `grace`: calls answered with a stale shared entry (the
   * function failed, a refresh outlasted `softTimeoutMs`, or another process
   * held the lock to refresh it).
   */
  readonly staleAnswers: number;
  /** Times this process held the lock for a cold key. */
  readonly lockAcquired: number;
  /** Times this process waited for another's computation. */
  readonly lockWaits: number;
  /** Waits that ended at `waitMs` without a result. */
  readonly lockTimeouts: number;
  /** Values written to the store. */
  readonly writes: number;
  /** Store operations that threw or rejected. */
  readonly storeErrors: number;
  /** Store operations abandoned at `timeoutMs`. */
  readonly storeTimeouts: number;
  /** Values that could not be encoded, and entries that could not be decoded. */
  readonly codecErrors: number;
  /** Store operations skipped because the breaker was open, or the store said it was not ready (not connected). */
  readonly bypassed: number;
  /** Times the breaker opened. */
  readonly breakerOpenings: number;
  /** Whether the breaker is open now. */
  readonly breakerOpen: boolean;
  /** Messages this process published on the bus (invalidations, clears, writes). */
  readonly busSent: number;
  /** Messages from other processes that evicted local entries here. */
  readonly busReceived: number;
  /** Bus messages that could not be published, or not read. */
  readonly busErrors: number;
}
