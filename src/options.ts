/**
 * The options of `lruCache` and `@cached`, read once, when a function is
 * wrapped or a member decorated, so the call path never looks at options
 * again. The reading rules and their wording live in read.ts, shared with
 * `createBudget` and the plug-ins.
 */
import { BUDGET_BRAND, isBranded } from './brands.js';
import type { BudgetImpl } from './budget.js';
import { describe } from './describe.js';
import { readFunction, readMilliseconds, readOptions } from './read.js';
import type { OnEvict } from './observe.js';
import type { ShouldCache, TtlFunction } from './policy.js';
import { isTier, type Tier } from './tier.js';

export { describe };

/** Which cache serves a call on a receiver. */
export type Scope = 'instance' | 'shared' | 'request' | ((self: never) => unknown);

/** What the wrapper needs, already checked. */
export interface Settings {
  /** Entries kept per cache; `Infinity` = unbounded, `0` = never stores. */
  readonly maxSize: number;
  /** Milliseconds an entry stays fresh; `0` = no expiry; `Infinity` when `ttlOf` decides per value. */
  readonly ttl: number;
  /** Option `ttl` given as a function of the value and arguments, if it was. */
  readonly ttlOf: TtlFunction | undefined;
  /** Option `shouldCache`, if given. */
  readonly shouldCache: ShouldCache | undefined;
  /** Custom key function, or undefined for the argument list. */
  readonly key: ((...args: never[]) => unknown) | undefined;
  /** Which cache serves a call on a receiver. */
  readonly scope: Scope;
  /** The process-wide bound this cache's entries also count against, if any. */
  readonly budget: BudgetImpl | undefined;
  /** A tier behind the local cache (lru-memo/shared), if any. */
  readonly shared: Tier | undefined;
  /** Milliseconds an expired entry is kept as a fallback (option `grace`); 0 = none. */
  readonly grace: number;
  /** Milliseconds a refresh of a stale entry may take before the stale value answers; undefined = no limit. */
  readonly softTimeoutMs: number | undefined;
  /** Option `name`: lists the cache in `namedCaches()` and labels its events; '' when not given. */
  readonly name: string;
  /** Option `onEvict`, if given. */
  readonly onEvict: OnEvict | undefined;
}

/** Python's default, kept: `functools.lru_cache(maxsize=128)`. */
export const DEFAULT_MAX_SIZE = 128;

export const FUNCTION_OPTIONS = [
  'maxSize',
  'ttl',
  'key',
  'shouldCache',
  'grace',
  'softTimeoutMs',
  'budget',
  'shared',
  'scope',
  'name',
  'onEvict',
] as const;
/** The same names; a list of its own because `readSettings` tells members by it (their `scope` takes more). */
export const MEMBER_OPTIONS: readonly string[] = [...FUNCTION_OPTIONS];

/** The settings of `lruCache(fn)` with no options. */
export const DEFAULT_SETTINGS: Settings = Object.freeze({
  maxSize: DEFAULT_MAX_SIZE,
  ttl: 0,
  ttlOf: undefined,
  shouldCache: undefined,
  key: undefined,
  scope: 'instance',
  budget: undefined,
  shared: undefined,
  grace: 0,
  softTimeoutMs: undefined,
  name: '',
  onEvict: undefined,
});

/** Reads `options` for `caller`; `known` lists the option names this caller accepts. */
export function readSettings(options: unknown, caller: string, known: readonly string[]): Settings {
  if (options === undefined) return DEFAULT_SETTINGS;
  const path = { caller, prefix: '' };
  const given = readOptions(path, options, known);
  const ttlOf = typeof given.ttl === 'function' ? (given.ttl as TtlFunction) : undefined;
  const grace = readGrace(caller, given.grace, given.ttl);
  return {
    maxSize: readMaxSize(caller, given.maxSize),
    ttl: ttlOf !== undefined ? Infinity : given.ttl === undefined ? 0 : readTtl(caller, given.ttl),
    ttlOf,
    shouldCache: readFunction(path, 'shouldCache', given.shouldCache) as ShouldCache | undefined,
    key: readFunction(path, 'key', given.key) as Settings['key'],
    scope: readScope(caller, given.scope, known === MEMBER_OPTIONS),
    budget: readBudget(caller, given.budget),
    shared: readTier(caller, given.shared),
    grace,
    softTimeoutMs: readSoftTimeout(caller, given.softTimeoutMs, grace),
    name: readName(caller, given.name),
    onEvict: readOnEvict(caller, path, given.onEvict, grace),
  };
}

/**
 * Option `onEvict`: a function, and not with `grace` (a stale value may
 * answer again after it expired: there is no one moment it leaves).
 */
function readOnEvict(caller: string, path: { caller: string; prefix: string }, value: unknown, grace: number): OnEvict | undefined {
  const onEvict = readFunction(path, 'onEvict', value) as OnEvict | undefined;
  if (onEvict !== undefined && grace !== 0) {
    throw new TypeError(
      `${caller}: options 'onEvict' and 'grace' cannot be combined: a stale value may answer again after it expired, ` +
        'so there is no one moment it leaves the cache',
    );
  }
  return onEvict;
}

/** Option `name`: a non-empty string. */
function readName(caller: string, value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${caller}: option 'name' must be a non-empty string, received ${describe(value)}`);
  }
  return value;
}

/** Option `grace`: positive milliseconds or Infinity, for a cache whose entries expire. */
function readGrace(caller: string, value: unknown, ttl: unknown): number {
  if (value === undefined) return 0;
  const rule = `${caller}: option 'grace' must be a positive number of milliseconds or Infinity`;
  if (typeof value !== 'number') throw new TypeError(`${rule}, received ${describe(value)}`);
  if (!(value > 0)) throw new RangeError(`${rule}, received ${describe(value)}`);
  if (ttl === undefined) {
    throw new TypeError(
      `${caller}: option 'grace' keeps entries past their ttl, so it needs option 'ttl' (entries that never expire are never stale)`,
    );
  }
  return value;
}

/** Option `softTimeoutMs`: non-negative finite milliseconds, with option `grace`. */
function readSoftTimeout(caller: string, value: unknown, grace: number): number | undefined {
  if (value === undefined) return undefined;
  const rule = `${caller}: option 'softTimeoutMs' must be a non-negative finite number of milliseconds`;
  if (typeof value !== 'number') throw new TypeError(`${rule}, received ${describe(value)}`);
  if (!(value >= 0 && Number.isFinite(value))) throw new RangeError(`${rule}, received ${describe(value)}`);
  if (grace === 0) {
    throw new TypeError(
      `${caller}: option 'softTimeoutMs' answers a slow refresh with the stale value, so it needs option 'grace' (received softTimeoutMs ${value} without grace)`,
    );
  }
  return value;
}

function readMaxSize(caller: string, value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_SIZE;
  const rule = `${caller}: option 'maxSize' must be a non-negative integer or Infinity`;
  if (typeof value !== 'number') throw new TypeError(`${rule}, received ${describe(value)}`);
  if (value !== Infinity && !(Number.isInteger(value) && value >= 0)) {
    throw new RangeError(`${rule}, received ${describe(value)}`);
  }
  return value;
}

/** A fixed ttl (a function was taken above): a positive finite number of milliseconds. */
function readTtl(caller: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw new TypeError(
      `${caller}: option 'ttl' must be a positive finite number of milliseconds or a function (value, args) => milliseconds, received ${describe(value)}`,
    );
  }
  return readMilliseconds({ caller, prefix: '' }, 'ttl', value);
}

function readScope(caller: string, value: unknown, member: boolean): Scope {
  if (value === undefined) return 'instance';
  if (value === 'request') return value;
  if (!member) {
    // A function already keeps one cache per receiver; what it can add is the request.
    throw new TypeError(`${caller}: option 'scope' takes 'request' for a function, received ${describe(value)}`);
  }
  if (value === 'instance' || value === 'shared' || typeof value === 'function') return value as Scope;
  throw new TypeError(
    `${caller}: option 'scope' must be 'instance', 'shared', 'request' or a function (self) => key, received ${describe(value)}`,
  );
}

function readBudget(caller: string, value: unknown): BudgetImpl | undefined {
  if (value === undefined || isBranded(value, BUDGET_BRAND)) return value as BudgetImpl | undefined;
  throw new TypeError(`${caller}: option 'budget' must be a budget made by createBudget(), received ${describe(value)}`);
}

function readTier(caller: string, value: unknown): Tier | undefined {
  if (value === undefined || isTier(value)) return value;
  throw new TypeError(
    `${caller}: option 'shared' must be a tier made by sharedTier() from 'lru-memo/shared', received ${describe(value)}`,
  );
}
