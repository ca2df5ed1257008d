import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

/**
 * The core's class members get short names in the build (about 4% of a bundle, gzipped): names no user,
 * runtime API or plug-in sees, listed with their fixed short names in scripts/mangle.json (one mapping for
 * the ESM and CommonJS builds, which share objects). scripts/mangle.mjs adds new members and checks the list.
 */
const mangleCache = JSON.parse(readFileSync(new URL('./scripts/mangle.json', import.meta.url), 'utf8')) as Record<string, string>;

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    grace: 'src/grace/index.ts',
    policies: 'src/policies/index.ts',
    events: 'src/events/index.ts',
    shared: 'src/shared/index.ts',
    request: 'src/request/index.ts',
    redis: 'src/redis/index.ts',
    'eslint-plugin': 'src/eslint-plugin/index.ts',
  },
  format: ['esm', 'cjs'],
  // Class fields as assignments in the constructor: the fields' declarations would be written out a second time.
  tsconfig: 'tsconfig.build.json',
  dts: true,
  clean: true,
  // Maps without the sources embedded: positions map to src/ file names for stack traces, and the package
  // does not ship the TypeScript a second time (the maps were most of the package's weight).
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
    options.mangleProps = new RegExp(`^(${Object.keys(mangleCache).join('|')})$`);
    options.mangleCache = { ...mangleCache };
  },
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
  // Keep 'node:crypto' and 'node:async_hooks' as written (lru-memo/shared and lru-memo/request only):
  // runtimes resolve them without a bare-name lookup.
  removeNodeProtocol: false,
  external: ['node:crypto', 'node:async_hooks'],
});
