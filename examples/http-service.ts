/**
 * The seed's situation as a service: a node:http server on loopback whose
 * handler creates a service object per request and calls its cached members:
 * a sync method, an async method, a cached getter and a scoped member.
 *
 * `mode: 'naive'` swaps in what Python's lru_cache does (a module-level cache
 * keyed on the instance), so a soak can show the difference; `mode: 'none'`
 * caches nothing (the baseline); `mode: 'weakmap'` memoizes every member by
 * hand with module-level WeakMaps (the floor a benchmark compares @cached to);
 * `mode: 'request'` has no service object at all: module-level handler
 * functions cached with scope 'request' (lru-memo/request), each request
 * entered with withRequestScope; `mode: 'context'` runs the same functions
 * uncached inside a bare AsyncLocalStorage.run per request (the cost of a
 * request context alone, which request scope cannot go below).
 *
 * Run alone: `npx tsx examples/http-service.ts` and try
 * `curl 'http://127.0.0.1:3000/quote?sku=a&region=eu'`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AddressInfo } from 'node:net';
import { cached, lruCache } from '../src/index.js';
import { withRequestScope } from '../src/request/index.js';

/** Shared reference data, as a real service would have (prices per region). */
const PRICES: Record<string, number> = { eu: 1.1, us: 1, jp: 150 };

class QuoteService {
  /** Per-request state, about 2 KB, so a leaked instance is visible on the heap. */
  readonly trace = new Array(256).fill(0);

  constructor(
    readonly requestId: number,
    readonly region: string,
  ) {}

  @cached
  price(sku: string): number {
    return (sku.length * 10 + this.requestId % 3) * (PRICES[this.region] ?? 1);
  }

  @cached
  async stock(sku: string): Promise<{ sku: string; available: number; service: QuoteService }> {
    await Promise.resolve();
    return { sku, available: sku.charCodeAt(0) % 7, service: this }; // points back at its instance
  }

  @cached
  get summary(): { region: string; service: QuoteService } {
    return { region: this.region, service: this };
  }

  /** Shared by every request of a region: the self dilemma, answered with scope. */
  @cached({ scope: (self: QuoteService) => self.region })
  taxRate(): number {
    return this.region === 'eu' ? 0.2 : 0.07;
  }
}

/** The same service without any cache: the baseline for the benchmark. */
class PlainQuoteService {
  readonly trace = new Array(256).fill(0);
  constructor(
    readonly requestId: number,
    readonly region: string,
  ) {}
  price(sku: string): number {
    return (sku.length * 10 + this.requestId % 3) * (PRICES[this.region] ?? 1);
  }
  async stock(sku: string): Promise<{ sku: string; available: number }> {
    await Promise.resolve();
    return { sku, available: sku.charCodeAt(0) % 7 };
  }
  get summary(): { region: string } {
    return { region: this.region };
  }
  taxRate(): number {
    return this.region === 'eu' ? 0.2 : 0.07;
  }
}

const naiveCache = new Map<object, Map<string, unknown>>();

/** Python's lru_cache on a method: one module-level cache keyed on self. */
class NaiveQuoteService {
  readonly trace = new Array(256).fill(0);
  constructor(
    readonly requestId: number,
    readonly region: string,
  ) {}

  private memo<T>(key: string, compute: () => T): T {
    let perSelf = naiveCache.get(this);
    if (perSelf === undefined) naiveCache.set(this, (perSelf = new Map()));
    if (!perSelf.has(key)) perSelf.set(key, compute());
    return perSelf.get(key) as T;
  }

  price(sku: string): number {
    return this.memo(`price:${sku}`, () => (sku.length * 10 + this.requestId % 3) * (PRICES[this.region] ?? 1));
  }
  stock(sku: string): Promise<{ sku: string; available: number }> {
    return this.memo(`stock:${sku}`, async () => ({ sku, available: sku.charCodeAt(0) % 7 }));
  }
  get summary(): { region: string } {
    return this.memo('summary', () => ({ region: this.region }));
  }
  taxRate(): number {
    return this.memo('tax', () => (this.region === 'eu' ? 0.2 : 0.07));
  }
}

const prices = new WeakMap<object, Map<string, number>>();
const stocks = new WeakMap<object, Map<string, Promise<{ sku: string; available: number; service: object }>>>();
const summaries = new WeakMap<object, { region: string; service: object }>();
/** taxRate is shared per region (QuoteService scopes it by region), so its floor is keyed by region. */
const taxRates = new Map<string, number>();

/**
 * The floor: QuoteService's members memoized by hand, each in a module-level
 * WeakMap<instance, Map<argument, result>> (the getter: WeakMap<instance,
 * value>), with the same bodies, results pointing back at their instance as
 * QuoteService's do. No bound, no statistics, no invalidation: the least a
 * per-instance cache can do.
 */
class WeakMapQuoteService {
  readonly trace = new Array(256).fill(0);
  constructor(
    readonly requestId: number,
    readonly region: string,
  ) {}

  price(sku: string): number {
    let perSelf = prices.get(this);
    if (perSelf === undefined) prices.set(this, (perSelf = new Map()));
    let hit = perSelf.get(sku);
    if (hit === undefined) perSelf.set(sku, (hit = (sku.length * 10 + this.requestId % 3) * (PRICES[this.region] ?? 1)));
    return hit;
  }

  stock(sku: string): Promise<{ sku: string; available: number; service: object }> {
    let perSelf = stocks.get(this);
    if (perSelf === undefined) stocks.set(this, (perSelf = new Map()));
    let hit = perSelf.get(sku);
    if (hit === undefined) perSelf.set(sku, (hit = this.loadStock(sku)));
    return hit;
  }

  private async loadStock(sku: string): Promise<{ sku: string; available: number; service: object }> {
    await Promise.resolve();
    return { sku, available: sku.charCodeAt(0) % 7, service: this };
  }

  get summary(): { region: string; service: object } {
    let hit = summaries.get(this);
    if (hit === undefined) summaries.set(this, (hit = { region: this.region, service: this }));
    return hit;
  }

  taxRate(): number {
    let hit = taxRates.get(this.region);
    if (hit === undefined) taxRates.set(this.region, (hit = this.region === 'eu' ? 0.2 : 0.07));
    return hit;
  }
}

export interface RunningService {
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * Request-scoped handler functions: what QuoteService computes, without a
 * service object (the request id and region become arguments). The tax rate,
 * shared by every request of a region as QuoteService's scoped member is, is
 * a plain process-wide cache.
 */
const priceOf = lruCache((sku: string, requestId: number, region: string): number => (sku.length * 10 + requestId % 3) * (PRICES[region] ?? 1), {
  scope: 'request',
});
const stockOf = lruCache(
  async (sku: string): Promise<{ sku: string; available: number }> => {
    await Promise.resolve();
    return { sku, available: sku.charCodeAt(0) % 7 };
  },
  { scope: 'request' },
);
const summaryOf = lruCache((region: string): { region: string } => ({ region }), { scope: 'request' });
const taxRateOf = lruCache((region: string): number => (region === 'eu' ? 0.2 : 0.07));

interface HandlerFunctions {
  priceOf(sku: string, requestId: number, region: string): number;
  stockOf(sku: string): Promise<{ sku: string; available: number }>;
  summaryOf(region: string): { region: string };
  taxRateOf(region: string): number;
}
const requestScoped: HandlerFunctions = { priceOf, stockOf, summaryOf, taxRateOf };
/** The same functions, uncached: what mode 'context' runs inside a bare request context. */
const uncached: HandlerFunctions = { priceOf: priceOf.wrapped, stockOf: stockOf.wrapped, summaryOf: summaryOf.wrapped, taxRateOf: taxRateOf.wrapped };
/** Mode 'context': a request context and nothing else (no cache reads it). */
const bareContext = new AsyncLocalStorage<object>();

/**
 * Which QuoteService the handler creates: @cached, naive, no cache, the
 * hand-written WeakMap floor; or none: handler functions with request scope,
 * or uncached inside a bare request context.
 */
export type ServiceMode = 'cached' | 'naive' | 'none' | 'weakmap' | 'request' | 'context';

/** Starts the service on a free loopback port. */
export async function startService(options: { mode?: ServiceMode; port?: number } = {}): Promise<RunningService> {
  const Service =
    options.mode === 'naive'
      ? NaiveQuoteService
      : options.mode === 'none'
        ? PlainQuoteService
        : options.mode === 'weakmap'
          ? WeakMapQuoteService
          : QuoteService;
  let requestId = 0;
  const handler =
    options.mode === 'request'
      ? withRequestScope((request: IncomingMessage, response: ServerResponse) => functionsHandler(requestScoped, request, response))
      : options.mode === 'context'
        ? (request: IncomingMessage, response: ServerResponse) => bareContext.run({}, functionsHandler, uncached, request, response)
        : undefined;
  const server = createServer(handler ?? ((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const sku = url.searchParams.get('sku') ?? 'widget';
    const region = url.searchParams.get('region') ?? 'eu';
    const service = new Service(requestId++, region); // one object per request, as in the seed
    service.price(sku);
    const price = service.price(sku); // a hit
    service
      .stock(sku)
      .then((stock) => {
        const body = JSON.stringify({
          sku,
          price,
          tax: service.taxRate(),
          available: stock.available,
          region: service.summary.region,
        });
        response.writeHead(200, { 'content-type': 'application/json' }).end(body);
      })
      .catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
  }));

  /** Modes 'request' and 'context': the same answer from handler functions, no service object. */
  function functionsHandler(
    { priceOf, stockOf, summaryOf, taxRateOf }: HandlerFunctions,
    request: IncomingMessage,
    response: ServerResponse,
  ): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const sku = url.searchParams.get('sku') ?? 'widget';
    const region = url.searchParams.get('region') ?? 'eu';
    const id = requestId++;
    // Per-request state of the same size as the service objects' (they carry a 2 KB trace).
    const state = { id, trace: new Array(256).fill(0) as number[] };
    priceOf(sku, state.id, region);
    const price = priceOf(sku, state.id, region); // a hit
    stockOf(sku)
      .then((stock) => {
        const body = JSON.stringify({ sku, price, tax: taxRateOf(region), available: stock.available, region: summaryOf(region).region });
        response.writeHead(200, { 'content-type': 'application/json' }).end(body);
      })
      .catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
  }
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** How many instances the naive variant is holding (its leak, made visible). */
export function naiveInstancesHeld(): number {
  return naiveCache.size;
}

export function resetNaive(): void {
  naiveCache.clear();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const running = await startService({ port: Number(process.env.PORT ?? 3000) });
  console.log(`listening on http://127.0.0.1:${running.port}/quote?sku=a&region=eu`);
}
