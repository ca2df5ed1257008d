/**
 * Parts a program installs by importing them, once, anywhere before the
 * calls that use them:
 * - `import 'lru-memo/grace'`: options `grace` and `softTimeoutMs` (grace/stage.ts);
 * - `import 'lru-memo/policies'`: options `shouldCache` and `ttl` as a
 *   function (policies/policy.ts);
 * - `import 'lru-memo/events'`: option `onEvict` and the diagnostics channels
 *   (events/index.ts).
 * Each part reads (and checks) its own options and gives the miss pipeline
 * its stage. A bundle that never imports a part does not contain its code; an
 * option given without its part is a TypeError, at wrap time, that names the
 * import.
 *
 * The registry hangs off `globalThis` under a `Symbol.for` key, as the other
 * plug-in points do (context.ts, tier.ts): a part imported through either
 * build (ESM or CommonJS) serves the caches of both.
 */
import type { Stage } from './miss.js';
import type { Observed, OnEvict, RemovalReason } from './notify.js';
import type { OptionPath } from './read.js';

const PARTS = Symbol.for('lru-memo.parts.v1');

/** What option `grace` (and `softTimeoutMs`) decided. */
export interface GraceSettings {
  /** Milliseconds an expired entry is kept as a fallback. */
  readonly ms: number;
  /** Milliseconds a refresh of a stale entry may take before the stale value answers; undefined: no limit. */
  readonly softTimeoutMs: number | undefined;
}

/** What options `shouldCache` and `ttl` as a function decided. */
export interface PolicySettings {
  readonly ttlOf: ((value: unknown, args: readonly unknown[]) => number) | undefined;
  readonly shouldCache: ((value: unknown, args: readonly unknown[]) => boolean) | undefined;
}

export interface GracePart {
  /** Reads options `grace` and `softTimeoutMs` (at least one is given). */
  read(path: OptionPath, given: Record<string, unknown>): GraceSettings;
  /** The stage of one function's miss pipeline. */
  stage(settings: GraceSettings): Stage;
}

export interface PoliciesPart {
  /** Reads options `shouldCache` and `ttl` (given as a function), at least one given. */
  read(path: OptionPath, given: Record<string, unknown>): PolicySettings;
  /**
   * The stage of one function's miss pipeline, and the life of a value (in
   * milliseconds; 0: not cached) for a tier that decides before it shares.
   */
  policy(label: string, ttl: number, settings: PolicySettings): { stage: Stage; lifetime(value: unknown, args: ArrayLike<unknown>): number };
}

export interface EventsPart {
  /** Reads option `onEvict`. */
  read(path: OptionPath, value: unknown): OnEvict;
  /** Delivers what the operations that just ended queued (core's flush points, notify.ts). */
  flush(): void;
  /** Nothing is queued and nobody subscribes to the channels: a quiet group's miss has nothing to tell. */
  silent(): boolean;
  missed(group: Observed): void;
  evicted(group: Observed): void;
  removed(group: Observed, key: unknown[], value: unknown, reason: RemovalReason): void;
}

/** The parts installed in this process, shared by every copy of the library in it. */
export const parts: { grace?: GracePart; policies?: PoliciesPart; events?: EventsPart } = ((
  globalThis as { [PARTS]?: object }
)[PARTS] ??= {});

/** The part an option needs, or a TypeError naming the import that installs it. */
export function requirePart<K extends keyof typeof parts>(path: OptionPath, name: K, option: string): NonNullable<(typeof parts)[K]> {
  const part = parts[name];
  if (part !== undefined) return part as NonNullable<(typeof parts)[K]>;
  throw new TypeError(
    `${path.caller}: ${option} is a part of lru-memo that this program has not loaded: add import 'lru-memo/${name}' ` +
      '(once, before the caches that use it are made)',
  );
}
