/**
 * Every TypeScript snippet of the README and docs/recipes.md type-checks as
 * written, in standard and in legacy (experimentalDecorators) mode: each
 * ```ts block becomes a module of its own, with the library's exports it does
 * not import itself added in front, compiled against the sources with
 * test/package/snippets/ambient.d.ts declaring what snippets take for granted
 * (the user's db, clients, NestJS's @Injectable).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const DOCUMENTS = ['README.md', 'docs/recipes.md'];

/** What a snippet may use without importing it, per module. */
const PRELUDE: Record<string, string[]> = {
  'lru-memo': ['cache', 'cached', 'cacheClear', 'cacheContains', 'cacheInfo', 'cacheInvalidate', 'createBudget', 'lruCache', 'namedCaches'],
  'lru-memo/shared': ['sharedStats', 'sharedTier', 'taggedJsonCodec'],
  'lru-memo/redis': ['redisBus', 'redisStore'],
  'lru-memo/request': ['inRequest', 'requestMiddleware', 'requestStats', 'runInRequest', 'withRequestScope'],
};

export function snippetsOf(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/** The snippet as a module: the prelude's names it neither imports nor declares, then the snippet. */
export function moduleOf(snippet: string): string {
  const imported = new Set<string>();
  for (const match of snippet.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from/g)) {
    for (const name of match[1]!.split(',')) imported.add(name.trim().split(/\s+as\s+/).pop()!);
  }
  const lines: string[] = [];
  for (const [from, names] of Object.entries(PRELUDE)) {
    const missing = names.filter((name) => !imported.has(name) && !new RegExp(`\\b(const|function|class) ${name}\\b`).test(snippet));
    if (missing.length > 0) lines.push(`import { ${missing.join(', ')} } from '${from}';`);
  }
  return `${lines.join('\n')}\nexport {};\n${snippet}`;
}

let root: string | undefined;
afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

describe('documentation snippets', () => {
  it.each([
    ['standard decorators', false],
    ['experimentalDecorators', true],
  ])('every ts snippet of the README and docs/recipes.md compiles with %s', (_mode, legacy) => {
    root ??= mkdtempSync(join(tmpdir(), 'lru-memo-snippets-'));
    const dir = mkdtempSync(join(root, legacy ? 'legacy-' : 'standard-'));
    const files: string[] = ['ambient.d.ts'];
    cpSync(join(repo, 'test/package/snippets/ambient.d.ts'), join(dir, 'ambient.d.ts'));
    for (const document of DOCUMENTS) {
      snippetsOf(readFileSync(join(repo, document), 'utf8')).forEach((snippet, index) => {
        const file = `${document.replace(/[/.]/g, '_')}_${index + 1}.ts`;
        writeFileSync(join(dir, file), moduleOf(snippet));
        files.push(file);
      });
    }
    const config = {
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        module: 'ESNext',
        moduleResolution: 'Bundler',
        noEmit: true,
        skipLibCheck: true,
        experimentalDecorators: legacy,
        types: ['node'],
        typeRoots: [join(repo, 'node_modules/@types')],
        baseUrl: repo,
        paths: {
          'lru-memo': ['src/index.ts'],
          'lru-memo/*': ['src/*/index.ts'],
          '*': ['node_modules/*'],
        },
      },
      files,
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
    const result = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    // On failure, the message names the document and the snippet (README_md_7.ts: the README's 7th ts block).
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
