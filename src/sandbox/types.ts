import type { BlockType, Edge } from '../core/graph/schema';

/**
 * The three API faces. Each owns its workflows and the runs of those workflows: a record of one
 * face is invisible (404) through the other two, as three separate services would be.
 */
export const FACE_NAMES = ['whiterabbit', 'powabase', 'supervity'] as const;
export type FaceName = (typeof FACE_NAMES)[number];

/** Which route started a run (a Powabase webhook is its own route, but still Powabase's run). */
export type RunOrigin = 'whiterabbit' | 'powabase' | 'supervity' | 'webhook';

/** Engine-level run status. Each face maps it onto its own vocabulary. */
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];
export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

export type BlockStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'cancelled';

/** A block as stored on a workflow (Powabase's shape, with defaults applied). */
export interface StoredBlock {
  id: string;
  type: BlockType;
  name: string;
  position: { x: number; y: number };
  config: Record<string, unknown>;
  enabled: boolean;
}

export interface StoredEdge extends Edge {
  id: string;
  sourceHandle: string | null;
  targetHandle: string | null;
  condition: string | null;
}

export interface VariableSpec {
  type: string;
  default?: unknown;
  description?: string;
}

export interface WorkflowRecord {
  id: string;
  /** The face that owns this workflow; its runs belong to the same face. */
  face: FaceName;
  name: string;
  description: string | null;
  variables: Record<string, VariableSpec>;
  version: number;
  color: string | null;
  created_at: string;
  updated_at: string;
  state: 'internal' | 'deployed';
  schedule_config: Record<string, unknown> | null;
  /** ISO time until which the webhook accepts one call; null when not armed. */
  webhook_armed_until: string | null;
  blocks: StoredBlock[];
  edges: StoredEdge[];
}

/** The state of one block within one run (a White Rabbit stage / a Supervity activity run). */
export interface BlockRun {
  blockId: string;
  type: BlockType;
  name: string;
  module: string;
  /** Stable id of this block's execution in this run (WR stage id, Supervity activityRunId). */
  activityRunId: string;
  status: BlockStatus;
  /** 1-based number of the attempt in progress or last made; 0 before the first one. */
  attempt: number;
  input: unknown;
  output: unknown;
  error: string | null;
  startedAt: string | null;
  completedAt: string | null;
  updatedAt: string;
  durationMs: number | null;
  executionOrder: number | null;
  creditUsage: number;
  /** Running, but waiting for a human approval (Supervity shows the step and the run `waiting`). */
  waitingForApproval?: boolean;
}

export interface RunRecord {
  id: string;
  workflowId: string;
  workflowName: string | null;
  /** The owning face: always the workflow's face at the time the run started. */
  face: FaceName;
  origin: RunOrigin;
  /** White Rabbit's BullMQ-style job id. */
  jobId: string;
  status: RunStatus;
  inputs: Record<string, unknown>;
  envs: Record<string, string>;
  /** The graph as it was when the run started: later edits do not change a running run. */
  graph: { blocks: StoredBlock[]; edges: StoredEdge[] };
  blocks: Record<string, BlockRun>;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** The response block's `output` (Powabase's final output), else null. */
  output: unknown;
  /** Run-level error: the first block failure, a cancel, or an engine error. */
  error: string | null;
  /** Set when the engine itself failed (not a block): Powabase reports these as `failed`. */
  engineError: string | null;
  cancelRequestedAt: string | null;
  cancelReason: string | null;
  nextOrder: number;
}

/** A White Rabbit standalone component execution. */
export interface ComponentExecution {
  id: string;
  module: string;
  status: 'CREATED' | 'EXECUTING' | 'COMPLETED' | 'FAILED';
  input: Record<string, unknown>;
  config: Record<string, unknown>;
  attempts: number;
  attempt: number;
  output: unknown;
  error: unknown;
  totalUsage: number;
  callbackUrl: string | null;
  callbackSecret: string | null;
  callbackHeaders: Record<string, string>;
  callbackAttempts: number;
  callbackLastAttemptAt: string | null;
  callbackDeliveredAt: string | null;
  callbackLastError: unknown;
  createdAt: string;
  updatedAt: string;
}
