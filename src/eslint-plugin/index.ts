/**
 * `lru-memo/eslint-plugin`: rules that catch the memoization trap in code that
 * does not use lru-memo (yet): caches that keep every instance alive, or that
 * hand instance B the result computed for instance A. The JavaScript cousin of
 * ruff/flake8-bugbear B019 (`lru_cache` on methods).
 *
 * Rules are plain objects: the plugin imports nothing from eslint at run time.
 */
import { noMemoizeOnPrototype } from './rules/no-memoize-on-prototype.js';
import { noMemoizeTags } from './rules/no-memoize-tags.js';
import { noSharedCacheDecorator } from './rules/no-shared-cache-decorator.js';
import { noThisAsMemoKey } from './rules/no-this-as-memo-key.js';

import {
  DEFAULT_CACHE_OPTION_DECORATORS,
  DEFAULT_MEMOIZERS,
  DEFAULT_SHARED_DECORATORS,
  DEFAULT_TAG_DECORATORS,
} from './defaults.js';
import type { Export } from './imports.js';

/** The rules' names, as used after the `lru-memo/` prefix. */
export type RuleName = 'no-memoize-on-prototype' | 'no-this-as-memo-key' | 'no-shared-cache-decorator' | 'no-memoize-tags';

const rules: Record<RuleName, unknown> = {
  'no-memoize-on-prototype': noMemoizeOnPrototype,
  'no-this-as-memo-key': noThisAsMemoKey,
  'no-shared-cache-decorator': noSharedCacheDecorator,
  'no-memoize-tags': noMemoizeTags,
};

/** An ESLint flat-config plugin, typed loosely so this package needs no eslint types. */
export interface LruMemoPlugin {
  meta: { name: string };
  rules: Record<RuleName, unknown>;
  configs: { recommended: { name: string; plugins: Record<string, unknown>; rules: Record<string, 'error'> } };
  /** The lists each rule uses unless given its own (`memoizers`, `decorators`, ...). */
  defaults: {
    memoizers: readonly Export[];
    sharedDecorators: readonly Export[];
    cacheOptionDecorators: readonly Export[];
    tagDecorators: readonly Export[];
  };
}

const plugin: LruMemoPlugin = {
  meta: { name: 'lru-memo/eslint-plugin' },
  rules,
  configs: { recommended: { name: 'lru-memo/recommended', plugins: {}, rules: {} } },
  defaults: {
    memoizers: DEFAULT_MEMOIZERS,
    sharedDecorators: DEFAULT_SHARED_DECORATORS,
    cacheOptionDecorators: DEFAULT_CACHE_OPTION_DECORATORS,
    tagDecorators: DEFAULT_TAG_DECORATORS,
  },
};
plugin.configs.recommended.plugins['lru-memo'] = plugin;
for (const name of Object.keys(rules)) plugin.configs.recommended.rules[`lru-memo/${name}`] = 'error';

/**
 * The plugin. Use its `recommended` flat config, with a parser that reads
 * decorators (typescript-eslint's):
 *
 * @example
 * ```ts
 * // eslint.config.js
 * import tseslint from 'typescript-eslint';
 * import lruMemo from 'lru-memo/eslint-plugin';
 *
 * export default [
 *   ...tseslint.configs.recommended,
 *   lruMemo.configs.recommended,
 * ];
 * ```
 */
export default plugin;

/**
 * The same plugin as a named export, for CommonJS configs.
 *
 * @example
 * ```ts
 * // eslint.config.cjs
 * const { plugin: lruMemo } = require('lru-memo/eslint-plugin');
 * module.exports = [lruMemo.configs.recommended];
 * ```
 */
export { plugin };
