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

/** Something that stores a pending thenable and wants to know how it settled. */
export interface PendingHolder {
  /** Whether `slot` still holds the entry identified by `token` (which stores `thenable`). */
  holds(slot: number, token: unknown, thenable: object): boolean;
  /**
   * The thenable settled: fulfilled starts the entry's ttl (ending at
   * `notAfter` on the clock's scale at the latest); rejected removes it.
   * Does nothing if the slot no longer holds `token`.
   */
  settled(slot: number, token: unknown, fulfilled: boolean, notAfter: number, thenable: object): void;
}

/** The local expiry a tier imposes on what a promise fulfils with (clock scale), if any. */
export type ExpiryOf = (thenable: object) => number | undefined;

class Watch {
  /** Flat triples: holder, slot, token. */
  readonly holders: unknown[] = [];
  /** Holders found live at the last compaction: the next one waits for the list to double past it. */
  private compactAt = 24;

  constructor(
    readonly thenable: object,
    readonly expiryOf: ExpiryOf | undefined,
  ) {}

  add(holder: PendingHolder, slot: number, token: unknown): void {
    if (this.holders.length >= this.compactAt) this.compact();
    this.holders.push(holder, slot, token);
  }

  /**
   * Keeps the holders whose slot still holds the thenable, once each: a slot
   * reused by a new entry of the same thenable would otherwise be listed again
   * for every store (settling it twice is harmless; keeping the list is not).
   */
  private compact(): void {
    const holders = this.holders;
    const seen = new Map<PendingHolder, Set<number>>();
    let kept = 0;
    for (let i = 0; i < holders.length; i += 3) {
      const holder = holders[i] as PendingHolder;
      const slot = holders[i + 1] as number;
      if (!holder.holds(slot, holders[i + 2], this.thenable)) continue;
      let slots = seen.get(holder);
      if (slots === undefined) seen.set(holder, (slots = new Set()));
      if (slots.has(slot)) continue;
      slots.add(slot);
      holders[kept++] = holder;
      holders[kept++] = slot;
      holders[kept++] = holders[i + 2];
    }
    holders.length = kept;
    this.compactAt = Math.max(24, 2 * kept);
  }

  settle(fulfilled: boolean, notAfter: number): void {
    const holders = this.holders;
    for (let i = 0; i < holders.length; i += 3) {
      (holders[i] as PendingHolder).settled(holders[i + 1] as number, holders[i + 2], fulfilled, notAfter, this.thenable);
    }
    holders.length = 0;
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
  const watch = new Watch(thenable, expiryOf);
  watch.add(holder, slot, token);
  watches.set(thenable, watch);
  const finish = (fulfilled: boolean) => {
    if (watches.get(thenable) === watch) watches.delete(thenable);
    const notAfter = fulfilled ? (watch.expiryOf?.(thenable) ?? Infinity) : Infinity;
    watch.settle(fulfilled, notAfter);
  };
  try {
    thenable.then(
      () => finish(true),
      () => finish(false),
    );
  } catch {
    finish(false); // a then() that throws can never fulfil
  }
}
