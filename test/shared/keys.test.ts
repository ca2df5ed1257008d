/**
 * Unit tests of shared keys (src/shared/keys.ts): every primitive gets a
 * tagged encoding (distinct across types, SameValueZero within numbers), an
 * argument list becomes a comma-joined text that no string can forge, long
 * texts become `#` + SHA-256 hex, and lock keys never equal value keys.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeArguments, encodePrimitive, encodeScope, HASH_ABOVE, keyPrefix, lockKeyOf } from '../../src/shared/keys.js';
import { readSharedOptions } from '../../src/shared/options.js';
import { SharedTier } from '../../src/shared/tier.js';

const CALLER = "lruCache 'load'";
const RULE = 'must be a string, number, bigint, boolean, null or undefined';

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function args(...values: unknown[]): string {
  return encodeArguments(CALLER, values, values.length, false);
}

/** The TypeError `run` throws (fails the test when it does not throw one). */
function typeError(run: () => unknown): TypeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return error as TypeError;
  }
  expect.fail('expected a TypeError');
}

describe('the SHA-256 oracle (node:crypto) meets the FIPS 180-2 / NIST test vectors', () => {
  it.each([
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    ['a'.repeat(1_000_000), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ])('SHA-256 test vector %#', (input, digest) => {
    expect(sha256Hex(input)).toBe(digest);
    expect(createHash('sha256').update(input).digest('hex')).toBe(digest);
  });
});

describe('encodePrimitive', () => {
  it.each<[string, unknown, string]>([
    ['the number 1', 1, 'n1'],
    ["the string '1'", '1', '"1"'],
    ['the bigint 1n', 1n, 'b1'],
    ['true', true, 't'],
    ['false', false, 'f'],
    ['null', null, 'z'],
    ['undefined', undefined, 'u'],
    ['NaN', NaN, 'nNaN'],
    ['0', 0, 'n0'],
    ['Infinity', Infinity, 'nInfinity'],
    ['-Infinity', -Infinity, 'n-Infinity'],
    ['a fraction', -2.5, 'n-2.5'],
    ['a large number', 1e21, 'n1e+21'],
    ['a negative bigint', -10n, 'b-10'],
    ['the empty string', '', '""'],
    ['a string with a quote, a comma and brackets', 'a",b[(', '"a\\",b[("'],
    ['a string with a lone surrogate', 'x\ud800', '"x\\ud800"'],
  ])('%s', (_name, value, expected) => {
    expect(encodePrimitive(value)).toBe(expected);
  });

  it('-0 and 0 are one key (SameValueZero, as in the local cache)', () => {
    expect(encodePrimitive(-0)).toBe('n0');
    expect(encodePrimitive(-0)).toBe(encodePrimitive(0));
  });

  it('values of different types (or different values) never share an encoding', () => {
    const values: unknown[] = [
      1, '1', 1n, true, false, null, undefined, NaN, 0, Infinity, -Infinity, 1.5, -1,
      'true', 'false', 'null', 'undefined', 'NaN', 'n1', 'b1', 't', 'f', 'u', 'z', '', 'Infinity', '0', 0n, -1n,
    ];
    const encodings = values.map((value) => encodePrimitive(value));
    expect(new Set(encodings).size).toBe(values.length);
  });

  it.each<[string, unknown]>([
    ['an object', {}],
    ['an array', [1]],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a boxed string', Object('1') as unknown],
    ['a Date', new Date(0)],
  ])('%s is not a primitive: undefined', (_name, value) => {
    expect(encodePrimitive(value)).toBe(undefined);
  });
});

describe('encodeArguments', () => {
  it('joins the tagged arguments with commas', () => {
    expect(args()).toBe('');
    expect(args(1)).toBe('n1');
    expect(args(1, 'a', 2n, true, null, undefined)).toBe('n1,"a",b2,t,z,u');
  });

  it('the argument count is part of the key: f(), f(undefined), f(1), f(1, undefined) are four keys', () => {
    const keys = [args(), args(undefined), args(1), args(1, undefined), args(undefined, 1), args(undefined, undefined)];
    expect(keys).toStrictEqual(['', 'u', 'n1', 'n1,u', 'u,n1', 'u,u']);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('reads exactly `count` values, whatever the length of the list', () => {
    expect(encodeArguments(CALLER, [1, 2, 3], 2, false)).toBe('n1,n2');
    expect(encodeArguments(CALLER, [1], 3, false)).toBe('n1,u,u');
    expect(encodeArguments(CALLER, { length: 2, 0: 'a', 1: 'b' }, 2, false)).toBe('"a","b"');
  });

  it('strings with commas, brackets and quotes cannot fake a boundary', () => {
    const lists: unknown[][] = [
      ['a', 'b'],
      ['a,b'],
      ['a","b'],
      ['"a","b"'],
      ['a\\', 'b'],
      ['a\\",\\"b'],
      [1, 2],
      ['n1,n2'],
      ['n1', 'n2'],
      [')('],
      [')', '('],
      ['u'],
      [undefined],
      ['"u"'],
      ['', ''],
      [''],
      ['","'],
    ];
    const keys = lists.map((list) => args(...list));
    expect(new Set(keys).size).toBe(lists.length);
    expect(args('a","b')).toBe('"a\\",\\"b"');
    expect(args('a', 'b')).toBe('"a","b"');
  });

  it('0 and -0 give one key, NaN matches NaN (SameValueZero)', () => {
    expect(args(-0, 1)).toBe(args(0, 1));
    expect(args(NaN)).toBe(args(NaN));
    expect(args(NaN)).not.toBe(args(0));
  });

  it('every short key reads back as its argument list (no two lists share a key); a long one is its hash', () => {
    const primitive = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\\', '(', ')', '[', ']', 'n', 'u', 'z', '\ud800', '\udc00', 'é') }),
      fc.double(),
      fc.integer(),
      fc.bigInt(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(fc.array(primitive, { maxLength: 6 }), (list) => {
        const key = args(...list);
        const text = list.map((value) => encodePrimitive(value)).join(',');
        if (text.length > HASH_ABOVE) {
          expect(key).toBe(`#${sha256Hex(text)}`);
          return;
        }
        expect(key).toBe(text);
        const sameValueZero = list.map((value) => (Object.is(value, -0) ? 0 : value));
        expect(readBack(key)).toStrictEqual(sameValueZero);
      }),
      { numRuns: 500 },
    );
  });

  describe('refusals', () => {
    it.each<[string, unknown, string]>([
      ['an object', {}, 'an object'],
      ['an array', [1, 2], 'an array of length 2'],
      ['a class instance', new Date(0), 'a Date instance'],
      ['a function', function load() {}, 'function load'],
      ['a symbol', Symbol('s'), 'Symbol(s)'],
    ])('%s as an argument: a TypeError naming its position', (_name, value, received) => {
      const error = typeError(() => encodeArguments(CALLER, ['ok', 2, value], 3, false));
      expect(error.message).toBe(
        `${CALLER}: with option 'shared', argument 3 ${RULE} ` +
          `(identity does not cross processes; give option 'key' returning one), received ${received}`,
      );
    });

    it('names the first offending argument, counting from 1', () => {
      expect(typeError(() => args({}, Symbol('x'))).message).toContain("with option 'shared', argument 1 must be");
      expect(typeError(() => args(1, undefined, null, [], {})).message).toContain("with option 'shared', argument 4 must be");
    });

    it("a value from option 'key' is named as such, not as an argument", () => {
      const error = typeError(() => encodeArguments(CALLER, [{ id: 1 }], 1, true));
      expect(error.message).toBe(
        `${CALLER}: with option 'shared', the value returned by option 'key' ${RULE} ` +
          "(identity does not cross processes; give option 'key' returning one), received an object",
      );
    });

    it('a value past `count` is not looked at', () => {
      expect(encodeArguments(CALLER, [1, {}], 1, false)).toBe('n1');
    });
  });

  describe('hashing above HASH_ABOVE characters', () => {
    it('is documented as 200', () => {
      expect(HASH_ABOVE).toBe(200);
    });

    it('keeps a text of exactly HASH_ABOVE characters, hashes one of HASH_ABOVE + 1', () => {
      const fits = 'x'.repeat(HASH_ABOVE - 2); // quoted: exactly HASH_ABOVE characters
      expect(args(fits)).toBe(`"${fits}"`);
      expect(args(fits).length).toBe(HASH_ABOVE);

      const over = 'x'.repeat(HASH_ABOVE - 1);
      expect(args(over)).toBe(`#${sha256Hex(`"${over}"`)}`);
    });

    it('is # followed by the SHA-256 hex of the argument text, built as documented', () => {
      const long = 'é,"()'.repeat(60);
      const list: unknown[] = [long, 1, -0, 2n, true, null, undefined, NaN];
      const text = `${JSON.stringify(long)},n1,n0,b2,t,z,u,nNaN`;
      expect(text.length).toBeGreaterThan(HASH_ABOVE);
      const key = args(...list);
      expect(key).toBe(`#${sha256Hex(text)}`);
      expect(key).toMatch(/^#[0-9a-f]{64}$/);
    });

    it('a hashed key can never equal an unhashed one (an unhashed text never starts with #)', () => {
      const long = 'y'.repeat(500);
      const hashed = args(long);
      expect(hashed.startsWith('#')).toBe(true);
      // The string "#<hex>" as an argument is quoted, so it cannot equal the hash.
      expect(args(hashed.slice(1))).not.toBe(hashed);
      expect(args(hashed)).toBe(JSON.stringify(hashed));
    });

    it('distinct long lists give distinct keys, also when they differ only in a lone surrogate', () => {
      const base = 'z'.repeat(300);
      // As UTF-8, every lone surrogate becomes U+FFFD: hashing raw text would merge these.
      const keys = [args(`${base}\ud800`), args(`${base}\ud801`), args(`${base}\ufffd`), args(base, 1), args(base, '1'), args(base)];
      expect(new Set(keys).size).toBe(keys.length);
    });

    it('the hash covers every argument: changing the last one changes the key', () => {
      const long = 'w'.repeat(400);
      expect(args(long, 1)).not.toBe(args(long, 2));
      expect(args(long, 1)).toBe(`#${sha256Hex(`${JSON.stringify(long)},n1`)}`);
    });
  });
});

describe('encodeScope', () => {
  it.each<[unknown, string]>([
    [42, '[n42]'],
    ['42', '["42"]'],
    [42n, '[b42]'],
    [null, '[z]'],
    [undefined, '[u]'],
    [false, '[f]'],
    [-0, '[n0]'],
    ['](', '["]("]'],
  ])('%s as a scope key gives %s', (scope, expected) => {
    expect(encodeScope(CALLER, scope)).toBe(expected);
  });

  it('a scope key that is not a primitive: a TypeError naming option scope', () => {
    for (const [value, received] of [
      [{}, 'an object'],
      [Symbol('u'), 'Symbol(u)'],
      [() => 1, 'an anonymous function'],
    ] as const) {
      expect(typeError(() => encodeScope(CALLER, value)).message).toBe(
        `${CALLER}: with option 'shared', option 'scope' must return a string, number, bigint, boolean, ` +
          `null or undefined (identity does not cross processes), received ${received}`,
      );
    }
  });
});

describe('keyPrefix and lockKeyOf', () => {
  it('keyPrefix is <namespace>:v<version>:<name>', () => {
    expect(keyPrefix('users', '3', 'fetchUser')).toBe('users:v3:fetchUser');
    expect(keyPrefix('users', '0', '')).toBe('users:v0:');
  });

  it('lockKeyOf appends ~lock', () => {
    expect(lockKeyOf('users:v3:fetchUser(n1)')).toBe('users:v3:fetchUser(n1)~lock');
  });

  /** A value key as the tier builds it: prefix, optional scope part, parenthesised arguments. */
  function valueKey(namespace: string, version: string, name: string, scope: unknown[], list: unknown[]): string {
    const scopePart = scope.length === 0 ? '' : encodeScope(CALLER, scope[0]);
    return `${keyPrefix(namespace, version, name)}${scopePart}(${encodeArguments(CALLER, list, list.length, false)})`;
  }

  it('valueKey above builds the keys the tier builds', () => {
    const settings = readSharedOptions({ store: { get() {}, set() {}, delete() {} }, namespace: 'ns', version: 2 });
    const context = { label: CALLER, caller: 'lruCache', name: 'load', ttl: 1000, member: false, scope: 'shared', customKey: false } as const;
    const tier = new SharedTier(settings, context);
    expect(tier.keyOf(undefined, ['a', 1], 2)).toBe(valueKey('ns', '2', '', [], ['a', 1]));
    expect(tier.keyOf(undefined, ['a', 1], 2)).toBe('ns:v2:("a",n1)'); // the function's name ('load') is not in it
    const scoped = new SharedTier(settings, { ...context, member: true, scope: (self: never) => (self as { id: number }).id });
    expect(scoped.keyOf({ id: 7 }, [], 0)).toBe(valueKey('ns', '2', '', [7], []));
    const named = new SharedTier({ ...settings, name: 'load' }, context);
    expect(named.keyOf(undefined, ['a', 1], 2)).toBe(valueKey('ns', '2', 'load', [], ['a', 1]));
  });

  it('a lock key never equals a value key, even with adversarial names and arguments', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '~', 'l', 'o', 'c', 'k', '(', ')', '[', ']', ':', 'v', '"') });
    const primitive = fc.oneof(text, fc.integer(), fc.constant(undefined));
    const key = fc
      .tuple(text.filter((s) => s !== ''), text, text, fc.array(primitive, { maxLength: 1 }), fc.array(primitive, { maxLength: 3 }))
      .map(([namespace, version, name, scope, list]) => valueKey(namespace, version, name, scope, list));
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(lockKeyOf(a)).not.toBe(b);
        expect(lockKeyOf(a)).not.toBe(a);
      }),
      { numRuns: 500 },
    );
    // Hand-picked near misses: the argument or the name itself spells "~lock".
    const target = valueKey('ns', '0', 'f', [], ['x']);
    const nearMisses = [
      valueKey('ns', '0', 'f', [], ['x~lock']),
      valueKey('ns', '0', 'f("x")~lock', [], []),
      valueKey('ns', '0', 'f', ['~lock'], ['x']),
      valueKey('ns', '0', 'f', [], ['x', '~lock']),
    ];
    for (const other of nearMisses) expect(other).not.toBe(lockKeyOf(target));
  });
});

/** Parses an unhashed argument text by the documented grammar (a test oracle, independent of the module). */
function readBack(text: string): unknown[] {
  const values: unknown[] = [];
  if (text === '') return values;
  let at = 0;
  for (;;) {
    let end: number;
    if (text[at] === '"') {
      end = at + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      end++;
      values.push(JSON.parse(text.slice(at, end)) as string);
    } else {
      end = text.indexOf(',', at);
      if (end < 0) end = text.length;
      values.push(readToken(text.slice(at, end)));
    }
    if (end === text.length) return values;
    expect(text[end]).toBe(',');
    at = end + 1;
  }
}

function readToken(token: string): unknown {
  const tags: Record<string, unknown> = { u: undefined, z: null, t: true, f: false };
  if (Object.hasOwn(tags, token)) return tags[token];
  const rest = token.slice(1);
  if (token[0] === 'n') {
    const number = Number(rest);
    expect(String(number)).toBe(rest); // canonical form: one text per number
    return number;
  }
  if (token[0] === 'b') {
    const bigint = BigInt(rest);
    expect(String(bigint)).toBe(rest);
    return bigint;
  }
  return expect.fail(`unknown token ${JSON.stringify(token)}`);
}
