/**
 * The plug-in point for `scope: 'request'`: which request context a call
 * runs in. The core never imports the plug-in that knows (`lru-memo/request`,
 * built on node:async_hooks): that plug-in installs a provider on
 * `globalThis` under a `Symbol.for` key when it is first imported, shared by
 * every copy of the library in the process (ESM and CommonJS builds, two
 * bundles), and a request-scoped cache looks it up at its first call.
 *
 * A context is an object that carries the request's caches (`caches`, see
 * below), so they go when the request's context does.
 */

/** Where the provider lives on `globalThis`. */
export const CONTEXT_PROVIDER: unique symbol = Symbol.for('lru-memo.request-context.v1') as never;

/**
 * A request's context as the provider makes it. `caches` belongs to the core
 * (group.ts): the request's caches, one per request-scoped function, made at
 * its first call in the request. Kept on the context rather than in a
 * WeakMap keyed by it, so a request costs one Map, not an ephemeron per cached
 * function (whose tables the GC must iterate), and goes with the request.
 */
export interface RequestContext {
  caches: Map<object, unknown> | undefined;
}

/** What `lru-memo/request` installs. */
export interface ContextProvider {
  /** The context of the request the current call belongs to, or undefined outside any. */
  current(): RequestContext | undefined;
  /** Runs `fn` in a new request context. */
  run<R>(fn: () => R): R;
}

/** The installed provider, or undefined when `lru-memo/request` has not been imported. */
export function installedProvider(): ContextProvider | undefined {
  const provider = (globalThis as { [CONTEXT_PROVIDER]?: ContextProvider })[CONTEXT_PROVIDER];
  return typeof provider === 'object' && provider !== null && typeof provider.current === 'function' ? provider : undefined;
}

/**
 * The provider for a request-scoped cache's call; a TypeError naming the
 * missing import when there is none (the cache was called before anything
 * imported `lru-memo/request`).
 */
export function requireProvider(label: string): ContextProvider {
  const provider = installedProvider();
  if (provider !== undefined) return provider;
  throw new TypeError(
    `${label}: scope 'request' needs the request plug-in: import { runInRequest } from 'lru-memo/request' ` +
      '(and run requests through it) before calling',
  );
}
