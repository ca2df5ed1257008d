/**
 * Shared keys: strings that mean the same call in every process.
 *
 * `<namespace>:v<version>:<name>[<scope key>](<arguments>)`, each argument
 * tagged with its type so that `1`, `'1'`, `1n`, `-0`, `NaN` and `undefined`
 * stay distinct (a string is JSON-quoted, so commas and brackets inside it
 * cannot fake a boundary). Equality is the local cache's, SameValueZero: a
 * call must mean the same thing whichever tier answers it, so `0` and `-0`
 * are one key there and here, and `NaN` matches `NaN`. Identity does not
 * cross processes, so an object, function or symbol is refused, naming its
 * position. When the argument part is long it is replaced by its SHA-256
 * (node:crypto: this subpath serves Node-compatible runtimes, which all have
 * it), and the readable prefix is kept.
 */
import { createHash } from 'node:crypto';
import { describe } from '../describe.js';

/** Argument parts longer than this are hashed (keeps Redis keys small). */
export const HASH_ABOVE = 200;

/** The tagged encoding of one primitive, or undefined when it is not one. */
export function encodePrimitive(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // `${-0}` is "0": -0 and 0 are one key, as they are one key in the local cache (SameValueZero).
      return `n${value}`;
    case 'bigint':
      return `b${value}`;
    case 'boolean':
      return value ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'object':
      return value === null ? 'z' : undefined;
    default:
      return undefined;
  }
}

/**
 * The argument part of a shared key. `custom` says the values came from
 * option `key` rather than the argument list (errors name them accordingly).
 */
export function encodeArguments(caller: string, values: ArrayLike<unknown>, count: number, custom: boolean): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    const encoded = encodePrimitive(values[i]);
    if (encoded === undefined) {
      const which = custom ? "the value returned by option 'key'" : `argument ${i + 1}`;
      throw new TypeError(
        `${caller}: with option 'shared', ${which} must be a string, number, bigint, boolean, null or undefined ` +
          `(identity does not cross processes; give option 'key' returning one), received ${describe(values[i])}`,
      );
    }
    text += i === 0 ? encoded : `,${encoded}`;
  }
  return text.length > HASH_ABOVE ? `#${createHash('sha256').update(text).digest('hex')}` : text;
}

/** The scope part of a shared key, `[<encoded>]`: a TypeError for a scope key that is not a primitive. */
export function encodeScope(caller: string, scopeKey: unknown): string {
  const encoded = encodePrimitive(scopeKey);
  if (encoded === undefined) {
    throw new TypeError(
      `${caller}: with option 'shared', option 'scope' must return a string, number, bigint, boolean, ` +
        `null or undefined (identity does not cross processes), received ${describe(scopeKey)}`,
    );
  }
  return `[${encoded}]`;
}

/** The key's fixed prefix for a function or member: `<namespace>:v<version>:<name>`. */
export function keyPrefix(namespace: string, version: string, name: string): string {
  return `${namespace}:v${version}:${name}`;
}

/** The lock guarding a key's computation across processes (never equal to a value key). */
export function lockKeyOf(key: string): string {
  return `${key}~lock`;
}
