import { describe, expect, it } from 'vitest';
import { cached } from '../../src/index.js';
import { memberSharedSuite } from '../members/shared.js';
import { memberSuite } from '../members/suite.js';

memberSuite('tc39');

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
