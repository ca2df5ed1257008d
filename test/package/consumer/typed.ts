/**
 * A consumer of the built package (dist/*.d.ts), compiled by test/package in
 * both decorator modes. Every `@ts-expect-error` line must be an error there,
 * or the compile fails ("unused directive").
 */
import { cached, cacheContains, cacheInfo, cacheInvalidate, lruCache, namedCaches, type CacheInfo } from 'lru-memo';
import 'lru-memo/grace';
import 'lru-memo/policies';
import 'lru-memo/events';
import { sharedTier, type SharedStore } from 'lru-memo/shared';
import { runInRequest } from 'lru-memo/request';

declare const store: SharedStore;

class Adder {
  constructor(readonly delay: number) {}

  @cached({ scope: (adder: Adder) => adder.delay })
  add(a: number, b: number): number {
    return a + b + this.delay;
  }

  @cached
  get label(): string {
    return `adder ${this.delay}`;
  }
}

class Typo {
  delay = 1;
  // @ts-expect-error the scope parameter is unknown until annotated
  @cached({ scope: (k) => k.dleay })
  add(a: number): number {
    return a;
  }
}

const adder = new Adder(1);
const sum: number = adder.add(1, 2);
const totals: CacheInfo = cacheInfo(Adder.prototype.add);
const evictions: number = cacheInfo(adder, 'add').evictions;
// @ts-expect-error not a member of Adder
cacheInfo(adder, 'notCached');
cacheInvalidate(adder, 'add', 1, 2);
// @ts-expect-error add takes numbers
cacheInvalidate(adder, 'add', 'x', 2);
cacheContains(adder, 'label');
// @ts-expect-error a getter takes no arguments
cacheContains(adder, 'label', 1);

function parse(text: string): string;
function parse(code: number): string;
function parse(input: string | number): string {
  return String(input);
}
const parsed = lruCache(parse, { name: 'parse', maxSize: 10, ttl: 1000, grace: 5000 });
parsed.cacheInvalidate('x');
parsed.cacheInvalidate(1);
// @ts-expect-error no overload takes a boolean
parsed.cacheContains(true);
// @ts-expect-error a typo in an option name does not compile
lruCache(parse, { maxsize: 10 });

const tier = sharedTier({ store, namespace: 'users' });
const loadUser = lruCache(async (id: number) => ({ id }), { ttl: 60_000, shared: tier, softTimeoutMs: 50, grace: 1000 });
// @ts-expect-error option 'shared' is for functions that return a promise
lruCache((id: number) => ({ id }), { ttl: 60_000, shared: tier });

export const used = [sum, totals, evictions, Typo, loadUser, namedCaches(), runInRequest(() => 1)];
