/**
 * `lru-memo/events`: option `onEvict` (told of every entry that leaves a
 * cache, and why) and the `node:diagnostics_channel` channels `lru-memo:miss`
 * and `lru-memo:evict` (for tracing and exporters, published only while
 * somebody subscribes). Import it once, anywhere before the caches whose
 * events you want are used; it installs its part (parts.ts) and exports
 * nothing.
 *
 * Nothing is told in the middle of an operation: a listener may call the
 * cache again, clear it or clear its budget, so every notification is queued
 * as the bookkeeping makes it and the queue runs once the operation's
 * bookkeeping is done (`flush`: before a miss runs the function, when it has
 * stored, and at the end of every control method). The queue holds one
 * operation's notifications at most, even inside a long synchronous loop.
 *
 * The channels are looked up with `process.getBuiltinModule` (Node 20.16+,
 * 22.3+; Deno and Bun have it too) at the first miss or eviction, so the part
 * imports nothing from Node and runs in browsers, where nothing is published.
 *
 * @example
 * ```ts
 * import 'lru-memo/events';
 * import { lruCache } from 'lru-memo';
 *
 * const open = lruCache(openFile, { maxSize: 10, onEvict: (_key, file) => file.close() });
 * ```
 *
 * @packageDocumentation
 */
import { EVICT_CHANNEL, MISS_CHANNEL, type Observed, type OnEvict, type RemovalReason } from '../notify.js';
import { parts } from '../parts.js';
import { readFunction } from '../read.js';

/** A `node:diagnostics_channel` channel, as far as this part uses one. */
interface Channel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

/** The channels, once looked up (null: this runtime has none). */
let channels: { miss: Channel; evict: Channel } | null | undefined = undefined;

function lookUpChannels(): { miss: Channel; evict: Channel } | null {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const module = process?.getBuiltinModule?.('node:diagnostics_channel') as { channel(name: string): Channel } | undefined;
  return module === undefined ? null : { miss: module.channel(MISS_CHANNEL), evict: module.channel(EVICT_CHANNEL) };
}

/**
 * Notifications waiting for the end of the operation, as flat triples: a
 * function, its first argument, and the rest (an `onEvict` call: the key, the
 * value and the reason in an array; a publish: the channel and the event).
 * `next` is the first one not yet delivered.
 */
const pending: unknown[] = [];
let next = 0;
let depth = 0;

/**
 * Delivers the queued notifications, in order. A listener that calls the
 * cache makes that call's own notifications, which are delivered at its own
 * end, inside this loop (any flush point is one where every operation in
 * progress has finished its bookkeeping). A listener that throws is reported
 * as an uncaught exception, on its own.
 */
function flush(): void {
  if (next === pending.length) return;
  depth++;
  try {
    while (next < pending.length) {
      const at = next;
      next += 3;
      try {
        const target = pending[at];
        if (typeof target === 'function') {
          const [key, value, reason] = pending[at + 2] as [unknown[], unknown, RemovalReason];
          (target as OnEvict)(key, value, reason);
        } else {
          (target as Channel).publish(pending[at + 1]);
        }
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  } finally {
    if (--depth === 0) pending.length = next = 0;
  }
}

function publishLater(channel: Channel | undefined, group: Observed): void {
  if (channel?.hasSubscribers === true) pending.push(channel, Object.freeze({ name: group.name, fn: group.wrapper! }), undefined);
}

/** Nothing waits to be delivered, and no channel has a subscriber. */
function silent(): boolean {
  const found = (channels ??= lookUpChannels());
  return next === pending.length && (found === null || (!found.miss.hasSubscribers && !found.evict.hasSubscribers));
}

parts.events ??= {
  read: (path, value) => readFunction(path, 'onEvict', value) as OnEvict,
  flush,
  silent,
  missed: (group) => publishLater((channels ??= lookUpChannels())?.miss, group),
  evicted: (group) => publishLater((channels ??= lookUpChannels())?.evict, group),
  removed: (group, key, value, reason) => void pending.push(group.onEvict, undefined, [key, value, reason]),
};
