/** Renders received values for error messages: short, unambiguous, never throwing. */

/** A short, unambiguous rendering of a received value for error messages. */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `${JSON.stringify(value)} (a string)`;
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n (a bigint)`;
    case 'symbol':
      return value.toString();
    case 'function':
      return value.name ? `function ${value.name}` : 'an anonymous function';
    case 'object':
      return value === null ? 'null' : describeObject(value);
    default:
      return String(value);
  }
}

function describeObject(value: object): string {
  let name: unknown;
  try {
    // A revoked Proxy throws even on Array.isArray; the message must not.
    if (Array.isArray(value)) return `an array of length ${value.length}`;
    name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  } catch {
    return 'an object';
  }
  if (typeof name !== 'string' || name === '' || name === 'Object') return 'an object';
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} instance`;
}
