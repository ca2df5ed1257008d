/**
 * What the documentation's snippets take for granted: the user's own
 * functions, services and clients. Declared (not implemented) so the snippets
 * type-check as written; each snippet is a module, so its own declarations
 * shadow these.
 */
interface User {
  id: string;
  name: string;
  plan: string;
  role: 'admin' | 'member';
}
interface Quote {
  symbol: string;
  price: number;
  marketOpen: boolean;
}
interface Profile {
  id: string;
  displayName: string;
}
declare const db: { users: { find(id: string): Promise<User | undefined> } };
declare function fetchUser(id: number): Promise<User>;
declare function fetchQuote(symbol: string): Promise<Quote>;
declare function fetchRates(base: string): Promise<Record<string, number>>;
declare function fetchPrice(sku: string): Promise<number>;
declare function lookupAddress(address: string): Promise<{ lat: number; lng: number }>;
declare function sleep(ms: number): void;
declare function expensiveSum(rows: readonly number[]): number;
declare function userIdOf(request: import('node:http').IncomingMessage): string;
declare const registry: import('prom-client').Registry;
declare const client: ReturnType<typeof import('redis').createClient>;
/** NestJS's class decorator, in either decorator flavour. */
declare function Injectable(): (target: unknown, context?: unknown) => void;
declare class TenantContext {
  readonly id: string;
}
declare class HttpService {
  get<T>(url: string): Promise<T>;
}
declare class PermissionsRepository {
  permissionsOf(userId: string): Promise<string[]>;
}

// Frameworks the recipes use, reduced to what the recipes call (the tests do not install them).
declare module 'express' {
  interface Request {
    params: Record<string, string>;
  }
  interface Response {
    json(body: unknown): void;
  }
  interface Application {
    use(middleware: (request: unknown, response: unknown, next: () => void) => void): void;
    get(path: string, handler: (request: Request, response: Response) => unknown): void;
    listen(port: number): void;
  }
  export default function express(): Application;
}
declare module 'fastify' {
  interface FastifyInstance {
    addHook(name: 'onRequest', hook: (request: unknown, reply: unknown, done: () => void) => void): void;
    get(path: string, handler: (request: { params: unknown }) => unknown): void;
    listen(options: { port: number }): Promise<string>;
  }
  export default function Fastify(): FastifyInstance;
}
