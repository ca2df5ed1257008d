/**
 * What one cached function reports beyond Python's counters: evictions (an
 * entry dropped to make room under `maxSize` or a budget), counted for the
 * function's totals and per cache, and published on `node:diagnostics_channel`
 * for exporters (OpenTelemetry, Prometheus) when somebody subscribes.
 *
 * Nothing here is on the hit path: evictions and misses are the slow paths
 * already. Hits and the rest are read from counters (`cacheInfo`, or every
 * named cache at once through `cacheRegistry()`), the way metrics exporters
 * read counters when they are scraped.
 *
 * The channels are looked up through `process.getBuiltinModule` (Node 20.16+,
 * 22.3+; Deno and Bun have it too) at the first miss or eviction, so the core
 * imports nothing from Node and still runs in browsers, where there are no
 * channels and nothing is published.
 */

/** A `node:diagnostics_channel` channel, as far as the core uses one. */
interface Channel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

/**
 * The `node:diagnostics_channel` channel published on every call that runs
 * the function (a miss), with a {@link CacheEvent}. Stable across versions.
 *
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * import { MISS_CHANNEL } from 'lru-memo';
 *
 * subscribe(MISS_CHANNEL, (event) => console.log('miss', (event as CacheEvent).name));
 * ```
 */
export const MISS_CHANNEL = 'lru-memo:miss';
/**
 * The `node:diagnostics_channel` channel published on every eviction (an
 * entry dropped to make room), with a {@link CacheEvent}. Stable across versions.
 *
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * import { EVICT_CHANNEL } from 'lru-memo';
 *
 * subscribe(EVICT_CHANNEL, (event) => evictions.inc({ cache: (event as CacheEvent).name }));
 * ```
 */
export const EVICT_CHANNEL = 'lru-memo:evict';

/** The channels, once looked up (null: this runtime has none). */
let channels: { miss: Channel; evict: Channel } | null | undefined = undefined;

function lookUpChannels(): { miss: Channel; evict: Channel } | null {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const module = process?.getBuiltinModule?.('node:diagnostics_channel') as
    | { channel(name: string): Channel }
    | undefined;
  return module === undefined ? null : { miss: module.channel(MISS_CHANNEL), evict: module.channel(EVICT_CHANNEL) };
}

/**
 * What a subscriber of `lru-memo:miss` or `lru-memo:evict` receives.
 *
 * @example
 * ```ts
 * subscribe(EVICT_CHANNEL, (message) => {
 *   const { name, fn } = message as CacheEvent;
 *   console.log(`${name}: an entry of ${fn.name} made room`);
 * });
 * ```
 */
export interface CacheEvent {
  /** The cache's option `name` ('' when it has none). */
  readonly name: string;
  /** The function that was called (or whose entry was evicted). */
  readonly fn: (...args: never[]) => unknown;
}

/** Why an entry left a cache, as option `onEvict` is told. */
export type EvictionReason = 'evict' | 'expire' | 'invalidate' | 'clear';

/** Option `onEvict`. */
export type OnEvict = (key: unknown[], value: unknown, reason: EvictionReason) => void;

/**
 * Removals waiting for their `onEvict` call, as flat quadruples (callback,
 * key, value, reason). A callback never runs in the middle of a cache's
 * bookkeeping (it may call the cache again): removals are queued, and the
 * queue is run when the operation that made them ends (`flushEvictions`, at
 * the end of every miss and control method), so it holds one operation's
 * removals at most, even inside a long synchronous loop.
 */
const pendingEvictions: unknown[] = [];
let flushing = false;

/** Runs the queued `onEvict` calls. A callback that throws is reported as an uncaught exception, on its own. */
export function flushEvictions(): void {
  if (pendingEvictions.length === 0 || flushing) return;
  flushing = true;
  try {
    // Callbacks may cause removals in turn: they are queued behind and run in this same loop.
    for (let i = 0; i < pendingEvictions.length; i += 4) {
      const onEvict = pendingEvictions[i] as OnEvict;
      try {
        onEvict(pendingEvictions[i + 1] as unknown[], pendingEvictions[i + 2], pendingEvictions[i + 3] as EvictionReason);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  } finally {
    pendingEvictions.length = 0;
    flushing = false;
  }
}

export class Observer {
  /** Entries evicted from receivers' caches (records and the caches they grew into) since the last clear-all. */
  evictions = 0;
  /** Evictions of single-entry records (maxSize 1: a new key replaced the old), per record. Rare: a WeakMap, no field. */
  private recordEvictions: WeakMap<object, number> | undefined = undefined;
  /** The wrapper (set once it exists): what events name as `fn`. */
  fn: ((...args: never[]) => unknown) | undefined = undefined;

  constructor(
    /** Option `name`, '' when not given. */
    readonly name: string,
    /** Option `onEvict`, if given: told of every entry that leaves (see `removed`). */
    readonly onEvict: OnEvict | undefined = undefined,
  ) {}

  /** An entry left a cache: queued for `onEvict` (callers check `onEvict` first, so nothing is built without one). */
  removed(key: unknown[], value: unknown, reason: EvictionReason): void {
    pendingEvictions.push(this.onEvict, key, value, reason);
  }

  /**
   * A cache of the function evicted an entry to make room. `counted`: a
   * receiver's cache, whose evictions only this total keeps (the group's
   * unscoped and keyed caches keep their own, as they keep their hits).
   */
  evicted(counted = true): void {
    if (counted) this.evictions++;
    const evict = (channels ??= lookUpChannels())?.evict;
    if (evict?.hasSubscribers === true) evict.publish(this.event());
  }

  /** A single-entry record replaced its entry (maxSize 1). */
  recordEvicted(record: object): void {
    const evictions = (this.recordEvictions ??= new WeakMap());
    evictions.set(record, (evictions.get(record) ?? 0) + 1);
    this.evicted();
  }

  /** Evictions of one record's own cache while it was a single entry. */
  evictionsOf(record: object): number {
    return this.recordEvictions?.get(record) ?? 0;
  }

  /** A call ran the function (cheap when nobody listens: one property read). */
  missed(): void {
    const miss = (channels ??= lookUpChannels())?.miss;
    if (miss?.hasSubscribers === true) miss.publish(this.event());
  }

  /** A clear-all: the totals start again. */
  clear(): void {
    this.evictions = 0;
    this.recordEvictions = undefined;
  }

  private event(): CacheEvent {
    return Object.freeze({ name: this.name, fn: this.fn! });
  }
}
