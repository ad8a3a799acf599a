import type {
  ArmResult,
  Backend,
  Capabilities,
  ListRunsOptions,
  LiveOptions,
  PushReport,
  RunRef,
  StageLog,
  WorkflowList,
  WorkflowMeta,
} from '../../backend';
import { FlowscopeError } from '../../errors';
import type { Graph } from '../../graph/schema';
import { HttpClient } from '../../http';
import { followLive, pollRun } from '../../live';
import type { ConnectionConfig, Credentials, Run, RunPage, VariableSpec, Workflow } from '../../model';
import type { Logger } from '../../util/log';
import { silentLogger } from '../../util/log';
import type { AdapterDeps } from '../deps';
import { collectPages } from '../paging';
import { pathSegment } from '../../urlPath';
import { toGraph, toRun, toStageLog, toWorkflow } from './map';
import { DEFAULT_SETTLE } from './settle';
import type { SettleOptions } from './settle';
import { ExecuteSession } from './stream';
import type { KnownBlock } from './stream';
import type { PbBlockLog, PbExecution } from './wire';
import { PbArmed, PbCreated, PbExecutionList, PbGraphSaved, PbLogs, PbOk, PbState, PbWorkflowDetail, PbWorkflowList } from './wire';

const CAPABILITIES: Capabilities = {
  listWorkflows: true,
  listRuns: true,
  getGraph: true,
  pushGraph: 'replace',
  triggerInputs: true,
  cancel: 'none',
  stream: 'trigger',
  logs: true,
  deploy: true,
  arm: true,
  dashboard: false,
  componentUpdate: false,
  componentExecute: false,
  runEndsWithStream: true,
  manageWorkflows: true,
};

/** The executions route has a `limit` (max 100) and no offset. */
const MAX_EXECUTIONS = 100;
const WORKFLOW_PAGE = 100;
/** Our run was started moments ago: it is among the newest executions. */
const SETTLE_WINDOW = 20;
/**
 * The run lives on its stream: closing it stops the run (`routes/workflows.py`, `_sync_stream`).
 * The route sends no keepalive and agent blocks can be silent for minutes, so Flowscope never
 * drops it for silence before the service's own limit (`STREAM_EXECUTION_TIMEOUT = 600` s, after
 * which the service sends `error` EXECUTION_TIMEOUT itself). The watchdog only catches a
 * half-open connection after that, and no setting can make it shorter.
 */
const MIN_STREAM_IDLE_MS = 660_000;

/** Powabase-only dependencies. */
export interface PowabaseDeps extends AdapterDeps {
  /** Waiting for the run to be saved after `done`. */
  readonly settle?: Partial<SettleOptions>;
}

/**
 * Powabase (`/api/workflows`, Flask). Runs live under their workflow, there is no cancel, and a
 * run can only be streamed by the request that starts it; following an existing run polls.
 */
export class PowabaseBackend implements Backend {
  readonly kind = 'powabase' as const;
  readonly capabilities = CAPABILITIES;
  private readonly http: HttpClient;
  private readonly log: Logger;
  /** runId → workflowId, learned from lists and searches, for refs that lack the workflow. */
  private readonly owners = new Map<string, string>();

  constructor(
    readonly connection: ConnectionConfig,
    credentials: Credentials,
    private readonly deps: PowabaseDeps = {},
  ) {
    this.log = deps.log ?? silentLogger;
    // Kong routes on `apikey`; Flask authenticates `Authorization`. Both carry the same key.
    const auth = { apikey: credentials.apiKey, authorization: `Bearer ${credentials.apiKey}` };
    this.http = new HttpClient({
      baseUrl: connection.baseUrl,
      service: 'Powabase',
      authorize: () => auth,
      dispatcher: deps.dispatcher,
      timeoutMs: deps.timeoutMs,
      backoffBaseMs: deps.retryBaseMs,
      log: this.log,
    });
  }

  /** Pages through `/api/workflows`, within the bounds of `collectPages` (a server decides `total`). */
  async listWorkflows(signal?: AbortSignal): Promise<WorkflowList> {
    const { items, truncated } = await collectPages(
      async (offset) => {
        const page = await this.http.json({ method: 'GET', path: '/api/workflows', query: { limit: WORKFLOW_PAGE, offset }, signal }, PbWorkflowList);
        return { items: page.workflows, total: page.total };
      },
      (w) => w.id,
      WORKFLOW_PAGE,
    );
    const workflows = items.map(toWorkflow);
    return truncated ? Object.assign(workflows, { truncated }) : workflows;
  }

  async getWorkflow(workflowId: string, signal?: AbortSignal): Promise<Workflow> {
    return toWorkflow(await this.detail(workflowId, signal));
  }

  async inputsOf(workflowId: string, signal?: AbortSignal): Promise<readonly VariableSpec[]> {
    return (await this.getWorkflow(workflowId, signal)).variables ?? [];
  }

  async getGraph(workflowId: string, signal?: AbortSignal): Promise<Graph> {
    return toGraph(await this.detail(workflowId, signal));
  }

  /** Replaces the whole graph (PUT is a full replace and bumps the version; safe to retry). */
  async pushGraph(workflowId: string, graph: Graph, _previous: Graph | undefined, signal?: AbortSignal): Promise<PushReport> {
    const saved = await this.http.json(
      { method: 'PUT', path: `${wf(workflowId)}/graph`, json: { blocks: graph.blocks, edges: graph.edges }, signal },
      PbGraphSaved,
    );
    const blocks = saved.blocks ?? graph.blocks.length;
    const edges = saved.edges ?? graph.edges.length;
    const missingWebhookIds = graph.blocks.filter((b) => b.type === 'webhook' && typeof b.config?.webhook_id !== 'string');
    return {
      steps: [`replaced the graph: ${blocks} blocks, ${edges} edges`],
      // Powabase does not mint webhook ids for graphs saved through the API; arm cannot work without one.
      notApplied: missingWebhookIds.map((b) => `webhook block ${b.id} has no config.webhook_id; it cannot be triggered`),
    };
  }

  async listRuns(workflowId: string, options: ListRunsOptions = {}, signal?: AbortSignal): Promise<RunPage> {
    // No offset on this route: the cursor is how many runs were already shown, and each page
    // asks for that many plus one page more (capped at the route's maximum of 100).
    const pageSize = clamp(options.limit ?? 20, 1, MAX_EXECUTIONS);
    const skip = options.cursor ? Number.parseInt(options.cursor, 10) : 0;
    if (!Number.isFinite(skip) || skip < 0) throw new FlowscopeError('usage', `Invalid cursor "${options.cursor}".`);
    const limit = Math.min(MAX_EXECUTIONS, skip + pageSize);
    if (skip >= limit) return { runs: [] };
    const list = await this.executions(workflowId, limit, signal);
    let runs = list.slice(skip).map((e) => toRun(e, workflowId));
    if (options.status) runs = runs.filter((r) => r.status === options.status);
    const more = list.length >= limit && limit < MAX_EXECUTIONS;
    return more ? { runs, next: String(limit) } : { runs };
  }

  async getRun(ref: RunRef, signal?: AbortSignal): Promise<Run> {
    const workflowId = ref.workflowId ?? (await this.ownerOf(ref.id, signal));
    // The row first, then the logs: the service saves a streamed run's final status and its block
    // logs together, after `done`. Read in parallel, the logs could be read before that save and
    // the row after it: a run shown ended with none of its stages.
    const list = await this.executions(workflowId, MAX_EXECUTIONS, signal);
    const execution = list.find((e) => e.id === ref.id);
    if (!execution) {
      throw new FlowscopeError('notFound', `Powabase: run ${ref.id} is not among the newest ${MAX_EXECUTIONS} executions of workflow ${workflowId}.`);
    }
    return toRun(execution, workflowId, await this.blockLogs(workflowId, ref.id, signal));
  }

  async logs(ref: RunRef, signal?: AbortSignal): Promise<readonly StageLog[]> {
    const workflowId = ref.workflowId ?? (await this.ownerOf(ref.id, signal));
    return (await this.blockLogs(workflowId, ref.id, signal)).map(toStageLog);
  }

  /**
   * POSTs the execute exactly once (never retried), then follows its stream; a drop or a silence
   * before `done`/`error` is recovered by polling the run, never by executing again.
   */
  async *trigger(workflowId: string, inputs: Readonly<Record<string, unknown>>, options: LiveOptions = {}): AsyncIterable<Run> {
    const { signal } = options;
    // The graph names the blocks (stream events carry only ids and types). It is read alongside
    // the execute, so the run is not delayed; a failed read only leaves stages named by id.
    const [graph, opened] = await Promise.allSettled([
      this.detail(workflowId, signal),
      // Errors before the stream opens (402, 429, Werkzeug HTML 400…) end here: no run exists to follow.
      this.http.send({ method: 'POST', path: `${wf(workflowId)}/execute/stream`, json: { variables: inputs }, idempotent: false, signal }, true),
    ]);
    if (opened.status === 'rejected') throw opened.reason;
    const res = opened.value;
    let blocks: readonly KnownBlock[] | undefined;
    if (graph.status === 'fulfilled') blocks = (graph.value.blocks ?? []).map((b) => ({ id: b.id, name: b.name ?? undefined, type: b.type }));
    else this.log.debug(`Powabase: could not read the graph of ${workflowId} to name its stages: ${String(graph.reason)}`);
    const session = new ExecuteSession(
      {
        newestExecution: async (s) => (await this.executions(workflowId, 1, s, false))[0],
        blockLogs: (eid, s) => this.blockLogs(workflowId, eid, s),
        getRun: (eid, s) => this.getRun({ id: eid, workflowId }, s),
        findExecution: async (eid, s) => (await this.executions(workflowId, SETTLE_WINDOW, s, false)).find((e) => e.id === eid),
      },
      {
        workflowId,
        inputs,
        blocks,
        idleTimeoutMs: Math.max(this.deps.streamIdleMs ?? 0, MIN_STREAM_IDLE_MS),
        timers: this.deps.timers,
        settle: { ...DEFAULT_SETTLE, ...this.deps.settle },
        log: this.log,
        signal,
      },
    );
    try {
      yield* followLive((round) => (round === 0 ? session.stream(res.body) : none()), (s) => session.read(s), {
        ...this.pollBounds(signal),
        what: `a new run of workflow ${workflowId} on Powabase`,
        afterDrop: 'poll',
        maxReconnects: this.deps.maxReconnects,
      });
    } finally {
      res.body.destroy();
      if (session.runId) this.owners.set(session.runId, workflowId);
    }
  }

  /** Powabase cannot subscribe to a run it did not start on this request, so this polls. */
  async *follow(ref: RunRef, options: LiveOptions = {}): AsyncIterable<Run> {
    const workflowId = ref.workflowId ?? (await this.ownerOf(ref.id, options.signal));
    yield* pollRun((s) => this.getRun({ id: ref.id, workflowId }, s), this.pollBounds(options.signal));
  }

  /** `POST /api/workflows` (201 `{id, name}`); never retried, since a retry could create two. */
  async createWorkflow(meta: WorkflowMeta & { readonly name: string }, signal?: AbortSignal): Promise<{ id: string; name: string }> {
    const created = await this.http.json({ method: 'POST', path: '/api/workflows', json: strip(meta), idempotent: false, signal }, PbCreated);
    return { id: created.id, name: created.name };
  }

  /** `PATCH /api/workflows/{id}`; sending the same fields twice is harmless. */
  async updateWorkflow(workflowId: string, meta: WorkflowMeta, signal?: AbortSignal): Promise<void> {
    const body = strip(meta);
    if (Object.keys(body).length === 0) return;
    // The route reports ok for an unknown id (no existence check), so check first: a rename of a
    // workflow deleted meanwhile must not look successful.
    await this.detail(workflowId, signal);
    await this.http.json({ method: 'PATCH', path: wf(workflowId), json: body, idempotent: true, signal }, PbOk);
  }

  /** `DELETE /api/workflows/{id}` answers 204 whether or not the workflow existed. */
  async deleteWorkflow(workflowId: string, signal?: AbortSignal): Promise<void> {
    await this.http.empty({ method: 'DELETE', path: wf(workflowId), signal });
  }

  async deploy(workflowId: string, signal?: AbortSignal): Promise<string> {
    return this.setState(workflowId, 'deploy', signal);
  }

  async undeploy(workflowId: string, signal?: AbortSignal): Promise<string> {
    return this.setState(workflowId, 'undeploy', signal);
  }

  /** Opens the single-use webhook window; the URLs come from the graph's webhook blocks. */
  async arm(workflowId: string, signal?: AbortSignal): Promise<ArmResult> {
    const armed = await this.http.json({ method: 'POST', path: `${wf(workflowId)}/arm`, idempotent: true, signal }, PbArmed);
    const graph = await this.getGraph(workflowId, signal);
    const base = this.http.baseUrl;
    const webhookUrls = graph.blocks
      .filter((b) => b.type === 'webhook' && typeof b.config?.webhook_id === 'string')
      .map((b) => `${base}/api/webhooks/${pathSegment(String(b.config?.webhook_id), 'webhook id')}`);
    return { armedUntil: armed.armed_until, webhookUrls };
  }

  private async setState(workflowId: string, action: 'deploy' | 'undeploy', signal?: AbortSignal): Promise<string> {
    // Setting a state twice is harmless, so these may be retried.
    const res = await this.http.json({ method: 'POST', path: `${wf(workflowId)}/${action}`, idempotent: true, signal }, PbState);
    return res.state;
  }

  private detail(workflowId: string, signal?: AbortSignal) {
    return this.http.json({ method: 'GET', path: wf(workflowId), signal }, PbWorkflowDetail);
  }

  private async executions(workflowId: string, limit: number, signal?: AbortSignal, retry = true): Promise<readonly PbExecution[]> {
    const res = await this.http.json(
      { method: 'GET', path: `${wf(workflowId)}/executions`, query: { limit }, signal, ...(retry ? {} : { idempotent: false, timeoutMs: 10_000 }) },
      PbExecutionList,
    );
    for (const e of res.executions) this.owners.set(e.id, workflowId);
    return res.executions;
  }

  private async blockLogs(workflowId: string, executionId: string, signal?: AbortSignal): Promise<readonly PbBlockLog[]> {
    const res = await this.http.json({ method: 'GET', path: `${wf(workflowId)}/executions/${enc(executionId)}/logs`, signal }, PbLogs);
    return [...res.block_logs].sort((a, b) => (a.execution_order ?? 0) - (b.execution_order ?? 0));
  }

  /** Finds the workflow a run belongs to: run routes sit under their workflow on Powabase. */
  private async ownerOf(runId: string, signal?: AbortSignal): Promise<string> {
    const known = this.owners.get(runId);
    if (known) return known;
    for (const w of await this.listWorkflows(signal)) {
      const list = await this.executions(w.id, MAX_EXECUTIONS, signal);
      if (list.some((e) => e.id === runId)) return w.id;
    }
    throw new FlowscopeError('notFound', `Powabase: no workflow has a recent execution ${runId}.`);
  }

  private pollBounds(signal?: AbortSignal) {
    return { signal, log: this.log, minMs: this.deps.pollMinMs, maxMs: this.deps.pollMaxMs };
  }
}

function enc(id: string): string {
  return pathSegment(id);
}

function wf(workflowId: string): string {
  return `/api/workflows/${enc(workflowId)}`;
}

function strip(meta: WorkflowMeta): Record<string, unknown> {
  return Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined));
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.trunc(n)));
}

async function* none(): AsyncGenerator<Run> {
  // Powabase streams cannot be reopened; followLive polls after the first round instead.
}
