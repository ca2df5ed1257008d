/**
 * The shared tier behind a cached function's local caches: what a local miss
 * does when option `shared` is on.
 *
 * A local miss stores the promise this module returns, so calls in this
 * process with the same key join it (the in-flight tier). The promise then:
 * 1. reads the shared store, bounded by `timeoutMs` (client timeouts do not
 *    bound a frozen server, so the tier keeps its own clock);
 * 2. on a hit, answers with the decoded value and the shared entry's expiry,
 *    which caps the local entry's life (`LoadCap`);
 * 3. on a miss, optionally takes the cross-process lock, or waits for the
 *    holder's result up to `waitMs`;
 * 4. computes, resolves, and writes the value in the background (the write
 *    never delays the caller; a rejection is never written, nor a value the
 *    cache's result policy, `shouldCache` or a ttl function, refuses; a ttl
 *    function gives the shared entry its life unless the tier has its own).
 * Every store failure is counted, reported and treated as a miss (fail open,
 * see guarded.ts); the breaker stops using a failing store for a while. The
 * tier keeps only key strings and counters: no receiver, argument or value
 * outlives a call.
 */
import { isThenable } from '../async.js';
import { describe } from '../describe.js';
import { copyKeys } from '../keys.js';
import type { AttachedTier, LocalCaches, TierAnswer, TierContext } from '../tier.js';
import { taggedJsonCodec } from './codec.js';
import { FAILED, GuardedStore, type Failed } from './guarded.js';
import { encodeArguments, encodeScope, keyPrefix, lockKeyOf } from './keys.js';
import type { SharedSettings } from './options.js';
import type { SharedEvent, SharedStats } from './types.js';

/** Written in front of every value, so foreign or older entries are recognised. */
const ENVELOPE = 'lm1:';

/** Lock waiters poll with a delay that doubles from this... */
const FIRST_POLL_MS = 5;
/** ...up to this. */
const LONGEST_POLL_MS = 50;

/** The latest moment (wall clock) a local entry filled by one load may live: a shared hit's expiry. */
interface LoadCap {
  notAfter: number;
}

/** One local miss on its way through the tier. */
interface Call {
  readonly compute: () => unknown;
  /** The call's arguments, for the result policy. */
  readonly args: ArrayLike<unknown>;
  /** What the local cache keys the call by, and the scope key (a scoped member), for the bus. */
  readonly keys: ArrayLike<unknown>;
  readonly count: number;
  readonly scopeKey: unknown;
  readonly cap: LoadCap;
}

interface Found {
  value: unknown;
  expiresAt: number;
  /** Past `expiresAt` but within grace: a fallback, not an answer (read only where asked for). */
  stale: boolean;
}

type Counters = { -readonly [K in keyof SharedStats]: SharedStats[K] };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What travels on the bus: who sent it, and which entries of this function changed. */
interface BusMessage {
  from: string;
  /** 'del': the entry for `keys` (under `scope`, for a scoped member); 'clear': every entry. */
  op: 'del' | 'clear';
  /** Whether `scope` names one scope key (it may be undefined itself); otherwise every receiver. */
  scoped?: boolean;
  scope?: unknown;
  keys?: unknown[];
}

/** A stale entry's refresh found the lock taken: another process is refreshing it. */
const ANOTHER_REFRESHES = new Error('lru-memo: another process is refreshing this entry');

/** A call without a scope part in its key (no scope function, or no receiver). */
const NO_SCOPE: unique symbol = Symbol('lru-memo.no-scope');

let tokenCounter = 0;
/** Unique among lock contenders and bus senders (not a secret: it only has to differ). */
function uniqueToken(): string {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  return `${random}.${++tokenCounter}`;
}

export class SharedTier implements AttachedTier {
  readonly counters: Omit<Counters, 'breakerOpen' | 'localHits' | 'deduplicated'> = {
    sharedHits: 0,
    sharedMisses: 0,
    computations: 0,
    staleAnswers: 0,
    lockAcquired: 0,
    lockWaits: 0,
    lockTimeouts: 0,
    writes: 0,
    storeErrors: 0,
    storeTimeouts: 0,
    codecErrors: 0,
    bypassed: 0,
    breakerOpenings: 0,
    busSent: 0,
    busReceived: 0,
    busErrors: 0,
  };
  private readonly store: GuardedStore;
  private readonly prefix: string;
  /** Milliseconds a shared entry lives: option `ttl`, or the cache's. */
  private readonly ttl: number;
  /** Message prefix, e.g. "lruCache 'fetchUser'". */
  private readonly caller: string;
  /** The member's scope function, if calls are scoped by one: part of the key. */
  private readonly scope: ((self: unknown) => unknown) | undefined;
  /** Whether keys come from option `key` (for error messages). */
  private readonly customKey: boolean;
  /** This process's caches of the function: where bus messages from other processes land. */
  private readonly local: LocalCaches | undefined;
  /** The bus channel of this function (its key prefix), if option `bus` is on. */
  private readonly channel: string;
  /** This tier on the bus (one per function per process): its own messages are not applied again. */
  private readonly busToken = uniqueToken();
  /** Options `shouldCache`/`ttl` as a function: milliseconds a computed value lives (0: not cached). */
  private readonly lifetime: ((value: unknown, args: ArrayLike<unknown>) => number) | undefined;
  /** Option `grace`: shared entries are kept this long past their expiry, as a fallback (0: none). */
  private readonly grace: number;
  /** Option `softTimeoutMs`: a refresh of a stale entry slower than this answers stale. */
  private readonly softTimeoutMs: number | undefined;

  constructor(
    private readonly settings: SharedSettings,
    context: TierContext,
  ) {
    this.caller = context.label;
    this.ttl = settings.ttl ?? context.ttl;
    this.scope = typeof context.scope === 'function' ? (context.scope as (self: unknown) => unknown) : undefined;
    this.customKey = context.customKey;
    this.lifetime = context.lifetime;
    this.grace = context.grace ?? 0;
    this.softTimeoutMs = context.softTimeoutMs;
    this.local = context.local;
    // Never the function's own name: a minifier renames it, and differently built processes would not share.
    this.prefix = keyPrefix(settings.namespace, settings.version, settings.name);
    this.store = new GuardedStore(
      settings.store,
      settings.timeoutMs,
      settings.breakerFailures,
      settings.breakerCooldownMs,
      this.counters,
      (event) => this.emit(event),
    );
    this.channel = `lru-memo:${this.prefix}`;
    if (settings.bus !== undefined) this.listen(settings.bus);
  }

  /**
   * A local miss: the key is built (and checked) at once, then the shared
   * store resolves the call. The answer carries the value and its cap: the
   * shared entry's expiry when it was read from the store; a computed value's
   * life as the result policy decided it (-Infinity: not cached), if the cache
   * has one; otherwise none (the local ttl applies).
   */
  load(receiver: unknown, args: ArrayLike<unknown>, keys: ArrayLike<unknown>, count: number, compute: () => unknown): Promise<TierAnswer> {
    const scopeKey = this.scopeKeyOf(receiver); // once: the key and the bus message share it
    const key = this.keyWith(scopeKey, keys, count);
    const cap: LoadCap = { notAfter: Infinity };
    return this.resolve(key, { compute, args, keys, count, scopeKey, cap }).then((value) => ({
      value,
      expiresAt: cap.notAfter === Infinity ? undefined : cap.notAfter,
    }));
  }

  /** `cacheInvalidate` deletes the shared entry too (in the background), and other processes' copies. */
  invalidated(receiver: unknown, keys: ArrayLike<unknown>, count: number): void {
    const scopeKey = this.scopeKeyOf(receiver);
    this.forget(this.keyWith(scopeKey, keys, count));
    this.publish('del', scopeKey, keys, count);
  }

  /** `cacheClear()`: other processes clear their copies too (the shared entries stay; bump `version` for those). */
  cleared(): void {
    this.publish('clear', undefined, [], 0);
  }

  /** The scope key of a call, or NO_SCOPE (no scope function, or no receiver): a scope may return undefined. */
  private scopeKeyOf(receiver: unknown): unknown {
    return this.scope === undefined || receiver === undefined ? NO_SCOPE : this.scope(receiver);
  }

  /**
   * Tells other processes that entries changed (never awaited, never
   * throws: a lost message leaves their copies stale until their ttl).
   */
  private publish(op: BusMessage['op'], scopeKey: unknown, keys: ArrayLike<unknown>, count: number): void {
    const bus = this.settings.bus;
    if (bus === undefined) return;
    const message: BusMessage = { from: this.busToken, op };
    if (op === 'del') {
      message.keys = copyKeys(keys, count);
      if (scopeKey !== NO_SCOPE) {
        message.scoped = true;
        message.scope = scopeKey;
      }
    }
    this.counters.busSent++;
    Promise.resolve()
      .then(() => bus.publish(this.channel, taggedJsonCodec.encode(message)))
      .catch(() => this.counters.busErrors++);
  }

  /**
   * Subscribes to this function's channel. The listener holds the tier
   * weakly: a function nobody uses any more is not kept alive by its bus.
   */
  private listen(bus: NonNullable<SharedSettings['bus']>): void {
    const tier = new WeakRef(this);
    const onMessage = (text: string) => tier.deref()?.apply(text);
    Promise.resolve()
      .then(() => bus.subscribe(this.channel, onMessage))
      .catch(() => this.counters.busErrors++);
  }

  /** A message from another process: drop the local copies it names. */
  private apply(text: string): void {
    let message: BusMessage;
    try {
      message = taggedJsonCodec.decode(text) as BusMessage;
      if (message.from === this.busToken) return;
      if (message.op === 'clear') this.local?.clear();
      else if (message.op === 'del' && Array.isArray(message.keys)) {
        this.local?.invalidate(message.scoped === true, message.scope, message.keys, message.keys.length);
      }
      else throw new TypeError('not a bus message');
    } catch {
      this.counters.busErrors++;
      return;
    }
    this.counters.busReceived++;
  }

  get breakerOpen(): boolean {
    return this.store.breakerOpen;
  }

  /**
   * The shared key of a call. Throws a TypeError (at call time, before
   * anything is stored) for a value that has no meaning in another process.
   */
  keyOf(receiver: unknown, keys: ArrayLike<unknown>, count: number): string {
    return this.keyWith(this.scopeKeyOf(receiver), keys, count);
  }

  /** The shared key for a scope key already computed (NO_SCOPE: no scope part). */
  private keyWith(scopeKey: unknown, keys: ArrayLike<unknown>, count: number): string {
    const scopePart = scopeKey === NO_SCOPE ? '' : encodeScope(this.caller, scopeKey);
    return `${this.prefix}${scopePart}(${encodeArguments(this.caller, keys, count, this.customKey)})`;
  }

  /** Resolves a local miss through the shared store (see the module comment). */
  private async resolve(key: string, call: Call): Promise<unknown> {
    const found = await this.read(key, true, true);
    if (found !== undefined && found !== FAILED) {
      return found.stale ? this.refreshStale(key, call, found) : this.hit(found, call.cap);
    }
    // The read failed (or the breaker is open): do not spend another timeoutMs on the lock.
    if (this.settings.lock !== undefined && found !== FAILED) return this.computeUnderLock(key, call);
    return this.computeAndShare(key, call);
  }

  /** Background delete (cacheInvalidate): the caller does not wait. */
  forget(key: string): void {
    void this.store.delete(key);
  }

  private hit(found: Found, cap: LoadCap): unknown {
    this.counters.sharedHits++;
    cap.notAfter = found.expiresAt;
    return found.value;
  }

  /**
   * The live shared entry for `key` (or, if `stale` is asked for, one within
   * grace); undefined when absent, expired or unreadable; FAILED when the
   * store failed.
   */
  private async read(key: string, countMiss: boolean, stale = false): Promise<Found | undefined | Failed> {
    const raw = await this.store.get(key);
    if (raw === FAILED) return FAILED;
    let found = raw === undefined || raw === null ? undefined : this.open(key, raw);
    if (found?.stale === true && !stale) found = undefined;
    if ((found === undefined || found.stale) && countMiss) this.counters.sharedMisses++;
    return found;
  }

  /**
   * A stale shared entry (past its expiry, within grace): refresh it, and
   * answer with the stale value if the refresh fails or outlasts
   * `softTimeoutMs` (it then runs on, and its write lands for the next
   * call). With the lock, a process that does not get it answers stale at
   * once: another one is refreshing.
   */
  private refreshStale(key: string, call: Call, stale: Found): Promise<unknown> {
    // Its own cap: a refresh finishing after the stale answer must not change the answered entry's.
    const refreshCall: Call = { ...call, cap: { notAfter: Infinity } };
    const refresh = this.settings.lock !== undefined ? this.refreshUnderLock(key, refreshCall) : this.computeAndShare(key, refreshCall);
    return new Promise((resolve) => {
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined = undefined;
      const answerStale = () => {
        if (done) return;
        done = true;
        this.counters.staleAnswers++;
        call.cap.notAfter = stale.expiresAt; // already past: the local entry is stale too
        resolve(stale.value);
      };
      refresh.then(
        (value) => {
          if (timer !== undefined) clearTimeout(timer);
          if (done) return;
          done = true;
          call.cap.notAfter = refreshCall.cap.notAfter;
          resolve(value);
        },
        () => {
          if (timer !== undefined) clearTimeout(timer);
          answerStale();
        },
      );
      if (this.softTimeoutMs !== undefined) {
        timer = setTimeout(answerStale, this.softTimeoutMs);
        (timer as { unref?: () => void }).unref?.();
      }
    });
  }

  /** A stale entry's refresh with the lock: the holder refreshes; others reject at once (and answer stale). */
  private async refreshUnderLock(key: string, call: Call): Promise<unknown> {
    const lockKey = lockKeyOf(key);
    const token = uniqueToken();
    const acquired = await this.store.acquire(lockKey, token, this.settings.lock!.leaseMs);
    if (acquired === FAILED) return this.computeAndShare(key, call);
    if (acquired !== true) throw ANOTHER_REFRESHES;
    return this.computeAsHolder(key, call, () => this.store.release(lockKey, token));
  }

  /** Decodes a stored envelope; a bad one is reported, deleted and read as a miss. */
  private open(key: string, raw: unknown): Found | undefined {
    try {
      if (typeof raw !== 'string' || !raw.startsWith(ENVELOPE)) {
        throw new TypeError(`not an lru-memo entry: ${describe(raw)}`);
      }
      const end = raw.indexOf(':', ENVELOPE.length);
      const expiresAt = Number(raw.slice(ENVELOPE.length, end));
      if (end < 0 || !Number.isFinite(expiresAt)) throw new TypeError('malformed lru-memo envelope');
      const now = Date.now();
      if (expiresAt + this.grace <= now) return undefined; // the store has not expired it yet
      return { value: this.settings.codec.decode(raw.slice(end + 1)), expiresAt, stale: expiresAt <= now };
    } catch (error) {
      this.counters.codecErrors++;
      this.emit({ type: 'codec-error', key, error });
      this.forget(key);
      return undefined;
    }
  }

  private async computeUnderLock(key: string, call: Call): Promise<unknown> {
    const { leaseMs, waitMs } = this.settings.lock!;
    const lockKey = lockKeyOf(key);
    const token = uniqueToken();
    const release = () => this.store.release(lockKey, token);
    const acquire = () => this.store.acquire(lockKey, token, leaseMs);
    let acquired = await acquire();
    if (acquired === true) return this.computeAsHolder(key, call, release);
    if (acquired === FAILED) return this.computeAndShare(key, call); // store trouble: do not wait on it

    this.counters.lockWaits++;
    const deadline = Date.now() + waitMs;
    for (let delay = FIRST_POLL_MS; ; delay = Math.min(delay * 2, LONGEST_POLL_MS)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        this.counters.lockTimeouts++;
        this.emit({ type: 'lock-timeout', key });
        break;
      }
      await sleep(Math.min(delay, remaining));
      const found = await this.read(key, false);
      if (found === FAILED) break;
      if (found !== undefined) return this.hit(found, call.cap);
      // Free again: the holder failed, or crashed and its lease ran out. Take over.
      acquired = await acquire();
      if (acquired === true) return this.computeAsHolder(key, call, release);
      if (acquired === FAILED) break;
    }
    return this.computeAndShare(key, call);
  }

  private async computeAsHolder(key: string, call: Call, release: () => Promise<unknown>): Promise<unknown> {
    this.counters.lockAcquired++;
    // Read again under the lock: between this process's last read and its acquire, another holder may have
    // computed, written and released (it releases only after its write lands, so the value is there now).
    // Without this, 8 processes on a cold key computed twice in about 1 run of 10 on 2 cores.
    const found = await this.read(key, false);
    if (found !== undefined && found !== FAILED) {
      void release();
      return this.hit(found, call.cap);
    }
    let value: unknown;
    let ttl: number;
    try {
      value = await this.run(call.compute);
      ttl = this.decide(value, call);
    } catch (error) {
      void release(); // a rejection (or a refused value) is not shared: let a waiter take over at once
      throw error;
    }
    if (ttl === 0) {
      void release();
      return value;
    }
    // Released after the write, so waiters polling the store find the value.
    const written = this.share(key, value, ttl, call);
    void written.then(release);
    return value;
  }

  private async computeAndShare(key: string, call: Call): Promise<unknown> {
    const value = await this.run(call.compute);
    const ttl = this.decide(value, call);
    if (ttl !== 0) void this.share(key, value, ttl, call);
    return value;
  }

  /**
   * Milliseconds the shared entry of a computed value lives (0: the result
   * policy refused it: neither shared nor kept locally), and the local
   * entry's cap when a policy decided its life.
   */
  private decide(value: unknown, call: Call): number {
    if (this.lifetime === undefined) return this.ttl;
    const ms = this.lifetime(value, call.args);
    if (ms === 0) {
      call.cap.notAfter = -Infinity;
      return 0;
    }
    const ttl = this.settings.ttl ?? ms;
    if (ttl === Infinity) {
      throw new RangeError(
        `${this.caller}: option 'ttl' returned Infinity for a value of a cache with option 'shared': shared entries ` +
          "must expire (return a finite number, or give the tier its own 'ttl')",
      );
    }
    // Never Infinity: a timed local cache reads an Infinity expiry as "still pending".
    call.cap.notAfter = ms === Infinity ? Number.MAX_VALUE : Date.now() + ms;
    return ttl;
  }

  private run(compute: () => unknown): PromiseLike<unknown> {
    this.counters.computations++;
    const result = compute();
    if (!isThenable(result)) {
      throw new TypeError(
        `${this.caller}: option 'shared' is for functions that return a promise, received ${describe(result)}`,
      );
    }
    return result;
  }

  /**
   * Encodes now (so a caller mutating the value afterwards cannot change what
   * is shared) and writes in the background. An encode failure is reported;
   * the caller still gets its value.
   */
  private share(key: string, value: unknown, ttl: number, call: Call): Promise<unknown> {
    let text: string;
    try {
      text = this.settings.codec.encode(value);
    } catch (error) {
      this.counters.codecErrors++;
      this.emit({ type: 'codec-error', key, error });
      return Promise.resolve(FAILED);
    }
    const envelope = `${ENVELOPE}${Date.now() + ttl}:${text}`;
    // The store keeps it through its grace too: a process with no copy of its own can still answer stale.
    return this.store.set(key, envelope, ttl + this.grace).then((result) => {
      if (result === FAILED) return result;
      this.counters.writes++;
      // A newer value: other processes drop their copy and read this one on their next call.
      this.publish('del', call.scopeKey, call.keys, call.count);
      return result;
    });
  }

  /**
   * Reports to `onEvent`. A handler that throws must not fail or stall the
   * call that met the failure, nor be silently ignored: its error is rethrown
   * on its own, as an uncaught exception, like an error in an event listener.
   */
  private emit(event: SharedEvent): void {
    const onEvent = this.settings.onEvent;
    if (onEvent === undefined) return;
    try {
      onEvent(Object.freeze(event));
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
