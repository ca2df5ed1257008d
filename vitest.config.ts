import { defineConfig } from 'vitest/config';

// One project per concern. Garbage-collection proofs run in forked processes
// with --expose-gc (vitest 4: top-level execArgv, the threads pool rejects it).
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'core', include: ['test/core/**/*.test.ts'], exclude: ['**/*.gc.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'gc',
          include: ['test/**/*.gc.test.ts'],
          pool: 'forks',
          execArgv: ['--expose-gc'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
