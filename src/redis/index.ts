/**
 * `lru-memo/redis`: a {@link SharedStore} on Redis or Valkey, with the
 * cross-process lock, and a {@link SharedBus} over pub/sub, for the clients
 * services already have: node-redis 4+ (`redis`), ioredis 5+ and iovalkey,
 * standalone or Cluster (clients.ts tells them apart). It speaks plain
 * commands, so it depends on no client version's option shapes; the package
 * has no dependency on any client: pass yours.
 */
import { describe } from '../describe.js';
import type { SharedBus, SharedStore } from '../shared/types.js';
import { connectionOf, type Connection, type IoRedisLike, type NodeRedisClusterLike, type NodeRedisLike } from './clients.js';

/**
 * A client `redisStore` and `redisBus` accept: node-redis's (`createClient()`
 * from `redis`, 4 or later, or `createCluster()`), or ioredis's / iovalkey's
 * (`new Redis()`, `new Redis.Cluster()`).
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client: RedisClientLike = createClient();
 * ```
 */
export type RedisClientLike = NodeRedisLike | NodeRedisClusterLike | IoRedisLike;

/**
 * Options of {@link redisStore} and {@link redisBus}.
 *
 * @example
 * ```ts
 * redisStore(client, { onClientError: (error) => log.warn('redis', error) });
 * ```
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

/** Deletes the lock only if it still holds this holder's token (compare-and-delete, atomic in Redis). */
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** The connection over `client`, its error listener on and a first connection under way; or a TypeError. */
function open(caller: string, client: unknown, options: RedisStoreOptions): Connection {
  const connection = connectionOf(client);
  if (connection === undefined) {
    throw new TypeError(
      `${caller}: expected a node-redis client (with sendCommand) or an ioredis/iovalkey client (with call), received ${describe(client)}`,
    );
  }
  if (options.onClientError !== undefined && typeof options.onClientError !== 'function') {
    throw new TypeError(`${caller}: option 'onClientError' must be a function, received ${describe(options.onClientError)}`);
  }
  // The listener goes on before any connection attempt: node-redis emits a connection failure as an 'error'
  // event, which crashes the process when nobody listens.
  connection.listenForErrors(options.onClientError ?? (() => {}));
  connection.connectIfIdle();
  return connection;
}

/**
 * A shared store on Redis (or Valkey): values with `SET ... PX`, the lock with
 * `SET ... NX PX` and a compare-and-delete script. Each operation touches one
 * key, so it works on a Redis Cluster as on one server.
 *
 * Pass the client without connecting it: `redisStore` attaches its error
 * listener first and connects it in the background (node-redis: retrying a
 * failed first connection until Redis answers; ioredis: its own
 * `retryStrategy`), so a service boots and serves (computing locally) while
 * Redis is down, and starts sharing by itself once it is up. While the client
 * is not ready, the tier skips Redis at once (counted as `bypassed`). A client
 * you connected yourself is used as it is.
 *
 * Recommended node-redis settings, so a down Redis fails fast instead of
 * queueing commands: `disableOfflineQueue: true`, a `socket.connectTimeout`,
 * and a `socket.reconnectStrategy` (the tier's own `timeoutMs` and breaker
 * bound every call in any case).
 *
 * @throws TypeError when `client` is neither a node-redis nor an ioredis/iovalkey client
 * @example
 * ```ts
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
 * ```
 */
export function redisStore(client: RedisClientLike, options: RedisStoreOptions = {}): Required<SharedStore> {
  const connection = open('redisStore', client, options);
  const send = (args: string[]) => connection.send(args);
  const ms = (value: number) => String(Math.max(1, Math.ceil(value)));
  return {
    get: (key) => send(['GET', key]),
    set: (key, value, ttlMs) => send(['SET', key, value, 'PX', ms(ttlMs)]),
    delete: (key) => send(['DEL', key]),
    acquire: async (key, token, leaseMs) => (await send(['SET', key, token, 'NX', 'PX', ms(leaseMs)])) === 'OK',
    release: (key, token) => send(['EVAL', RELEASE_SCRIPT, '1', key, token]),
    ready: () => connection.ready(),
  };
}

/**
 * A bus over Redis pub/sub (option `bus` of `sharedTier`): publishes with
 * the client you give, subscribes on a duplicate of it (a subscribing Redis
 * connection can do nothing else), made and connected in the background at
 * the first subscription, and closed when the client you gave is closed (so
 * closing your client still lets the process exit); the client re-subscribes
 * after a reconnect. Best effort: messages published while a connection is down are lost, and other
 * processes' copies stay stale at most until their ttl.
 *
 * @throws TypeError when `client` is neither a node-redis nor an ioredis/iovalkey client
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { redisBus, redisStore } from 'lru-memo/redis';
 *
 * const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
 * const shared = sharedTier({ store: redisStore(client), bus: redisBus(client), namespace: 'users' });
 * ```
 */
export function redisBus(client: RedisClientLike, options: RedisStoreOptions = {}): SharedBus {
  const connection = open('redisBus', client, options);
  let subscriber: Connection | undefined;
  /** Channels asked for before the subscriber's first connection. */
  const waiting: [string, (message: string) => void][] = [];
  let ready = false;
  const subscribe = (channel: string, onMessage: (message: string) => void) =>
    subscriber!.subscribe(channel, onMessage).catch(() => {});
  return {
    publish: (channel, message) => connection.send(['PUBLISH', channel, message]),
    subscribe: (channel, onMessage) => {
      if (subscriber === undefined) {
        const made = (subscriber = connection.duplicate());
        made.listenForErrors(options.onClientError ?? (() => {}));
        // It goes when your client goes: closing the client you gave lets the process exit.
        connection.onEnd(() => made.close());
        // Later reconnects re-subscribe by themselves (both clients keep their subscriptions).
        subscriber.onReady(() => {
          if (ready) return;
          ready = true;
          for (const [waitingChannel, listener] of waiting.splice(0)) void subscribe(waitingChannel, listener);
        });
        subscriber.connectIfIdle();
        if (subscriber.ready()) ready = true; // already connected (ioredis connects a duplicate at once)
      }
      if (ready) return subscribe(channel, onMessage);
      waiting.push([channel, onMessage]);
      return undefined;
    },
  };
}
