/**
 * What a cache tells the outside, as the core sees it: the names and types of
 * option `onEvict` and of the `node:diagnostics_channel` channels, and the
 * points where the core tells them. The telling itself (a queue run once each
 * operation's bookkeeping is done, the channels) is the events part,
 * `lru-memo/events` (events/index.ts): a program that does not import it has
 * neither code nor cost for them. Nothing here runs on a hit.
 */
import { parts } from './parts.js';

/**
 * The `node:diagnostics_channel` channel published on every call that runs
 * the function (a miss), with a {@link CacheEvent}. Stable across versions.
 *
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * import { MISS_CHANNEL, type CacheEvent } from 'lru-memo';
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
 * import { EVICT_CHANNEL, type CacheEvent } from 'lru-memo';
 *
 * subscribe(EVICT_CHANNEL, (event) => evictions.inc({ cache: (event as CacheEvent).name }));
 * ```
 */
export const EVICT_CHANNEL = 'lru-memo:evict';

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
export type RemovalReason = 'evict' | 'expire' | 'invalidate' | 'clear';

/** Option `onEvict`. */
export type OnEvict = (key: unknown[], value: unknown, reason: RemovalReason) => void;

/** What the events need from a cached function's group. */
export interface Observed {
  readonly name: string;
  readonly onEvict: OnEvict | undefined;
  /** The wrapper, once it exists: what events name as `fn`. */
  readonly wrapper: ((...args: never[]) => unknown) | undefined;
}

/**
 * Hooks of the core into the events part (lru-memo/events, parts.ts): no-ops
 * until it is installed. Callers check `group.onEvict` before `removed` (the
 * option is the part's, so a group with one has the part).
 */
export function flushEvents(): void {
  parts.events?.flush();
}

/** A call of the group's function runs it (a miss). */
export function missed(group: Observed): void {
  parts.events?.missed(group);
}

/** A cache of the group dropped an entry to make room. */
export function evicted(group: Observed): void {
  parts.events?.evicted(group);
}

/** An entry left a cache of a group that has option `onEvict`. */
export function removed(group: Observed, key: unknown[], value: unknown, reason: RemovalReason): void {
  parts.events!.removed(group, key, value, reason);
}
