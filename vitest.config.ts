import { defineConfig } from 'vitest/config';

// The member suite runs once per decorator flavour: the same test bodies
// (test/members/*.ts) are imported by test/tc39 and test/legacy, and each
// project transforms them with its own decorator setting. Garbage-collection
// proofs run in forked processes with --expose-gc (vitest 4: top-level
// execArgv; the threads pool rejects the flag).
const legacyDecorators = { tsconfigRaw: { compilerOptions: { experimentalDecorators: true } } };
const gcRun = { pool: 'forks' as const, execArgv: ['--expose-gc'], testTimeout: 60_000 };

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'core', include: ['test/core/**/*.test.ts'], exclude: ['**/*.gc.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'eslint', include: ['test/eslint/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'model', include: ['test/model/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'tc39', include: ['test/tc39/**/*.test.ts'], exclude: ['**/*.gc.test.ts'] },
      },
      {
        extends: true,
        esbuild: legacyDecorators,
        test: { name: 'legacy', include: ['test/legacy/**/*.test.ts'], exclude: ['**/*.gc.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'gc', include: ['test/core/**/*.gc.test.ts', 'test/tc39/**/*.gc.test.ts'], ...gcRun },
      },
      {
        extends: true,
        esbuild: legacyDecorators,
        test: { name: 'gc-legacy', include: ['test/legacy/**/*.gc.test.ts'], ...gcRun },
      },
    ],
  },
});
