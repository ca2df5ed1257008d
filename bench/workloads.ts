/** Deterministic inputs: seeded random 30-bit keys and a Zipf(s) sampler. */

/** mulberry32: a small seeded PRNG, so every run sees the same keys. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct random 30-bit integers (small consecutive keys flatter object caches). */
export function randomKeys(count: number, seed = 1): number[] {
  const random = seeded(seed);
  const keys = new Set<number>();
  while (keys.size < count) keys.add(Math.floor(random() * 2 ** 30));
  return [...keys];
}

/** `length` draws from Zipf(s) over `universe` distinct random keys. */
export function zipfSequence(universe: number, s: number, length: number, seed = 2): number[] {
  const keys = randomKeys(universe, seed + 100);
  const weights = keys.map((_, rank) => 1 / (rank + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w / total));
  const random = seeded(seed);
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const u = random();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    out.push(keys[lo]!);
  }
  return out;
}

/** Hit ratio of an exact LRU of `max` entries over `sequence` (the reference). */
export function exactLruHitRatio(sequence: readonly number[], max: number): number {
  const order = new Map<number, true>();
  let hits = 0;
  for (const key of sequence) {
    if (order.delete(key)) hits++;
    else if (order.size >= max) order.delete(order.keys().next().value!);
    order.set(key, true);
  }
  return hits / sequence.length;
}
