import { describe, expect, it } from 'vitest';
import { cached } from '../../src/index.js';
import { instanceSuite } from '../members/instances.js';
import { memberPolicySuite } from '../members/policy.js';
import { memberRequestSuite } from '../members/request.js';
import { memberSharedSuite } from '../members/shared.js';
import { memberSuite } from '../members/suite.js';
import { memberTypesSuite } from '../members/types.js';

memberSuite('legacy');
memberTypesSuite();
instanceSuite();
memberSharedSuite();
memberRequestSuite();
memberPolicySuite();

describe('legacy-only member kinds', () => {
  it('a getter with a setter is refused: the setter could not reset it, wherever @cached is written', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const untypedCached: any = cached;
    const message =
      "@cached cannot be used on accessor 'x' with a setter: experimentalDecorators pass the getter and setter together, " +
      'and a cached getter would ignore later writes; cache a getter that has no setter';
    expect(() => {
      class OnSetter {
        value = 1;
        get x() {
          return this.value;
        }
        @untypedCached
        set x(v: number) {
          this.value = v;
        }
      }
      return OnSetter;
    }).toThrow(message);
    expect(() => {
      class OnGetter {
        value = 1;
        @untypedCached
        get x() {
          return this.value;
        }
        set x(v: number) {
          this.value = v;
        }
      }
      return OnGetter;
    }).toThrow(message);
  });
});
