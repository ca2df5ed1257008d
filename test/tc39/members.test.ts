import { describe, expect, it } from 'vitest';
import { cached, cacheClear, cacheInfo } from '../../src/index.js';
import { instanceSuite } from '../members/instances.js';
import { memberPolicySuite } from '../members/policy.js';
import { memberRequestSuite } from '../members/request.js';
import { memberSharedSuite } from '../members/shared.js';
import { memberSuite } from '../members/suite.js';
import { memberTypesSuite } from '../members/types.js';

memberSuite('tc39');
memberTypesSuite();
instanceSuite();

describe('standard-only member kinds', () => {
  it('private methods are cached per instance too', () => {
    class Vault {
      runs = 0;
      @cached
      #secret(n: number) {
        this.runs++;
        return n + 1;
      }
      reveal(n: number) {
        return this.#secret(n);
      }
    }
    const [a, b] = [new Vault(), new Vault()];
    expect([a.reveal(1), a.reveal(1), b.reveal(1)]).toEqual([2, 2, 2]);
    expect([a.runs, b.runs]).toEqual([1, 1]);
  });

  it('private members are inspected and cleared by their name as written, and by cacheClear(instance)', () => {
    class Vault {
      runs = 0;
      version = 1;
      @cached
      #secret(n: number) {
        this.runs++;
        return n + this.version;
      }
      @cached
      static #shared() {
        return 'static';
      }
      reveal(n: number) {
        return this.#secret(n);
      }
      static open() {
        return Vault.#shared();
      }
    }
    const v = new Vault();
    v.reveal(1);
    v.reveal(1);
    expect(cacheInfo(v, '#secret')).toEqual({ hits: 1, misses: 1, maxSize: 128, currSize: 1, evictions: 0 });
    expect(cacheInfo(new Vault(), '#secret')).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0, evictions: 0 });
    v.version = 2;
    cacheClear(v); // its only cached member is private: cleared, not refused
    expect(v.reveal(1)).toBe(3);
    cacheClear(v, '#secret');
    expect(cacheInfo(v, '#secret')).toEqual({ hits: 0, misses: 0, maxSize: 128, currSize: 0, evictions: 0 });
    Vault.open();
    expect(cacheInfo(Vault, '#shared').misses).toBe(1);
    // (esbuild renames a class with static private members while lowering decorators: match the rest.)
    expect(() => cacheInfo(v, '#missing')).toThrow(/^cacheInfo: an? _?Vault instance has no cached private member '#missing'$/);
  });

  it('auto-accessors are refused with a reason', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const untypedCached: any = cached;
    expect(() => {
      class Bad {
        @untypedCached
        accessor x = 1;
      }
      return Bad;
    }).toThrow("@cached cannot be used on auto-accessor 'x': an auto-accessor already stores its value; cache a getter instead");
  });
});
memberSharedSuite();
memberRequestSuite();
memberPolicySuite();
