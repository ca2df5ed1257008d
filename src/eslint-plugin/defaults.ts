/**
 * The memoizers and decorators the rules know by default: the JavaScript
 * libraries measured to keep instances alive or to share one cache across
 * instances when used on methods. Each rule takes its own list as an option.
 */
import type { Export } from './imports.js';

/** Function memoizers: one cache per wrapped function, whatever `this` is. */
export const DEFAULT_MEMOIZERS: readonly Export[] = [
  { module: 'memoize', name: 'default' },
  { module: 'memoizee', name: 'default' },
  { module: 'lodash.memoize', name: 'default' },
  { module: 'lodash/memoize', name: 'default' },
  { module: 'lodash', name: 'memoize' },
  { module: 'lodash-es', name: 'memoize' },
  { module: 'moize', name: 'default' },
  { module: 'p-memoize', name: 'default' },
  { module: 'fast-memoize', name: 'default' },
  { module: 'memoize-one', name: 'default' },
];

/** Decorators that keep one cache for every instance of the class. */
export const DEFAULT_SHARED_DECORATORS: readonly Export[] = [
  { module: 'decko', name: 'memoize' },
  { module: 'utils-decorators', name: 'memoize' },
  { module: 'utils-decorators', name: 'memoizeAsync' },
  { module: 'lodash-decorators', name: 'MemoizeAll' },
  { module: 'lodash-decorators/memoizeAll', name: 'MemoizeAll' },
];

/** Decorator factories that share one cache across instances when given a `cache` option. */
export const DEFAULT_CACHE_OPTION_DECORATORS: readonly Export[] = [
  { module: 'memoize', name: 'memoizeDecorator' },
  { module: 'p-memoize', name: 'pMemoizeDecorator' },
];

/** Decorators whose `tags` option registers instances in a module-level registry. */
export const DEFAULT_TAG_DECORATORS: readonly Export[] = [
  { module: 'typescript-memoize', name: 'Memoize' },
  { module: 'typescript-memoize', name: 'MemoizeExpiring' },
];
