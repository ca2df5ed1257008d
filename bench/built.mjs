/**
 * Makes the bench measure lru-memo as users install it: the built package
 * (dist/, what `npm run build` and npm publish produce), not the TypeScript
 * sources. Bench files keep importing '../src/index.js' (so they typecheck
 * against the sources); this resolve hook, loaded after tsx, hands them the
 * matching dist/ entry instead.
 *
 * Why it matters: tsx compiles with esbuild's keepNames, which wraps every
 * named closure in a `__name()` call that defines its `name` property. The
 * library's miss paths create a few closures per call (a promise's two
 * reactions, for one); run from source, each pays that defineProperty, which
 * the published build never does. Counted with callgrind, the HTTP pattern's
 * handler took 33,700 instructions per request that way, 25,500 as built.
 *
 *   node --import tsx --import ./bench/built.mjs bench/index.ts
 */
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const index = new URL('../dist/index.js', import.meta.url);
if (!existsSync(fileURLToPath(index))) {
  throw new Error('bench: dist/ is missing; run `npm run build` first (`npm run bench` does)');
}
register('./built-hooks.mjs', import.meta.url);
