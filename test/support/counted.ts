/**
 * A function that counts how often its body ran.
 *
 * The wrapper declares the body's parameter count (`fn.length`), because the
 * cache chooses its call path by it (src/paths.ts): a rest-parameter wrapper
 * has length 0 and would send every test through the zero-argument path, so
 * the paths a user's one-, two- or three-argument function takes would go
 * untested. `length` overrides it, to give a rest-parameter body a declared
 * count. The receiver (`this`) is passed through to the body.
 */
export function counted<F extends (...args: never[]) => unknown>(body: F, length: number = body.length) {
  const calls = { count: 0 };
  const fn = function (this: unknown, ...args: unknown[]): unknown {
    calls.count++;
    return Reflect.apply(body, this, args);
  };
  Object.defineProperty(fn, 'length', { value: length });
  return { fn: fn as unknown as F, calls };
}
