import * as z from 'zod';
import { looseNumber, optString } from '../../wire';

/**
 * Powabase's wire shapes (Flask service `routes/workflows.py`, v0.7.0). Objects are loose so
 * that fields added by newer releases pass through; only what the adapter relies on is required.
 */

/** `variables` is free-form JSON on Powabase: a name→spec map, an array of specs, or absent. */
const Variables = z.unknown().optional();

export const PbWorkflowSummary = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: optString,
  variables: Variables,
  version: looseNumber,
  state: optString,
  created_at: optString,
  updated_at: optString,
  execution_count: looseNumber,
  last_execution_at: optString,
});
export type PbWorkflowSummary = z.infer<typeof PbWorkflowSummary>;

export const PbWorkflowList = z.looseObject({
  workflows: z.array(PbWorkflowSummary),
  total: looseNumber,
  limit: looseNumber,
  offset: looseNumber,
});

export const PbBlock = z.looseObject({
  id: z.string(),
  type: z.string(),
  name: optString,
  position: z.looseObject({ x: z.number(), y: z.number() }).nullish(),
  config: z.record(z.string(), z.unknown()).nullish(),
  enabled: z.boolean().nullish(),
});
export type PbBlock = z.infer<typeof PbBlock>;

export const PbEdge = z.looseObject({
  id: optString,
  source: z.string(),
  target: z.string(),
  sourceHandle: z.string().nullish(),
  targetHandle: z.string().nullish(),
  condition: z.string().nullish(),
});
export type PbEdge = z.infer<typeof PbEdge>;

export const PbWorkflowDetail = PbWorkflowSummary.extend({
  blocks: z.array(PbBlock).nullish(),
  edges: z.array(PbEdge).nullish(),
});
export type PbWorkflowDetail = z.infer<typeof PbWorkflowDetail>;

export const PbGraphSaved = z.looseObject({ ok: z.boolean().optional(), blocks: looseNumber, edges: looseNumber });

/** `POST /api/workflows` → 201 `{id, name}`. */
export const PbCreated = z.looseObject({ id: z.string().min(1), name: z.string() });

/** `PATCH /api/workflows/{id}` → `{ok: true}` (no existence check: an unknown id is also ok). */
export const PbOk = z.looseObject({ ok: z.boolean().optional() });

export const PbState = z.looseObject({ ok: z.boolean().optional(), state: z.string() });

export const PbArmed = z.looseObject({ ok: z.boolean().optional(), armed_until: z.string() });

export const PbExecution = z.looseObject({
  id: z.string(),
  status: z.string(),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  started_at: optString,
  completed_at: optString,
  created_at: optString,
});
export type PbExecution = z.infer<typeof PbExecution>;

export const PbExecutionList = z.looseObject({ executions: z.array(PbExecution) });

export const PbBlockLog = z.looseObject({
  block_id: z.string(),
  block_type: optString,
  block_name: optString,
  status: z.string(),
  duration_ms: looseNumber,
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  execution_order: looseNumber,
});
export type PbBlockLog = z.infer<typeof PbBlockLog>;

export const PbLogs = z.looseObject({ block_logs: z.array(PbBlockLog) });

// ---- SSE frames of /execute/stream: one JSON object per `data:` line, keyed by `type`. ----

/** Every frame: the kind is `type`, or `event` in the drifted docs' vocabulary. */
export const PbFrame = z.looseObject({ type: z.string().optional(), event: z.string().optional() });

export const PbBlockStart = z.looseObject({ block_id: z.string(), block_type: optString });

/** The token is `chunk` in the shipped source; `delta`/`content` in the agent-skills docs. */
export const PbBlockChunk = z.looseObject({
  block_id: z.string(),
  chunk: z.string().optional(),
  delta: z.string().optional(),
  content: z.string().optional(),
});

/** Output is `data` in the source; `output` in the docs' `block_output` variant. */
export const PbBlockComplete = z.looseObject({
  block_id: z.string(),
  block_type: optString,
  data: z.unknown().optional(),
  output: z.unknown().optional(),
  duration_ms: looseNumber,
});

export const PbBlockError = z.looseObject({
  block_id: z.string(),
  block_type: optString,
  data: z.unknown().optional(),
  error: z.unknown().optional(),
  duration_ms: looseNumber,
});

export const PbDone = z.looseObject({ execution_id: optString });

export const PbError = z.looseObject({ error: z.unknown().optional(), error_code: optString, message: optString });

/** The canonical frame kinds, after the documented aliases are resolved. */
export type PbEventKind = 'block_start' | 'block_chunk' | 'block_complete' | 'block_error' | 'done' | 'error';

const ALIASES: Readonly<Record<string, PbEventKind>> = {
  block_start: 'block_start',
  block_started: 'block_start',
  block_chunk: 'block_chunk',
  chunk: 'block_chunk',
  delta: 'block_chunk',
  content: 'block_chunk',
  content_delta: 'block_chunk',
  block_complete: 'block_complete',
  block_completed: 'block_complete',
  block_output: 'block_complete',
  block_error: 'block_error',
  done: 'done',
  workflow_complete: 'done',
  error: 'error',
  workflow_error: 'error',
};

export function eventKind(type: string | undefined): PbEventKind | undefined {
  return type === undefined ? undefined : ALIASES[type];
}
