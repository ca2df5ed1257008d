/**
 * The one clock every ttl reads: monotonic, and cheap on the hit path.
 *
 * Reading a clock costs 65-135 ns on virtual machines (kvm-clock), more than a
 * whole cache hit, so a ttl hit reads a cached value instead, as lru-cache's
 * `ttlResolution` does. The cached value is refreshed
 * - at the first read after the event loop has turned for RESOLUTION_MS
 *   (a timer marks it stale; the timer is unref'd, so it never keeps a process alive);
 * - and by every write of any cache with a ttl (`preciseNow`), so a new
 *   entry's expiry counts from now, and time moves on inside a synchronous
 *   job that stores.
 * An entry may therefore be served for at most RESOLUTION_MS past its expiry
 * while the event loop turns; inside one synchronous job, until the job ends
 * or a cache with a ttl stores something. (Refreshing every N hits as well bounded the
 * second case, and cost a ttl hit 1.7x a plain one instead of 1.2x in the
 * bench: the hit path is the one place this library cannot spend.)
 *
 * The source is `performance.now()`: monotonic, so a wall clock stepped back
 * or forward (NTP, a VM resumed) moves no expiry. It and `setTimeout` are
 * looked up on `globalThis` at each use, so fake timers installed by a test
 * (`vi.useFakeTimers()`, `@sinonjs/fake-timers`, `jest.useFakeTimers()`, which
 * all fake `performance` by default) drive expiry through their
 * `advanceTimersByTime` / `tick`. Moving only the wall clock (`setSystemTime`)
 * does not expire anything, by design.
 */

/** How long a cached reading may be used while the event loop turns. */
export const RESOLUTION_MS = 1;
/**
 * [0]: the cached reading while it is fresh; Infinity before the first and
 * once the refresh timer fired, so that a hit's one comparison
 * `expires > reading[0]` fails and `fresh` reads the clock. A typed array:
 * the cheapest state a hit can read on V8 (a module-level `let` costs about
 * 20 instructions per access, a double property is boxed).
 */
const reading = new Float64Array(1);
reading[0] = Infinity;
/** The setTimeout the pending refresh timer was armed with, if any. */
let armedWith: unknown = undefined;

function source(): number {
  const performance = (globalThis as { performance?: { now(): number } }).performance;
  return performance === undefined ? Date.now() : performance.now();
}

function expireReading(): void {
  armedWith = undefined;
  reading[0] = Infinity;
}

/**
 * A fresh reading; arms the refresh timer. If the timer was armed with
 * another `setTimeout` (fake timers installed or removed since), it is armed
 * again with the current one.
 */
export function preciseNow(): number {
  const now = source();
  reading[0] = now;
  armRefresh();
  return now;
}

/** Arms the timer that marks the reading stale, unless it is armed with the current `setTimeout`. */
function armRefresh(): void {
  const schedule = (globalThis as { setTimeout?: typeof setTimeout }).setTimeout;
  if (schedule === undefined || armedWith === schedule) return;
  armedWith = schedule;
  const timer = schedule(expireReading, RESOLUTION_MS) as { unref?: () => void };
  timer.unref?.();
}

/**
 * Whether an entry expiring at `expires` is fresh: the check of a ttl hit. One
 * comparison while the cached reading is fresh and the entry too; the clock is
 * read only when the reading is stale or the entry seems expired. Small, so
 * V8 inlines it into the hit path (and not the clock read, which is rare).
 */
export function fresh(expires: number): boolean {
  return expires > reading[0]! || freshNow(expires);
}

/** `fresh` against a precise reading. */
function freshNow(expires: number): boolean {
  return expires > preciseNow();
}

/**
 * Converts a wall-clock instant (`Date.now()` scale, as another process writes
 * it) to this clock's scale, for expiries that come from outside.
 */
export function fromWallClock(epochMs: number): number {
  return preciseNow() + (epochMs - Date.now());
}
