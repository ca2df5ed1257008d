import { isBudget, type BudgetImpl } from './budget.js';
import { readFunction, readMilliseconds } from './checks.js';
import { describe } from './describe.js';
import { readShared, type SharedSettings } from './shared/options.js';

export { describe };

/**
 * Option validation. Every check runs once, when a function is wrapped or a
 * member decorated, so the call path never looks at options again. Messages
 * name the caller, the option, the rule and the value received; nothing is
 * coerced.
 */

/** What the wrapper needs, already checked. */
export interface Settings {
  /** Entries kept per cache; `Infinity` = unbounded, `0` = never stores. */
  readonly maxSize: number;
  /** Milliseconds an entry stays fresh; `0` = no expiry. */
  readonly ttl: number;
  /** Custom key function, or undefined for the argument list. */
  readonly key: ((...args: never[]) => unknown) | undefined;
  /** Which cache serves a call on a receiver. */
  readonly scope: Scope;
  /** The process-wide bound this cache's entries also count against, if any. */
  readonly budget: BudgetImpl | undefined;
  /** The shared tier behind the local cache, if any. */
  readonly shared: SharedSettings | undefined;
}

/**
 * Which cache serves a call: one per receiver (`'instance'`, also how plain
 * functions treat `this`), one for all (`'shared'`), or one per scope key
 * computed from the receiver.
 */
export type Scope = 'instance' | 'shared' | ((self: never) => unknown);

/** Python's default, kept: `functools.lru_cache(maxsize=128)`. */
export const DEFAULT_MAX_SIZE = 128;

export const FUNCTION_OPTIONS = ['maxSize', 'ttl', 'key', 'budget', 'shared'] as const;
export const MEMBER_OPTIONS = ['maxSize', 'ttl', 'key', 'budget', 'shared', 'scope'] as const;

/** The settings of `lruCache(fn)` with no options. */
export const DEFAULT_SETTINGS: Settings = Object.freeze({
  maxSize: DEFAULT_MAX_SIZE,
  ttl: 0,
  key: undefined,
  scope: 'instance',
  budget: undefined,
  shared: undefined,
});

/**
 * Reads `options` for `caller` (used as the message prefix, e.g. "lruCache").
 * `known` lists the option names this caller accepts.
 */
export function readSettings(options: unknown, caller: string, known: readonly string[]): Settings {
  if (options === undefined) return DEFAULT_SETTINGS;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${caller}: options must be an object, received ${describe(options)}`);
  }
  const given = options as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!known.includes(name)) throw unknownOption(caller, name, known);
  }
  const ttl = readTtl(caller, given.ttl);
  const scope = readScope(caller, given.scope);
  const shared = readShared(caller, given.shared, ttl);
  if (shared !== undefined && known.includes('scope') && scope === 'instance') {
    throw new TypeError(
      `${caller}: option 'shared' needs option 'scope' to be a function (self) => key returning a primitive ` +
        "(e.g. the user id), or 'shared': an instance's identity does not cross processes; received scope 'instance'",
    );
  }
  return {
    maxSize: readMaxSize(caller, given.maxSize),
    ttl,
    key: readFunction(caller, 'key', given.key) as Settings['key'],
    scope,
    budget: readBudget(caller, given.budget),
    shared,
  };
}

function readBudget(caller: string, value: unknown): BudgetImpl | undefined {
  if (value === undefined || isBudget(value)) return value;
  throw new TypeError(`${caller}: option 'budget' must be a budget made by createBudget(), received ${describe(value)}`);
}

function readScope(caller: string, value: unknown): Scope {
  if (value === undefined) return 'instance';
  if (value === 'instance' || value === 'shared' || typeof value === 'function') return value as Scope;
  throw new TypeError(
    `${caller}: option 'scope' must be 'instance', 'shared' or a function (self) => key, received ${describe(value)}`,
  );
}

function readMaxSize(caller: string, value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_SIZE;
  const rule = 'must be a non-negative integer or Infinity';
  if (typeof value !== 'number') {
    throw new TypeError(`${caller}: option 'maxSize' ${rule}, received ${describe(value)}`);
  }
  if (value !== Infinity && !(Number.isInteger(value) && value >= 0)) {
    throw new RangeError(`${caller}: option 'maxSize' ${rule}, received ${describe(value)}`);
  }
  return value;
}

/** 0 (no expiry) when not given. */
function readTtl(caller: string, value: unknown): number {
  return value === undefined ? 0 : readMilliseconds(caller, 'ttl', value);
}

function unknownOption(caller: string, name: string, known: readonly string[]): TypeError {
  const close = known.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  const hint = close === undefined ? '' : ` (did you mean '${close}'?)`;
  return new TypeError(
    `${caller}: unknown option '${name}'${hint}; known options are ${known.map((k) => `'${k}'`).join(', ')}`,
  );
}

