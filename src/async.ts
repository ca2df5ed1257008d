/**
 * Promises in the cache. A call that returns a thenable stores it at once, so
 * concurrent callers with the same key share it (and count as hits). When it
 * rejects, its entries are removed (only where they still hold it) and the
 * next call runs again: a rejection is never cached. Its ttl counts from
 * fulfilment. Works with any thenable, not only native promises.
 *
 * One reaction per thenable, however many entries store it: a function that
 * hands the same pending promise to many keys adds a holder per store, not a
 * reaction, and holders whose entry has since gone are compacted away, so
 * the bookkeeping stays proportional to the entries that hold the promise.
 */

import { keepShapes } from './shapes.js';

/**
 * The `notAfter` of a fulfilled thenable whose value must not be kept: a
 * result policy (policy.ts) or a tier refused it. Its entries are removed, as
 * a rejection's are.
 */
export const NOT_CACHED = -Infinity;

/** Something that stores a pending thenable and wants to know how it settled. */
export interface PendingHolder {
  /** Whether `slot` still holds the entry identified by `token` (which stores `thenable`). */
  holds(slot: number, token: unknown, thenable: object): boolean;
  /**
   * The thenable settled: fulfilled starts the entry's ttl (ending at
   * `notAfter` on the clock's scale at the latest); rejected, or fulfilled
   * with `notAfter` NOT_CACHED, removes it. Does nothing if the slot no
   * longer holds `token`.
   */
  settled(slot: number, token: unknown, fulfilled: boolean, notAfter: number, thenable: object): void;
}

/**
 * The latest expiry (clock scale) of what a promise fulfils with, if anything
 * imposes one: a tier (a value read from a shared entry), or a result policy
 * (NOT_CACHED when it refused the value).
 */
export type ExpiryOf = (thenable: object) => number | undefined;

/**
 * The one reaction to a thenable, and who stores it. Most thenables have one
 * holder, kept in fields; more go to `more`. The two handlers are the only
 * closures a watched thenable costs.
 */
class Watch {
  private holder: PendingHolder;
  private slot: number;
  private token: unknown;
  /** Holders after the first, as flat triples: holder, slot, token. */
  private more: unknown[] | undefined = undefined;
  /** Length of `more` at which it is next compacted. */
  private compactAt = 24;

  constructor(
    readonly thenable: object,
    readonly expiryOf: ExpiryOf | undefined,
    holder: PendingHolder,
    slot: number,
    token: unknown,
  ) {
    this.holder = holder;
    this.slot = slot;
    this.token = token;
  }

  readonly fulfilled = (): void => this.finish(true);
  readonly rejected = (): void => this.finish(false);

  add(holder: PendingHolder, slot: number, token: unknown): void {
    const more = (this.more ??= []);
    if (more.length >= this.compactAt) this.compact(more);
    more.push(holder, slot, token);
  }

  /**
   * Keeps the holders whose slot still holds the thenable, once each: a slot
   * reused by a new entry of the same thenable would otherwise be listed again
   * for every store (settling it twice is harmless; keeping the list is not).
   */
  private compact(more: unknown[]): void {
    const seen = new Map<PendingHolder, Set<number>>();
    seen.set(this.holder, new Set([this.slot]));
    let kept = 0;
    for (let i = 0; i < more.length; i += 3) {
      const holder = more[i] as PendingHolder;
      const slot = more[i + 1] as number;
      if (!holder.holds(slot, more[i + 2], this.thenable)) continue;
      let slots = seen.get(holder);
      if (slots === undefined) seen.set(holder, (slots = new Set()));
      if (slots.has(slot)) continue;
      slots.add(slot);
      more[kept++] = holder;
      more[kept++] = slot;
      more[kept++] = more[i + 2];
    }
    more.length = kept;
    this.compactAt = Math.max(24, 2 * kept);
  }

  finish(fulfilled: boolean): void {
    const thenable = this.thenable;
    if (watches.get(thenable) === this) watches.delete(thenable);
    const notAfter = fulfilled ? (this.expiryOf?.(thenable) ?? Infinity) : Infinity;
    this.holder.settled(this.slot, this.token, fulfilled, notAfter, thenable);
    const more = this.more;
    if (more === undefined) return;
    for (let i = 0; i < more.length; i += 3) {
      (more[i] as PendingHolder).settled(more[i + 1] as number, more[i + 2], fulfilled, notAfter, thenable);
    }
    this.more = undefined;
  }
}

/** Pending thenables being watched. Weak: a watch goes with its thenable. */
const watches = new WeakMap<object, Watch>();

/** A value whose `then` is a function. A throwing `then` getter means "not a thenable". */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

/**
 * Tells `holder` how `thenable` settles, for the entry in `slot` identified by
 * `token`. The reaction holds the holder and slot numbers, never arguments,
 * and is released when the thenable settles.
 */
export function watchSettlement(
  holder: PendingHolder,
  slot: number,
  token: unknown,
  thenable: PromiseLike<unknown>,
  expiryOf: ExpiryOf | undefined,
): void {
  const existing = watches.get(thenable);
  if (existing !== undefined) {
    existing.add(holder, slot, token);
    return;
  }
  const watch = new Watch(thenable, expiryOf, holder, slot, token);
  watches.set(thenable, watch);
  try {
    thenable.then(watch.fulfilled, watch.rejected);
  } catch {
    watch.finish(false); // a then() that throws can never fulfil
  }
}

// One watch kept for the life of the process, so its hidden class outlives every real one (see shapes.ts).
const nobody: PendingHolder = { holds: () => false, settled: () => undefined };
keepShapes(new Watch(Promise.resolve(), undefined, nobody, -1, undefined));
