/**
 * Garbage-collection helpers for tests run with --expose-gc.
 *
 * A WeakRef keeps its target alive until the current job ends and finalizers
 * run in a later task, so every round yields to the event loop around gc().
 */
import { setImmediate as tick } from 'node:timers/promises';

declare const gc: (() => void) | undefined;

export function forceGc(): void {
  if (typeof gc !== 'function') throw new Error('run with --expose-gc');
  gc();
}

/** Runs GC rounds until `done()` or the rounds run out; returns done(). */
export async function collectUntil(done: () => boolean, rounds = 20): Promise<boolean> {
  for (let i = 0; i < rounds; i++) {
    await tick();
    forceGc();
    await tick();
    if (done()) return true;
  }
  return done();
}

/**
 * One registry for every Watcher, for the life of the process: on Node 20
 * (V8 11.3), a FinalizationRegistry collected while it has cleanups pending
 * stops every cleanup in the process (a Watcher dropped at the end of a test
 * would silence the next tests' finalizers).
 */
const finalizedIn = new FinalizationRegistry<{ watcher: Watcher; index: number }>(({ watcher, index }) =>
  watcher.finalized.add(index),
);

/**
 * Watches objects for collection: `watch(obj)` returns an index;
 * `collected(i)` is true once its WeakRef is empty and its finalizer ran.
 */
export class Watcher {
  private readonly refs: WeakRef<object>[] = [];
  readonly finalized = new Set<number>();

  watch(target: object): number {
    const index = this.refs.length;
    this.refs.push(new WeakRef(target));
    finalizedIn.register(target, { watcher: this, index });
    return index;
  }

  collected(index: number): boolean {
    return this.refs[index]!.deref() === undefined && this.finalized.has(index);
  }

  /** Number of watched objects collected so far. */
  count(): number {
    let n = 0;
    for (let i = 0; i < this.refs.length; i++) if (this.collected(i)) n++;
    return n;
  }

  /** GC until every index in `indexes` is collected (or rounds run out). */
  async awaitCollected(indexes: readonly number[], rounds = 20): Promise<boolean> {
    return collectUntil(() => indexes.every((i) => this.collected(i)), rounds);
  }
}

/** Heap used after a full collection, in bytes. */
export async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await tick();
    forceGc();
  }
  return process.memoryUsage().heapUsed;
}
