/**
 * `npm run bench:instructions`: instructions per operation, counted by
 * callgrind (deterministic on a busy machine, where wall-clock ratios move by
 * up to 1.7x between runs), for every hit and miss scenario of
 * bench/instructions/case.mjs: lru-memo, the hand-written floors and the
 * peers, each in a process of its own; lru-memo also in the realistic process
 * (a dozen caches of other configurations warmed first). Writes the tables
 * into BENCHMARKS.md between the instruction markers.
 *
 *   npm run bench:instructions                      every case (about 15 minutes on 2 cores)
 *   npm run bench:instructions -- --quick           a subset, printed only (CI)
 *   npm run bench:instructions -- --only bounded    scenarios whose id contains the text
 *   npm run bench:instructions -- --ours            lru-memo and the floors only (no peers)
 *   npm run bench:instructions -- --json out.json   also write the counts as JSON
 *   npm run bench:instructions -- --before b.json   add a "before" column from an earlier --json
 *
 * The count of one operation is `(Ir(2N) - Ir(N)) / N` over segments run after
 * a warm-up (see case.mjs), the median of three such pairs; it includes the
 * benchmark loop (the same for every contender) and, where operations
 * allocate, the garbage collector.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ScenarioInfo {
  id: string;
  title: string;
  contenders: string[];
}

export interface Count {
  scenario: string;
  contender: string;
  mode: 'alone' | 'realistic';
  /** Instructions per operation (median of three pairs), or undefined when the contender does not apply. */
  perOp: number | undefined;
  /** The three pairs' counts, to show their spread. */
  pairs: number[];
}

const caseFile = fileURLToPath(new URL('./instructions/case.mjs', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const ours = quick || args.includes('--ours');
const option = (name: string) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const only = option('--only');
const jsonOut = option('--json');
const beforeFile = option('--before');

/**
 * Operations per segment. Where operations allocate, evict or rehash, the
 * cost comes in bursts (a Map rehashes every so many deletes, a collection
 * runs): segments long enough for their number to vary by one at most.
 */
const SEGMENT: Record<string, number> = { zipf: 100_000, miss: 200_000, 'create-drop': 100_000 };
const DEFAULT_SEGMENT = 100_000;
/**
 * Peers that search their entries one by one (tens of thousands of
 * instructions per call at maxSize 1000): a twentieth of the operations,
 * which still count each call thousands of times, so a run takes minutes, not hours.
 */
const LINEAR = /^(micro-memoize|moize) \{ maxSize/;
/** The quick subset CI prints: the bounded hit, a method hit and a miss, lru-memo beside its floor. */
const QUICK = new Set(['bounded', 'method', 'miss']);

function listScenarios(): ScenarioInfo[] {
  const listed = spawnSync(process.execPath, [caseFile, '--list'], { encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`instructions: listing the cases failed:\n${listed.stderr}`);
  return JSON.parse(listed.stdout) as ScenarioInfo[];
}

/** Runs one case under callgrind and reads its segments' totals. */
function countCase(scenario: string, contender: string, mode: Count['mode']): Promise<Count> {
  const n = (SEGMENT[scenario] ?? DEFAULT_SEGMENT) / (quick ? 4 : 1) / (LINEAR.test(contender) ? 20 : 1);
  const dir = mkdtempSync(join(tmpdir(), 'lru-memo-callgrind-'));
  const command = [
    '--tool=callgrind',
    '--dump-before=getuid',
    `--callgrind-out-file=${join(dir, 'cg.out')}`,
    process.execPath,
    '--single-threaded',
    '--expose-gc',
    caseFile,
    scenario,
    contender,
    mode,
    String(n),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', command, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`instructions: ${scenario} / ${contender} failed (${code}):\n${stderr.slice(-2000)}`);
        if (stdout.startsWith('skipped')) {
          resolve({ scenario, contender, mode, perOp: undefined, pairs: [] });
          return;
        }
        const totals = readdirSync(dir)
          .map((name) => /^cg\.out\.(\d+)$/.exec(name))
          .filter((match): match is RegExpExecArray => match !== null)
          .map((match) => ({ index: Number(match[1]), file: join(dir, match[0]) }))
          .sort((a, b) => a.index - b.index)
          .slice(-6)
          .map(({ file }) => Number(/^totals: (\d+)$/m.exec(readFileSync(file, 'utf8'))![1]));
        if (totals.length !== 6) throw new Error(`instructions: ${scenario} / ${contender}: expected 6 segments, found ${totals.length}`);
        const pairs = [0, 2, 4].map((i) => (totals[i + 1]! - totals[i]!) / n);
        const perOp = [...pairs].sort((a, b) => a - b)[1]!;
        resolve({ scenario, contender, mode, perOp, pairs });
      } catch (error) {
        reject(error as Error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** Runs `jobs` with at most `parallel` at a time, in order of submission. */
async function inParallel<T>(jobs: (() => Promise<T>)[], parallel: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  return results;
}

const format = (value: number | undefined) => (value === undefined ? '' : String(Math.round(value)));

/** The markdown table of one scenario: every contender alone, lru-memo also in the realistic process. */
function scenarioTable(info: ScenarioInfo, counts: Count[], before: Count[] | undefined): string {
  const of = (contender: string, mode: Count['mode'], from: Count[] = counts) =>
    from.find((c) => c.scenario === info.id && c.contender === contender && c.mode === mode);
  const floor = of(info.contenders[0]!, 'alone')?.perOp;
  const lines = [
    `#### ${info.title}`,
    '',
    `| contender | instructions per op | ratio to the first row${before ? ' | before (same counting)' : ''} |`,
    `| --- | ---: | ---: |${before ? ' ---: |' : ''}`,
  ];
  for (const contender of info.contenders) {
    for (const mode of ['alone', 'realistic'] as const) {
      const count = of(contender, mode);
      if (count?.perOp === undefined) continue;
      const name = `${contender.startsWith('lru-memo') ? `**${contender}**` : contender}${mode === 'realistic' ? ', realistic process' : ''}`;
      const ratio = floor === undefined ? '' : `${(count.perOp / floor).toFixed(2)}x`;
      const earlier = before === undefined ? '' : ` | ${format(of(contender, mode, before)?.perOp)}`;
      lines.push(`| ${name} | ${format(count.perOp)} | ${ratio}${earlier} |`);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    throw new Error('instructions: valgrind is not installed (apt-get install valgrind)');
  }
  const scenarios = listScenarios().filter(
    (s) => (only === undefined || s.id.includes(only)) && (!quick || QUICK.has(s.id)),
  );
  const jobs: (() => Promise<Count>)[] = [];
  for (const scenario of scenarios) {
    const contenders = ours ? scenario.contenders.filter((c, i) => i === 0 || c.startsWith('lru-memo')) : scenario.contenders;
    for (const contender of contenders) {
      jobs.push(() => countCase(scenario.id, contender, 'alone'));
      if (contender.startsWith('lru-memo')) jobs.push(() => countCase(scenario.id, contender, 'realistic'));
    }
  }
  const started = Date.now();
  let done = 0;
  const counts = await inParallel(
    jobs.map((job) => async () => {
      const count = await job();
      process.stderr.write(
        `  [${++done}/${jobs.length}] ${count.scenario} / ${count.contender} (${count.mode}): ${format(count.perOp) || 'n/a'}` +
          `${count.pairs.length ? ` (pairs ${count.pairs.map(format).join(', ')})` : ''}\n`,
      );
      return count;
    }),
    Math.max(1, cpus().length),
  );
  const earlier = beforeFile === undefined ? undefined : (JSON.parse(readFileSync(beforeFile, 'utf8')) as { commit: string; counts: Count[] });
  const before = earlier?.counts;
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const body = scenarios.map((s) => scenarioTable(s, counts, before)).join('\n\n');
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const section = [
    '<!-- instructions:start -->',
    `Counted with callgrind on commit ${commit}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)} ` +
      `(${minutes} minutes on ${cpus().length} cores; \`npm run bench:instructions\`). Instructions per operation, the ` +
      'benchmark loop included; "realistic process": a dozen caches of other configurations built and warmed first.' +
      (earlier === undefined ? '' : ` "before": commit ${earlier.commit}, counted the same way.`),
    '',
    body,
    '<!-- instructions:end -->',
  ].join('\n');
  process.stdout.write(`\n${body}\n`);
  if (jsonOut !== undefined) writeFileSync(jsonOut, `${JSON.stringify({ commit, node: process.version, counts }, null, 2)}\n`);
  if (!ours && only === undefined) {
    const path = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
    const text = readFileSync(path, 'utf8');
    const pattern = /<!-- instructions:start -->[\s\S]*<!-- instructions:end -->/;
    writeFileSync(path, pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n## Instructions per operation\n\n${section}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  process.exitCode = 1;
});
