import type { Graph } from './graph/schema';
import type { BackendKind, ConnectionConfig, Run, RunPage, RunStatus, VariableSpec, Workflow } from './model';

/**
 * What a service can do. The UI shows an action only where the capability is there, and the
 * CLI refuses a command plainly where it is not.
 */
export interface Capabilities {
  /** The API lists workflows; otherwise they come from the connection's configured ids. */
  readonly listWorkflows: boolean;
  readonly listRuns: boolean;
  /** The server stores and serves the graph. */
  readonly getGraph: boolean;
  /** `replace`: the whole graph is replaced; `components`: one update per changed block, merged server-side. */
  readonly pushGraph: 'replace' | 'components' | 'none';
  readonly triggerInputs: boolean;
  /** The trigger takes environment overrides (Supervity's `envs`); absent means no. */
  readonly triggerEnvs?: boolean;
  /** `runs`: by run ids; `workflow`: also every run of a workflow. */
  readonly cancel: 'none' | 'runs' | 'workflow';
  /** `subscribe`: any run can be followed live; `trigger`: only runs started with a stream. */
  readonly stream: 'subscribe' | 'trigger';
  readonly logs: boolean;
  readonly deploy: boolean;
  readonly arm: boolean;
  readonly dashboard: boolean;
  readonly componentUpdate: boolean;
  readonly componentExecute: boolean;
  /**
   * The run lives on the stream that started it (Powabase): closing that stream stops the run,
   * so "stop following" a run started here is really "stop run".
   */
  readonly runEndsWithStream?: boolean;
  /** Workflows can be created, renamed and deleted through the API (Powabase). */
  readonly manageWorkflows?: boolean;
}

/** A service that can do nothing beyond triggering: the base each adapter extends, and what rows assume before a backend exists. */
export const NO_CAPABILITIES: Capabilities = {
  listWorkflows: false,
  listRuns: false,
  getGraph: false,
  pushGraph: 'none',
  triggerInputs: false,
  cancel: 'none',
  stream: 'trigger',
  logs: false,
  deploy: false,
  arm: false,
  dashboard: false,
  componentUpdate: false,
  componentExecute: false,
};

/** Why a list stopped before the server said it ended (adapters/paging.ts). */
export interface ListTruncation {
  /** Items kept. */
  readonly shown: number;
  /** `limit`: the page or item cap; `repeatedPage`: a page held nothing new; `implausibleTotal`: `total` cannot be right. */
  readonly reason: 'limit' | 'repeatedPage' | 'implausibleTotal';
}

/** Workflows as listed; `truncated` says the list was cut short and why (the tree and the CLI say so). */
export type WorkflowList = readonly Workflow[] & { readonly truncated?: ListTruncation };

export interface RunRef {
  readonly id: string;
  /** Needed by Powabase, whose run routes sit under their workflow; found by search if absent. */
  readonly workflowId?: string;
}

export interface ListRunsOptions {
  readonly limit?: number;
  readonly cursor?: string;
  readonly status?: RunStatus;
}

export interface LiveOptions {
  readonly signal?: AbortSignal;
}

export interface TriggerOptions extends LiveOptions {
  /**
   * Environment overrides for this run, name → value (Supervity's `envs[NAME]` fields); only
   * where `capabilities.triggerEnvs`. Values may be secrets: nothing may log them.
   */
  readonly envs?: Readonly<Record<string, string>>;
}

export interface CancelRequest {
  readonly runIds?: readonly string[];
  readonly workflowId?: string;
  /** At most 500 characters (Supervity). */
  readonly reason?: string;
}

export type CancelOutcomeStatus = 'cancelled' | 'already_completed' | 'not_eligible' | 'not_found' | 'error' | 'unknown';

export interface CancelOutcome {
  readonly runId: string;
  readonly status: CancelOutcomeStatus;
  readonly message?: string;
}

export interface PushReport {
  /** One line per server call, e.g. "updated block fetch (config merged)". */
  readonly steps: readonly string[];
  /** Changes the API cannot make (e.g. deleting a White Rabbit component). */
  readonly notApplied: readonly string[];
}

export interface StageLog {
  readonly stageId: string;
  readonly stageName?: string;
  readonly type?: string;
  readonly status: string;
  readonly durationMs?: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly order?: number;
}

/**
 * A workflow's own fields besides its graph (Powabase: `POST /api/workflows` and `PATCH
 * /api/workflows/{id}`). `variables` is written as the graph file writes it: name → spec.
 */
export interface WorkflowMeta {
  readonly name?: string;
  /** null clears it. */
  readonly description?: string | null;
  readonly variables?: Readonly<Record<string, unknown>>;
}

export interface ArmResult {
  readonly armedUntil: string;
  /** Webhook URLs of the graph's webhook blocks. */
  readonly webhookUrls: readonly string[];
}

export interface ComponentModule {
  readonly module: string;
  readonly name: string;
  readonly type?: string;
  readonly inputSchema?: unknown;
  readonly configSchema?: unknown;
}

export interface ComponentExecution {
  readonly id: string;
  readonly module: string;
  readonly status: string;
  readonly completed: boolean;
  readonly output?: unknown;
  readonly error?: unknown;
}

/** One contract over the three services. Optional members are gated by `capabilities`. */
export interface Backend {
  readonly kind: BackendKind;
  readonly connection: ConnectionConfig;
  readonly capabilities: Capabilities;

  listWorkflows(signal?: AbortSignal): Promise<WorkflowList>;
  getWorkflow(workflowId: string, signal?: AbortSignal): Promise<Workflow>;
  listRuns(workflowId: string, options?: ListRunsOptions, signal?: AbortSignal): Promise<RunPage>;
  getRun(ref: RunRef, signal?: AbortSignal): Promise<Run>;
  /**
   * Starts a run and follows it: each item is the run's whole state after a change, the last one
   * terminal (or the iteration ends when `signal` aborts). The trigger request is sent exactly
   * once; a dropped stream is recovered by reading the run, never by triggering again.
   */
  trigger(workflowId: string, inputs: Readonly<Record<string, unknown>>, options?: TriggerOptions): AsyncIterable<Run>;
  /** Follows an existing run to its end, by stream where the API allows, else by polling. */
  follow(ref: RunRef, options?: LiveOptions): AsyncIterable<Run>;
  /** The workflow's declared inputs, for trigger forms. */
  inputsOf?(workflowId: string, signal?: AbortSignal): Promise<readonly VariableSpec[]>;

  cancel?(request: CancelRequest, signal?: AbortSignal): Promise<readonly CancelOutcome[]>;
  getGraph?(workflowId: string, signal?: AbortSignal): Promise<Graph>;
  pushGraph?(workflowId: string, graph: Graph, previous: Graph | undefined, signal?: AbortSignal): Promise<PushReport>;
  logs?(ref: RunRef, signal?: AbortSignal): Promise<readonly StageLog[]>;
  /** Creates an empty workflow; its graph is pushed next. */
  createWorkflow?(meta: WorkflowMeta & { readonly name: string }, signal?: AbortSignal): Promise<{ id: string; name: string }>;
  /** Changes a workflow's name, description or inputs (only the fields given). */
  updateWorkflow?(workflowId: string, meta: WorkflowMeta, signal?: AbortSignal): Promise<void>;
  deleteWorkflow?(workflowId: string, signal?: AbortSignal): Promise<void>;
  deploy?(workflowId: string, signal?: AbortSignal): Promise<string>;
  undeploy?(workflowId: string, signal?: AbortSignal): Promise<string>;
  arm?(workflowId: string, signal?: AbortSignal): Promise<ArmResult>;
  listComponents?(signal?: AbortSignal): Promise<readonly ComponentModule[]>;
  executeComponent?(
    request: { module: string; input: Record<string, unknown>; config: Record<string, unknown>; waitForMs?: number },
    signal?: AbortSignal,
  ): Promise<ComponentExecution>;
  followComponent?(executionId: string, options?: LiveOptions): AsyncIterable<ComponentExecution>;
}
