import { describe, expect, it } from 'vitest';
import { cache, lruCache } from '../../src/index.js';

type Case = [label: string, options: unknown, errorClass: typeof TypeError | typeof RangeError, message: RegExp];

const badOptions: Case[] = [
  ['maxSize negative', { maxSize: -1 }, RangeError, /option 'maxSize' must be a non-negative integer or Infinity, received -1/],
  ['maxSize fractional', { maxSize: 1.5 }, RangeError, /'maxSize'.*received 1\.5/],
  ['maxSize NaN', { maxSize: NaN }, RangeError, /'maxSize'.*received NaN/],
  ['maxSize -Infinity', { maxSize: -Infinity }, RangeError, /'maxSize'.*received -Infinity/],
  ['maxSize string', { maxSize: '10' }, TypeError, /'maxSize'.*received "10" \(a string\)/],
  ['maxSize null', { maxSize: null }, TypeError, /'maxSize'.*received null/],
  ['maxSize bigint', { maxSize: 10n }, TypeError, /'maxSize'.*received 10n/],
  ['ttl zero', { ttl: 0 }, RangeError, /option 'ttl' must be a positive finite number of milliseconds, received 0/],
  ['ttl negative', { ttl: -5 }, RangeError, /'ttl'.*received -5/],
  ['ttl Infinity', { ttl: Infinity }, RangeError, /'ttl'.*received Infinity/],
  ['ttl NaN', { ttl: NaN }, RangeError, /'ttl'.*received NaN/],
  ['ttl string', { ttl: '1s' }, TypeError, /'ttl'.*received "1s"/],
  ['key not a function', { key: 'id' }, TypeError, /option 'key' must be a function, received "id"/],
  ['key an object', { key: {} }, TypeError, /option 'key' must be a function, received an object/],
  ['unknown option (typo)', { maxsize: 10 }, TypeError, /unknown option 'maxsize' \(did you mean 'maxSize'\?\)/],
  ['unknown option', { size: 10 }, TypeError, /unknown option 'size'; known options are 'maxSize', 'ttl', 'key'/],
  ['options not an object', 5, TypeError, /options must be a plain object, received 5/],
  ['options an array', [], TypeError, /options must be a plain object, received an array/],
  ['options null', null, TypeError, /options must be a plain object, received null/],
];

describe('lruCache rejects bad options at wrap time', () => {
  it.each(badOptions)('%s', (_label, options, errorClass, message) => {
    const wrap = () => lruCache(Math.abs, options as never);
    expect(wrap).toThrow(errorClass);
    expect(wrap).toThrow(message);
    expect(wrap).toThrow(/^lruCache: /);
  });

  it('accepts the edge values', () => {
    expect(lruCache(Math.abs, { maxSize: 0 }).cacheParameters().maxSize).toBe(0);
    expect(lruCache(Math.abs, { maxSize: Infinity }).cacheParameters().maxSize).toBe(Infinity);
    expect(lruCache(Math.abs, { ttl: 0.5 }).cacheParameters().ttl).toBe(0.5);
    expect(lruCache(Math.abs, {}).cacheParameters()).toEqual({ maxSize: 128, ttl: undefined });
    expect(lruCache(Math.abs, { maxSize: undefined }).cacheParameters().maxSize).toBe(128);
  });
});

describe('wrapping something that is not a function', () => {
  it.each([
    [42, /received 42/],
    ['f', /received "f" \(a string\)/],
    [{}, /received an object/],
    [undefined, /received undefined/],
    [new Date(0), /received a Date instance/],
  ])('lruCache(%s) is a TypeError', (value, message) => {
    expect(() => lruCache(value as never)).toThrow(TypeError);
    expect(() => lruCache(value as never)).toThrow(message);
    expect(() => cache(value as never)).toThrow(/^cache: expected a function to cache/);
  });

  it('describes a revoked Proxy without throwing a different error', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => lruCache(proxy as never)).toThrow(/received an object/);
  });
});
