/**
 * Promises in the cache. A call that returns a thenable stores it at once, so
 * concurrent callers with the same key share it (and count as hits). When it
 * rejects, its entries are removed (only where they still hold it) and the
 * next call runs again: a rejection is never cached. Works with any thenable,
 * not only native promises.
 *
 * What is watched is what decides the entry's life: the value itself, whose
 * fulfilment starts the cache's own ttl, or the expiry a miss computed for it
 * (miss.ts: a promise of the expiry, which a result policy or a tier settles
 * once the value is known). Either way the entry is told once, with the
 * outcome.
 *
 * One reaction per thenable, however many entries store it: a function that
 * hands the same pending promise to many keys adds a holder per store, not a
 * reaction, and holders whose entry has since gone are compacted away, so the
 * bookkeeping stays proportional to the entries that hold the promise.
 */
import { keepShapes } from './shapes.js';

/**
 * An entry's expiry, as a miss decides it (clock scale, see clock.ts):
 * - `undefined`: the cache's own rule (now + ttl, counted from fulfilment for a promise);
 * - a number: that instant (it may be past: a stale answer within grace);
 * - NOT_CACHED: not stored, and an entry the call was refreshing goes;
 * - KEEP: not stored, and the entry already there stays as it is.
 */
export type Expiry = number | undefined;

/** The expiry of a result that must not be kept (a result policy or a tier refused it). */
export const NOT_CACHED = -Infinity;
/**
 * The expiry of a call that answered with the entry already stored (grace):
 * nothing changes. Negative, as no reading of the clock is.
 */
export const KEEP = -1;

/** Something that stores a pending thenable and wants to know how it settled. */
export interface PendingHolder {
  /** Whether `slot` still holds the entry identified by `token`, which stores `value`. */
  holds(slot: number, token: unknown, value: unknown): boolean;
  /**
   * The watched thenable settled: `expiry` is what it decided (fulfilled), or
   * undefined for the cache's own rule. Does nothing if the slot no longer
   * holds `token`.
   */
  settled(slot: number, token: unknown, fulfilled: boolean, expiry: Expiry, value: unknown): void;
}

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
    /** What the entries store: the thenable itself, or (when it decides) the value whose expiry it is. */
    private readonly value: unknown,
    /** The thenable is an expiry: its value is the entry's expiry (else the entry's value). */
    private readonly decides: boolean,
    holder: PendingHolder,
    slot: number,
    token: unknown,
  ) {
    this.holder = holder;
    this.slot = slot;
    this.token = token;
  }

  readonly fulfilled = (result: unknown): void => this.finish(true, result);
  readonly rejected = (): void => this.finish(false, undefined);

  add(holder: PendingHolder, slot: number, token: unknown): void {
    const more = (this.more ??= []);
    if (more.length >= this.compactAt) this.compact(more);
    more.push(holder, slot, token);
  }

  /**
   * Keeps the holders whose slot still holds their entry, once each: a slot
   * reused by a new entry of the same thenable would otherwise be listed again
   * for every store (settling it twice is harmless; keeping the list is not).
   */
  private compact(more: unknown[]): void {
    const seen = new Map<PendingHolder, Set<number>>([[this.holder, new Set([this.slot])]]);
    let kept = 0;
    for (let i = 0; i < more.length; i += 3) {
      const holder = more[i] as PendingHolder;
      const slot = more[i + 1] as number;
      if (!holder.holds(slot, more[i + 2], this.value)) continue;
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

  finish(fulfilled: boolean, result: unknown): void {
    if (watches.get(this.thenable) === this) watches.delete(this.thenable);
    const expiry = fulfilled && this.decides ? (result as Expiry) : undefined;
    this.holder.settled(this.slot, this.token, fulfilled, expiry, this.value);
    const more = this.more;
    this.more = undefined;
    if (more === undefined) return;
    for (let i = 0; i < more.length; i += 3) {
      (more[i] as PendingHolder).settled(more[i + 1] as number, more[i + 2], fulfilled, expiry, this.value);
    }
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
 * Tells `holder` how the entry in `slot` identified by `token`, which stores
 * `value`, settles: when `value` (a thenable) does, or, given `expiry` (a
 * promise of the entry's expiry, which a miss's stages settle once the value
 * is known), when that does. The reaction holds the holder and slot numbers,
 * never arguments, and is released when the thenable settles.
 */
export function watchSettlement(
  holder: PendingHolder,
  slot: number,
  token: unknown,
  value: unknown,
  expiry?: PromiseLike<Expiry>,
): void {
  const decides = expiry !== undefined;
  const thenable = decides ? expiry : (value as PromiseLike<unknown>);
  const existing = decides ? undefined : watches.get(thenable);
  if (existing !== undefined) {
    existing.add(holder, slot, token);
    return;
  }
  const watch = new Watch(thenable, value, decides, holder, slot, token);
  if (!decides) watches.set(thenable, watch);
  try {
    thenable.then(watch.fulfilled, watch.rejected);
  } catch {
    watch.finish(false, undefined); // a then() that throws can never fulfil
  }
}

const ignore = () => undefined;

/**
 * Gives a stored promise a rejection handler when what the cache watches is
 * its expiry: a rejected promise nobody awaits raises no `unhandledRejection`
 * (as when the cache watches the promise itself).
 */
export function markHandled(value: unknown): void {
  if (isThenable(value)) value.then(undefined, ignore);
}

// One watch kept for the life of the process, so its hidden class outlives every real one (see shapes.ts).
const nobody: PendingHolder = { holds: () => false, settled: () => undefined };
keepShapes(new Watch(Promise.resolve(), undefined, false, nobody, -1, undefined));
