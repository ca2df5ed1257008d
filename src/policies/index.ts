/**
 * `lru-memo/policies`: options `shouldCache` and `ttl` as a function, which
 * decide per result whether it is cached and for how long. Import it once,
 * anywhere before the caches that use it are made; it installs its part
 * (parts.ts) and exports nothing.
 *
 * @example
 * ```ts
 * import 'lru-memo/policies';
 * import { lruCache } from 'lru-memo';
 *
 * const findUser = lruCache(async (id: string) => db.users.find(id), {
 *   shouldCache: (user) => user !== undefined,
 *   ttl: (user) => (user!.role === 'admin' ? 5_000 : 60_000),
 * });
 * ```
 *
 * @packageDocumentation
 */
import { parts, type PolicySettings } from '../parts.js';
import { readFunction } from '../read.js';
import { ResultPolicy, type ShouldCache, type TtlFunction } from './policy.js';

parts.policies ??= {
  read(path, given): PolicySettings {
    return {
      ttlOf: typeof given.ttl === 'function' ? (given.ttl as TtlFunction) : undefined,
      shouldCache: readFunction(path, 'shouldCache', given.shouldCache) as ShouldCache | undefined,
    };
  },
  policy: (label, ttl, settings) => new ResultPolicy(label, ttl, settings.ttlOf, settings.shouldCache),
};
