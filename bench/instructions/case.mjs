/**
 * One instruction-count case, run by bench/instructions.ts under callgrind:
 *
 *   valgrind --tool=callgrind --dump-before=getuid node --single-threaded --expose-gc case.mjs <scenario> <contender> <mode>
 *
 * It builds one contender of one scenario (checking its answers first), warms
 * it up, then runs four pairs of segments of N and 2N operations with a call of
 * `process.getuid()` between them: callgrind writes a profile dump before each
 * of those calls, so each segment's instructions are one dump's total, and
 * `(Ir(2N) - Ir(N)) / N` is the cost of one operation with start-up, warm-up
 * and compilation cancelled (the driver takes the median of the last three pairs).
 * Each segment ends with a full collection (gc()), so what an operation
 * allocates is collected, and counted, in its own segment.
 *
 * Plain JavaScript on the built package (dist/): under valgrind, every
 * instruction of a TypeScript loader would be counted and take minutes.
 *
 * Mode `alone`: the contender is the only cache in the process. Mode
 * `realistic`: a dozen lru-memo caches of other configurations (ttl, budget,
 * key, grace, policies, onEvict, several arities, members, async) are built
 * and warmed first, as a service holds them, so the contender's hit runs on
 * code whose type feedback other configurations have already shaped.
 *
 * `node case.mjs --list` prints the scenarios and their contenders as JSON.
 */
/* global performance */
import { LRUCache } from 'lru-cache';
import fastMemoize from 'fast-memoize';
import memoize from 'memoize';
import memoizee from 'memoizee';
import { memoize as microMemoize } from 'micro-memoize';
import moize from 'moize';
import { Memoize as TsMemoize } from 'typescript-memoize';
import * as lib from '../../dist/index.js';

/** The parts the realistic process's other caches use, where the build has them (in the process that measures alone, none). */
async function importParts() {
  for (const part of ['events', 'grace', 'policies']) {
    try {
      await import(`../../dist/${part}.js`);
    } catch {
      // A build from before parts: its options need no import.
    }
  }
}

const { cache, cached, createBudget, lruCache } = lib;

// ---- inputs -----------------------------------------------------------------

/** mulberry32, so every run sees the same keys. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomKeys(count, seed = 1) {
  const random = seeded(seed);
  const keys = new Set();
  while (keys.size < count) keys.add(Math.floor(random() * 2 ** 30));
  return [...keys];
}

function zipfSequence(universe, s, length, seed = 2) {
  const keys = randomKeys(universe, seed + 100);
  const weights = keys.map((_, rank) => 1 / (rank + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w / total));
  const random = seeded(seed);
  const out = new Array(length);
  for (let i = 0; i < length; i++) {
    const u = random();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    out[i] = keys[lo];
  }
  return out;
}

/** 512 keys: every hit scenario cycles through them with `i & 511`. */
const KEYS = randomKeys(512);
const MASK = 511;
const TRIPLES = randomKeys(1536, 7);
const ZIPF = zipfSequence(10_000, 1, 1 << 16);
const ZIPF_MASK = (1 << 16) - 1;
/** Misses: 2048 keys cycled through a cache of 1000, so every call misses (LRU order). */
const MISS_KEYS = randomKeys(2048, 9);
const MISS_MASK = 2047;

const body1 = (key) => (key ^ 0x5bd1e995) | 0;
const body3 = (a, b, c) => (a ^ (b * 31) ^ (c * 17)) | 0;

// ---- floors -----------------------------------------------------------------

function mapFloor(fn) {
  const map = new Map();
  return (key) => {
    const hit = map.get(key);
    if (hit !== undefined) return hit;
    const value = fn(key);
    map.set(key, value);
    return value;
  };
}

/** Bounded single-argument LRU: Map from key to slot, links in typed arrays; `expiresIn` adds a ttl check. */
function listLruFloor(fn, max, expiresIn = 0) {
  const slots = new Map();
  const keys = new Float64Array(max);
  const values = new Float64Array(max);
  const expires = new Float64Array(max);
  const prev = new Int32Array(max).fill(-1);
  const next = new Int32Array(max).fill(-1);
  // A cached clock reading, as a ttl cache reads one on hits.
  const clock = new Float64Array(1);
  clock[0] = performance.now();
  let head = -1;
  let tail = -1;
  let size = 0;
  const unlink = (s) => {
    const p = prev[s];
    const n = next[s];
    if (p !== -1) next[p] = n;
    else tail = n;
    if (n !== -1) prev[n] = p;
    else head = p;
  };
  const pushHead = (s) => {
    prev[s] = head;
    next[s] = -1;
    if (head !== -1) next[head] = s;
    else tail = s;
    head = s;
  };
  return (key) => {
    const slot = slots.get(key);
    if (slot !== undefined && (expiresIn === 0 || expires[slot] > clock[0])) {
      if (slot !== head) {
        unlink(slot);
        pushHead(slot);
      }
      return values[slot];
    }
    const value = fn(key);
    let s;
    if (slot !== undefined) {
      s = slot; // expired: the slot is reused
      if (s !== head) {
        unlink(s);
        pushHead(s);
      }
    } else {
      if (size < max) {
        s = size++;
      } else {
        s = tail;
        unlink(s);
        slots.delete(keys[s]);
      }
      pushHead(s);
      slots.set(key, s);
    }
    keys[s] = key;
    values[s] = value;
    if (expiresIn !== 0) expires[s] = (clock[0] = performance.now()) + expiresIn;
    return value;
  };
}

function trieFloor3(fn) {
  const root = new Map();
  return (a, b, c) => {
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

// ---- classes ----------------------------------------------------------------

function plainClass() {
  return class Plain {
    constructor(factor) {
      this.factor = factor;
    }
    m(n) {
      return (n * this.factor) | 0;
    }
    get value() {
      return this.factor * 10;
    }
    static s(n) {
      return (n + 1) | 0;
    }
  };
}

/** `@cached` applied as a legacy decorator runtime does (the same cached function as a standard one). */
function decorate(target, key, decorator) {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, decorator(target, key, descriptor) ?? descriptor);
}

function weakMapMethodFloor(Class) {
  const caches = new WeakMap();
  const original = Class.prototype.m;
  Class.prototype.m = function (n) {
    let perInstance = caches.get(this);
    if (perInstance === undefined) caches.set(this, (perInstance = new Map()));
    let hit = perInstance.get(n);
    if (hit === undefined) perInstance.set(n, (hit = original.call(this, n)));
    return hit;
  };
  return Class;
}

function weakMapGetterFloor(Class) {
  const values = new WeakMap();
  const original = Object.getOwnPropertyDescriptor(Class.prototype, 'value').get;
  Object.defineProperty(Class.prototype, 'value', {
    get() {
      let hit = values.get(this);
      if (hit === undefined) values.set(this, (hit = original.call(this)));
      return hit;
    },
  });
  return Class;
}

/** Classes whose member `key` is cached by a contender. */
const memberContenders = {
  'floor: WeakMap<instance, Map>': (key) => (key === 'value' ? weakMapGetterFloor(plainClass()) : weakMapMethodFloor(plainClass())),
  'lru-memo @cached': (key) => {
    const Class = plainClass();
    decorate(key === 's' ? Class : Class.prototype, key, cached);
    return Class;
  },
  'typescript-memoize @Memoize()': (key) => {
    const Class = plainClass();
    decorate(key === 's' ? Class : Class.prototype, key, TsMemoize());
    return Class;
  },
  'memoizee per instance': (key) => {
    if (key !== 'm') return undefined;
    // What memoizee/methods does (a memoizee per instance, made at its first call), without the `d` helper.
    const Class = plainClass();
    const original = Class.prototype.m;
    const perInstance = new WeakMap();
    Class.prototype.m = function (n) {
      let memo = perInstance.get(this);
      if (memo === undefined) perInstance.set(this, (memo = memoizee(original.bind(this), { length: 1, primitive: true })));
      return memo(n);
    };
    return Class;
  },
};

// ---- scenarios --------------------------------------------------------------

const peers1 = {
  memoize: (fn) => memoize(fn),
  'fast-memoize': (fn) => fastMemoize(fn),
  'micro-memoize': (fn) => microMemoize(fn),
  moize: (fn) => moize(fn),
  'memoizee (primitive)': (fn) => memoizee(fn, { primitive: true }),
};

/** Each scenario: its floor first; every contender returns `step(i)`, one operation. */
export const scenarios = {
  unbounded: {
    title: 'One number argument, unbounded, all hits',
    contenders: {
      'floor: Map memoizer': () => hits1(mapFloor(body1)),
      'lru-memo cache()': () => hits1(cache(body1)),
      ...mapValues(peers1, (make) => () => hits1(make(body1))),
    },
  },
  bounded: {
    title: 'One number argument, bounded (maxSize 1000), all hits',
    contenders: {
      'floor: typed-array list LRU': () => hits1(listLruFloor(body1, 1000)),
      'lru-memo lruCache({ maxSize: 1000 })': () => hits1(lruCache(body1, { maxSize: 1000 })),
      'lru-cache 11 memo()': () => {
        const lru = new LRUCache({ max: 1000, memoMethod: (key) => body1(key) });
        return hits1((key) => lru.memo(key));
      },
      'micro-memoize { maxSize: 1000 }': () => hits1(microMemoize(body1, { maxSize: 1000 })),
      'moize { maxSize: 1000 }': () => hits1(moize(body1, { maxSize: 1000 })),
      'memoizee { max: 1000 }': () => hits1(memoizee(body1, { max: 1000, primitive: true })),
    },
  },
  ttl: {
    title: 'One number argument, bounded (maxSize 1000), ttl 60 s, all hits',
    contenders: {
      'floor: list LRU with a ttl check': () => hits1(listLruFloor(body1, 1000, 60_000)),
      'lru-memo lruCache({ maxSize: 1000, ttl: 60_000 })': () => hits1(lruCache(body1, { maxSize: 1000, ttl: 60_000 })),
      'lru-cache 11 memo() { ttl }': () => {
        const lru = new LRUCache({ max: 1000, ttl: 60_000, ttlAutopurge: false, memoMethod: (key) => body1(key) });
        return hits1((key) => lru.memo(key));
      },
      'moize { maxSize: 1000, maxAge }': () => hits1(moize(body1, { maxSize: 1000, maxAge: 60_000 })),
      'memoizee { max: 1000, maxAge }': () => hits1(memoizee(body1, { max: 1000, maxAge: 60_000, primitive: true })),
    },
  },
  budget: {
    title: 'Budget: bounded (maxSize 1000) with a budget, all hits',
    contenders: {
      'lru-memo lruCache({ maxSize: 1000 }) (no budget)': () => hits1(lruCache(body1, { maxSize: 1000 })),
      'lru-memo lruCache({ maxSize: 1000, budget })': () =>
        hits1(lruCache(body1, { maxSize: 1000, budget: createBudget({ maxSize: 100_000 }) })),
    },
  },
  three: {
    title: 'Three number arguments, unbounded, all hits',
    contenders: {
      'floor: nested-Map trie': () => hits3(trieFloor3(body3)),
      'lru-memo cache()': () => hits3(cache(body3)),
      'memoizee (length 3, primitive)': () => hits3(memoizee(body3, { length: 3, primitive: true })),
      'fast-memoize': () => hits3(fastMemoize(body3)),
      'micro-memoize { maxSize: 1000 }': () => hits3(microMemoize(body3, { maxSize: 1000 })),
      'moize { maxSize: 1000 }': () => hits3(moize(body3, { maxSize: 1000 })),
    },
  },
  zipf: {
    title: 'Zipf(s=1) over 10,000 keys, maxSize 1000 (hits and misses)',
    contenders: {
      'floor: typed-array list LRU': () => sequence1(listLruFloor(body1, 1000), ZIPF, ZIPF_MASK),
      'lru-memo lruCache({ maxSize: 1000 })': () => sequence1(lruCache(body1, { maxSize: 1000 }), ZIPF, ZIPF_MASK),
      'lru-cache 11 memo()': () => {
        const lru = new LRUCache({ max: 1000, memoMethod: (key) => body1(key) });
        return sequence1((key) => lru.memo(key), ZIPF, ZIPF_MASK);
      },
      'moize { maxSize: 1000 }': () => sequence1(moize(body1, { maxSize: 1000 }), ZIPF, ZIPF_MASK),
      'memoizee { max: 1000 }': () => sequence1(memoizee(body1, { max: 1000, primitive: true }), ZIPF, ZIPF_MASK),
    },
  },
  miss: {
    title: 'Every call a miss (2,048 keys in turn, maxSize 1000)',
    contenders: {
      'floor: typed-array list LRU': () => sequence1(listLruFloor(body1, 1000), MISS_KEYS, MISS_MASK),
      'lru-memo lruCache({ maxSize: 1000 })': () => sequence1(lruCache(body1, { maxSize: 1000 }), MISS_KEYS, MISS_MASK),
      'lru-cache 11 memo()': () => {
        const lru = new LRUCache({ max: 1000, memoMethod: (key) => body1(key) });
        return sequence1((key) => lru.memo(key), MISS_KEYS, MISS_MASK);
      },
      'memoizee { max: 1000 }': () => sequence1(memoizee(body1, { max: 1000, primitive: true }), MISS_KEYS, MISS_MASK),
    },
  },
  method: {
    title: 'Instance method, one entry per instance (512 instances), all hits',
    contenders: mapValues(memberContenders, (make) => () => methodHits(make('m'), false)),
  },
  grown: {
    title: 'Instance method, 64 keys on one instance, all hits',
    contenders: mapValues(memberContenders, (make) => () => methodHits(make('m'), true)),
  },
  getter: {
    title: 'Getter, 512 instances, all hits',
    contenders: {
      'floor: WeakMap<instance, value>': () => getterHits(memberContenders['floor: WeakMap<instance, Map>']('value')),
      'lru-memo @cached': () => getterHits(memberContenders['lru-memo @cached']('value')),
      'typescript-memoize @Memoize()': () => getterHits(memberContenders['typescript-memoize @Memoize()']('value')),
    },
  },
  static: {
    title: 'Static method, one number argument (64 keys), all hits',
    contenders: {
      'floor: Map memoizer': () => {
        const Class = plainClass();
        const memo = mapFloor((n) => Class.s(n));
        return hits64((n) => memo(n), Class.s);
      },
      'lru-memo @cached': () => {
        const Class = memberContenders['lru-memo @cached']('s');
        return hits64((n) => Class.s(n), plainClass().s);
      },
      'typescript-memoize @Memoize()': () => {
        const Class = memberContenders['typescript-memoize @Memoize()']('s');
        return hits64((n) => Class.s(n), plainClass().s);
      },
    },
  },
  'create-drop': {
    title: 'Create an instance, first cached call, drop it (GC included)',
    contenders: mapValues(memberContenders, (make) => () => createDrop(make('m'))),
  },
};

function mapValues(object, map) {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, map(value, key)]));
}

function check(got, expected, where) {
  if (got !== expected) throw new Error(`instructions: answered ${got} for ${where}, expected ${expected}`);
}

function hits1(f, expected = body1) {
  for (let pass = 0; pass < 2; pass++) for (const key of KEYS) check(f(key), expected(key), `(${key})`);
  return (i) => f(KEYS[i & MASK]);
}

/** `hits1` over 64 keys: within @cached's default maxSize (128), so every call hits. */
function hits64(f, expected) {
  const keys = KEYS.slice(0, 64);
  for (let pass = 0; pass < 2; pass++) for (const key of keys) check(f(key), expected(key), `(${key})`);
  return (i) => f(keys[i & 63]);
}

function hits3(f) {
  const a = TRIPLES.slice(0, 512);
  const b = TRIPLES.slice(512, 1024);
  const c = TRIPLES.slice(1024);
  for (let pass = 0; pass < 2; pass++) for (let i = 0; i < 512; i++) check(f(a[i], b[i], c[i]), body3(a[i], b[i], c[i]), `(${i})`);
  return (i) => {
    const j = i & MASK;
    return f(a[j], b[j], c[j]);
  };
}

function sequence1(f, keys, mask) {
  for (let i = 0; i < 4096; i++) check(f(keys[i & mask]), body1(keys[i & mask]), `(${keys[i & mask]})`);
  return (i) => f(keys[i & mask]);
}

function methodHits(Class, oneInstance) {
  if (Class === undefined) return undefined;
  const instances = Array.from({ length: 512 }, (_, i) => new Class(i + 2));
  if (oneInstance) {
    // 64 keys: within @cached's default maxSize (128), so every call hits.
    const x = instances[0];
    const keys = KEYS.slice(0, 64);
    for (let pass = 0; pass < 2; pass++) for (const key of keys) check(x.m(key), (key * x.factor) | 0, `m(${key})`);
    return (i) => x.m(keys[i & 63]);
  }
  for (let pass = 0; pass < 2; pass++) for (const x of instances) check(x.m(7), (7 * x.factor) | 0, `m(7) on ${x.factor}`);
  return (i) => instances[i & MASK].m(7);
}

function getterHits(Class) {
  const instances = Array.from({ length: 512 }, (_, i) => new Class(i + 2));
  for (let pass = 0; pass < 2; pass++) for (const x of instances) check(x.value, x.factor * 10, `value of ${x.factor}`);
  return (i) => instances[i & MASK].value;
}

function createDrop(Class) {
  if (Class === undefined) return undefined;
  for (let i = 0; i < 100; i++) check(new Class(3).m(i), (i * 3) | 0, `new().m(${i})`);
  return (i) => new Class(3).m(i & MASK);
}

// ---- the realistic process ----------------------------------------------------

/** Builds and exercises caches of a dozen other configurations, as a service holds them, before the measured one. */
function warmOtherConfigurations() {
  const budget = createBudget({ maxSize: 5_000 });
  const grace = { ttl: 50_000, grace: 60_000 };
  const fns = [
    lruCache(body1, { maxSize: 100 }),
    cache(body1),
    lruCache(body1, { maxSize: 200, ttl: 30_000 }),
    lruCache(body1, { maxSize: Infinity, budget }),
    lruCache((o) => o.id * 2, { key: (o) => o.id, maxSize: 300 }),
    lruCache(body1, { maxSize: 300, ...grace }),
    lruCache(body1, { maxSize: 300, shouldCache: (v) => v % 7 !== 0 }),
    lruCache(body1, { maxSize: 50, onEvict: () => undefined }),
    lruCache((a, b) => (a * b) | 0, { maxSize: 400 }),
    lruCache(body3, { maxSize: 400 }),
    lruCache(() => 42),
    lruCache(async (n) => n + 1, { maxSize: 100, ttl: 10_000 }),
  ];
  const Class = plainClass();
  decorate(Class.prototype, 'm', cached({ maxSize: 16 }));
  decorate(Class.prototype, 'value', cached);
  decorate(Class, 's', cached);
  const Scoped = plainClass();
  decorate(Scoped.prototype, 'm', cached({ scope: (self) => self.factor % 10 }));
  const random = seeded(99);
  const kept = [];
  for (let i = 0; i < 40_000; i++) {
    const key = Math.floor(random() * 600);
    const [f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12] = fns;
    f1(key); f2(key); f3(key); f4(key); f5({ id: key }); f6(key); f7(key); f8(key);
    f9(key, key & 7); f10(key, 1, key & 3); f11(); void f12(key & 63);
    const x = new Class(key);
    x.m(key & 15); x.m(1); void x.value; void x.value;
    if ((i & 63) === 0) kept.push(x);
    Class.s(key & 31);
    new Scoped(key).m(key & 7);
  }
  for (const x of kept) x.m(key0(x));
  return { fns, kept };
}
const key0 = (x) => x.factor & 15;

// ---- main -----------------------------------------------------------------------

function run(step, count) {
  let sink = 0;
  for (let i = 0; i < count; i++) sink ^= step(i) | 0;
  return sink;
}

if (process.argv[2] === '--list') {
  const list = Object.entries(scenarios).map(([id, scenario]) => ({
    id,
    title: scenario.title,
    contenders: Object.keys(scenario.contenders),
  }));
  process.stdout.write(`${JSON.stringify(list)}\n`);
} else {
  const [id, contender, mode = 'alone', n = '100000'] = process.argv.slice(2);
  const scenario = scenarios[id];
  if (scenario === undefined || scenario.contenders[contender] === undefined) {
    throw new Error(`instructions: no contender '${contender}' in scenario '${id}'`);
  }
  if (mode === 'realistic') await importParts();
  const others = mode === 'realistic' ? warmOtherConfigurations() : undefined;
  const step = scenario.contenders[contender]();
  if (step === undefined) {
    process.stdout.write('skipped\n');
  } else {
    const N = Number(n);
    let sink = run(step, 3 * N); // warm-up: compiled, inlined, caches filled
    globalThis.gc();
    // Each segment ends with a full GC of what it left, so the garbage an operation makes is paid in its own segment.
    // Four pairs, of which the driver reads the last three: the first still pays for code V8 optimizes late (in
    // quick runs it came out at a third of the others, or below zero).
    for (let pair = 0; pair < 4; pair++) {
      process.getuid();
      sink ^= run(step, N);
      globalThis.gc();
      process.getuid();
      sink ^= run(step, 2 * N);
      globalThis.gc();
    }
    process.getuid();
    process.stdout.write(`done ${sink === 0.5 ? '' : 'ok'} ${others === undefined ? 0 : others.fns.length}\n`);
  }
}
