/**
 * Grace (options `grace` and `softTimeoutMs`), a stage of the miss pipeline
 * (miss.ts): an entry past its ttl is kept `grace` more milliseconds as a
 * fallback, so that when the function fails, or is slow, the caller gets the
 * last good value instead of the failure or the wait. bentocache calls this
 * grace and soft timeouts; HTTP caches stale-if-error and
 * stale-while-revalidate.
 *
 * - A call on a stale entry (past ttl, within grace) runs the function again.
 * - If that throws (or its promise rejects), the call answers with the stale
 *   value, which stays stale: the next call tries again, until grace ends.
 *   Nothing failed is ever stored.
 * - With `softTimeoutMs`, a refresh whose promise has not settled by then
 *   answers with the stale value and runs on; calls meanwhile answer with the
 *   stale value at once and start nothing; when it fulfils, its value is
 *   stored (with the life the stages inside grace gave it: a policy may refuse
 *   it, a ttl function decide it).
 * - Without a stale value (a cold key, or grace over) calls behave as ever.
 *
 * The stale entry is found by the miss itself, in its own cache under its own
 * keys (it stays there until the miss's store replaces it), so a stale value
 * never answers for another key or another receiver. The refresh that runs on
 * is kept with the entry answered stale (the table keeps one state per entry
 * for its group's parts), never in a table of its own. The hit path is
 * untouched; sweeps keep stale entries until ttl + grace.
 */
import { KEEP, isThenable, type Expiry } from '../async.js';
import { preciseNow } from '../clock.js';
import type { Computation, Miss, Stage } from '../miss.js';
import { flushEvents } from '../notify.js';
import type { Peeked } from '../table.js';

const RUNNING = 0;
const FULFILLED = 1;
const REJECTED = 2;

/** A refresh of a stale entry, kept with the entry that answered stale while it runs on. */
class Refresh {
  state: typeof RUNNING | typeof FULFILLED | typeof REJECTED = RUNNING;
}

export class Grace {
  constructor(
    /** Milliseconds an entry is kept past its ttl. */
    readonly ms: number,
    /** Milliseconds a refresh may take before the stale value answers; undefined: wait for it. */
    readonly softTimeoutMs: number | undefined,
  ) {}

  /** The stage: `next` runs inside it, with the stale entry (if the miss's cache has one for its keys) as its fallback. */
  readonly stage: Stage = (next) => (miss) => {
    const entry = miss.cache?.peek(miss.cacheKeys, miss.cacheCount);
    const now = preciseNow();
    if (entry === undefined || entry.expiry > now || !(entry.expiry + this.ms > now)) next(miss);
    else this.refresh(miss, next, entry);
  };

  private refresh(miss: Miss, next: Computation, stale: Peeked): void {
    if (stale.state instanceof Refresh && stale.state.state === RUNNING) {
      // This entry answered stale while its refresh runs on: answer it again, start nothing.
      this.answerStale(miss, stale.value);
      return;
    }
    try {
      next(miss);
    } catch {
      this.answerStale(miss, stale.value);
      return;
    }
    if (isThenable(miss.value)) this.race(miss, miss.value, miss.expiry, stale);
  }

  /** The call answers with the stale entry, which stays as it is. */
  private answerStale(miss: Miss, value: unknown): void {
    miss.group.staleAnswers++;
    miss.value = value;
    miss.expiry = KEEP;
  }

  /**
   * A promise of the refresh's value, or of the stale value if the refresh
   * rejects or (with `softTimeoutMs`) is still running when the timer fires;
   * its expiry follows: the refresh's, or the stale entry's. A refresh that
   * fulfils after the stale answer replaces that entry, if it is still there.
   */
  private race(miss: Miss, refreshed: PromiseLike<unknown>, refreshedExpiry: Miss['expiry'], stale: Peeked): void {
    const refresh = new Refresh();
    let answer!: (value: unknown) => void;
    let decide!: (expiry: Expiry | PromiseLike<Expiry>) => void;
    const answered = new Promise<unknown>((resolve) => (answer = resolve));
    miss.value = answered;
    miss.expiry = new Promise<Expiry>((resolve) => (decide = resolve));
    miss.state = refresh;
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const answerStale = () => {
      if (done) return;
      done = true;
      miss.group.staleAnswers++;
      decide(stale.expiry); // the expiry first: the cache is decided before a caller sees the answer
      answer(stale.value);
    };
    const fulfilled = () => {
      refresh.state = FULFILLED;
      if (timer !== undefined) clearTimeout(timer);
      if (!done) {
        done = true;
        decide(refreshedExpiry);
        answer(refreshed);
      } else {
        this.land(miss, answered, refreshed, refreshedExpiry);
      }
    };
    const rejected = () => {
      refresh.state = REJECTED;
      if (timer !== undefined) clearTimeout(timer);
      answerStale();
    };
    try {
      refreshed.then(fulfilled, rejected);
    } catch {
      rejected(); // a then() that throws can never fulfil
    }
    if (this.softTimeoutMs !== undefined && refresh.state === RUNNING) {
      timer = setTimeout(answerStale, this.softTimeoutMs);
      (timer as { unref?: () => void }).unref?.(); // the refresh itself keeps the process alive if it must
    }
  }

  /**
   * A refresh answered stale at its soft timeout has fulfilled: it replaces
   * the entry that answer is, if that entry is still there (not cleared,
   * invalidated, or replaced since), with the life the stages inside grace
   * gave it.
   */
  private land(miss: Miss, answered: unknown, refreshed: unknown, expiry: Miss['expiry']): void {
    const { cache, group, cacheKeys, cacheCount } = miss;
    if (cache === undefined || cache.peek(cacheKeys, cacheCount)?.value !== answered) return;
    cache.delete(group, cacheKeys, cacheCount);
    cache.store(group, cacheKeys, cacheCount, refreshed, expiry);
    flushEvents(); // its store may have evicted
  }
}
