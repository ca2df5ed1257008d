/**
 * Per-result policies: option `ttl` as a function of the value, and option
 * `shouldCache`. Both look at a value once it is known: a synchronous result
 * at once, a promise's when it fulfils. They decide whether the entry is kept
 * and how long it lives; the cache does the keeping.
 *
 * A synchronous result is decided before it is stored (`expiryFor`): a value
 * the policy refuses is simply not stored. A promise is stored at once (so
 * concurrent callers join it) as a promise of the same outcome whose
 * fulfilment first asks the policy (`track`); the decision reaches the cache
 * through the settlement hook every stored promise already has (async.ts),
 * and a refused value leaves the cache as a rejection does. A policy that
 * throws, or answers something that is not an answer, fails the call with
 * that error (the promise rejects), and the value is not cached.
 *
 * With a tier (lru-memo/shared) the tier asks the policy itself
 * (`lifetime`), before it shares the value, so a value not cached locally is
 * never shared, and a ttl function gives the shared entry its life too.
 */
import { isThenable, NOT_CACHED, type ExpiryOf } from './async.js';
import { preciseNow } from './clock.js';
import { describe } from './describe.js';

export { NOT_CACHED };

/** Option `ttl` as a function: milliseconds for this value; `Infinity` never expires, `0` not cached. */
export type TtlFunction = (value: unknown, args: readonly unknown[]) => number;
/** Option `shouldCache`. */
export type ShouldCache = (value: unknown, args: readonly unknown[]) => boolean;

/**
 * The expiry, on the clock's scale, of a value that never expires under a
 * ttl function. Not Infinity: a timed cache reads an Infinity expiry as "a
 * promise still pending" (and counts hits on it as joined calls).
 */
const NEVER = Number.MAX_VALUE;

export class ResultPolicy {
  /** What each tracked promise's value was decided to be, read when it settles (async.ts). */
  private readonly decided = new WeakMap<object, number>();

  constructor(
    /** Message prefix, e.g. "lruCache 'load'". */
    private readonly label: string,
    /** The cache's fixed ttl in milliseconds (0: none), used when there is no ttl function. */
    private readonly ttl: number,
    private readonly ttlOf: TtlFunction | undefined,
    private readonly shouldCache: ShouldCache | undefined,
  ) {}

  /**
   * Milliseconds this value lives (0: not cached; `Infinity`: never
   * expires, or the cache's fixed ttl when it has none). Throws the policy's
   * own error, or a TypeError/RangeError naming the option when its answer
   * is not one.
   */
  lifetime(value: unknown, args: ArrayLike<unknown>): number {
    const given = this.shouldCache === undefined && this.ttlOf === undefined ? undefined : Array.from(args);
    if (this.shouldCache !== undefined) {
      const answer: unknown = this.shouldCache(value, given!);
      if (typeof answer !== 'boolean') {
        throw new TypeError(`${this.label}: option 'shouldCache' must return a boolean, received ${describe(answer)}`);
      }
      if (!answer) return 0;
    }
    if (this.ttlOf === undefined) return this.ttl === 0 ? Infinity : this.ttl;
    const ms: unknown = this.ttlOf(value, given!);
    const rule = `${this.label}: option 'ttl' must return a positive number of milliseconds, Infinity (never expires) or 0 (not cached)`;
    if (typeof ms !== 'number') throw new TypeError(`${rule}, received ${describe(ms)}`);
    if (!(ms >= 0)) throw new RangeError(`${rule}, received ${describe(ms)}`);
    return ms;
  }

  /**
   * The expiry of a synchronous result, on the clock's scale: NOT_CACHED,
   * or undefined for the cache's own rule (no ttl function, or a promise,
   * which is decided when it fulfils).
   */
  expiryFor(value: unknown, args: ArrayLike<unknown>): number | undefined {
    if (isThenable(value)) return undefined;
    return this.expiryOf(this.lifetime(value, args));
  }

  /**
   * A promise of `thenable`'s outcome that, when it fulfils, first decides
   * the value's fate (read back through `settledExpiry`), and rejects if the
   * policy fails. Other values are returned as they are.
   */
  track(value: unknown, args: ArrayLike<unknown>): unknown {
    if (!isThenable(value)) return value;
    const tracked: Promise<unknown> = Promise.resolve(value).then((settled) => {
      this.decided.set(tracked, this.expiryOf(this.lifetime(settled, args)) ?? Infinity);
      return settled;
    });
    return tracked;
  }

  /** The settlement hook of caches with this policy: the decision made for a tracked promise. */
  readonly settledExpiry: ExpiryOf = (thenable) => this.decided.get(thenable);

  /** Milliseconds from now to an expiry on the clock's scale (undefined: the cache's fixed ttl applies). */
  private expiryOf(ms: number): number | undefined {
    if (ms === 0) return NOT_CACHED;
    if (this.ttlOf === undefined) return undefined;
    return ms === Infinity ? NEVER : preciseNow() + ms;
  }
}
