/**
 * `lru-memo/redis`: a {@link SharedStore} over the official `redis` client
 * (node-redis 4 and later), with the cross-process lock.
 *
 * It speaks plain commands through `client.sendCommand`, which every
 * node-redis version since 4 has, so it does not depend on any one version's
 * option shapes. The package has no dependency on `redis`: pass your client.
 */
import { describe } from './describe.js';
import type { SharedBus, SharedStore } from './shared/types.js';

/**
 * What `redisStore` needs from a client: `sendCommand`, as on the client
 * returned by `createClient()` from the `redis` package.
 *
 * @example
 * import { createClient } from 'redis';
 * const client: RedisCommandClient = createClient();
 */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
  on?(event: 'error', listener: (error: unknown) => void): unknown;
  listenerCount?(event: 'error'): number;
  /** node-redis: whether the client is connected and answering; the tier skips Redis while it is false. */
  readonly isReady?: boolean;
  /** node-redis: false until `connect()` is called, and again after a failed first connect. */
  readonly isOpen?: boolean;
  connect?(): Promise<unknown>;
}

/**
 * Options of {@link redisStore}.
 *
 * @example
 * redisStore(client, { onClientError: (error) => log.warn('redis', error) });
 */
export interface RedisStoreOptions {
  /**
   * Receives the client's own 'error' events (lost connections, failed
   * reconnects) when the client has no 'error' listener of its own: node-redis
   * would otherwise crash the process on the first one. The calls themselves
   * never fail because of Redis; see `sharedStats` and `shared.onEvent`.
   * @default ignore them (the tier counts the failures it meets)
   */
  onClientError?: (error: unknown) => void;
}

/** The first retry of a failed first connection waits this long, doubling up to LONGEST_RETRY_MS. */
const FIRST_RETRY_MS = 100;
const LONGEST_RETRY_MS = 1000;

/**
 * Connects a client nobody has connected, in the background, and keeps
 * trying until a connection is made: a service that boots while Redis is down
 * starts at once (its calls compute locally) and begins sharing by itself
 * once Redis answers. After a first connection, the client's own
 * `reconnectStrategy` takes over; before it, a failed `connect()` leaves a
 * node-redis client closed for good, so retrying is this loop's job. The
 * retry timer never keeps the process alive.
 */
function connectInBackground(client: RedisCommandClient): void {
  let delay = FIRST_RETRY_MS;
  const attempt = (): void => {
    if (client.isOpen !== false) return; // connecting, connected, or retrying on its own
    client.connect!().then(
      () => {},
      () => {
        const timer = setTimeout(attempt, delay);
        (timer as { unref?: () => void }).unref?.();
        delay = Math.min(delay * 2, LONGEST_RETRY_MS);
      },
    );
  };
  attempt();
}

/** Deletes the lock only if it still holds this holder's token (compare-and-delete, atomic in Redis). */
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * A shared store on Redis (or Valkey) through a node-redis client: values with
 * `SET ... PX`, the lock with `SET ... NX PX` and a compare-and-delete script.
 *
 * Pass the client without connecting it: `redisStore` attaches its error
 * listener first, connects in the background and keeps trying until Redis
 * answers, so a service boots and serves (computing locally) while Redis is
 * down, and starts sharing by itself once it is up. While the client is not
 * ready, the tier skips Redis at once (counted as `bypassed`). A client you
 * connected yourself is used as it is.
 *
 * Recommended client settings, so a down Redis fails fast instead of queueing
 * commands: `disableOfflineQueue: true`, a `socket.connectTimeout`, and a
 * `socket.reconnectStrategy` (the tier's own `timeoutMs` and breaker bound
 * every call in any case).
 *
 * @throws TypeError when `client` has no `sendCommand` method
 * @example
 * import { createClient } from 'redis';
 * import { lruCache } from 'lru-memo';
 * import { sharedTier } from 'lru-memo/shared';
 * import { redisStore } from 'lru-memo/redis';
 *
 * const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
 * // No `await client.connect()`: redisStore connects in the background (a boot with Redis down does not wait).
 * const getUser = lruCache(fetchUser, {
 *   ttl: 60_000,
 *   shared: sharedTier({ store: redisStore(client), namespace: 'users', lock: { leaseMs: 10_000, waitMs: 2_000 } }),
 * });
 */
export function redisStore(client: RedisCommandClient, options: RedisStoreOptions = {}): Required<SharedStore> {
  if (typeof client !== 'object' || client === null || typeof client.sendCommand !== 'function') {
    throw new TypeError(`redisStore: expected a node-redis client (with sendCommand), received ${describe(client)}`);
  }
  if (options.onClientError !== undefined && typeof options.onClientError !== 'function') {
    throw new TypeError(`redisStore: option 'onClientError' must be a function, received ${describe(options.onClientError)}`);
  }
  // The listener goes on before any connection attempt: node-redis emits a connection failure as an 'error'
  // event, which crashes the process when nobody listens.
  if (typeof client.on === 'function' && client.listenerCount?.('error') === 0) {
    client.on('error', options.onClientError ?? (() => {}));
  }
  if (client.isOpen === false && typeof client.connect === 'function') connectInBackground(client);
  const send = (args: string[]) => client.sendCommand(args);
  const ms = (value: number) => String(Math.max(1, Math.ceil(value)));
  return {
    get: (key) => send(['GET', key]),
    set: (key, value, ttlMs) => send(['SET', key, value, 'PX', ms(ttlMs)]),
    delete: (key) => send(['DEL', key]),
    acquire: async (key, token, leaseMs) => (await send(['SET', key, token, 'NX', 'PX', ms(leaseMs)])) === 'OK',
    release: (key, token) => send(['EVAL', RELEASE_SCRIPT, '1', key, token]),
    ready: () => client.isReady !== false,
  };
}

/**
 * What `redisBus` needs from a client: `sendCommand` (to publish) and
 * `duplicate()` (a connection of its own to subscribe on), as on the client
 * returned by `createClient()` from the `redis` package.
 */
export interface RedisBusClient extends RedisCommandClient {
  duplicate(): RedisCommandClient & {
    subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
    on(event: 'ready' | 'error', listener: (...args: unknown[]) => void): unknown;
  };
}

/**
 * A bus over Redis pub/sub (option `bus` of `sharedTier`): publishes with
 * the client you give, subscribes on a duplicate of it (a subscribing Redis
 * connection can do nothing else), made and connected in the background at
 * the first subscription, and re-subscribed by the client after a reconnect.
 * Best effort: messages published while a connection is down are lost, and
 * other processes' copies stay stale at most until their ttl.
 *
 * @throws TypeError when `client` has no `sendCommand` or `duplicate` method
 * @example
 * import { createClient } from 'redis';
 * import { redisBus, redisStore } from 'lru-memo/redis';
 *
 * const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
 * const shared = sharedTier({ store: redisStore(client), bus: redisBus(client), namespace: 'users' });
 */
export function redisBus(client: RedisBusClient, options: RedisStoreOptions = {}): SharedBus {
  if (typeof client !== 'object' || client === null || typeof client.sendCommand !== 'function' || typeof client.duplicate !== 'function') {
    throw new TypeError(`redisBus: expected a node-redis client (with sendCommand and duplicate), received ${describe(client)}`);
  }
  if (options.onClientError !== undefined && typeof options.onClientError !== 'function') {
    throw new TypeError(`redisBus: option 'onClientError' must be a function, received ${describe(options.onClientError)}`);
  }
  let subscriber: ReturnType<RedisBusClient['duplicate']> | undefined;
  /** Channels and listeners asked for before the subscriber's first connection. */
  const waiting: [string, (message: string) => void][] = [];
  let ready = false;
  const subscribe = (channel: string, onMessage: (message: string) => void) =>
    subscriber!.subscribe(channel, (message) => onMessage(String(message))).catch(() => {});
  return {
    publish: (channel, message) => client.sendCommand(['PUBLISH', channel, message]),
    subscribe: (channel, onMessage) => {
      if (subscriber === undefined) {
        subscriber = client.duplicate();
        subscriber.on('error', options.onClientError ?? (() => {}));
        // Later reconnects re-subscribe by themselves (node-redis keeps its subscriptions).
        subscriber.on('ready', () => {
          if (ready) return;
          ready = true;
          for (const [waitingChannel, listener] of waiting.splice(0)) void subscribe(waitingChannel, listener);
        });
        connectInBackground(subscriber);
      }
      if (ready) return subscribe(channel, onMessage);
      waiting.push([channel, onMessage]);
      return undefined;
    },
  };
}
