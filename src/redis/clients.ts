/**
 * The Redis clients `lru-memo/redis` speaks through, behind one small
 * interface (`Connection`): node-redis 4+ (`createClient()`, `createCluster()`
 * from `redis`), and ioredis 5+ and iovalkey (`new Redis()`,
 * `new Redis.Cluster()`). Each is
 * recognised by what it has, never by its class (so any copy or version of a
 * package works): node-redis by `sendCommand` (its cluster client by its
 * `masters` too); ioredis by `call` with a string `status`. Every command
 * lru-memo sends touches one key, so a cluster needs no hash tags. Anything else
 * is refused by the caller with a TypeError naming what it got.
 */

/** One connection to Redis, as the store and the bus use it. */
export interface Connection {
  /** 'node-redis' or 'ioredis' (ioredis and iovalkey, standalone or Cluster). */
  readonly kind: 'node-redis' | 'ioredis';
  /** Sends one command (name and arguments as strings); resolves with Redis's reply. */
  send(args: string[]): Promise<unknown>;
  /** False while the client is known not to be connected and answering. */
  ready(): boolean;
  /** Listens to the client's 'error' events, if nobody does (the first listener wins). */
  listenForErrors(listener: (error: unknown) => void): void;
  /** Connects a client nobody connected yet, in the background, retrying a failed first connection. */
  connectIfIdle(): void;
  /** A second connection to the same server(s), for subscribing (it can then do nothing else). */
  duplicate(): Connection;
  /** Subscribes (on a connection made by `duplicate`) to `channel`. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<unknown>;
  /** Calls `listener` each time the connection becomes ready (connected, or reconnected). */
  onReady(listener: () => void): void;
  /** Calls `listener` when the client is closed for good ('end': quit, disconnect, destroy). */
  onEnd(listener: () => void): void;
  /** Closes the connection at once (a duplicate lru-memo made: nothing else uses it). */
  close(): void;
}

/** An event listener, as clients declare them (any arguments). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;

/** node-redis 4, 5, 6: what lru-memo uses of `createClient()`'s client. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
  on?(event: string, listener: Listener): unknown;
  listenerCount?(event: string): number;
  readonly isReady?: boolean;
  readonly isOpen?: boolean;
  connect?(): Promise<unknown>;
  /** node-redis 5+ (`destroy`), 4 (`disconnect`). */
  destroy?(): unknown;
  disconnect?(): unknown;
  duplicate?(): NodeRedisLike;
  subscribe?(channel: string, listener: (message: string) => void): Promise<unknown>;
}

/** node-redis's cluster client (`createCluster()`): commands go to the node owning their first key. */
export interface NodeRedisClusterLike extends Omit<NodeRedisLike, 'sendCommand' | 'duplicate'> {
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  readonly masters: unknown;
  duplicate?(): NodeRedisClusterLike;
}

/** ioredis 5, 6 and iovalkey, standalone (`new Redis()`) or `new Redis.Cluster()`. */
export interface IoRedisLike {
  call(command: string, ...args: string[]): Promise<unknown>;
  readonly status: string;
  on?(event: string, listener: Listener): unknown;
  listenerCount?(event: string): number;
  connect?(): Promise<unknown>;
  disconnect?(): unknown;
  duplicate?(): IoRedisLike;
  subscribe?(channel: string): Promise<unknown>;
}

/** The first retry of a failed first connection waits this long, doubling up to LONGEST_RETRY_MS. */
const FIRST_RETRY_MS = 100;
const LONGEST_RETRY_MS = 1000;

/** The connection over `client`, or undefined when it is not a client lru-memo knows. */
export function connectionOf(client: unknown): Connection | undefined {
  if (typeof client !== 'object' || client === null) return undefined;
  const candidate = client as Partial<IoRedisLike & NodeRedisLike>;
  // ioredis first: it has a sendCommand too, which takes a Command object, not a list of strings.
  if (typeof candidate.call === 'function' && typeof candidate.status === 'string') return ioRedis(client as IoRedisLike);
  // node-redis's cluster client routes by key: its sendCommand takes (firstKey, isReadonly, args).
  if (typeof candidate.sendCommand === 'function' && 'masters' in candidate) return nodeRedisCluster(client as NodeRedisClusterLike);
  if (typeof candidate.sendCommand === 'function') return nodeRedis(client as NodeRedisLike);
  return undefined;
}

/** The key a command touches (the cluster routes by it): GET/SET/DEL's first argument, EVAL's first key. */
function firstKeyOf(args: string[]): string | undefined {
  switch (args[0]) {
    case 'EVAL':
      return args[3];
    case 'PUBLISH':
      return undefined; // any node: a cluster forwards a publication to every node
    default:
      return args[1];
  }
}

function nodeRedisCluster(cluster: NodeRedisClusterLike): Connection {
  const standalone = nodeRedis(cluster as unknown as NodeRedisLike);
  // A cluster client emits no 'ready': it is ready when connect() resolves.
  const readyListeners: (() => void)[] = [];
  return {
    ...standalone,
    send: (args) => cluster.sendCommand(firstKeyOf(args), false, args),
    connectIfIdle: () => connectWithRetry(cluster, () => readyListeners.forEach((listener) => listener())),
    onReady: (listener) => void readyListeners.push(listener),
    duplicate: () => nodeRedisCluster(cluster.duplicate!()),
  };
}

function listenForErrors(client: { on?: NodeRedisLike['on']; listenerCount?: NodeRedisLike['listenerCount'] }, listener: (error: unknown) => void): void {
  if (typeof client.on === 'function' && client.listenerCount?.('error') === 0) client.on('error', listener);
}

/**
 * Connects a node-redis client nobody connected, retrying a failed first
 * connection (0.1 s doubling to 1 s; the timer never keeps the process
 * alive) until one is made, then calls `connected`. After a first
 * connection the client's reconnectStrategy takes over; before it, a failed
 * connect() leaves a node-redis client closed for good, so retrying is ours.
 */
function connectWithRetry(client: Pick<NodeRedisLike, 'isOpen' | 'connect'>, connected: () => void): void {
  let delay = FIRST_RETRY_MS;
  const attempt = (): void => {
    if (client.isOpen !== false || typeof client.connect !== 'function') return; // connecting, connected, or retrying
    client.connect().then(connected, () => {
      const timer = setTimeout(attempt, delay);
      (timer as { unref?: () => void }).unref?.();
      delay = Math.min(delay * 2, LONGEST_RETRY_MS);
    });
  };
  attempt();
}

function nodeRedis(client: NodeRedisLike): Connection {
  return {
    kind: 'node-redis',
    send: (args) => client.sendCommand(args),
    ready: () => client.isReady !== false,
    listenForErrors: (listener) => listenForErrors(client, listener),
    connectIfIdle: () => connectWithRetry(client, () => {}),
    duplicate: () => nodeRedis(client.duplicate!()),
    subscribe: (channel, onMessage) => client.subscribe!(channel, (message) => onMessage(String(message))),
    onReady: (listener) => void client.on?.('ready', listener),
    onEnd: (listener) => void client.on?.('end', listener),
    close: () => closeQuietly(client),
  };
}

function ioRedis(client: IoRedisLike): Connection {
  /** Listeners per channel: ioredis delivers every subscribed channel's messages to one 'message' event. */
  let channels: Map<string, (message: string) => void> | undefined;
  return {
    kind: 'ioredis',
    send: ([command, ...args]) => client.call(command!, ...args),
    ready: () => client.status === 'ready',
    listenForErrors: (listener) => listenForErrors(client, listener),
    connectIfIdle: () => {
      // 'wait': made with lazyConnect and never connected. ioredis retries by itself (its retryStrategy).
      if (client.status === 'wait' && typeof client.connect === 'function') client.connect().catch(() => {});
    },
    duplicate: () => ioRedis(client.duplicate!()),
    subscribe: (channel, onMessage) => {
      if (channels === undefined) {
        const listeners = (channels = new Map());
        client.on?.('message', (from: string, message: string) => listeners.get(from)?.(String(message)));
      }
      channels.set(channel, onMessage);
      return client.subscribe!(channel);
    },
    onReady: (listener) => void client.on?.('ready', listener),
    onEnd: (listener) => void client.on?.('end', listener),
    close: () => closeQuietly(client),
  };
}

/** destroy() (node-redis 5+), else disconnect() (node-redis 4, ioredis); a failure to close is no one's concern. */
function closeQuietly(client: { destroy?(): unknown; disconnect?(): unknown }): void {
  try {
    const closing = typeof client.destroy === 'function' ? client.destroy() : client.disconnect?.();
    if (closing instanceof Promise) closing.catch(() => {});
  } catch {
    // already closed
  }
}
