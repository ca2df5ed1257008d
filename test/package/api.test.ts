/**
 * The API reference (TypeDoc, typedoc.json) builds without a warning (they
 * are errors there: an undocumented export, a broken {@link}, a type
 * referenced but not exported), and every export of every entry point has an
 * `@example`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));

interface Reflection {
  name: string;
  comment?: { blockTags?: { tag: string }[] };
  signatures?: Reflection[];
  children?: Reflection[];
}

describe('the API reference', () => {
  it('builds with warnings as errors, and every export has an @example', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lru-memo-api-'));
    try {
      const json = join(dir, 'api.json');
      const result = spawnSync(
        process.execPath,
        [join(repo, 'node_modules/typedoc/bin/typedoc'), '--json', json, '--out', join(dir, 'html'), '--logLevel', 'Warn'],
        { cwd: repo, encoding: 'utf8' },
      );
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
      const api = JSON.parse(readFileSync(json, 'utf8')) as Reflection;
      const hasExample = (reflection: Reflection) => reflection.comment?.blockTags?.some((tag) => tag.tag === '@example') === true;
      const exports = api.children!.flatMap((module) => (module.children ?? []).map((r) => ({ module: module.name, r })));
      expect(exports.length).toBeGreaterThan(40);
      const without = exports
        .filter(({ r }) => !hasExample(r) && !(r.signatures ?? []).some(hasExample))
        .map(({ module, r }) => `${module}.${r.name}`);
      expect(without).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
