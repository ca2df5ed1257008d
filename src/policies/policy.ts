/**
 * Per-result policies, a stage of the miss pipeline (miss.ts): option `ttl`
 * as a function of the value, and option `shouldCache`. Both look at a value
 * once it is known: a synchronous result at once, a promise's when it
 * fulfils. They decide whether the entry is kept and how long it lives (its
 * expiry); the cache does the keeping.
 *
 * A promise is stored at once (concurrent callers join it) as a promise of
 * the same outcome that follows the policy's decision, which is the entry's
 * expiry promise: a refused value leaves the cache as a rejection does. A policy that throws, or answers something that is not an
 * answer, fails the call with that error (the promise rejects), and nothing
 * is cached.
 *
 * With a tier (lru-memo/shared) there is no policy stage: the tier asks
 * `lifetime` itself, before it shares a value, so a value not cached locally
 * is never shared, and its answer carries the decision.
 */
import { NOT_CACHED, isThenable, type Expiry } from '../async.js';
import { preciseNow } from '../clock.js';
import { describe } from '../describe.js';
import type { Stage } from '../miss.js';

/** Option `ttl` as a function: milliseconds for this value; `Infinity` never expires, `0` not cached. */
export type TtlFunction = (value: unknown, args: readonly unknown[]) => number;
/** Option `shouldCache`. */
export type ShouldCache = (value: unknown, args: readonly unknown[]) => boolean;

/**
 * The expiry, on the clock's scale, of a value that never expires under a
 * ttl function. Not Infinity: an Infinity expiry reads as "a promise still
 * pending" (and hits on it count as joined calls).
 */
const NEVER = Number.MAX_VALUE;

export class ResultPolicy {
  constructor(
    /** Message prefix, e.g. "lruCache 'load'". */
    private readonly label: string,
    /** The cache's fixed ttl in milliseconds (0: none), used when there is no ttl function. */
    private readonly ttl: number,
    private readonly ttlOf: TtlFunction | undefined,
    private readonly shouldCache: ShouldCache | undefined,
  ) {}

  /**
   * Milliseconds this value lives (0: not cached; `Infinity`: never expires,
   * or the cache's fixed ttl when it has none). Throws the policy's own
   * error, or a TypeError/RangeError naming the option when its answer is
   * not one.
   */
  lifetime(value: unknown, args: ArrayLike<unknown>): number {
    const given = Array.from(args);
    if (this.shouldCache !== undefined) {
      const answer: unknown = this.shouldCache(value, given);
      if (typeof answer !== 'boolean') {
        throw new TypeError(`${this.label}: option 'shouldCache' must return a boolean, received ${describe(answer)}`);
      }
      if (!answer) return 0;
    }
    if (this.ttlOf === undefined) return this.ttl === 0 ? Infinity : this.ttl;
    const ms: unknown = this.ttlOf(value, given);
    const rule = `${this.label}: option 'ttl' must return a positive number of milliseconds, Infinity (never expires) or 0 (not cached)`;
    if (typeof ms !== 'number') throw new TypeError(`${rule}, received ${describe(ms)}`);
    if (!(ms >= 0)) throw new RangeError(`${rule}, received ${describe(ms)}`);
    return ms;
  }

  /** The expiry of a value living `ms` (undefined: the cache's fixed ttl applies). */
  private expiryOf(ms: number): Expiry {
    if (ms === 0) return NOT_CACHED;
    if (this.ttlOf === undefined) return undefined;
    return ms === Infinity ? NEVER : preciseNow() + ms;
  }

  /** The stage: decides the life of what `next` computed. */
  readonly stage: Stage = (next) => (miss) => {
    next(miss);
    const { value, args } = miss;
    if (!isThenable(value)) {
      miss.expiry = this.expiryOf(this.lifetime(value, args));
      return;
    }
    // The decision settles first and the caller's promise follows from it, so that a caller who
    // sees the value finds the cache already decided (a refused value already gone).
    let settled: unknown;
    const expiry = Promise.resolve(value).then((fulfilled) => {
      settled = fulfilled;
      return this.expiryOf(this.lifetime(fulfilled, args));
    });
    miss.expiry = expiry;
    miss.value = expiry.then(() => settled);
  };
}
