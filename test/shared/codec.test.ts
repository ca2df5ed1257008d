/**
 * Unit tests of the default shared codec (src/shared/codec.ts): what it
 * promises is that `decode(encode(v))` gives back an equal value for
 * primitives (incl. undefined, NaN, ±Infinity, -0, BigInt), Date, Map, Set,
 * arrays and plain objects, and that everything else (class instances,
 * functions, symbols, cycles) is refused with a TypeError naming the path.
 */
import { describe, expect, it } from 'vitest';
import { taggedJsonCodec } from '../../src/shared/codec.js';

const { encode, decode } = taggedJsonCodec;

function roundTrip(value: unknown): unknown {
  return decode(encode(value));
}

/** The error `run` throws (fails the test when it does not throw). */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  expect.fail('expected a throw');
}

const SUPPORTED = '(plain objects, arrays, Date, Map, Set and primitives are supported; give option shared.codec for others)';

describe('taggedJsonCodec round-trips', () => {
  it.each([
    ['an empty string', ''],
    ['a string that looks like a tag', '{"$":"u","v":null}'],
    ['a string with quotes, backslashes and unicode', 'a"b\\c\u2028é😀'],
    ['true', true],
    ['false', false],
    ['null', null],
    ['zero', 0],
    ['a negative fraction', -1.5],
    ['the largest number', Number.MAX_VALUE],
    ['the smallest subnormal', Number.MIN_VALUE],
    ['an integer above 2^53', 2 ** 60],
  ])('%s as itself', (_name, value) => {
    expect(roundTrip(value)).toBe(value);
  });

  it('undefined (plain JSON would lose it)', () => {
    expect(encode(undefined)).not.toBe(undefined);
    expect(roundTrip(undefined)).toBe(undefined);
  });

  it('NaN, Infinity and -Infinity (plain JSON turns them into null)', () => {
    expect(Number.isNaN(roundTrip(NaN))).toBe(true);
    expect(roundTrip(Infinity)).toBe(Infinity);
    expect(roundTrip(-Infinity)).toBe(-Infinity);
  });

  it('-0 stays -0 and 0 stays 0', () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(Object.is(roundTrip(0), 0)).toBe(true);
    expect(Object.is((roundTrip({ a: -0 }) as { a: number }).a, -0)).toBe(true);
    expect(Object.is((roundTrip([-0]) as number[])[0], -0)).toBe(true);
  });

  it('BigInt, including values beyond 2^64 and negative ones', () => {
    expect(roundTrip(0n)).toBe(0n);
    expect(roundTrip(1n)).toBe(1n);
    expect(roundTrip(-12345678901234567890123456789n)).toBe(-12345678901234567890123456789n);
    expect(roundTrip(2n ** 100n)).toBe(2n ** 100n);
  });

  it('a Date, keeping its millisecond, its type and its independence from the original', () => {
    const date = new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    const back = roundTrip(date);
    expect(back).toBeInstanceOf(Date);
    expect((back as Date).getTime()).toBe(date.getTime());
    expect(back).not.toBe(date);
    expect((roundTrip(new Date(-1)) as Date).getTime()).toBe(-1);
    expect((roundTrip(new Date(8.64e15)) as Date).getTime()).toBe(8.64e15);
  });

  it('an invalid Date comes back as an invalid Date', () => {
    const back = roundTrip(new Date(NaN));
    expect(back).toBeInstanceOf(Date);
    expect(Number.isNaN((back as Date).getTime())).toBe(true);
  });

  it('a Map with keys of every kind, in insertion order', () => {
    const objectKey = { id: 1 };
    const map = new Map<unknown, unknown>([
      ['b', 1],
      [1, 'one'],
      ['1', 'string one'],
      [1n, 'bigint one'],
      [undefined, null],
      [null, undefined],
      [NaN, 'nan'],
      [objectKey, [1, 2]],
      [new Date(5), new Set([1])],
      ['a', new Map([[true, false]])],
    ]);
    const back = roundTrip(map);
    expect(back).toBeInstanceOf(Map);
    expect(back).toStrictEqual(map);
    expect([...(back as Map<unknown, unknown>).keys()].slice(0, 4)).toStrictEqual(['b', 1, '1', 1n]);
    expect((back as Map<unknown, unknown>).get(NaN)).toBe('nan');
  });

  it('a Set of values of every kind, in insertion order', () => {
    const set = new Set<unknown>(['1', 1, 1n, undefined, null, NaN, -Infinity, { a: 1 }, [2], new Date(3)]);
    const back = roundTrip(set);
    expect(back).toBeInstanceOf(Set);
    expect(back).toStrictEqual(set);
    expect([...(back as Set<unknown>)].slice(0, 3)).toStrictEqual(['1', 1, 1n]);
  });

  it('empty containers', () => {
    expect(roundTrip([])).toStrictEqual([]);
    expect(roundTrip({})).toStrictEqual({});
    expect(roundTrip(new Map())).toStrictEqual(new Map());
    expect(roundTrip(new Set())).toStrictEqual(new Set());
  });

  it('undefined as an object property stays an own property, and as an array item stays an item', () => {
    const object = roundTrip({ a: undefined, b: 1 }) as Record<string, unknown>;
    expect(Object.keys(object)).toStrictEqual(['a', 'b']);
    expect(object).toStrictEqual({ a: undefined, b: 1 });

    const array = roundTrip([undefined, 1, undefined]) as unknown[];
    expect(array.length).toBe(3);
    expect(0 in array && 2 in array).toBe(true);
    expect(array).toStrictEqual([undefined, 1, undefined]);
  });

  it('nested structures of every supported kind', () => {
    const value = {
      user: { id: 7n, name: 'Ada', tags: new Set(['x', 'y']), born: new Date(0), score: NaN },
      history: [new Map<unknown, unknown>([[1, { at: new Date(1), delta: -0 }]]), [[[undefined]]], { deep: { deeper: [Infinity] } }],
      nothing: null,
      missing: undefined,
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toStrictEqual(value);
    expect(back.user.tags).toBeInstanceOf(Set);
    expect(back.user.born).toBeInstanceOf(Date);
    expect(Object.is((back.history[0] as Map<number, { delta: number }>).get(1)!.delta, -0)).toBe(true);
  });

  it("a plain object with a literal '$' key is data, not a tag", () => {
    for (const value of [
      { $: 'u', v: null },
      { $: 'd', v: '0' },
      { $: 'b', v: '1' },
      { $: 'o', v: { $: 'o', v: {} } },
      { $: 'zz' },
      { $: undefined },
      { $: { $: 'n', v: 'NaN' } },
      [{ $: 'm', v: [] }],
    ]) {
      expect(roundTrip(value)).toStrictEqual(value);
    }
  });

  it("an own '__proto__' key comes back as data, not as the prototype", () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true); // the input really has such a key

    const back = roundTrip(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toStrictEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toStrictEqual({ polluted: true });
    expect(back.polluted).toBe(undefined);
    expect(({} as Record<string, unknown>).polluted).toBe(undefined);

    const defined = Object.defineProperty({}, '__proto__', { value: 5, enumerable: true, writable: true, configurable: true });
    const definedBack = roundTrip(defined) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(definedBack, '__proto__')?.value).toBe(5);
    expect(Object.getPrototypeOf(definedBack)).toBe(Object.prototype);
  });

  it('decoding text with a __proto__ key never changes any prototype', () => {
    const back = decode('{"$":"o","v":{"$":1,"__proto__":{"polluted":true}}}') as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toStrictEqual({ polluted: true });
    expect(back.polluted).toBe(undefined);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });

  it('a null-prototype object comes back with the same own keys and values', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.a = 1;
    bare.b = new Date(2);
    bare.__proto__ = 'plain data on a null-prototype object';
    const back = roundTrip(bare) as Record<string, unknown>;
    expect(Object.keys(back)).toStrictEqual(['a', 'b', '__proto__']);
    expect(back.a).toBe(1);
    expect((back.b as Date).getTime()).toBe(2);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toBe('plain data on a null-prototype object');
  });

  it('shared references that are not cycles are encoded (each occurrence as an equal value)', () => {
    const shared = { n: 1, d: new Date(4) };
    const list = [1];
    const value = { a: shared, b: shared, c: [shared, [shared]], m: new Map([[shared, shared]]), s: new Set([list]), l: list };
    const back = roundTrip(value) as typeof value;
    expect(back).toStrictEqual(value);
    expect(back.a).toStrictEqual({ n: 1, d: new Date(4) });
    expect(back.b).toStrictEqual({ n: 1, d: new Date(4) });

    // A diamond: the same object on two paths under a common ancestor.
    const leaf = { x: 1 };
    const diamond = [{ left: leaf }, { right: leaf }];
    expect(roundTrip(diamond)).toStrictEqual([{ left: { x: 1 } }, { right: { x: 1 } }]);
  });

  it('decodes a value into a fresh structure: mutating the decoded value does not affect a second decode', () => {
    const text = encode({ list: [1, 2], map: new Map([[1, 2]]) });
    const first = decode(text) as { list: number[]; map: Map<number, number> };
    first.list.push(3);
    first.map.set(2, 3);
    expect(decode(text)).toStrictEqual({ list: [1, 2], map: new Map([[1, 2]]) });
  });
});

describe('taggedJsonCodec wire format (read by other processes and versions)', () => {
  it('writes JSON-native values as plain JSON', () => {
    expect(encode('a')).toBe('"a"');
    expect(encode(1.5)).toBe('1.5');
    expect(encode(true)).toBe('true');
    expect(encode(null)).toBe('null');
    expect(encode([1, 'x', null])).toBe('[1,"x",null]');
    expect(encode({ a: { b: [] } })).toBe('{"a":{"b":[]}}');
  });

  it('writes everything else as a one-key { "$": tag, "v": payload } object', () => {
    expect(encode(undefined)).toBe('{"$":"u","v":null}');
    expect(encode(-0)).toBe('{"$":"n","v":"-0"}');
    expect(encode(NaN)).toBe('{"$":"n","v":"NaN"}');
    expect(encode(-Infinity)).toBe('{"$":"n","v":"-Infinity"}');
    expect(encode(10n)).toBe('{"$":"b","v":"10"}');
    expect(encode(new Date(5))).toBe('{"$":"d","v":"5"}');
    expect(encode(new Map([['k', 1]]))).toBe('{"$":"m","v":[["k",1]]}');
    expect(encode(new Set([1]))).toBe('{"$":"s","v":[1]}');
    expect(encode({ $: 1 })).toBe('{"$":"o","v":{"$":1}}');
  });

  it('decodes text written by another process (fixed strings, not produced here)', () => {
    expect(decode('{"a":[1,{"$":"b","v":"-3"},{"$":"u","v":null}]}')).toStrictEqual({ a: [1, -3n, undefined] });
    expect(decode('{"$":"m","v":[[{"$":"d","v":"0"},{"$":"s","v":["x"]}]]}')).toStrictEqual(new Map([[new Date(0), new Set(['x'])]]));
  });
});

describe('taggedJsonCodec refusals', () => {
  class Point {
    constructor(
      readonly x: number,
      readonly y: number,
    ) {}
  }

  it('a class instance: a TypeError naming the class and the path', () => {
    const error = thrown(() => encode({ at: [0, { where: new Point(1, 2) }] }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(`lru-memo codec: cannot encode an instance of Point at value.at[1].where ${SUPPORTED}`);
  });

  it('an anonymous class instance: a TypeError at the root path', () => {
    const error = thrown(() => encode(new (class {})()));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(`lru-memo codec: cannot encode an instance of a class at value ${SUPPORTED}`);
  });

  it.each([
    ['RegExp', /x/],
    ['Error', new Error('e')],
    ['Uint8Array', new Uint8Array(1)],
    ['Promise', Promise.resolve(1)],
    ['WeakMap', new WeakMap()],
    ['Number', Object(1) as unknown],
    ['URL', new URL('https://example.com/')],
  ])('a built-in non-plain object (%s) is refused, naming it', (name, value) => {
    const error = thrown(() => encode([value]));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(`lru-memo codec: cannot encode an instance of ${name} at value[0] ${SUPPORTED}`);
  });

  it('a function: a TypeError naming the path', () => {
    const error = thrown(() => encode({ handler: () => 1 }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('lru-memo codec: cannot encode a function at value.handler');

    const top = thrown(() => encode(function named() {}));
    expect(top).toBeInstanceOf(TypeError);
    expect(top.message).toBe('lru-memo codec: cannot encode a function at value');
  });

  it('a symbol: a TypeError naming the path, also inside a Map key, a Map value and a Set', () => {
    const cases: [unknown, string][] = [
      [Symbol('s'), 'value'],
      [[1, Symbol('s')], 'value[1]'],
      [new Map<unknown, unknown>([['ok', 1], [Symbol('k'), 1]]), 'value<key 1>'],
      [new Map<unknown, unknown>([['ok', 1], ['v', Symbol('v')]]), 'value<value 1>'],
      [{ s: new Set([1, 2, Symbol('i')]) }, 'value.s<item 2>'],
    ];
    for (const [value, path] of cases) {
      const error = thrown(() => encode(value));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(`lru-memo codec: cannot encode a symbol at ${path}`);
    }
  });

  it('a cycle: a TypeError naming the path where the cycle closes, whatever the container', () => {
    const object: Record<string, unknown> = { a: 1 };
    object.self = object;
    const array: unknown[] = [0];
    array.push(array);
    const map = new Map<unknown, unknown>();
    map.set('me', map);
    const set = new Set<unknown>();
    set.add(set);
    const deep: { a: { b: unknown[] } } = { a: { b: [] } };
    deep.a.b.push(deep);
    const viaKey = new Map<unknown, unknown>();
    viaKey.set(viaKey, 1);

    const cases: [unknown, string][] = [
      [object, 'value.self'],
      [array, 'value[1]'],
      [map, 'value<value 0>'],
      [set, 'value<item 0>'],
      [deep, 'value.a.b[0]'],
      [viaKey, 'value<key 0>'],
    ];
    for (const [value, path] of cases) {
      const error = thrown(() => encode(value));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(`lru-memo codec: cannot encode a cycle at ${path}`);
    }
  });

  it('a refusal leaves the codec usable (no state is kept from the failed encode)', () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { shared };
    cyclic.self = cyclic;
    expect(() => encode(cyclic)).toThrow(TypeError);
    // `shared` was open when the throw happened: it must not now read as a cycle.
    expect(roundTrip({ shared, again: shared })).toStrictEqual({ shared: { n: 1 }, again: { n: 1 } });
  });
});

describe('taggedJsonCodec decoding text it did not produce', () => {
  it.each([
    ['not JSON', 'nope', SyntaxError],
    ['empty text', '', SyntaxError],
    ['truncated JSON', '{"a":', SyntaxError],
    ['an unknown tag', '{"$":"x","v":1}', TypeError],
    ['a non-string tag', '{"$":5,"v":1}', TypeError],
    ['a BigInt payload that is not an integer', '{"$":"b","v":"abc"}', TypeError],
    ['a BigInt tag without payload', '{"$":"b"}', TypeError],
    ['a Map payload that is not an array', '{"$":"m","v":5}', TypeError],
    ['a Map entry that is not a pair', '{"$":"m","v":[5]}', TypeError],
    ['a Set payload that is not an array', '{"$":"s","v":"ab"}', TypeError],
    ['an escaped-object payload that is null', '{"$":"o","v":null}', TypeError],
  ])('%s throws', (_name, text, type) => {
    expect(() => decode(text)).toThrow(type);
  });

  it('an unknown tag is named in the message', () => {
    expect(thrown(() => decode('[1,{"$":"Q","v":null}]')).message).toBe('lru-memo codec: unknown tag "Q"');
  });
});

/*
 * The contract at its edges: values that would not come back as the same
 * thing are refused, and text the codec did not write is refused on decode.
 */
describe('taggedJsonCodec refuses what it cannot round-trip', () => {
  class Stamp extends Date {}
  class Registry extends Map<string, number> {}

  it('a subclass of Date is refused, not silently turned into a Date', () => {
    expect(() => encode(new Stamp(0))).toThrow(TypeError);
  });

  it('a subclass of Map is refused, not silently turned into a Map', () => {
    expect(() => encode(new Registry([['a', 1]]))).toThrow(TypeError);
  });

  it('an object with a symbol-keyed property is refused, not silently stripped', () => {
    expect(() => encode({ a: 1, [Symbol('meta')]: 2 })).toThrow(TypeError);
  });

  it.each([
    ['a Date tag without payload (decodes to an Invalid Date)', '{"$":"d"}'],
    ['a number tag with a non-number payload (decodes to NaN)', '{"$":"n","v":"oops"}'],
    ["an escaped-object tag with a string payload (decodes to { 0: 'a', 1: 'b' })", '{"$":"o","v":"ab"}'],
    ['an undefined tag with a payload (decodes to undefined)', '{"$":"u","v":1}'],
  ])('well-formed JSON with a malformed tag payload throws: %s', (_name, text) => {
    expect(() => decode(text)).toThrow();
  });
  it.each([
    ['an Array subclass', () => new (class List extends Array<number> {})()],
    ['a Set subclass', () => new (class Tags extends Set<string> {})()],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    ['a sparse array', () => [1, , 3]],
    ['an array with a named property', () => Object.assign([1, 2], { total: 3 })],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    ['a sparse array with a named property of the same count', () => Object.assign([1, , 3], { x: 1 })],
    ['a non-enumerable property', () => Object.defineProperty({ a: 1 }, 'hidden', { value: 2 })],
    ['a Date with an own property', () => Object.assign(new Date(0), { zone: 'UTC' })],
    ['a nested symbol key', () => ({ list: [{ [Symbol.iterator]: 1 }] })],
  ])('%s is refused with a TypeError', (_name, make) => {
    expect(() => encode(make())).toThrow(TypeError);
  });

  it('the refusal names the path and the property', () => {
    expect(thrown(() => encode({ a: [Object.defineProperty({}, 'secret', { value: 1 })] })).message).toBe(
      'lru-memo codec: cannot encode the non-enumerable property "secret" at value.a[0]',
    );
  });

  it.each([
    ['a tag with an extra key', '{"$":"u","v":null,"w":1}'],
    ['a tag that is not a string', '{"$":1,"v":null}'],
    ['a BigInt tag with a fraction', '{"$":"b","v":"1.5"}'],
    ['a Date tag with a non-numeric string', '{"$":"d","v":"soon"}'],
    ['a number tag with an ordinary number string', '{"$":"n","v":"12"}'],
  ])('%s throws', (_name, text) => {
    expect(() => decode(text)).toThrow(TypeError);
  });

  it('an Invalid Date still round-trips', () => {
    const back = decode(encode(new Date(NaN))) as Date;
    expect(back).toBeInstanceOf(Date);
    expect(Number.isNaN(back.getTime())).toBe(true);
  });
});
