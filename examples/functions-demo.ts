/**
 * `npm start`: what lru-memo does for plain functions, in a few seconds.
 * Run with --expose-gc (npm start does) to see argument objects collected.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { cache, lruCache } from '../src/index.js';

const line = (text = '') => console.log(text);
const ms = (start: bigint) => `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(3)} ms`;

function slowSquare(n: number): number {
  const until = Date.now() + 200; // pretend this is expensive
  while (Date.now() < until);
  return n * n;
}

line('lru-memo: Python\'s functools.lru_cache for TypeScript, without the memory trap\n');

line('1. lruCache(fn): the second call with the same argument is a dictionary lookup');
const square = lruCache(slowSquare);
let t = process.hrtime.bigint();
line(`   square(12) = ${square(12)}  took ${ms(t)}`);
t = process.hrtime.bigint();
line(`   square(12) = ${square(12)}  took ${ms(t)}`);
line(`   square.cacheInfo() -> ${JSON.stringify(square.cacheInfo())}\n`);

line('2. cache(fn) is unbounded (functools.cache); recursion goes through it');
const fib: (n: number) => bigint = cache((n: number): bigint => (n < 2 ? BigInt(n) : fib(n - 1) + fib(n - 2)));
t = process.hrtime.bigint();
line(`   fib(300) = ${String(fib(300)).slice(0, 30)}...  took ${ms(t)}`);
line(`   cacheInfo -> ${JSON.stringify((fib as ReturnType<typeof cache>).cacheInfo(), (_k, v) => (v === Infinity ? 'Infinity' : v))}\n`);

line('3. A bound of 3: the least recently used entry goes first');
const upper = lruCache((s: string) => s.toUpperCase(), { maxSize: 3 });
for (const word of ['a', 'b', 'c', 'a', 'd']) upper(word);
line(`   after a, b, c, a, d: ${JSON.stringify(upper.cacheInfo())} (b was evicted, a was kept)\n`);

line('4. Object arguments are compared by identity and held weakly');
const area = lruCache((shape: { w: number; h: number }) => shape.w * shape.h);
const registry = new FinalizationRegistry<string>((label) => line(`   collected: ${label}`));
(function request() {
  const shape = { w: 3, h: 4 };
  registry.register(shape, 'the { w: 3, h: 4 } argument, with its cached result still in the cache');
  area(shape);
  area(shape);
})();
line(`   area.cacheInfo() -> ${JSON.stringify(area.cacheInfo())}`);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  for (let i = 0; i < 5; i++) {
    await tick();
    gc();
    await tick();
  }
  line(`   after GC: currSize ${area.cacheInfo().currSize} (no cacheClear needed)`);
} else {
  line('   (run with node --expose-gc to watch it being collected)');
}
line('\nnpm test runs the full contract; npm run bench compares against other memoizers.');
