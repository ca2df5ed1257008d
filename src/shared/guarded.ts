/**
 * Talking to the store without ever being hurt by it. Every operation is
 * raced against `timeoutMs` of a running event loop (a client's own timeouts
 * do not bound a frozen server; a pause of this process is not the store's
 * fault: see storeDeadline), never rejects, and answers FAILED when the store threw, rejected,
 * timed out, or the breaker is open, or the store says it is not ready.
 * Failures are counted, reported and fed to the breaker.
 */
import { isThenable } from '../async.js';
import { Breaker } from './breaker.js';
import type { SharedEvent, SharedStore } from './types.js';

/** What a store operation answers when it failed, timed out or was skipped. */
export const FAILED: unique symbol = Symbol('lru-memo.store-failed');
export type Failed = typeof FAILED;

const TIMED_OUT: unique symbol = Symbol('lru-memo.timed-out');

/** A timer this much later than due means the event loop stalled while the store was asked. */
const STALL_MS = 20;

/**
 * Resolves TIMED_OUT once the store has had `timeoutMs` of a running event
 * loop to answer; `cancel` stops it. A pause of the loop (a long GC, a slow
 * handler) must not count against the store: its replies sit unread in the
 * socket until the loop runs again, and every operation in flight would
 * "time out" in the same millisecond while the store is healthy, opening
 * the breaker. So a timer that fires on time declares the timeout only after
 * the loop's next I/O phase (a setImmediate runs after it, so replies read
 * there settle first), and a timer that fires late (the loop stalled) gives
 * the store a fresh `timeoutMs` from now, once: a frozen store is still given
 * up on, within the stall plus twice `timeoutMs`.
 */
function storeDeadline(timeoutMs: number): { expired: Promise<typeof TIMED_OUT>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let immediate: ReturnType<typeof setTimeout> | undefined;
  let extended = false;
  const expired = new Promise<typeof TIMED_OUT>((resolve) => {
    const arm = () => {
      // Date, not performance: fake timers fake Date with setTimeout in every configuration; a wall-clock
      // step read as a stall only grants the one extra window.
      const due = Date.now() + timeoutMs;
      timer = setTimeout(() => {
        if (!extended && Date.now() - due > STALL_MS) {
          extended = true;
          arm();
        } else {
          immediate = afterIo(() => resolve(TIMED_OUT));
        }
      }, timeoutMs);
    };
    arm();
  });
  return {
    expired,
    cancel: () => {
      clearTimeout(timer);
      if (immediate !== undefined) cancelAfterIo(immediate);
    },
  };
}

/** Runs `fn` after the event loop's next I/O phase (setImmediate; a zero timer where there is none). */
function afterIo(fn: () => void): ReturnType<typeof setTimeout> {
  return (typeof setImmediate === 'function' ? setImmediate(fn) : setTimeout(fn, 0)) as ReturnType<typeof setTimeout>;
}

function cancelAfterIo(handle: ReturnType<typeof setTimeout>): void {
  if (typeof clearImmediate === 'function') clearImmediate(handle as unknown as ReturnType<typeof setImmediate>);
  clearTimeout(handle);
}

/** The counters this module moves (part of the tier's counters). */
export interface StoreCounters {
  storeErrors: number;
  storeTimeouts: number;
  bypassed: number;
  breakerOpenings: number;
}

type Operation = NonNullable<SharedEvent['operation']>;

export class GuardedStore {
  private readonly breaker: Breaker;
  /** The key that last used the store: breaker events name it. */
  private lastKey = '';

  constructor(
    private readonly store: SharedStore,
    private readonly timeoutMs: number,
    breakerFailures: number,
    breakerCooldownMs: number,
    private readonly counters: StoreCounters,
    private readonly report: (event: SharedEvent) => void,
  ) {
    this.breaker = new Breaker(breakerFailures, breakerCooldownMs, (open) => {
      if (open) this.counters.breakerOpenings++;
      this.report({ type: open ? 'breaker-open' : 'breaker-close', key: this.lastKey });
    });
  }

  get breakerOpen(): boolean {
    return this.breaker.isOpen;
  }

  get(key: string): Promise<unknown> {
    return this.use('get', key, () => this.store.get(key));
  }

  set(key: string, value: string, ttlMs: number): Promise<unknown> {
    return this.use('set', key, () => this.store.set(key, value, ttlMs));
  }

  delete(key: string): Promise<unknown> {
    return this.use('delete', key, () => this.store.delete(key));
  }

  /**
   * True when this caller now holds the lock. An acquire abandoned at
   * timeoutMs may still take the lock later: it is given back when that late
   * answer arrives, so the others need not wait for the lease to run out.
   */
  async acquire(key: string, token: string, leaseMs: number): Promise<unknown> {
    let attempt: unknown;
    const acquired = await this.use('acquire', key, () => (attempt = this.store.acquire!(key, token, leaseMs)));
    if (acquired === FAILED && isThenable(attempt)) {
      attempt.then(
        (late) => late === true && void this.release(key, token),
        () => {},
      );
    }
    return acquired;
  }

  release(key: string, token: string): Promise<unknown> {
    return this.use('release', key, () => this.store.release!(key, token));
  }

  private async use(operation: Operation, key: string, run: () => unknown): Promise<unknown> {
    // A store that knows it is offline is skipped without a wait, and without feeding the breaker: its state is
    // known, not suspected, and sharing should resume the moment it is back, not after a cooldown.
    if (this.offline() || !this.breaker.allows()) {
      this.counters.bypassed++;
      return FAILED;
    }
    this.lastKey = key;
    const deadline = storeDeadline(this.timeoutMs);
    try {
      // then(run): a store method that throws synchronously becomes a rejection.
      const result = await Promise.race([Promise.resolve().then(run), deadline.expired]);
      if (result === TIMED_OUT) {
        this.fail('storeTimeouts', { type: 'store-timeout', operation, key });
        return FAILED;
      }
      this.breaker.succeeded();
      return result;
    } catch (error) {
      this.fail('storeErrors', { type: 'store-error', operation, key, error });
      return FAILED;
    } finally {
      deadline.cancel();
    }
  }

  /** Whether the store says it cannot answer now (a `ready()` that throws says nothing). */
  private offline(): boolean {
    try {
      return this.store.ready?.() === false;
    } catch {
      return false;
    }
  }

  private fail(counter: 'storeErrors' | 'storeTimeouts', event: SharedEvent): void {
    this.counters[counter]++;
    // The failure is reported before the breaker opening it causes; finally:
    // the report runs user code, and a throw there must not starve the breaker.
    try {
      this.report(event);
    } finally {
      this.breaker.failed();
    }
  }
}
