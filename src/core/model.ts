/**
 * Flowscope's normalized model. Every adapter maps its service's vocabulary onto these types and
 * keeps the service's own word in `rawStatus`, so nothing the server said is lost.
 */

export const BACKEND_KINDS = ['whiterabbit', 'powabase', 'supervity'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

/**
 * Run statuses. `completed_with_errors` exists for Powabase, whose runs end `completed` even when
 * blocks failed: hiding that would tell a user a broken run succeeded.
 */
export const RUN_STATUSES = [
  'queued',
  'running',
  'waiting',
  'completed',
  'completed_with_errors',
  'failed',
  'cancelled',
  'unknown',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Stage statuses. `finishing` is a stage known to have left the running set whose outcome is not
 * read yet (White Rabbit's stream drops a stage from `nonTerminalStages` without saying whether it
 * completed or failed): showing it as completed could paint a failed stage green.
 */
export const STAGE_STATUSES = ['queued', 'running', 'waiting', 'finishing', 'completed', 'failed', 'cancelled', 'skipped', 'unknown'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

const TERMINAL_RUN: ReadonlySet<RunStatus> = new Set(['completed', 'completed_with_errors', 'failed', 'cancelled']);
const TERMINAL_STAGE: ReadonlySet<StageStatus> = new Set(['completed', 'failed', 'cancelled', 'skipped']);

export function isTerminalRun(status: RunStatus): boolean {
  return TERMINAL_RUN.has(status);
}

export function isTerminalStage(status: StageStatus): boolean {
  return TERMINAL_STAGE.has(status);
}

/** A connection as configured by the user. Secrets are never part of it. */
export interface ConnectionConfig {
  readonly name: string;
  readonly kind: BackendKind;
  readonly baseUrl: string;
  /** Workflows the API cannot list (White Rabbit, Supervity). */
  readonly workflowIds?: readonly string[];
  /** The user's names for some of those workflows, by id. */
  readonly workflowNames?: Readonly<Record<string, string>>;
  /** Supervity's `x-active-org`. */
  readonly org?: string;
  /** A production connection: pushes and triggers ask for confirmation. */
  readonly protected?: boolean;
}

/** The secrets of a connection, held only in memory and in VS Code's SecretStorage. */
export interface Credentials {
  /** White Rabbit's `ws_` key, Powabase's service key, Supervity's API key. */
  readonly apiKey: string;
  /** White Rabbit's Ed25519 signing secret. */
  readonly apiSecret?: string;
}

/** A declared workflow input, used to build trigger forms. */
export interface VariableSpec {
  readonly name: string;
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
}

export interface Workflow {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  /** Powabase: `deployed` or `internal`. */
  readonly state?: string;
  readonly version?: number;
  readonly variables?: readonly VariableSpec[];
  readonly updatedAt?: string;
  readonly lastRunAt?: string;
  readonly runCount?: number;
  /** Supervity's dashboard breakdown, normalized. */
  readonly counts?: Readonly<Partial<Record<RunStatus, number>>> & { readonly total?: number };
}

export interface Stage {
  /** Stable within a run: the block, stage or step id. */
  readonly id: string;
  readonly name: string;
  /** Block type (Powabase) or module (White Rabbit). */
  readonly type?: string;
  readonly status: StageStatus;
  readonly rawStatus: string;
  /** 1-based. */
  readonly attempt?: number;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly creditUsage?: number;
  /** The latest streamed text (agent tokens, Supervity `thinking`). */
  readonly text?: string;
  /** Order in which the stage started, when the API tells. */
  readonly order?: number;
}

export interface Run {
  readonly id: string;
  readonly workflowId?: string;
  readonly workflowName?: string;
  readonly status: RunStatus;
  readonly rawStatus: string;
  readonly createdAt?: string;
  readonly updatedAt?: string;
  readonly endedAt?: string;
  readonly inputs?: unknown;
  readonly output?: unknown;
  readonly error?: string;
  /** Something the user should know about a run still in progress (e.g. its stream dropped). */
  readonly notice?: string;
  readonly totalUsage?: number;
  /** Counts the service reports besides the stage list (White Rabbit's stream and detail). */
  readonly stageCounts?: StageCounts;
  readonly stages: readonly Stage[];
}

export interface StageCounts {
  /** Stages not yet terminal. */
  readonly pending?: number;
  readonly failed?: number;
}

export interface RunPage {
  readonly runs: readonly Run[];
  /** Opaque; pass back to get the next page. Absent when there is no more. */
  readonly next?: string;
}

/**
 * Whether two states of a run show the same thing (the same as comparing their JSON, without
 * building it). Stages are compared by reference first: RunTracker keeps an unchanged stage's
 * object across snapshots, so comparing two states of a big run costs about one pointer per
 * stage, where serialising both would cost the whole run on every event.
 */
export function sameRun(a: Run, b: Run): boolean {
  if (a === b) return true;
  if (a.stages.length !== b.stages.length || !sameFields(a, b, 'stages')) return false;
  for (let i = 0; i < a.stages.length; i++) {
    const x = a.stages[i] as Stage;
    const y = b.stages[i] as Stage;
    if (x !== y && !sameFields(x, y)) return false;
  }
  return true;
}

/** Same defined fields with equal values; nested values (outputs, inputs) compare as JSON. */
function sameFields(a: object, b: object, skip?: string): boolean {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left).filter((k) => k !== skip && left[k] !== undefined);
  if (keys.length !== Object.keys(right).filter((k) => k !== skip && right[k] !== undefined).length) return false;
  for (const k of keys) {
    const x = left[k];
    const y = right[k];
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}

/** Duration between two ISO timestamps, or undefined when either is missing or unparsable. */
export function durationBetween(start?: string, end?: string): number | undefined {
  if (!start || !end) return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
