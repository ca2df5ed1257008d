import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'eslint-plugin': 'src/eslint-plugin/index.ts', redis: 'src/redis.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
});
