/**
 * The package as users install it: built with tsup into a temporary directory
 * and installed into a scratch consumer (node_modules/lru-memo), then
 * - the ESM and CommonJS builds loaded side by side recognise each other's
 *   functions, budgets, tiers, named caches and requests ("one world");
 * - the consumer's TypeScript compiles against the built .d.ts/.d.cts, in
 *   standard and in legacy (experimentalDecorators) mode, with every
 *   `@ts-expect-error` line an error (test/package/consumer);
 * - `import { lruCache }` and `import { cached }` bundled (esbuild, minified,
 *   gzipped) stay under the size limit, and the Redis tier is not in them.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = (path: string) => join(repo, 'node_modules', path);

/**
 * Gzipped bytes (esbuild --minify --format=esm --platform=browser, gzip -9)
 * above which the size check fails, per import, for a bundle that sets no
 * option of a part: what the rebuilt core measures (9,059 / 10,254 / 10,852
 * bytes), with about 1% of room. Issue 23's targets are lower (9,000 /
 * 9,500 / 10,000) and not met yet: lower these as the bundle shrinks.
 */
export const SIZE_LIMITS = { cache: 9_100, lruCache: 10_300, cached: 10_900 } as const;

let root: string;
let consumer: string;

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'lru-memo-package-'));
  const pkg = join(root, 'pkg');
  run(process.execPath, [bin('tsup/dist/cli-default.js'), '--out-dir', join(pkg, 'dist'), '--silent'], repo);
  cpSync(join(repo, 'package.json'), join(pkg, 'package.json'));
  consumer = join(root, 'consumer');
  mkdirSync(join(consumer, 'node_modules'), { recursive: true });
  symlinkSync(pkg, join(consumer, 'node_modules', 'lru-memo'), 'dir');
  cpSync(join(repo, 'test/package/consumer'), consumer, { recursive: true });
}, 300_000);

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

describe('the built package', () => {
  it('one world: the ESM and CommonJS builds recognise each other', () => {
    writeFileSync(
      join(consumer, 'both.mjs'),
      `
import { createRequire } from 'node:module';
import * as esm from 'lru-memo';
import { sharedTier } from 'lru-memo/shared';
import 'lru-memo/grace';
const cjs = createRequire(import.meta.url)('lru-memo');
const cjsRequest = createRequire(import.meta.url)('lru-memo/request');
const report = {};
report.distinctCopies = esm.lruCache !== cjs.lruCache;

const fromEsm = esm.lruCache((n) => n * 2, { name: 'from-esm' });
fromEsm(1); fromEsm(1);
report.cjsInfoOfEsm = cjs.cacheInfo(fromEsm).hits;
const fromCjs = cjs.lruCache((n) => n * 3, { name: 'from-cjs' });
fromCjs(1);
esm.cacheClear(fromCjs);
report.esmClearedCjs = fromCjs.cacheInfo().misses;

const budget = cjs.createBudget({ maxSize: 1 });
const a = esm.lruCache((n) => n, { budget, maxSize: Infinity });
a(1); a(2);
report.cjsBudgetBoundsEsm = budget.info().currSize;

const memory = new Map();
const store = { get: async (k) => memory.get(k), set: async (k, v) => void memory.set(k, v), delete: async (k) => memory.delete(k) };
const viaCjs = cjs.lruCache(async (n) => n, { ttl: 1000, shared: sharedTier({ store, namespace: 'one-world' }) });
report.cjsTakesEsmTier = await viaCjs(5);

report.namedAcross = [esm.namedCaches(), cjs.namedCaches()].map((list) => list.map((c) => c.name).sort().join(','));

let runs = 0;
const perRequest = esm.lruCache((n) => (runs++, n), { scope: 'request' });
await cjsRequest.runInRequest(async () => { perRequest(1); perRequest(1); });
report.requestAcross = runs;

// A part imported through the ESM build serves the CommonJS build's caches too.
report.partAcross = cjs.lruCache((n) => n, { ttl: 1000, grace: 1000 })(3);
console.log(JSON.stringify(report));
`,
    );
    const report = JSON.parse(run(process.execPath, ['both.mjs'], consumer)) as Record<string, unknown>;
    expect(report).toEqual({
      distinctCopies: true,
      cjsInfoOfEsm: 1,
      esmClearedCjs: 0,
      cjsBudgetBoundsEsm: 1,
      cjsTakesEsmTier: 5,
      namedAcross: ['from-cjs,from-esm', 'from-cjs,from-esm'],
      requestAcross: 1,
      partAcross: 3,
    });
  });

  it.each([
    ['standard decorators', false],
    ['experimentalDecorators', true],
  ])('types: the consumer compiles against the built .d.ts with %s, and every expected error is one', (_mode, legacy) => {
    const config = {
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        noEmit: true,
        types: [],
        lib: ['ES2022', 'DOM'],
        experimentalDecorators: legacy,
      },
      files: ['typed.ts', 'required.cts'],
    };
    const name = legacy ? 'tsconfig.legacy.json' : 'tsconfig.json';
    writeFileSync(join(consumer, name), JSON.stringify(config));
    const result = spawnSync(process.execPath, [bin('typescript/bin/tsc'), '-p', name], { cwd: consumer, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  /** The minified bundle of `source` as a user's bundler makes it from the built package, and its gzipped size. */
  async function bundled(source: string): Promise<{ code: string; gzip: number }> {
    const out = await build({
      stdin: { contents: source, resolveDir: consumer, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'error',
    });
    const code = out.outputFiles[0]!.text;
    return { code, gzip: gzipSync(code, { level: 9 }).length };
  }

  it.each(Object.entries(SIZE_LIMITS))('size: import { %s } bundles within %i bytes gzipped, without the parts or tiers', async (name, limit) => {
    const { code, gzip } = await bundled(`import { ${name} } from 'lru-memo'; console.log(${name});`);
    console.log(`import { ${name} }: ${code.length} B minified, ${gzip} B gzipped (limit ${limit})`);
    expect(gzip).toBeLessThanOrEqual(limit);
    expect(code).not.toContain('answers a slow refresh'); // lru-memo/grace
    expect(code).not.toContain('must return a boolean'); // lru-memo/policies
    expect(code).not.toContain('getBuiltinModule'); // lru-memo/events
    expect(code).not.toContain('lm1:'); // the shared tier's envelope
    expect(code).not.toContain('createCluster'); // the Redis adapter
  });

  it('size: a part is in the bundle once imported (what the checks above look for is really its code)', async () => {
    const { code, gzip } = await bundled(
      "import { lruCache } from 'lru-memo'; import 'lru-memo/grace'; import 'lru-memo/policies'; import 'lru-memo/events'; console.log(lruCache);",
    );
    console.log(`import { lruCache } with grace, policies and events: ${code.length} B minified, ${gzip} B gzipped`);
    expect(code).toContain('answers a slow refresh');
    expect(code).toContain('must return a boolean');
    expect(code).toContain('getBuiltinModule');
  });

  it('mangled names: the build shortens the listed class members, and none of them is a built-in, public or plug-in name', () => {
    const listed = Object.keys(JSON.parse(readFileSync(join(repo, 'scripts/mangle.json'), 'utf8')) as Record<string, string>);
    const built = readdirSync(join(root, 'pkg/dist'))
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(root, 'pkg/dist', file), 'utf8'))
      .join('\n');
    expect(listed.length).toBeGreaterThan(100);
    // The build's own code no longer spells them (a config without mangling fails here).
    expect(listed.filter((name) => built.includes(`.${name}(`) || built.includes(`.${name} =`))).toEqual([]);
    const check = spawnSync(process.execPath, [join(repo, 'scripts/mangle.mjs'), '--check', '--dist', join(root, 'pkg/dist')], { encoding: 'utf8' });
    expect(check.stdout.trim()).toBe(`${listed.length} names, all safe`);
    expect(check.status).toBe(0);
  });
});



describe('the README on npm', () => {
  it('every relative link points to a file the package ships', () => {
    const listing = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8' });
    const shipped = new Set((JSON.parse(listing.stdout) as [{ files: { path: string }[] }])[0].files.map((file) => file.path));
    // Links outside code: fenced blocks and inline code spans (`key[scope](arguments)`) are not links.
    const readme = readFileSync(join(repo, 'README.md'), 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((match) => match[1]!).filter((link) => !/^[a-z]+:/.test(link));
    expect(links.length).toBeGreaterThan(5);
    const broken = links.filter((link) => !shipped.has(link) && ![...shipped].some((path) => path.startsWith(`${link.replace(/\/$/, '')}/`)));
    expect(broken).toEqual([]);
  });
});
