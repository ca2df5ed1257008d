import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    shared: 'src/shared/index.ts',
    redis: 'src/redis.ts',
    'eslint-plugin': 'src/eslint-plugin/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
  // Keep 'node:crypto' as written (lru-memo/shared only): runtimes resolve it without a bare-name lookup.
  removeNodeProtocol: false,
  external: ['node:crypto'],
});
