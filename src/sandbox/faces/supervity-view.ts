import type { BlockRun, RunRecord, RunStatus } from '../types';

/** Engine statuses in Supervity's vocabulary (`queued` is Supervity's `scheduled`). */
const RUN_STATUS: Record<RunStatus, string> = {
  queued: 'scheduled',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** Step statuses as clients observe them (note the one-L `canceled` at step level). */
const STEP_STATUS: Record<BlockRun['status'], string> = {
  pending: 'scheduled',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'canceled',
};

export const SUPERVITY_RUN_STATUSES = ['scheduled', 'running', 'completed', 'failed', 'cancelled', 'waiting'] as const;

/** A running step that waits for an approval is `waiting`, and so is its run (human review, contracts C.8). */
const awaitsApproval = (b: BlockRun): boolean => b.status === 'running' && b.waitingForApproval === true;

export const supervityStatus = (run: RunRecord): string =>
  run.status === 'running' && Object.values(run.blocks).some(awaitsApproval) ? 'waiting' : RUN_STATUS[run.status];
export const stepStatus = (b: BlockRun): string => (awaitsApproval(b) ? 'waiting' : STEP_STATUS[b.status]);

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/** Step outputs: `output` is a JSON string (as observed live), plus a small HTML rendering. */
export function stepOutputs(b: BlockRun): Record<string, unknown> | null {
  if (b.status === 'completed') {
    const text = JSON.stringify(b.output ?? null);
    return { output: text, displayData: { html: `<pre>${escapeHtml(text)}</pre>` } };
  }
  if (b.status === 'failed') return { output: '', error: b.error, displayData: { html: `<p class="error">${escapeHtml(b.error ?? 'failed')}</p>` } };
  return null;
}

export function activityRun(run: RunRecord, b: BlockRun): Record<string, unknown> {
  return {
    id: b.activityRunId,
    kind: 'step',
    stepId: b.blockId,
    stepName: b.name,
    status: stepStatus(b),
    outputs: stepOutputs(b),
    attempt: Math.max(1, b.attempt),
    createdAt: b.startedAt ?? run.createdAt,
    updatedAt: b.updatedAt,
  };
}

/**
 * Whether a step has an activity run: it has run or is running. A step cancelled before it started
 * has none: an activity run's `createdAt` is its step's start time (seed 004, "Activity run
 * fields"), which such a step does not have (giving it the run's start made it look as if it ran
 * until the cancel).
 */
export function hasActivityRun(b: BlockRun): boolean {
  return b.status !== 'pending' && !(b.status === 'cancelled' && b.startedAt === null);
}

/** The activity runs of a run's steps, in the order they started. */
export function activityRuns(run: RunRecord): Record<string, unknown>[] {
  return Object.values(run.blocks)
    .filter(hasActivityRun)
    .sort((a, b) => (a.executionOrder ?? Number.MAX_SAFE_INTEGER) - (b.executionOrder ?? Number.MAX_SAFE_INTEGER))
    .map((b) => activityRun(run, b));
}

/** Run fields as the list returns them; `inputs` is an array of `{ name, value }`. */
export function runSummary(run: RunRecord): Record<string, unknown> {
  return {
    id: run.id,
    workflowId: run.workflowId,
    workflowName: run.workflowName,
    status: supervityStatus(run),
    inputs: Object.entries(run.inputs).map(([name, value]) => ({ name, value })),
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
  };
}

/** The run with its activity runs nested, as the stream's `result` carries it. */
export function runWithActivities(run: RunRecord): Record<string, unknown> {
  return { ...runSummary(run), error: run.error, activityRuns: activityRuns(run) };
}
