import { formatDuration as sharedDuration } from '../shared/format';
import type { Run, Stage } from '../core/model';

/** The `--json` line for a run state: stable field names that scripts can rely on. */
export function runJson(run: Run): string {
  return JSON.stringify({
    runId: run.id,
    workflowId: run.workflowId,
    status: run.status,
    rawStatus: run.rawStatus,
    ...(run.error ? { error: run.error } : {}),
    ...(run.totalUsage !== undefined ? { totalUsage: run.totalUsage } : {}),
    ...(run.stageCounts?.pending !== undefined ? { pendingStageCount: run.stageCounts.pending } : {}),
    ...(run.stageCounts?.failed !== undefined ? { failedStageCount: run.stageCounts.failed } : {}),
    stages: run.stages.map((s) => ({
      id: s.id,
      name: s.name,
      status: s.status,
      rawStatus: s.rawStatus,
      ...(s.attempt !== undefined ? { attempt: s.attempt } : {}),
      ...(s.durationMs !== undefined ? { durationMs: Math.round(s.durationMs) } : {}),
      ...(s.error ? { error: s.error } : {}),
    })),
  });
}

const ICON: Readonly<Record<string, string>> = {
  queued: '·',
  running: '▶',
  waiting: '⏸',
  finishing: '…',
  completed: '✓',
  completed_with_errors: '!',
  failed: '✗',
  cancelled: '■',
  skipped: '↷',
  unknown: '?',
};

/**
 * Server strings reach a terminal here. Control characters (ANSI escapes included) are
 * replaced, so a hostile stage name cannot move the cursor, recolour or retitle the terminal.
 * Field by field, for readable human output; `neutraliseLine` is the net under every line.
 */
export function safeText(text: string, max = 200): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '�');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** What a terminal acts on: C0 controls except tab and newline, DEL, C1 controls, bidi overrides and isolates. */
const LINE_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The last step before any byte reaches stdout or stderr (`lineWriter`): each control character
 * left in a line is written as the six characters of its `\uXXXX` escape. Inside a `--json`
 * line that is the same JSON value (JSON.stringify leaves C1 and bidi characters raw, this does
 * not); in a human line it is visible, inert text.
 */
export function neutraliseLine(line: string): string {
  return line.replace(LINE_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A line writer for a stream: every line the CLI prints goes through one of these. `redact`
 * (stderr: errors, diagnostics, `--verbose` logs, where a server may echo a key) runs first.
 */
export function lineWriter(stream: { write(text: string): unknown }, redact: (text: string) => string = (text) => text): (line: string) => void {
  return (line) => {
    stream.write(`${neutraliseLine(redact(line))}\n`);
  };
}

function stageLine(stage: Stage): string {
  const parts = [`  ${ICON[stage.status] ?? '?'} ${safeText(stage.name)}`, stage.status];
  if (stage.attempt && stage.attempt > 1) parts.push(`attempt ${stage.attempt}`);
  if (stage.durationMs !== undefined) parts.push(formatDuration(stage.durationMs));
  if (stage.error) parts.push(`— ${safeText(stage.error)}`);
  return parts.join('  ');
}

/** Human progress: one line per change (run status, stage status), readable in logs and terminals alike. */
export class ProgressPrinter {
  private readonly seen = new Map<string, string>();
  private lastStatus = '';

  constructor(private readonly write: (line: string) => void) {}

  update(run: Run): void {
    if (run.status !== this.lastStatus) {
      this.lastStatus = run.status;
      this.write(`${ICON[run.status] ?? '?'} run ${safeText(run.id)}  ${run.status}${run.rawStatus && run.rawStatus !== run.status ? ` (${safeText(run.rawStatus)})` : ''}`);
    }
    for (const stage of run.stages) {
      const key = `${stage.status}|${stage.attempt ?? ''}`;
      if (this.seen.get(stage.id) === key) continue;
      this.seen.set(stage.id, key);
      this.write(stageLine(stage));
    }
  }

  summary(run: Run): void {
    this.write(`${ICON[run.status] ?? '?'} ${run.status}: ${summaryCounts(run).join(', ')}${run.error ? ` — ${safeText(run.error)}` : ''}`);
  }
}

/**
 * The end-of-run counts. A stage counts as completed only when the service said so: a
 * `finishing` stage (outcome not read) is counted apart, never with the completed ones. The
 * service's own counts and credit usage are shown when it reports them.
 */
export function summaryCounts(run: Run): string[] {
  const count = (status: Stage['status']): number => run.stages.filter((s) => s.status === status).length;
  const failed = Math.max(count('failed'), run.stageCounts?.failed ?? 0);
  const parts = [`${count('completed')} stage(s) completed`, `${failed} failed`];
  const finishing = count('finishing');
  if (finishing > 0) parts.push(`${finishing} outcome(s) unknown`);
  if (run.stageCounts?.pending) parts.push(`${run.stageCounts.pending} pending`);
  if (run.totalUsage !== undefined) parts.push(`${run.totalUsage} credit(s) used`);
  return parts;
}

/** Durations read the same in the terminal as in the tree (src/shared/format.ts). */
export function formatDuration(ms: number): string {
  return sharedDuration(ms) ?? '';
}
