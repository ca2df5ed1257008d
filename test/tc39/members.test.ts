import { describe, expect, it } from 'vitest';
import { cached } from '../../src/index.js';
import { memberSuite } from '../members/suite.js';

memberSuite('tc39');

describe('standard-only member kinds', () => {
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
