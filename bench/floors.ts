/**
 * Hand-written floors: the least work a memoizer for each scenario can do.
 * Not general (no counters, no receivers, no weak keys); they show how close
 * to the limit the library's hit path gets.
 */

type Fn1 = (key: number) => number;

/** Unbounded single-argument memoizer over a Map. */
export function mapFloor<K>(fn: (key: K) => number): (key: K) => number {
  const map = new Map<K, number>();
  return (key) => {
    const hit = map.get(key);
    if (hit !== undefined) return hit;
    const value = fn(key);
    map.set(key, value);
    return value;
  };
}

/** Bounded single-argument LRU: Map from key to slot, links in typed arrays. */
export function listLruFloor(fn: Fn1, max: number): Fn1 {
  const slots = new Map<number, number>();
  const keys = new Float64Array(max);
  const values = new Float64Array(max);
  const prev = new Int32Array(max).fill(-1);
  const next = new Int32Array(max).fill(-1);
  let head = -1;
  let tail = -1;
  let size = 0;
  const unlink = (s: number) => {
    const p = prev[s]!;
    const n = next[s]!;
    if (p !== -1) next[p] = n;
    else tail = n;
    if (n !== -1) prev[n] = p;
    else head = p;
  };
  const pushHead = (s: number) => {
    prev[s] = head;
    next[s] = -1;
    if (head !== -1) next[head] = s;
    else tail = s;
    head = s;
  };
  return (key) => {
    const slot = slots.get(key);
    if (slot !== undefined) {
      if (slot !== head) {
        unlink(slot);
        pushHead(slot);
      }
      return values[slot]!;
    }
    const value = fn(key);
    let s: number;
    if (size < max) s = size++;
    else {
      s = tail;
      unlink(s);
      slots.delete(keys[s]!);
    }
    keys[s] = key;
    values[s] = value;
    slots.set(key, s);
    pushHead(s);
    return value;
  };
}

/** Unbounded three-argument memoizer: nested Maps, one level per argument. */
export function trieFloor3(fn: (a: number, b: number, c: number) => number) {
  const root = new Map<number, Map<number, Map<number, number>>>();
  return (a: number, b: number, c: number): number => {
    let l1 = root.get(a);
    if (l1 === undefined) root.set(a, (l1 = new Map()));
    let l2 = l1.get(b);
    if (l2 === undefined) l1.set(b, (l2 = new Map()));
    const hit = l2.get(c);
    if (hit !== undefined) return hit;
    const value = fn(a, b, c);
    l2.set(c, value);
    return value;
  };
}

/** Per-instance floor for methods: WeakMap<instance, Map<arg, result>>. */
export function weakMapMethodFloor<T extends object>(fn: (this: T, n: number) => number) {
  const caches = new WeakMap<T, Map<number, number>>();
  return function (this: T, n: number): number {
    let cache = caches.get(this);
    if (cache === undefined) caches.set(this, (cache = new Map()));
    const hit = cache.get(n);
    if (hit !== undefined) return hit;
    const value = fn.call(this, n);
    cache.set(n, value);
    return value;
  };
}
