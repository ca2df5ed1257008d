/**
 * The options of `lruCache` and `@cached`, read once, when a function is
 * wrapped or a member decorated, so the call path never looks at options
 * again. The reading rules and their wording live in read.ts, shared with
 * `createBudget` and the plug-ins.
 */
import { BUDGET_BRAND, isBranded } from './brands.js';
import type { BudgetImpl } from './budget.js';
import { describe } from './describe.js';
import type { OnEvict } from './notify.js';
import { requirePart, type GraceSettings, type PolicySettings } from './parts.js';
import { readFunction, readMilliseconds, readOptions } from './read.js';
import { isTier, type Tier } from './tier.js';

export { describe };

/** Which cache serves a call on a receiver. */
export type Scope = 'instance' | 'shared' | 'request' | ((self: never) => unknown);

/** What the wrapper needs, already checked. */
export interface Settings {
  /** Entries kept per cache; `Infinity` = unbounded, `0` = never stores. */
  readonly maxSize: number;
  /** Milliseconds an entry stays fresh; `0` = no expiry; `Infinity` when a ttl function decides per value. */
  readonly ttl: number;
  /** Options `shouldCache` and `ttl` as a function (the policies part), if given. */
  readonly policy: PolicySettings | undefined;
  /** Custom key function, or undefined for the argument list. */
  readonly key: ((...args: never[]) => unknown) | undefined;
  /** Which cache serves a call on a receiver. */
  readonly scope: Scope;
  /** The process-wide bound this cache's entries also count against, if any. */
  readonly budget: BudgetImpl | undefined;
  /** A tier behind the local cache (lru-memo/shared), if any. */
  readonly shared: Tier | undefined;
  /** Options `grace` and `softTimeoutMs` (the grace part), if given. */
  readonly grace: GraceSettings | undefined;
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
  policy: undefined,
  key: undefined,
  scope: 'instance',
  budget: undefined,
  shared: undefined,
  grace: undefined,
  name: '',
  onEvict: undefined,
});

/** Reads `options` for `caller`; `known` lists the option names this caller accepts. */
export function readSettings(options: unknown, caller: string, known: readonly string[]): Settings {
  if (options === undefined) return DEFAULT_SETTINGS;
  const path = { caller, prefix: '' };
  const given = readOptions(path, options, known);
  const functionTtl = typeof given.ttl === 'function';
  // Options of a part are read by that part (parts.ts); without it, the option names the import.
  const policy =
    given.shouldCache === undefined && !functionTtl
      ? undefined
      : requirePart(path, 'policies', functionTtl ? "option 'ttl' as a function" : "option 'shouldCache'").read(path, given);
  const grace =
    given.grace === undefined && given.softTimeoutMs === undefined
      ? undefined
      : requirePart(path, 'grace', `option '${given.grace === undefined ? 'softTimeoutMs' : 'grace'}'`).read(path, given);
  return {
    maxSize: readMaxSize(caller, given.maxSize),
    ttl: functionTtl ? Infinity : given.ttl === undefined ? 0 : readTtl(caller, given.ttl),
    policy,
    key: readFunction(path, 'key', given.key) as Settings['key'],
    scope: readScope(caller, given.scope, known === MEMBER_OPTIONS),
    budget: readBudget(caller, given.budget),
    shared: readTier(caller, given.shared),
    grace,
    name: readName(caller, given.name),
    onEvict: given.onEvict === undefined ? undefined : requirePart(path, 'events', "option 'onEvict'").read(path, given.onEvict),
  };
}

/** Option `name`: a non-empty string. */
function readName(caller: string, value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${caller}: option 'name' must be a non-empty string, received ${describe(value)}`);
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
