import type { BlockRun, RunRecord, WorkflowRecord } from '../types';
import { isRecord, pythonIso } from '../util';

/**
 * How engine runs look through Powabase's eyes. Powabase has no cancel and does not fail a run
 * for a failing block, so: a run whose blocks failed is `completed` (the block logs carry the
 * errors); only an engine-level error, or a cancel made through another face, is `failed`.
 */
export function powabaseStatus(run: RunRecord): 'running' | 'completed' | 'failed' {
  switch (run.status) {
    case 'queued':
    case 'running':
      return 'running';
    case 'completed':
      return 'completed';
    case 'failed':
      return run.engineError ? 'failed' : 'completed';
    case 'cancelled':
      return 'failed';
  }
}

export function powabaseRunError(run: RunRecord): string | null {
  if (run.status === 'cancelled') return run.cancelReason ? `Execution cancelled: ${run.cancelReason}` : 'Execution cancelled';
  return run.engineError;
}

/** The fields every workflow answer shares, timestamps in Python's isoformat. */
function workflowFields(wf: WorkflowRecord): Record<string, unknown> {
  return {
    id: wf.id,
    name: wf.name,
    description: wf.description,
    variables: wf.variables,
    version: wf.version,
    color: wf.color,
    created_at: pythonIso(wf.created_at),
    updated_at: pythonIso(wf.updated_at),
    state: wf.state,
    schedule_config: wf.schedule_config,
  };
}

export function workflowSummary(wf: WorkflowRecord, stats: { count: number; last: string | null }): Record<string, unknown> {
  return { ...workflowFields(wf), execution_count: stats.count, last_execution_at: pythonIso(stats.last) };
}

export function workflowDetail(wf: WorkflowRecord): Record<string, unknown> {
  return {
    ...workflowFields(wf),
    blocks: wf.blocks.map((b) => ({ id: b.id, type: b.type, name: b.name, position: b.position, config: b.config, enabled: b.enabled })),
    edges: wf.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, sourceHandle: e.sourceHandle, targetHandle: e.targetHandle, condition: e.condition })),
  };
}

/** Blocks that actually ran, in execution order (skipped blocks leave no log, as in Powabase). */
export function executedBlocks(run: RunRecord): BlockRun[] {
  return Object.values(run.blocks)
    .filter((b) => b.status === 'completed' || b.status === 'failed' || (b.status === 'cancelled' && b.startedAt))
    .sort((a, b) => (a.executionOrder ?? 0) - (b.executionOrder ?? 0));
}

/** `webhook_secret` never leaves the server in logs. */
function configSnapshot(run: RunRecord, blockId: string): Record<string, unknown> {
  const block = run.graph.blocks.find((b) => b.id === blockId);
  const cfg = isRecord(block?.config) ? { ...block.config } : {};
  delete cfg.webhook_secret;
  return cfg;
}

function blockData(b: BlockRun): unknown {
  return b.status === 'completed' ? b.output : { error: b.error ?? 'cancelled' };
}

export function executeLogs(run: RunRecord): Record<string, unknown>[] {
  return executedBlocks(run).map((b) => ({
    block_id: b.blockId,
    block_type: b.type,
    block_name: b.name,
    status: b.status === 'completed' ? 'success' : 'error',
    duration_ms: b.durationMs ?? 0,
    config: configSnapshot(run, b.blockId),
    output: blockData(b),
    input: b.input,
    agent_run_id: b.type === 'agent' ? b.activityRunId : null,
  }));
}

export function storedLogs(run: RunRecord): Record<string, unknown>[] {
  return executedBlocks(run).map((b) => ({
    block_id: b.blockId,
    block_type: b.type,
    block_name: b.name,
    status: b.status === 'completed' ? 'success' : 'error',
    duration_ms: b.durationMs ?? 0,
    input: b.input,
    output: blockData(b),
    error: b.status === 'completed' ? null : (b.error ?? 'cancelled'),
    config_snapshot: configSnapshot(run, b.blockId),
    execution_order: b.executionOrder,
    agent_run_id: b.type === 'agent' ? b.activityRunId : null,
  }));
}

export function blockOutputs(run: RunRecord): Record<string, unknown> {
  return Object.fromEntries(executedBlocks(run).map((b) => [b.blockId, blockData(b)]));
}

/** `unsaved`: a streamed run whose end the service has not written yet still reads as running. */
export function executionRow(run: RunRecord, unsaved = false): Record<string, unknown> {
  return {
    id: run.id,
    status: unsaved ? 'running' : powabaseStatus(run),
    input: run.inputs,
    output: unsaved ? null : run.output,
    error: unsaved ? null : powabaseRunError(run),
    started_at: pythonIso(run.startedAt ?? run.createdAt),
    completed_at: unsaved ? null : pythonIso(run.completedAt),
    created_at: pythonIso(run.createdAt),
  };
}
