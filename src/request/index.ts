/**
 * `lru-memo/request`: memoization per request, for plain functions and for
 * members of long-lived objects (React's `cache()` for any Node code).
 *
 * A cache made with `scope: 'request'` keeps one small cache per request:
 * created at the request's first call, reached through the request's context
 * (node:async_hooks AsyncLocalStorage, so every await, timer and callback of
 * the request sees it), held by that context, and gone when the request is.
 * Concurrent requests never see each other's entries; a call started in a
 * request and finishing after its response stores in that request's cache
 * only. Outside any request, such a cache runs the function
 * uncached, and `requestStats(fn).outside` counts those calls.
 *
 * Importing this module installs the context provider the core looks up
 * (context.ts), once per process, shared by every copy of the library.
 *
 * @packageDocumentation
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { CONTEXT_PROVIDER, installedProvider, type ContextProvider, type RequestContext as CoreContext } from '../context.js';
import { describe } from '../describe.js';
import { groupOf } from '../wrap.js';

/**
 * A request's context: it carries the request's caches (the core fills
 * `caches` at the request's first cached call). The number only names it in
 * a heap snapshot.
 */
class RequestContext implements CoreContext {
  caches: Map<object, unknown> | undefined = undefined;
  constructor(readonly request: number) {}
}

function createProvider(): ContextProvider {
  const storage = new AsyncLocalStorage<RequestContext>();
  let requests = 0;
  return Object.freeze({
    current: () => storage.getStore(),
    run: <R>(fn: () => R): R => storage.run(new RequestContext(++requests), fn),
  });
}

/**
 * The process's provider: the first copy of the library to load this module
 * installs it, later copies (the other build, another bundle) use it, so a
 * request entered through one copy is seen by caches made by another.
 */
const provider: ContextProvider =
  installedProvider() ??
  (() => {
    const created = createProvider();
    Object.defineProperty(globalThis, CONTEXT_PROVIDER, { value: created, configurable: true, enumerable: false, writable: false });
    return created;
  })();

/**
 * Runs `fn` in a new request: calls of `scope: 'request'` caches made while it
 * runs, and in everything it awaits or schedules, share one cache per
 * function, which goes when the request does. Returns what `fn` returns.
 *
 * @example
 * ```ts
 * import { lruCache } from 'lru-memo';
 * import { runInRequest } from 'lru-memo/request';
 *
 * const loadUser = lruCache(async (id: string) => db.users.find(id), { scope: 'request' });
 *
 * await runInRequest(async () => {
 *   await loadUser('42'); // runs
 *   await loadUser('42'); // the same promise: this request's cache
 * });
 * ```
 */
export function runInRequest<R>(fn: () => R): R {
  if (typeof fn !== 'function') throw new TypeError(`runInRequest: expected a function to run, received ${describe(fn)}`);
  return provider.run(fn);
}

/**
 * Wraps a request handler so that each request runs in its own request
 * context: for node:http's `createServer`, and any `(request, response, ...)`
 * handler.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { withRequestScope } from 'lru-memo/request';
 *
 * createServer(withRequestScope(async (request, response) => {
 *   response.end(JSON.stringify(await loadUser(userIdOf(request))));
 * })).listen(3000);
 * ```
 */
export function withRequestScope<A extends unknown[], R>(handler: (...args: A) => R): (...args: A) => R {
  if (typeof handler !== 'function') {
    throw new TypeError(`withRequestScope: expected a request handler function, received ${describe(handler)}`);
  }
  return function scopedHandler(this: unknown, ...args: A): R {
    return provider.run(() => handler.apply(this, args));
  };
}

/**
 * Connect-style middleware (Express, NestJS on Express, Connect): every
 * request after it runs in its own request context. For Fastify, register
 * `fastify.addHook('onRequest', (request, reply, done) => runInRequest(done))`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { requestMiddleware } from 'lru-memo/request';
 *
 * const app = express();
 * app.use(requestMiddleware());
 * ```
 */
export function requestMiddleware(): (request: unknown, response: unknown, next: (error?: unknown) => void) => void {
  return function lruMemoRequest(_request, _response, next) {
    provider.run(() => next());
  };
}

/**
 * Whether the current call runs inside a request (entered with `runInRequest` or its middleware).
 *
 * @example
 * ```ts
 * import { inRequest, runInRequest } from 'lru-memo/request';
 *
 * inRequest(); // false
 * runInRequest(() => inRequest()); // true
 * ```
 */
export function inRequest(): boolean {
  return provider.current() !== undefined;
}

/**
 * Counters of a `scope: 'request'` cache, since it was made or last cleared.
 *
 * @example
 * ```ts
 * requestStats(loadUser); // { requests: 120, outside: 0 }
 * ```
 */
export interface RequestStats {
  /**
   * Request caches made: one per request that called it (plus one for each
   * request whose cache was cleared while it ran and that called it again).
   */
  readonly requests: number;
  /** Calls made outside any request: they ran the function uncached (also counted in `misses`). */
  readonly outside: number;
}

/**
 * The request counters of a cached function or decorated member made with
 * `scope: 'request'` (for a member, pass `Class.prototype.method`, or
 * `Class.method` for a static one).
 *
 * @example
 * ```ts
 * import { requestStats } from 'lru-memo/request';
 * requestStats(loadUser); // { requests: 2, outside: 1 }
 * ```
 */
export function requestStats(fn: (...args: never[]) => unknown): RequestStats {
  const group = groupOf(fn);
  if (group === undefined || group.scope !== 'request') {
    throw new TypeError(
      `requestStats: expected a function or member cached with scope 'request', received ${describe(fn)}` +
        (group === undefined ? '' : ` (its scope is ${typeof group.scope === 'function' ? 'a function' : `'${group.scope}'`})`),
    );
  }
  return Object.freeze({ requests: group.receiversMade, outside: group.outside });
}
