import type { CancelOutcome, CancelOutcomeStatus } from '../../backend';
import type { Run, RunStatus, Stage, StageStatus, VariableSpec, Workflow } from '../../model';
import { durationBetween, isTerminalRun, isTerminalStage } from '../../model';
import { parseJson } from '../../json';
import type { SvActivityRun, SvWorkflowRun } from './wire';

/** Maps Supervity's wire records onto Flowscope's model. Pure functions, no I/O. */

/** C.3's proposed mapping; `waiting` (human review or input) keeps its own status. */
export function runStatusOf(raw: string): RunStatus {
  switch (raw.toLowerCase()) {
    case 'scheduled':
    case 'queued':
    case 'pending':
      return 'queued';
    case 'running':
    case 'in_progress':
      return 'running';
    case 'waiting':
      return 'waiting';
    case 'completed':
    case 'succeeded':
    case 'success':
      return 'completed';
    case 'canceled':
    case 'cancelled':
      return 'cancelled';
    case 'error':
    case 'failed':
      return 'failed';
    default:
      return 'unknown';
  }
}

export function stageStatusOf(raw: string): StageStatus {
  if (raw.toLowerCase() === 'skipped') return 'skipped';
  const s = runStatusOf(raw);
  return s === 'completed_with_errors' ? 'completed' : s;
}

/** Flowscope status → the list route's `status` filter. */
export const STATUS_FILTER: Partial<Record<RunStatus, string>> = {
  queued: 'scheduled',
  running: 'running',
  waiting: 'waiting',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function toRun(w: SvWorkflowRun, activityRuns?: readonly SvActivityRun[] | null): Run {
  const status = runStatusOf(w.status);
  return strip({
    id: w.id,
    workflowId: w.workflowId,
    workflowName: w.workflowName,
    status,
    rawStatus: w.status,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    endedAt: isTerminalRun(status) ? w.updatedAt : undefined,
    inputs: w.inputs ?? undefined,
    stages: toStages(activityRuns ?? w.activityRuns ?? []),
  });
}

/**
 * One stage per step. A step may have several activity runs (retries, and one per branch on a
 * condition step, where only the branch with `conditionMet !== false` was taken); keep the
 * latest taken one.
 */
export function toStages(runs: readonly SvActivityRun[]): Stage[] {
  const byStep = new Map<string, SvActivityRun>();
  for (const a of runs) {
    const key = a.stepId ?? a.id ?? a.activityRunId;
    if (!key) continue;
    const prev = byStep.get(key);
    if (!prev || rank(a) >= rank(prev)) byStep.set(key, a);
  }
  return [...byStep.entries()].map(([key, a], order) => toStage(key, a, order));
}

function rank(a: SvActivityRun): number {
  return (a.conditionMet === false ? 0 : 1_000_000) + (a.attempt ?? 1);
}

export function toStage(id: string, a: SvActivityRun, order?: number): Stage {
  const status = stageStatusOf(a.status);
  const { output, error } = readOutputs(a.outputs);
  return strip({
    id,
    name: a.stepName ?? a.stepId ?? id,
    status,
    rawStatus: a.status,
    attempt: a.attempt ?? undefined,
    startedAt: a.createdAt,
    endedAt: isTerminalStage(status) ? a.updatedAt : undefined,
    durationMs: isTerminalStage(status) ? durationBetween(a.createdAt, a.updatedAt) : undefined,
    output,
    error: status === 'failed' ? (error ?? 'The step failed.') : error,
    order,
  });
}

/**
 * `outputs.output` is often a JSON string; a sub-workflow step leaves it empty and only links
 * the child run in `displayData.html`, so the whole `outputs` is kept then.
 */
export function readOutputs(outputs: unknown): { output?: unknown; error?: string } {
  if (!isRecord(outputs)) return outputs === null || outputs === undefined ? {} : { output: outputs };
  const error = textOf(outputs.error) ?? textOf(outputs.errorMessage);
  const raw = outputs.output;
  if (raw === undefined || raw === null || raw === '') return strip({ output: Object.keys(outputs).length ? outputs : undefined, error });
  return strip({ output: maybeJson(raw), error });
}

export function maybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!/^[[{"]|^-?\d|^(true|false|null)$/.test(t)) return v;
  try {
    return parseJson(t);
  } catch {
    return v;
  }
}

/** Dashboard counts in any of the shapes clients have seen, normalized; `total` computed when absent. */
export function toCounts(body: unknown): NonNullable<Workflow['counts']> | undefined {
  const root = isRecord(body) && body.data !== undefined ? body.data : body;
  const source = isRecord(root) && root.counts !== undefined ? root.counts : root;
  const entries: [string, unknown][] = [];
  if (Array.isArray(source)) {
    for (const item of source) if (isRecord(item) && typeof item.status === 'string') entries.push([item.status, item.count ?? item.total]);
  } else if (isRecord(source)) {
    entries.push(...Object.entries(source));
  } else return undefined;
  if (isRecord(root) && root !== source && root.total !== undefined) entries.push(['total', root.total]);

  const counts: Partial<Record<RunStatus, number>> & { total?: number } = {};
  let given: number | undefined;
  for (const [key, value] of entries) {
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) continue;
    if (key.toLowerCase() === 'total') {
      given = n;
      continue;
    }
    const status = runStatusOf(key);
    if (status !== 'unknown') counts[status] = (counts[status] ?? 0) + n;
  }
  const sum = Object.values(counts).reduce((a, b) => a + b, 0);
  return { ...counts, total: given ?? sum };
}

const OUTCOMES: readonly CancelOutcomeStatus[] = ['cancelled', 'already_completed', 'not_eligible', 'not_found', 'error'];

/** The first array of `{runId|id, status}` objects, wherever the (unpublished) envelope puts it. */
export function toOutcomes(body: unknown, depth = 0): CancelOutcome[] | undefined {
  if (Array.isArray(body)) {
    const outcomes: CancelOutcome[] = [];
    for (const item of body) {
      if (!isRecord(item)) continue;
      const runId = textOf(item.runId) ?? textOf(item.id);
      const raw = textOf(item.status);
      if (!runId || !raw) continue;
      const norm = raw.toLowerCase() === 'canceled' ? 'cancelled' : raw.toLowerCase();
      const status = (OUTCOMES as readonly string[]).includes(norm) ? (norm as CancelOutcomeStatus) : 'unknown';
      const message = textOf(item.message) ?? textOf(item.error) ?? textOf(item.reason);
      outcomes.push(message ? { runId, status, message } : { runId, status });
    }
    return outcomes.length ? outcomes : undefined;
  }
  if (!isRecord(body) || depth > 2) return undefined;
  const preferred = ['results', 'outcomes', 'data'];
  const keys = [...preferred.filter((k) => k in body), ...Object.keys(body).filter((k) => !preferred.includes(k))];
  for (const k of keys) {
    const found = toOutcomes(body[k], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * The run's `inputs` (an array whose item shape is not published) as input specs, so a trigger
 * form can offer what the last run used. Items seen as `{name|key, value}`; a plain map too.
 */
export function inputsToSpecs(inputs: unknown): VariableSpec[] {
  const out: VariableSpec[] = [];
  if (Array.isArray(inputs)) {
    for (const item of inputs) {
      if (!isRecord(item)) continue;
      const name = textOf(item.name) ?? textOf(item.key) ?? textOf(item.label);
      if (name) out.push(strip({ name, type: textOf(item.type), default: item.value ?? item.default }));
    }
  } else if (isRecord(inputs)) {
    for (const [name, value] of Object.entries(inputs)) out.push({ name, default: value });
  }
  return out;
}

export function textOf(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function strip<T extends object>(o: T): T {
  const out = {} as T;
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
