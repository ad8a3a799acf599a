import type { StageLog } from '../../backend';
import type { Graph } from '../../graph/schema';
import type { Run, RunStatus, Stage, StageStatus, VariableSpec, Workflow } from '../../model';
import type { PbBlockLog, PbExecution, PbWorkflowDetail, PbWorkflowSummary } from './wire';

/** Maps Powabase's wire records onto Flowscope's model. Pure functions, no I/O. */

export function toWorkflow(w: PbWorkflowSummary): Workflow {
  return strip({
    id: w.id,
    name: w.name,
    description: w.description,
    state: w.state,
    version: w.version ?? undefined,
    variables: toVariables(w.variables),
    updatedAt: w.updated_at,
    lastRunAt: w.last_execution_at,
    runCount: w.execution_count ?? undefined,
  });
}

/**
 * `variables` is stored as free JSON, and clients have written it both as a map
 * `{name: {type, default, description}}` and as a list `[{name, …}]`; accept either.
 */
export function toVariables(raw: unknown): VariableSpec[] | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (Array.isArray(raw)) {
    const out: VariableSpec[] = [];
    for (const item of raw) {
      if (typeof item === 'string') out.push({ name: item });
      else if (isRecord(item) && typeof item.name === 'string') out.push(spec(item.name, item));
    }
    return out;
  }
  if (!isRecord(raw)) return undefined;
  return Object.entries(raw).map(([name, v]) => {
    if (isRecord(v)) return spec(name, v);
    // A bare string is read as the type ("text": "string"); anything else as a default value.
    return typeof v === 'string' ? { name, type: v } : { name, default: v };
  });
}

function spec(name: string, v: Record<string, unknown>): VariableSpec {
  return strip({
    name,
    type: typeof v.type === 'string' ? v.type : undefined,
    description: typeof v.description === 'string' ? v.description : undefined,
    default: v.default,
  });
}

export function toGraph(w: PbWorkflowDetail): Graph {
  return {
    blocks: (w.blocks ?? []).map((b) =>
      strip({
        ...b,
        name: b.name,
        position: b.position ? { x: b.position.x, y: b.position.y } : undefined,
        config: b.config ?? undefined,
        enabled: b.enabled ?? undefined,
      }),
    ),
    edges: (w.edges ?? []).map((e) => strip({ ...e, id: e.id })),
  };
}

export function runStatusOf(raw: string): RunStatus {
  switch (raw.toLowerCase()) {
    case 'pending':
    case 'queued':
      return 'queued';
    case 'running':
      return 'running';
    case 'completed':
    case 'success':
      return 'completed';
    case 'failed':
    case 'error':
      return 'failed';
    default:
      return 'unknown';
  }
}

export function stageStatusOf(raw: string): StageStatus {
  switch (raw.toLowerCase()) {
    case 'success':
    case 'completed':
      return 'completed';
    case 'error':
    case 'failed':
      return 'failed';
    case 'running':
      return 'running';
    case 'skipped':
      return 'skipped';
    case 'pending':
    case 'queued':
      return 'queued';
    default:
      return 'unknown';
  }
}

export function toRun(e: PbExecution, workflowId: string, logs?: readonly PbBlockLog[]): Run {
  const stages = (logs ?? []).map(toStage);
  const base = runStatusOf(e.status);
  const failedStage = stages.find((s) => s.status === 'failed');
  // Powabase persists `completed` even when blocks failed; say so instead of showing success.
  const status: RunStatus = base === 'completed' && failedStage ? 'completed_with_errors' : base;
  return strip({
    id: e.id,
    workflowId,
    status,
    rawStatus: e.status,
    createdAt: e.created_at ?? e.started_at,
    updatedAt: e.completed_at ?? e.started_at ?? e.created_at,
    endedAt: e.completed_at,
    inputs: e.input ?? undefined,
    output: e.output ?? undefined,
    error: errorText(e.error) ?? (failedStage ? blockFailure(failedStage) : undefined),
    stages,
  });
}

export function blockFailure(stage: Stage): string {
  return `Block ${stage.name} failed${stage.error ? `: ${stage.error}` : ''}`;
}

export function toStage(l: PbBlockLog): Stage {
  const status = stageStatusOf(l.status);
  return strip({
    id: l.block_id,
    name: l.block_name ?? l.block_id,
    type: l.block_type,
    status,
    rawStatus: l.status,
    durationMs: l.duration_ms ?? undefined,
    input: l.input ?? undefined,
    output: l.output ?? undefined,
    // A failing block stores `{"error": "..."}` as its output; the `error` column may be empty.
    error: errorText(l.error) ?? (status === 'failed' ? errorText(l.output) : undefined),
    order: l.execution_order ?? undefined,
  });
}

export function toStageLog(l: PbBlockLog): StageLog {
  const s = toStage(l);
  return strip({
    stageId: s.id,
    stageName: s.name,
    type: s.type,
    status: l.status,
    durationMs: s.durationMs,
    input: s.input,
    output: s.output,
    error: s.error,
    order: s.order,
  });
}

/** An error as text, from a string or a `{error|message}` object. */
export function errorText(v: unknown): string | undefined {
  if (typeof v === 'string') return v || undefined;
  if (isRecord(v)) {
    const inner = v.error ?? v.message;
    if (typeof inner === 'string' && inner) return inner;
  }
  return undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Drops undefined keys, so snapshots compare and print cleanly. */
export function strip<T extends object>(o: T): T {
  const out = {} as T;
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
