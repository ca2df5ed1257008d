/**
 * Objects kept for the life of the process so that their classes' hidden
 * classes never die.
 *
 * V8 discards optimized code that embeds a hidden class (a map) when that map
 * dies, and a class's map dies at the first full GC that finds none of its
 * objects alive. The per-instance objects of this library (receivers' caches,
 * promise watches, the trie nodes and weak entries of the tables caches grow
 * into) all die together in common program shapes: a batch loop between GCs,
 * a service between bursts. Each such GC then threw away the compiled
 * first-call path (firstCall1, newReceiverCache, runMiss, store1, ...), which
 * ran unoptimized until compiled again: 1,100-1,470 ns per instance against
 * 1,020-1,050 with one object of each class kept (measured on the earlier
 * per-receiver records; the cause is the same). A map can also die by a field
 * changing representation (a receiver cache's `expires` going from a small
 * integer to Infinity makes a new map): the anchors are taken through those
 * changes first.
 * test/core/shapes.test.ts checks it from V8's own deoptimization trace.
 *
 * The array hangs off `globalThis` (under a registered symbol), a side effect
 * no bundler removes; a module-level array nothing reads could be
 * tree-shaken away with the objects it holds.
 */
const KEPT = Symbol.for('lru-memo.shapeAnchors');

/** Keeps `objects` (one of each class whose map must survive) for the life of the process. */
export function keepShapes(...objects: object[]): void {
  const global = globalThis as { [KEPT]?: object[] };
  (global[KEPT] ??= []).push(...objects);
}
