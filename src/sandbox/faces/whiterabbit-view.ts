import type { BlockRun, RunRecord, RunStatus } from '../types';

/**
 * Engine runs as White Rabbit runs: a workflow run's stages are the run's blocks. Skipped blocks
 * (behind a failed block or an untaken branch) read as CANCELED so `pendingStageCount` reaches 0.
 */
const RUN_STATUS: Record<RunStatus, string> = {
  queued: 'CREATED',
  running: 'EXECUTING',
  completed: 'COMPLETED',
  failed: 'FAILED',
  cancelled: 'CANCELED', // one L, as White Rabbit spells it
};

const STAGE_STATUS: Record<BlockRun['status'], string> = {
  pending: 'CREATED',
  running: 'RUNNING',
  completed: 'COMPLETED',
  failed: 'FAILED',
  skipped: 'CANCELED',
  cancelled: 'CANCELED',
};

export const wrRunStatus = (run: RunRecord): string => RUN_STATUS[run.status];

function stages(run: RunRecord): BlockRun[] {
  const order = new Map(run.graph.blocks.map((b, i) => [b.id, i]));
  return Object.values(run.blocks).sort((a, b) => (order.get(a.blockId) ?? 0) - (order.get(b.blockId) ?? 0));
}

const eventId = (b: BlockRun): string | null => (b.attempt > 0 ? `evt-${b.activityRunId}-${b.attempt}` : null);

function counts(run: RunRecord): { totalUsage: number; pendingStageCount: number; failedStageCount: number } {
  let totalUsage = 0;
  let pending = 0;
  let failed = 0;
  for (const b of Object.values(run.blocks)) {
    totalUsage += b.creditUsage;
    if (b.status === 'pending' || b.status === 'running') pending++;
    if (b.status === 'failed') failed++;
  }
  return { totalUsage, pendingStageCount: pending, failedStageCount: failed };
}

export function wrRunDetail(run: RunRecord): Record<string, unknown> {
  return {
    id: run.id,
    workflowId: run.workflowId,
    status: wrRunStatus(run),
    ...counts(run),
    cancelRequestedAt: run.cancelRequestedAt,
    cancelReason: run.cancelReason,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    runStages: stages(run).map((b) => ({
      // The documented stage record (seed 000 lines 53-62; contracts A.2) carries no component id
      // or name: a client must not learn to rely on fields the service does not send.
      id: b.activityRunId,
      module: b.module,
      status: STAGE_STATUS[b.status],
      output: b.status === 'completed' ? b.output : null,
      error: b.error === null ? null : { message: b.error },
      creditUsage: b.creditUsage,
      executionEventId: eventId(b),
      executionDispatchedAt: b.startedAt,
      executionAttempt: Math.max(1, b.attempt),
      updatedAt: b.updatedAt,
    })),
  };
}

/** A `RunStreamEvent`: the run's current state, as sent on every change. */
export function wrStreamEvent(run: RunRecord): Record<string, unknown> {
  return {
    id: run.id,
    status: wrRunStatus(run),
    output: {
      ...counts(run),
      cancelRequestedAt: run.cancelRequestedAt,
      cancelReason: run.cancelReason,
      nonTerminalStages: stages(run)
        .filter((b) => b.status === 'pending' || b.status === 'running')
        .map((b) => ({ id: b.activityRunId, module: b.module, status: STAGE_STATUS[b.status], executionEventId: eventId(b), executionAttempt: Math.max(1, b.attempt) })),
    },
    timestamp: new Date().toISOString(),
  };
}
