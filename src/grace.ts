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
 * removes the entry, and the miss that follows, in the same synchronous call,
 * takes it (`wrap`). No user code runs between a lookup and its miss, so one
 * slot per function suffices; the cache's hit path is untouched.
 */
import { isThenable, type ExpiryOf } from './async.js';
import type { Compute } from './cache.js';

const RUNNING = 0;
const FULFILLED = 1;
const REJECTED = 2;

/** A refresh of a stale entry: the computation's promise and how it went. */
interface Refresh {
  readonly promise: PromiseLike<unknown>;
  state: typeof RUNNING | typeof FULFILLED | typeof REJECTED;
}

/** What a promise this layer returned turned out to answer. */
interface Answer {
  readonly refresh: Refresh;
  /** Answered with the stale value (the refresh failed, or outlasted `softTimeoutMs`). */
  stale: boolean;
  /** The stale entry's expiry (clock scale): what an entry answered stale keeps. */
  readonly staleExpiry: number;
}

export class Grace {
  /** Calls answered with a stale value. */
  staleAnswers = 0;
  /** The promises this layer returned for refreshes, and what they answered (read when they settle). */
  private readonly answers = new WeakMap<object, Answer>();
  // The entry the last lookup found stale, until the miss that follows takes it.
  private offered = false;
  private offeredValue: unknown = undefined;
  private offeredExpiry = 0;
  // A synchronous stale answer, until the miss stores it with the stale entry's expiry (`expiryFor`).
  private answered = false;
  private answeredValue: unknown = undefined;
  private answeredExpiry = 0;

  constructor(
    /** Milliseconds an entry is kept past its ttl. */
    readonly ms: number,
    /** Milliseconds a refresh may take before the stale value answers; undefined: wait for it. */
    readonly softTimeoutMs: number | undefined,
  ) {}

  /** A lookup found an entry that expired at `expiry` (clock scale): offered if still within grace at `now`. */
  offer(value: unknown, expiry: number, now: number): void {
    if (!(expiry + this.ms > now)) return;
    this.offered = true;
    this.offeredValue = value;
    this.offeredExpiry = expiry;
  }

  /** The miss computation with the stale fallback around it. */
  wrap(compute: Compute): Compute {
    return (receiver, args, keys, count) => {
      if (!this.offered) return compute(receiver, args, keys, count);
      const stale = this.offeredValue;
      const staleExpiry = this.offeredExpiry;
      this.offered = false;
      this.offeredValue = undefined;
      return this.refresh(compute, receiver, args, keys, count, stale, staleExpiry);
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
      if (earlier.refresh.state === RUNNING) return this.answerStale(earlier.refresh, stale, staleExpiry);
      if (earlier.refresh.state === FULFILLED) return earlier.refresh.promise; // its value is stored now
      // It failed: refresh again below.
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
    const refresh: Refresh = { promise, state: RUNNING };
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
      if (answer === undefined) return base?.(thenable);
      return answer.stale ? answer.staleExpiry : base?.(answer.refresh.promise as object);
    };
  }
}
