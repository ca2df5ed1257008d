/**
 * The member contract, run once per decorator flavour: test/tc39 and
 * test/legacy import this module and each vitest project compiles it with its
 * own decorator setting (see vitest.config.ts); `npm run typecheck` checks it
 * under both tsconfigs.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  cached,
  cacheClear,
  cacheContains,
  cacheInfo,
  cacheInvalidate,
  type CachedFunction,
} from '../../src/index.js';

export type Flavour = 'tc39' | 'legacy';

/** A decorator usable in either flavour that records how it was called. */
const decoratorArgumentCounts: number[] = [];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const probe: any = (...args: unknown[]) => {
  decoratorArgumentCounts.push(args.length);
  return args.length === 3 ? args[2] : args[0];
};
/** `cached` without its types, to apply it where the types (rightly) refuse it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const untypedCached: any = cached;

function info(hits: number, misses: number, currSize: number, maxSize = 128, evictions = 0) {
  return { hits, misses, maxSize, currSize, evictions };
}

export function memberSuite(flavour: Flavour): void {
  describe(`decorator flavour (${flavour})`, () => {
    it(`this file is compiled with ${flavour} decorators`, () => {
      class Probe {
        @probe
        m() {
          return 1;
        }
      }
      expect(new Probe().m()).toBe(1);
      expect(decoratorArgumentCounts.at(-1)).toBe(flavour === 'tc39' ? 2 : 3);
    });
  });

  describe('instance methods', () => {
    class Adder {
      runs = 0;
      constructor(readonly base: number) {}

      @cached
      add(n: number): number {
        this.runs++;
        return this.base + n;
      }

      @cached({ maxSize: 2 })
      scaled(n: number, factor: number): number {
        this.runs++;
        return (this.base + n) * factor;
      }
    }

    it('keeps one cache per instance: B never receives A\'s result', () => {
      const a = new Adder(1);
      const b = new Adder(100);
      expect([a.add(1), b.add(1), a.add(1), b.add(1)]).toEqual([2, 101, 2, 101]);
      expect([a.runs, b.runs]).toEqual([1, 1]);
      expect(cacheInfo(a, 'add')).toEqual(info(1, 1, 1));
      expect(cacheInfo(b, 'add')).toEqual(info(1, 1, 1));
    });

    it('maxSize is per instance', () => {
      const a = new Adder(0);
      const b = new Adder(0);
      for (const n of [1, 2, 3]) {
        a.scaled(n, 2);
        b.scaled(n, 2);
      }
      expect(cacheInfo(a, 'scaled')).toEqual(info(0, 3, 2, 2, 1));
      a.scaled(1, 2); // evicted: runs again
      a.scaled(3, 2); // still cached
      expect(cacheInfo(a, 'scaled')).toEqual(info(1, 4, 2, 2, 2));
      expect(cacheInfo(b, 'scaled')).toEqual(info(0, 3, 2, 2, 1));
    });

    it('the prototype method is a CachedFunction reporting totals over its instances (entries: per instance)', () => {
      class Local {
        @cached
        twice(n: number) {
          return n * 2;
        }
      }
      const method = Local.prototype.twice as CachedFunction<Local['twice']>;
      const [x, y] = [new Local(), new Local()];
      x.twice(1);
      x.twice(1);
      y.twice(1);
      y.twice(2);
      expect(method.cacheInfo()).toEqual(info(1, 3, 0));
      expect(method.cacheParameters()).toEqual({ maxSize: 128, ttl: undefined });
      expect(cacheInfo(method)).toEqual(info(1, 3, 0));
      expect([cacheInfo(x, 'twice'), cacheInfo(y, 'twice')]).toEqual([info(1, 1, 1), info(0, 2, 2)]);
      method.cacheClear(); // every instance
      expect(cacheInfo(x, 'twice')).toEqual(info(0, 0, 0));
      expect(cacheInfo(y, 'twice')).toEqual(info(0, 0, 0));
      expect(method.cacheInfo()).toEqual(info(0, 0, 0));
    });

    it('cacheClear(instance, member) clears that instance only; cacheClear(instance) clears all its members', () => {
      const a = new Adder(1);
      const b = new Adder(2);
      a.add(1);
      a.scaled(1, 1);
      b.add(1);
      cacheClear(a, 'add');
      expect(cacheInfo(a, 'add')).toEqual(info(0, 0, 0));
      expect(cacheInfo(a, 'scaled').currSize).toBe(1);
      expect(cacheInfo(b, 'add')).toEqual(info(0, 1, 1));
      cacheClear(a);
      expect(cacheInfo(a, 'scaled')).toEqual(info(0, 0, 0, 2));
      expect(cacheInfo(b, 'add')).toEqual(info(0, 1, 1));
      a.add(1);
      expect(a.runs).toBe(3);
    });

    it('adds no own property and does nothing at construction', () => {
      class Plain {
        value = 1;
        add(n: number) {
          return this.value + n;
        }
      }
      class Decorated {
        value = 1;
        @cached
        add(n: number) {
          return this.value + n;
        }
      }
      const plain = new Plain();
      const decorated = new Decorated();
      expect(cacheInfo(decorated, 'add')).toEqual(info(0, 0, 0)); // no cache until the first call
      expect((Decorated.prototype.add as CachedFunction<Decorated['add']>).cacheInfo()).toEqual(info(0, 0, 0));
      plain.add(1);
      decorated.add(1);
      expect(Reflect.ownKeys(decorated)).toEqual(Reflect.ownKeys(plain));
      expect(JSON.stringify(decorated)).toBe(JSON.stringify(plain));
    });

    it('works on frozen and sealed instances', () => {
      class Point {
        constructor(readonly x: number) {}
        @cached
        plus(n: number) {
          return this.x + n;
        }
      }
      const frozen = Object.freeze(new Point(5));
      const sealed = Object.seal(new Point(6));
      expect([frozen.plus(1), frozen.plus(1), sealed.plus(1), sealed.plus(1)]).toEqual([6, 6, 7, 7]);
      expect(cacheInfo(frozen, 'plus')).toEqual(info(1, 1, 1));
      expect(cacheInfo(sealed, 'plus')).toEqual(info(1, 1, 1));
    });

    it('a clone never shares its source\'s cache', () => {
      const source = new Adder(1);
      source.add(1);
      const clone = Object.assign(Object.create(Adder.prototype) as Adder, source);
      clone.add(1);
      expect(cacheInfo(clone, 'add')).toEqual(info(0, 1, 1));
      const spread = { ...source };
      (Adder.prototype.add as CachedFunction<Adder['add']>).call(spread, 1);
      expect(cacheInfo(source, 'add')).toEqual(info(0, 1, 1)); // untouched by either copy
    });

    it('subclasses: an override calling super keeps each level\'s cache apart', () => {
      class Base {
        runs = 0;
        @cached
        label(n: number): string {
          this.runs++;
          return `base ${n}`;
        }
      }
      class Derived extends Base {
        @cached
        override label(n: number): string {
          return `derived(${super.label(n)})`;
        }
      }
      const d = new Derived();
      expect(d.label(1)).toBe('derived(base 1)');
      expect(d.label(1)).toBe('derived(base 1)');
      expect(d.runs).toBe(1);
      expect(cacheInfo(d, 'label')).toEqual(info(1, 1, 1)); // the most derived member
      expect((Base.prototype.label as CachedFunction<Base['label']>).cacheInfo()).toEqual(info(0, 1, 0)); // totals: entries per instance
    });

    it('caches undefined and null; a throwing method is not cached and rethrows the same error', () => {
      const boom = new Error('boom');
      class Flaky {
        calls = 0;
        @cached
        get_(kind: string): null | undefined {
          this.calls++;
          if (kind === 'throw') throw boom;
          return kind === 'null' ? null : undefined;
        }
      }
      const f = new Flaky();
      expect([f.get_('null'), f.get_('null'), f.get_('undef'), f.get_('undef')]).toEqual([null, null, undefined, undefined]);
      expect(() => f.get_('throw')).toThrow(boom);
      expect(() => f.get_('throw')).toThrow(boom);
      expect(f.calls).toBe(4);
      expect(cacheInfo(f, 'get_')).toEqual(info(2, 4, 2));
    });

    it('symbol-named methods and the key option', () => {
      const tag = Symbol('tag');
      class Users {
        lookups = 0;
        @cached
        [tag](n: number) {
          return n;
        }
        @cached({ key: (user: { id: number }) => user.id })
        greet(user: { id: number }) {
          this.lookups++;
          return `hello ${user.id}`;
        }
      }
      const u = new Users();
      u[tag](1);
      u[tag](1);
      expect(cacheInfo(u, tag)).toEqual(info(1, 1, 1));
      u.greet({ id: 7 });
      u.greet({ id: 7 });
      expect(u.lookups).toBe(1);
    });

    it('@cached() with no options works like @cached', () => {
      class Empty {
        runs = 0;
        @cached()
        twice(n: number) {
          this.runs++;
          return n * 2;
        }
      }
      const e = new Empty();
      expect([e.twice(2), e.twice(2)]).toEqual([4, 4]);
      expect(e.runs).toBe(1);
      expect(cacheInfo(e, 'twice')).toEqual(info(1, 1, 1));
    });

    it('preserves the method type, and the method still works through a detached reference bound to its instance', () => {
      const a = new Adder(1);
      expectTypeOf(a.add).toEqualTypeOf<(n: number) => number>();
      expectTypeOf(a.scaled).parameters.toEqualTypeOf<[number, number]>();
      const add: (n: number) => number = a.add.bind(a);
      expect([add(2), a.add(2), a.scaled(2, 3)]).toEqual([3, 3, 9]);
      expect(a.runs).toBe(2);
    });
  });

  describe('static methods', () => {
    it('keep one cache per receiving class (Sub.m() and Base.m() apart)', () => {
      const log: string[] = [];
      class Base {
        static kind = 'base';
        @cached
        static describe(n: number): string {
          log.push(this.kind);
          return `${this.kind} ${n}`;
        }
      }
      class Sub extends Base {
        static override kind = 'sub';
      }
      expect([Base.describe(1), Sub.describe(1), Base.describe(1), Sub.describe(1)]).toEqual([
        'base 1',
        'sub 1',
        'base 1',
        'sub 1',
      ]);
      expect(log).toEqual(['base', 'sub']);
      expect(cacheInfo(Base, 'describe')).toEqual(info(1, 1, 1));
      expect(cacheInfo(Sub, 'describe')).toEqual(info(1, 1, 1));
      cacheClear(Sub, 'describe');
      expect(cacheInfo(Sub, 'describe')).toEqual(info(0, 0, 0));
      expect(cacheInfo(Base, 'describe')).toEqual(info(1, 1, 1));
      // Totals: hits and misses since the last clear-all (one class's clear keeps them); entries are per class.
      expect((Base.describe as CachedFunction<typeof Base.describe>).cacheInfo()).toEqual(info(2, 2, 0));
    });
  });

  describe('getters (cached_property)', () => {
    class Report {
      builds = 0;
      constructor(readonly rows: number[]) {}
      @cached
      get total(): number {
        this.builds++;
        return this.rows.reduce((a, b) => a + b, 0);
      }
    }

    it('compute once per instance, lazily', () => {
      const r = new Report([1, 2, 3]);
      expect(r.builds).toBe(0);
      expect([r.total, r.total, r.total]).toEqual([6, 6, 6]);
      expect(r.builds).toBe(1);
      const other = new Report([10]);
      expect(other.total).toBe(10);
      expect(other.builds).toBe(1);
      expect(cacheInfo(r, 'total')).toEqual(info(2, 1, 1));
    });

    it('cacheClear(obj, name) resets; cacheInfo does not invoke the getter', () => {
      const r = new Report([1]);
      expect(cacheInfo(r, 'total')).toEqual(info(0, 0, 0));
      expect(r.builds).toBe(0);
      expect(r.total).toBe(1);
      r.rows.push(5);
      expect(r.total).toBe(1); // cached
      cacheClear(r, 'total');
      expect(r.total).toBe(6);
      expect(r.builds).toBe(2);
    });

    it('a getter that throws is not cached', () => {
      class Lazy {
        attempts = 0;
        @cached
        get value(): string {
          this.attempts++;
          if (this.attempts < 3) throw new Error(`attempt ${this.attempts}`);
          return 'ready';
        }
      }
      const l = new Lazy();
      expect(() => l.value).toThrow('attempt 1');
      expect(() => l.value).toThrow('attempt 2');
      expect(l.value).toBe('ready');
      expect(l.value).toBe('ready');
      expect(l.attempts).toBe(3);
    });

    it('static getters are cached per class', () => {
      let builds = 0;
      class Config {
        static prefix = 'a';
        @cached
        static get settings(): string {
          builds++;
          return `${this.prefix}-settings`;
        }
      }
      class Child extends Config {
        static override prefix = 'b';
      }
      expect([Config.settings, Config.settings, Child.settings, Child.settings]).toEqual([
        'a-settings',
        'a-settings',
        'b-settings',
        'b-settings',
      ]);
      expect(builds).toBe(2);
    });
  });

  describe('async methods', () => {
    it('cache the promise itself: concurrent callers share one run', async () => {
      class Api {
        fetches = 0;
        @cached
        async user(id: number): Promise<{ id: number }> {
          this.fetches++;
          await Promise.resolve();
          return { id };
        }
      }
      const api = new Api();
      const [p1, p2] = [api.user(1), api.user(1)];
      expect(p1).toBe(p2);
      expect(await p1).toEqual({ id: 1 });
      expect(await api.user(1)).toBe(await p1);
      expect(api.fetches).toBe(1);
    });
  });

  describe('single entries of a member', () => {
    it('cacheInvalidate and cacheContains act on one instance only', () => {
      class Geo {
        runs = 0;
        @cached
        distance(a: string, b: string): number {
          this.runs++;
          return a.length + b.length;
        }
      }
      const x = new Geo();
      const y = new Geo();
      x.distance('LIS', 'OPO');
      y.distance('LIS', 'OPO');
      expect(cacheContains(x, 'distance', 'LIS', 'OPO')).toBe(true);
      expect(cacheContains(x, 'distance', 'OPO', 'LIS')).toBe(false);
      const before = cacheInfo(x, 'distance');
      expect(cacheInvalidate(x, 'distance', 'LIS', 'OPO')).toBe(true);
      expect(cacheInvalidate(x, 'distance', 'LIS', 'OPO')).toBe(false);
      expect(cacheInfo(x, 'distance')).toEqual({ ...before, currSize: 0 });
      expect(cacheContains(y, 'distance', 'LIS', 'OPO')).toBe(true);
      expect(cacheContains(new Geo(), 'distance', 'LIS', 'OPO')).toBe(false);
      x.distance('LIS', 'OPO');
      expect(x.runs).toBe(2);
    });

    it('an async member that rejects is not cached', async () => {
      class Remote {
        attempts = 0;
        @cached
        async price(sku: string): Promise<number> {
          this.attempts++;
          if (this.attempts === 1) throw new Error(`no price for ${sku}`);
          return 9.5;
        }
      }
      const r = new Remote();
      await expect(r.price('a')).rejects.toThrow('no price for a');
      expect(cacheContains(r, 'price', 'a')).toBe(false);
      expect(await r.price('a')).toBe(9.5);
      expect(await r.price('a')).toBe(9.5);
      expect(r.attempts).toBe(2);
    });
  });

  describe('scope: the self dilemma', () => {
    class SlowAdder {
      static runs = 0;
      constructor(readonly delay: number) {}
      @cached({ scope: (adder: SlowAdder) => adder.delay })
      calculate(...numbers: number[]): number {
        SlowAdder.runs++;
        return numbers.reduce((a, b) => a + b, 0);
      }
    }

    it("scope: (self) => key shares results between instances with equal keys, never across keys", () => {
      SlowAdder.runs = 0;
      const [a, b, c] = [new SlowAdder(2), new SlowAdder(2), new SlowAdder(3)];
      a.calculate(1, 2);
      b.calculate(1, 2); // same delay: a hit
      c.calculate(1, 2); // another delay: computed again
      expect(SlowAdder.runs).toBe(2);
      expect(cacheContains(a, 'calculate', 1, 2)).toBe(true);
      expect(cacheContains(new SlowAdder(4), 'calculate', 1, 2)).toBe(false);
      // Primitive scope keys share one cache bounded by maxSize in total, like
      // Python's lru_cache over (key(self), *args): every key reports it.
      expect(cacheInfo(a, 'calculate')).toEqual(info(1, 2, 2));
      expect(cacheInfo(c, 'calculate')).toEqual(info(1, 2, 2));
      cacheClear(c, 'calculate'); // this key's entries only
      expect(cacheContains(c, 'calculate', 1, 2)).toBe(false);
      expect(cacheContains(b, 'calculate', 1, 2)).toBe(true);
      expect(cacheInvalidate(b, 'calculate', 1, 2)).toBe(true);
      expect(cacheContains(a, 'calculate', 1, 2)).toBe(false);
    });

    it('primitive scope keys are bounded by maxSize in total, however many keys', () => {
      let runs = 0;
      class Tenant {
        constructor(readonly id: number) {}
        @cached({ maxSize: 3, scope: (self: Tenant) => self.id })
        name(suffix: string) {
          runs++;
          return `${this.id}${suffix}`;
        }
      }
      for (let id = 0; id < 1000; id++) expect(new Tenant(id).name('!')).toBe(`${id}!`);
      expect(runs).toBe(1000);
      expect(cacheInfo(new Tenant(0), 'name')).toEqual(info(0, 1000, 3, 3, 997));
      expect(new Tenant(999).name('!')).toBe('999!'); // among the 3 most recent: a hit
      expect(runs).toBe(1000);
      expect(new Tenant(0).name('!')).toBe('0!'); // long evicted
      expect(runs).toBe(1001);
    });

    it("'shared' uses one cache for every instance", () => {
      let runs = 0;
      class Units {
        constructor(readonly id: number) {}
        @cached({ scope: 'shared' })
        toMeters(feet: number) {
          runs++;
          return feet * 0.3048;
        }
      }
      new Units(1).toMeters(10);
      new Units(2).toMeters(10);
      expect(runs).toBe(1);
      expect(cacheInfo(new Units(3), 'toMeters')).toEqual(info(1, 1, 1));
    });

    it("'instance' is the default and can be written out", () => {
      let runs = 0;
      class Explicit {
        @cached({ scope: 'instance' })
        m(n: number) {
          runs++;
          return n;
        }
      }
      new Explicit().m(1);
      new Explicit().m(1);
      expect(runs).toBe(2);
    });
  });

  describe('misuse is refused when the class is defined', () => {
    it('fields', () => {
      expect(() => {
        class Bad {
          @untypedCached
          x = 1;
        }
        return Bad;
      }).toThrow(new TypeError("@cached cannot be used on field 'x': it caches methods (instance and static) and getters"));
    });

    it('setters', () => {
      expect(() => {
        class Bad {
          @untypedCached
          set x(_value: number) {}
        }
        return Bad;
      }).toThrow(/@cached cannot be used on setter 'x'/);
    });

    it('classes', () => {
      expect(() => {
        @untypedCached
        class BadClass {}
        return BadClass;
      }).toThrow(/@cached cannot be used on class 'BadClass'/);
    });

    it('bad options name @cached and the option', () => {
      expect(() => untypedCached({ maxsize: 3 })).toThrow(/^@cached: unknown option 'maxsize' \(did you mean 'maxSize'\?\)/);
      expect(() => untypedCached({ scope: 'global' })).toThrow(
        /@cached: option 'scope' must be 'instance', 'shared', 'request' or a function \(self\) => key, received "global"/,
      );
      expect(() => untypedCached({ maxSize: -1 })).toThrow(RangeError);
    });

    it('introspection names what is wrong', () => {
      class Some {
        @cached
        yes(n: number) {
          return n;
        }
        no(n: number) {
          return n;
        }
      }
      const s = new Some();
      expect(() => cacheInfo(s, 'no')).toThrow(/cacheInfo: a Some instance has no cached member 'no'/);
      expect(() => cacheInfo(s, 'missing' as never)).toThrow(/cacheInfo: a Some instance has no member 'missing'/);
      expect(() => cacheClear(s, 'no')).toThrow(TypeError);
      expect(() => cacheInfo(42 as never, 'x' as never)).toThrow(/expected an object or class with cached members, received 42/);
      expect(() => cacheClear({})).toThrow(/cacheClear: expected a cached function or an object with cached members/);
      expect(() => cacheInfo(s as never)).toThrow(/for a member, pass its name/);
    });
  });
}
