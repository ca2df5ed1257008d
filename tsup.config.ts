import { defineConfig } from 'tsup';

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
  },
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
  // Keep 'node:crypto' and 'node:async_hooks' as written (lru-memo/shared and lru-memo/request only):
  // runtimes resolve them without a bare-name lookup.
  removeNodeProtocol: false,
  external: ['node:crypto', 'node:async_hooks'],
});
