/**
 * Promises in the cache. A call that returns a thenable stores it at once, so
 * concurrent callers with the same key share it (and count as hits). When it
 * rejects, the entry is removed (only if the slot still holds that same entry)
 * and the next call runs again: a rejection is never cached. Its ttl counts
 * from fulfilment. Works with any thenable, not only native promises.
 */
import type { Cache } from './cache.js';

/**
 * Promises whose local entry may not outlive a moment known only when they
 * settle (a shared hit carries its shared entry's expiry). Weak: the entry
 * goes with the promise.
 */
const expiryCaps = new WeakMap<object, { readonly notAfter: number }>();

/** The local entry that stores `promise` expires at `cap.notAfter` at the latest (read when it fulfils). */
export function capLocalExpiry(promise: object, cap: { readonly notAfter: number }): void {
  expiryCaps.set(promise, cap);
}

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
 * Watches a stored thenable. The reaction closures hold the cache and a slot
 * number, never the arguments, and are released when the thenable settles.
 */
export function watchSettlement(cache: Cache, slot: number, thenable: PromiseLike<unknown>): void {
  const token = cache.tokenAt(slot);
  try {
    thenable.then(
      () => cache.settled(slot, token, true, expiryCaps.get(thenable)?.notAfter),
      () => cache.settled(slot, token, false),
    );
  } catch {
    cache.settled(slot, token, false); // a then() that throws can never fulfil
  }
}
