/**
 * Shared pieces of the benchmark groups: statistics, the result shapes every group returns, the
 * monotonic clock used across processes, and the child-process plumbing of the runner.
 *
 * Every group runs in its own Node process (see run.ts): a group then starts with a cold heap
 * and JIT, and the scale group's heap figures are not polluted by what the ingest group left.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(BENCH_DIR, '..');

/** A figure: the median of repetitions, with its spread and the raw values kept for the JSON. */
export interface Figure {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Interquartile range (p75 − p25) of the repetitions. */
  readonly iqr: number;
  readonly n: number;
  readonly unit: string;
  readonly values: readonly number[];
}

export interface Target {
  readonly text: string;
  readonly met: boolean;
}

/** One line of the results table. */
export interface Row {
  readonly group: string;
  readonly measure: string;
  /** Absent when the row could not be measured; `note` then says why. */
  readonly figure?: Figure;
  /** Ratios to peers / to the raw limit, already formatted ("0.62× raw, 1.9× eventsource"). */
  readonly compared?: string;
  readonly target?: Target;
  readonly note?: string;
}

export interface GroupResult {
  readonly group: string;
  readonly rows: Row[];
  /** Everything else worth keeping in results.json (per-trial data, settings). */
  readonly raw: Record<string, unknown>;
  readonly notes: string[];
  readonly seconds: number;
}

export interface GroupOptions {
  readonly quick: boolean;
}

/** `q` in [0, 1] of an already sorted array, by linear interpolation between ranks. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted([...values].sort((a, b) => a - b), q);
}

export function figure(values: readonly number[], unit: string): Figure {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: quantileSorted(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    iqr: quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25),
    n: sorted.length,
    unit,
    values,
  };
}

/** Formats a number with a precision that suits its magnitude (3 significant digits, no exponent). */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  if (abs === 0) return '0';
  return value.toPrecision(2);
}

export function ratio(a: number, b: number): string {
  return `${fmt(a / b)}×`;
}

/**
 * Milliseconds on CLOCK_MONOTONIC. Unlike performance.now() (relative to each process's own time
 * origin), hrtime reads one system-wide clock, so a time stamped by the server process and read
 * back by the client process can be subtracted directly.
 */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Forces a full collection when the process runs with --expose-gc (the runner always passes it). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/**
 * Starts `node --expose-gc --import tsx <script> ...args` and resolves with the child and the
 * first stdout line (servers print their address or info there). Stderr is passed through.
 */
export function spawnNode(
  script: string,
  args: readonly string[],
  opts: { tsx?: boolean; noWarnings?: boolean } = {},
): Promise<{ child: ChildProcess; firstLine: string }> {
  const nodeArgs = ['--expose-gc', ...(opts.noWarnings ? ['--no-warnings'] : []), ...(opts.tsx === false ? [] : ['--import', 'tsx']), script, ...args];
  const child = spawn(process.execPath, nodeArgs, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolveLine, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const nl = buffered.indexOf('\n');
      if (nl >= 0) {
        child.stdout?.off('data', onData);
        resolveLine({ child, firstLine: buffered.slice(0, nl) });
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before printing its first line`)));
    child.once('error', reject);
  });
}

/** Stops a child this process started, by its own handle, and waits for it to be gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await gone;
  clearTimeout(timer);
}

/**
 * The entry point of a group module run as its own process: runs the group, writes its result
 * as one JSON line prefixed by a marker on stdout (the runner reads it), and exits.
 */
export function runAsChild(group: (opts: GroupOptions) => Promise<GroupResult>): void {
  const quick = process.argv.includes('--quick');
  group({ quick }).then(
    (result) => {
      process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`, () => process.exit(0));
    },
    (error: unknown) => {
      process.stderr.write(`[bench] group failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}

export const RESULT_MARKER = '@@BENCH-RESULT@@';

/** True when the module is the process's entry script (not imported by the runner). */
export function isMain(metaUrl: string): boolean {
  return resolve(process.argv[1] ?? '') === fileURLToPath(metaUrl);
}
