/**
 * The benchmark runner: `npm run bench` (after `npm run build`), or
 *   node --import tsx bench/run.ts [--quick] [--only ingest,latency,scale,graph,startup [--merge]]
 *
 * Each group runs in its own Node process (started with --expose-gc), one after the other, so
 * groups never share a heap, a JIT warm-up or a core with each other. The runner collects their
 * rows, prints the table, writes bench/results.md (table + machine + notes) and bench/results.json
 * (everything, with every repetition's raw value), and refreshes the table in README.md between
 * `<!-- bench:start -->` and `<!-- bench:end -->` when the README has those markers.
 *
 * --quick: fewer repetitions and shorter streams, for a ~1–2 minute smoke run. Its figures are
 * not the published ones (results go to bench/results.quick.{md,json}).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import type { GroupResult, Row } from './util';
import { BENCH_DIR, fmt, log, REPO_ROOT, RESULT_MARKER } from './util';

const GROUPS = ['ingest', 'latency', 'scale', 'graph', 'startup'] as const;
type Group = (typeof GROUPS)[number];

function runGroup(group: Group, quick: boolean): Promise<GroupResult> {
  const args = ['--expose-gc', '--import', 'tsx', join(BENCH_DIR, `${group}.ts`), ...(quick ? ['--quick'] : [])];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  return new Promise((resolveResult, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code === 0 && line) resolveResult(JSON.parse(line.slice(RESULT_MARKER.length)) as GroupResult);
      else reject(new Error(`group ${group} exited with ${code}`));
    });
  });
}

interface Machine {
  cpu: string;
  memoryGiB: number;
  os: string;
  node: string;
  date: string;
  /** 1-minute load average when the run started and ended: other work on the machine skews every figure. */
  loadAverage?: { start: number; end: number };
}

function machine(): Machine {
  const cpu = cpus();
  return {
    cpu: `${cpu[0]?.model.trim() ?? 'unknown'} × ${cpu.length}`,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function rowCells(row: Row): string[] {
  const f = row.figure;
  if (!f) return [row.group, row.measure, '—', '—', row.note ?? '', ''];
  const value = `${fmt(f.median)} ${f.unit}`;
  // Computed rows (n = 0) and single measurements have no spread to show.
  const spread = f.n === 0 ? 'computed' : f.n === 1 ? 'single' : `${fmt(f.min)}–${fmt(f.max)} (n=${f.n})`;
  const target = row.target ? `${row.target.met ? '✅' : '❌'} ${row.target.text}` : '';
  return [row.group, row.measure, value, spread, [row.compared, row.note].filter(Boolean).join('; '), target];
}

function table(rows: readonly Row[]): string {
  const head = ['Group', 'Measure', 'Median', 'Spread (min–max)', 'Compared / notes', 'Target'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${rowCells(r).map(cell).join(' | ')} |`);
  return lines.join('\n');
}

function targetSummary(rows: readonly Row[]): string[] {
  const out: string[] = [];
  for (const r of rows) if (r.target) out.push(`- ${r.target.met ? 'met' : '**missed**'}: ${r.group} — ${r.measure}: ${r.target.text} (median ${r.figure ? `${fmt(r.figure.median)} ${r.figure.unit}` : '—'})`);
  for (const r of rows) if (!r.figure && r.note) out.push(`- not measured: ${r.group} — ${r.measure}: ${r.note.replace(/^not measured: /, '')}`);
  return out;
}

/**
 * `--only G --merge`: the groups not run now keep their figures from the last results file, so
 * one group can be re-measured without re-running the others (each keeps its own date in
 * results.json; the page says which were merged).
 */
function keepOtherGroups(results: GroupResult[], quick: boolean): void {
  const file = join(BENCH_DIR, `results${quick ? '.quick' : ''}.json`);
  if (!existsSync(file)) return;
  const previous = (JSON.parse(readFileSync(file, 'utf8')) as { groups?: GroupResult[] }).groups ?? [];
  const fresh = new Set(results.map((r) => r.group));
  const kept = previous.filter((g) => !fresh.has(g.group));
  for (const g of kept) g.notes.push(`(${g.group}: figures kept from the previous run, not re-measured in this one)`);
  results.push(...kept);
  results.sort((a, b) => GROUPS.indexOf(a.group as Group) - GROUPS.indexOf(b.group as Group));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const onlyArg = argv.find((a) => a.startsWith('--only'));
  const onlyList = onlyArg?.includes('=') ? onlyArg.split('=')[1] : onlyArg ? argv[argv.indexOf(onlyArg) + 1] : undefined;
  const selected = onlyList ? GROUPS.filter((g) => onlyList.split(',').includes(g)) : [...GROUPS];
  if (!existsSync(join(REPO_ROOT, 'dist', 'sandbox.js'))) throw new Error('dist/ is not built: run `npm run build` first (npm run bench does).');

  const started = performance.now();
  const loadStart = loadavg()[0] ?? 0;
  const results: GroupResult[] = [];
  const failures: string[] = [];
  for (const group of selected) {
    log(`--- ${group}${quick ? ' (quick)' : ''} ---`);
    try {
      const result = await runGroup(group, quick);
      results.push(result);
      log(`${group} done in ${fmt(result.seconds)} s`);
    } catch (error) {
      // One broken group must not hide the others' figures.
      failures.push(`${group}: ${error instanceof Error ? error.message : String(error)}`);
      log(`${group} FAILED: ${String(error)}`);
    }
  }
  const totalSeconds = (performance.now() - started) / 1000;
  if (argv.includes('--merge')) keepOtherGroups(results, quick);
  const rows = results.flatMap((r) => r.rows);
  const m = { ...machine(), loadAverage: { start: loadStart, end: loadavg()[0] ?? 0 } };
  const md = [
    `# Flowscope benchmarks${quick ? ' (quick smoke run: not the published figures)' : ''}`,
    '',
    `Measured ${m.date} on ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; 1-min load average ${fmt(m.loadAverage.start)} at the start, ${fmt(m.loadAverage.end)} at the end (a load above the core count means other work competed with the benchmark). Everything on loopback on this one machine;`,
    'absolute times vary between machines, the ratios beside them are what carries over.',
    `Total run time ${fmt(totalSeconds)} s (\`npm run bench${quick ? ' -- --quick' : ''}\`). Raw figures: \`bench/results${quick ? '.quick' : ''}.json\`.`,
    '',
    table(rows),
    '',
    '## Targets',
    '',
    ...targetSummary(rows),
    ...failures.map((f) => `- group failed: ${f}`),
    '',
    '## How each figure was measured',
    '',
    ...results.flatMap((r) => r.notes.map((n) => `- ${n}`)),
    '- Each figure is the median of its repetitions; the spread column gives their min–max and count.',
    '',
    ...analysis(quick),
  ].join('\n');
  const base = quick ? 'results.quick' : 'results';
  writeFileSync(join(BENCH_DIR, `${base}.md`), md);
  writeFileSync(join(BENCH_DIR, `${base}.json`), `${JSON.stringify({ machine: m, quick, totalSeconds, failures, groups: results }, compactSamples, 2)}\n`);

  // The README shows the current table (full runs only) between its markers.
  const readme = join(REPO_ROOT, 'README.md');
  if (!quick && existsSync(readme)) {
    const text = readFileSync(readme, 'utf8');
    const re = /(<!-- bench:start -->)[\s\S]*?(<!-- bench:end -->)/;
    if (re.test(text)) {
      const block = `\n_Measured ${m.date.slice(0, 10)} on ${m.cpu}, Node ${m.node}, 1-min load average ${fmt(m.loadAverage.start)} at the start and ${fmt(m.loadAverage.end)} at the end (above the core count, other work competed) — details in bench/results.md._\n\n${table(rows)}\n`;
      writeFileSync(readme, text.replace(re, `$1${block}$2`));
    }
  }
  process.stdout.write(`\n${table(rows)}\n\n${targetSummary(rows).join('\n')}\n${failures.map((f) => `group failed: ${f}`).join('\n')}\nTotal ${fmt(totalSeconds)} s. Written: bench/${base}.md, bench/${base}.json\n`);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

/**
 * bench/analysis.md, written by hand (what changed, what bounds a missed target, under which
 * load a figure was taken), is appended to the full run's page, so a re-run keeps it.
 */
function analysis(quick: boolean): string[] {
  const file = join(BENCH_DIR, 'analysis.md');
  return !quick && existsSync(file) ? [readFileSync(file, 'utf8').trimEnd(), ''] : [];
}

/**
 * Per-event latency samples run to hundreds of thousands of numbers; the JSON keeps every
 * per-repetition figure but folds such sample arrays into their distribution.
 */
function compactSamples(_key: string, value: unknown): unknown {
  if (!Array.isArray(value) || value.length <= 64 || !value.every((v) => typeof v === 'number')) return value;
  const sorted = [...(value as number[])].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { samples: sorted.length, min: sorted[0], p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] };
}
