/**
 * Grace (options `grace` and `softTimeoutMs`): an entry past its ttl is kept
 * `grace` more milliseconds as a fallback, so that when the function fails,
 * or is slow, the caller gets the last good value instead of the failure or
 * the wait. bentocache calls this grace and soft timeouts; HTTP caches call
 * it stale-if-error and stale-while-revalidate.
 *
 * - A call on a stale entry (past ttl, within grace) runs the function again.
 * - If that throws (or its promise rejects), the call answers with the stale
 *   value, which stays stale: the next call tries again, until grace ends.
 *   Nothing failed is ever stored.
 * - With `softTimeoutMs`, a refresh whose promise has not settled by then
 *   answers with the stale value and runs on. Calls that arrive while it runs
 *   answer with the stale value at once and start nothing; once it has
 *   fulfilled, the next call stores its value.
 * - Without a stale value (a cold key, or grace over) calls behave as ever.
 *
 * How the stale value reaches the computation: a lookup that finds an entry
 * past its ttl but within grace offers it to this function's Grace as it
 * removes the entry, naming the cache (or record) and the key list; the miss
 * protocol of that cache takes it back first thing (`take`), only for the
 * same cache and the same keys, and hands it over (`handOver`) just before it
 * runs the computation, whose wrapper (`wrap`) picks it up. So a value can
 * never answer for another key or another receiver, even if user code (an
 * `onEvict`, a diagnostics subscriber) calls the function in between, or an
 * exception cut a call short between its lookup and its miss. The cache's
 * hit path is untouched.
 */
import { isThenable, type ExpiryOf } from './async.js';
import type { Compute } from './cache.js';
import { preciseNow } from './clock.js';

/** Whether `offered` is the key list `keys` (its first `count`), by SameValueZero. */
function sameKeys(offered: unknown[], keys: ArrayLike<unknown>, count: number): boolean {
  if (offered.length !== count) return false;
  for (let i = 0; i < count; i++) {
    const a = offered[i];
    const b = keys[i];
    if (a !== b && !(a !== a && b !== b)) return false;
  }
  return true;
}

const RUNNING = 0;
const FULFILLED = 1;
const REJECTED = 2;

/** A refresh of a stale entry: the computation's promise and how it went. */
interface Refresh {
  readonly promise: PromiseLike<unknown>;
  state: typeof RUNNING | typeof FULFILLED | typeof REJECTED;
  /** When it fulfilled (clock scale): its value is as old as that. */
  fulfilledAt: number;
}

/** A refresh of a stale entry: the computation's promise and how it went. */
interface Answer {
  readonly refresh: Refresh;
  /** Answered with the stale value (the refresh failed, or outlasted `softTimeoutMs`). */
  stale: boolean;
  /** The stale entry's expiry (clock scale): what an entry answered stale keeps. */
  readonly staleExpiry: number;
}

/** A stale entry on its way from a lookup to the computation of the same call. */
export interface StaleEntry {
  readonly value: unknown;
  /** When it stopped being fresh (clock scale). */
  readonly expiry: number;
}

export class Grace {
  /** Calls answered with a stale value. */
  staleAnswers = 0;
  /** The promises this layer returned for refreshes, and what they answered (read when they settle). */
  private readonly answers = new WeakMap<object, Answer>();
  // The entry the last lookup found stale: which cache or record, under which keys, until its miss takes it.
  private offered: StaleEntry | undefined = undefined;
  private offeredBy: object | undefined = undefined;
  private offeredKeys: unknown[] = [];
  // The stale entry handed to the computation about to run.
  private handed: StaleEntry | undefined = undefined;
  /** Promises returned for a finished refresh's value: the expiry that value had (clock scale). */
  private readonly reused = new WeakMap<object, number>();
  // A synchronous stale answer, until the miss stores it with the stale entry's expiry (`expiryFor`).
  private answered = false;
  private answeredValue: unknown = undefined;
  private answeredExpiry = 0;

  constructor(
    /** Milliseconds an entry is kept past its ttl. */
    readonly ms: number,
    /** Milliseconds a refresh may take before the stale value answers; undefined: wait for it. */
    readonly softTimeoutMs: number | undefined,
    /** The cache's fixed ttl; 0 when a function decides it per value (a finished refresh is then never reused). */
    private readonly ttl: number,
  ) {}

  /**
   * A lookup of `owner` (a cache or a record) found the entry for `keys`
   * (the owner's own key list) expired at `expiry` (clock scale): offered to
   * that owner's next miss if still within grace at `now`.
   */
  offer(owner: object, keys: unknown[], value: unknown, expiry: number, now: number): void {
    if (!(expiry + this.ms > now)) return;
    this.offered = { value, expiry };
    this.offeredBy = owner;
    this.offeredKeys = keys;
  }

  /**
   * The miss of `owner` for `keys` starts: the stale entry its lookup
   * offered, if it is that one (else none). The offer is cleared either way.
   */
  take(owner: object, keys: ArrayLike<unknown>, count: number): StaleEntry | undefined {
    const offered = this.offered;
    if (offered === undefined) return undefined;
    const matches = this.offeredBy === owner && sameKeys(this.offeredKeys, keys, count);
    this.offered = this.offeredBy = undefined;
    this.offeredKeys = [];
    return matches ? offered : undefined;
  }

  /** The computation about to run (the next call of `wrap`'s function) gets `stale` as its fallback. */
  handOver(stale: StaleEntry | undefined): void {
    this.handed = stale;
  }

  /** The miss computation with the stale fallback around it. */
  wrap(compute: Compute): Compute {
    return (receiver, args, keys, count) => {
      const stale = this.handed;
      if (stale === undefined) return compute(receiver, args, keys, count);
      this.handed = undefined;
      return this.refresh(compute, receiver, args, keys, count, stale.value, stale.expiry);
    };
  }

  private refresh(
    compute: Compute,
    receiver: unknown,
    args: ArrayLike<unknown>,
    keys: ArrayLike<unknown>,
    count: number,
    stale: unknown,
    staleExpiry: number,
  ): unknown {
    const earlier = typeof stale === 'object' && stale !== null ? this.answers.get(stale) : undefined;
    if (earlier?.stale === true) {
      // The stale entry is a stale answer of this layer, given while its refresh ran on (or after it failed).
      const refresh = earlier.refresh;
      if (refresh.state === RUNNING) return this.answerStale(refresh, stale, staleExpiry);
      // Finished since: its value answers (and is stored) if it is still fresh itself; otherwise refresh again.
      if (refresh.state === FULFILLED && refresh.fulfilledAt + this.ttl > preciseNow()) return this.reuse(refresh);
    }
    let result: unknown;
    try {
      result = compute(receiver, args, keys, count);
    } catch {
      this.staleAnswers++;
      this.answered = true;
      this.answeredValue = stale;
      this.answeredExpiry = staleExpiry;
      return stale;
    }
    return isThenable(result) ? this.race(result, stale, staleExpiry) : result;
  }

  /**
   * A promise of the refresh's value, or of the stale value if the refresh
   * rejects or (with `softTimeoutMs`) is still running when the timer fires.
   */
  private race(promise: PromiseLike<unknown>, stale: unknown, staleExpiry: number): Promise<unknown> {
    const refresh: Refresh = { promise, state: RUNNING, fulfilledAt: 0 };
    let settle!: (value: unknown) => void;
    const answer = new Promise<unknown>((resolve) => (settle = resolve));
    const record: Answer = { refresh, stale: false, staleExpiry };
    this.answers.set(answer, record);
    let done = false;
    let timer: { unref?: () => void } | undefined = undefined;
    const answerStale = () => {
      if (done) return;
      done = true;
      record.stale = true;
      this.staleAnswers++;
      settle(stale);
    };
    const fulfilled = () => {
      refresh.state = FULFILLED;
      refresh.fulfilledAt = preciseNow();
      if (timer !== undefined) clearTimeout(timer as never);
      if (done) return;
      done = true;
      settle(promise);
    };
    const rejected = () => {
      refresh.state = REJECTED;
      if (timer !== undefined) clearTimeout(timer as never);
      answerStale();
    };
    try {
      promise.then(fulfilled, rejected);
    } catch {
      rejected(); // a then() that throws can never fulfil
    }
    if (this.softTimeoutMs !== undefined && refresh.state === RUNNING) {
      timer = setTimeout(answerStale, this.softTimeoutMs) as { unref?: () => void };
      timer.unref?.(); // the refresh itself keeps the process alive if it must
    }
    return answer;
  }

  /** A refresh that finished after its soft timeout: its value, stored with the expiry it has had since it fulfilled. */
  private reuse(refresh: Refresh): Promise<unknown> {
    const answer = Promise.resolve(refresh.promise).then((value) => value);
    this.reused.set(answer, refresh.fulfilledAt + this.ttl);
    return answer;
  }

  /** A call while a refresh runs on past its soft timeout: the stale value at once. */
  private answerStale(refresh: Refresh, stale: unknown, staleExpiry: number): Promise<unknown> {
    this.staleAnswers++;
    const answer = Promise.resolve(stale).then((value) => value);
    this.answers.set(answer, { refresh, stale: true, staleExpiry });
    return answer;
  }

  /**
   * The expiry of a synchronous result: the stale entry's when the call was
   * answered stale (it stays stale), undefined otherwise. Read by the miss
   * that stores it, right after the computation.
   */
  expiryFor(value: unknown): number | undefined {
    if (!this.answered) return undefined;
    this.answered = false;
    const same = Object.is(value, this.answeredValue);
    this.answeredValue = undefined;
    return same ? this.answeredExpiry : undefined;
  }

  /**
   * The settlement hook around the cache's own (`base`): a promise answered
   * stale keeps the stale entry's expiry; one answered by its refresh gets
   * what the refresh's promise would have got (a tier's cap, a policy's decision).
   */
  expiryOf(base: ExpiryOf | undefined): ExpiryOf {
    return (thenable) => {
      const answer = this.answers.get(thenable);
      if (answer === undefined) return this.reused.get(thenable) ?? base?.(thenable);
      return answer.stale ? answer.staleExpiry : base?.(answer.refresh.promise as object);
    };
  }
}
