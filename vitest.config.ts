import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// The member suite runs once per decorator flavour: the same test bodies
// (test/members/*.ts) are imported by test/tc39 and test/legacy, and each
// project transforms them with its own decorator setting. Garbage-collection
// proofs run in forked processes with --expose-gc (vitest 4: top-level
// execArgv; the threads pool rejects the flag).
const legacyDecorators = { tsconfigRaw: { compilerOptions: { experimentalDecorators: true } } };
const gcRun = { pool: 'forks' as const, execArgv: ['--expose-gc'], testTimeout: 60_000 };

/** The config is evaluated again in every worker: say a thing once per run (workers inherit the env). */
function warnOnce(flag: string, message: string): void {
  if (process.env[flag] === '1') return;
  process.env[flag] = '1';
  console.warn(message);
}

// Browser tests run in headless Chromium from the system (Debian's chromium
// package; .ci/run installs it). Without one they are skipped, and said so.
const chromium = [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].find(
  (path): path is string => path !== undefined && path !== '' && existsSync(path),
);
const browserProjects: TestProjectInlineConfiguration[] =
  chromium === undefined
    ? []
    : [
        {
          extends: true,
          // A concrete target so esbuild lowers standard decorators for the page.
          esbuild: { target: 'es2022' },
          test: {
            name: 'browser',
            include: ['test/browser/**/*.browser.test.ts'],
            browser: {
              enabled: true,
              headless: true,
              screenshotFailures: false,
              provider: playwright({
                launchOptions: {
                  executablePath: chromium,
                  args: [
                    '--headless',
                    '--no-sandbox',
                    '--disable-gpu',
                    '--disable-quic',
                    '--no-first-run',
                    '--disable-background-networking',
                    '--disable-component-update',
                    '--disable-sync',
                  ],
                },
              }),
              instances: [{ browser: 'chromium' }],
            },
          },
        },
      ];
if (chromium === undefined) {
  const message = 'no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)';
  // CI must not pass by skipping them.
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`Browser tests required, but ${message}.`);
  warnOnce('LRU_MEMO_WARNED_BROWSER', `Browser tests skipped: ${message}.`);
}

// Shared-tier tests run against a real redis-server that they start themselves
// (Debian's redis-server package; .ci/run installs it). Without one they are
// skipped, and said so; `npm run test:redis` runs them alone.
const redisServer = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
const redisProjects: TestProjectInlineConfiguration[] =
  redisServer === ''
    ? []
    : [
        {
          extends: true,
          test: {
            name: 'redis',
            include: ['test/redis/**/*.test.ts'],
            ...gcRun,
            // Files start their own servers and processes: one file at a time keeps timings meaningful.
            fileParallelism: false,
          },
        },
      ];
if (redisServer === '') {
  const message = 'no redis-server found (apt-get install redis-server)';
  if (process.env.REQUIRE_REDIS === '1') throw new Error(`Redis tests required, but ${message}.`);
  warnOnce('LRU_MEMO_WARNED_REDIS', `Shared-tier tests against Redis skipped: ${message}.`);
}

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
        // The shared tier's pure modules (codec, keys, breaker, guarded store), without Redis.
        test: { name: 'shared', include: ['test/shared/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'model', include: ['test/model/**/*.test.ts'] },
      },
      {
        extends: true,
        // Builds the package into a temporary directory, then loads, type-checks and bundles it as a user would.
        test: { name: 'package', include: ['test/package/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000 },
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
        test: { name: 'soak', include: ['test/soak/**/*.test.ts'], ...gcRun, testTimeout: 180_000 },
      },
      {
        extends: true,
        esbuild: legacyDecorators,
        test: { name: 'gc-legacy', include: ['test/legacy/**/*.gc.test.ts'], ...gcRun },
      },
      ...redisProjects,
      ...browserProjects,
    ],
  },
});
