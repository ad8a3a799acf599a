import type { Backend, CancelOutcome, CancelRequest, Capabilities, ListRunsOptions, LiveOptions, RunRef, TriggerOptions } from '../../backend';
import { FlowscopeError, toFlowscopeError } from '../../errors';
import { createFormData, HttpClient } from '../../http';
import { followLive, pollRun } from '../../live';
import type { ConnectionConfig, Credentials, Run, RunPage, VariableSpec, Workflow } from '../../model';
import type { Logger } from '../../util/log';
import { silentLogger } from '../../util/log';
import type { AdapterDeps } from '../deps';
import { pathSegment } from '../../urlPath';
import { STATUS_FILTER, inputsToSpecs, toCounts, toOutcomes, toRun } from './map';
import { missingOrgProblem } from './org';
import { ExecuteSession } from './stream';
import { SvCancelResponse, SvDashboard, SvRunDetail, SvRunList } from './wire';

const CAPABILITIES: Capabilities = {
  listWorkflows: false,
  listRuns: true,
  getGraph: false,
  pushGraph: 'none',
  triggerInputs: true,
  triggerEnvs: true,
  cancel: 'workflow',
  stream: 'trigger',
  logs: false,
  deploy: false,
  arm: false,
  dashboard: true,
  componentUpdate: false,
  componentExecute: false,
};

const BASE = '/api/v1/workflow-runs';
/** The stream pings every 9 s; three missed pings mean the connection is dead. */
const DEFAULT_STREAM_IDLE_MS = 30_000;
const MAX_REASON = 500;
/** A newest run created before our execute (minus clock skew) is not ours. */
const DISCOVERY_SKEW_MS = 120_000;

/**
 * Supervity Auto (`/api/v1/workflow-runs`). Workflows cannot be listed (they come from the
 * connection's ids), runs can be cancelled by id or by workflow, and only the execute request
 * streams; following an existing run polls.
 */
export class SupervityBackend implements Backend {
  readonly kind = 'supervity' as const;
  readonly capabilities = CAPABILITIES;
  private readonly http: HttpClient;
  private readonly log: Logger;

  constructor(
    readonly connection: ConnectionConfig,
    credentials: Credentials,
    private readonly deps: AdapterDeps = {},
  ) {
    this.log = deps.log ?? silentLogger;
    const problem = missingOrgProblem(connection);
    if (problem) throw new FlowscopeError('usage', problem);
    // Without `x-source: external` every API-key call is a bare 401 (observed by clients).
    const auth: Record<string, string> = { authorization: `Bearer ${credentials.apiKey}`, 'x-source': 'external', 'x-active-org': (connection.org ?? '').trim() };
    this.http = new HttpClient({
      baseUrl: connection.baseUrl,
      service: 'Supervity',
      authorize: () => auth,
      dispatcher: deps.dispatcher,
      timeoutMs: deps.timeoutMs,
      backoffBaseMs: deps.retryBaseMs,
      log: this.log,
    });
  }

  async listWorkflows(signal?: AbortSignal): Promise<readonly Workflow[]> {
    const ids = this.connection.workflowIds ?? [];
    const out: Workflow[] = [];
    // Two requests per workflow: keep a small window so a long list does not trip the rate limit.
    for (let i = 0; i < ids.length; i += 4) {
      out.push(...(await Promise.all(ids.slice(i, i + 4).map((id) => this.getWorkflow(id, signal)))));
    }
    return out;
  }

  /** Named after its newest run (there is no workflow endpoint) and counted by the dashboard. */
  async getWorkflow(workflowId: string, signal?: AbortSignal): Promise<Workflow> {
    const [newest, counts] = await Promise.all([
      this.tolerate(this.page(workflowId, 1, 1, undefined, signal), `runs of ${workflowId}`),
      this.tolerate(this.dashboard(workflowId, signal), `dashboard of ${workflowId}`),
    ]);
    const last = newest?.workflowRuns[0];
    const workflow: Workflow = { id: workflowId, name: last?.workflowName ?? workflowId };
    return {
      ...workflow,
      ...(last?.createdAt ? { lastRunAt: last.createdAt } : {}),
      ...(counts ? { counts, runCount: counts.total } : {}),
    };
  }

  /** No input schema is published: offer the inputs of the newest run. */
  async inputsOf(workflowId: string, signal?: AbortSignal): Promise<readonly VariableSpec[]> {
    const newest = await this.tolerate(this.page(workflowId, 1, 1, undefined, signal), `runs of ${workflowId}`);
    return inputsToSpecs(newest?.workflowRuns[0]?.inputs);
  }

  async listRuns(workflowId: string, options: ListRunsOptions = {}, signal?: AbortSignal): Promise<RunPage> {
    const limit = Math.max(1, Math.min(100, Math.trunc(options.limit ?? 20)));
    const page = options.cursor ? Number.parseInt(options.cursor, 10) : 1;
    if (!Number.isFinite(page) || page < 1) throw new FlowscopeError('usage', `Invalid cursor "${options.cursor}".`);
    const filter = options.status ? STATUS_FILTER[options.status] : undefined;
    if (options.status && !filter) return { runs: [] };
    const res = await this.page(workflowId, page, limit, filter, signal);
    const runs = res.workflowRuns.map((r) => toRun({ ...r, workflowId: r.workflowId ?? workflowId }));
    const p = res.pagination;
    const total = p?.total ?? p?.totalCount ?? undefined;
    let more: boolean;
    if (typeof p?.totalPages === 'number') more = page < p.totalPages;
    else if (typeof total === 'number') more = page * limit < total;
    else if (typeof (p?.hasMore ?? p?.hasNextPage) === 'boolean') more = !!(p?.hasMore ?? p?.hasNextPage);
    else more = res.workflowRuns.length >= limit;
    return more ? { runs, next: String(page + 1) } : { runs };
  }

  async getRun(ref: RunRef, signal?: AbortSignal): Promise<Run> {
    const body = await this.http.json({ method: 'GET', path: `${BASE}/${enc(ref.id)}`, signal }, SvRunDetail);
    const w = body.workflowRun;
    return toRun({ ...w, workflowId: w.workflowId ?? ref.workflowId }, body.activityRuns ?? w.activityRuns);
  }

  /**
   * Sends the execute exactly once as bracketed multipart (the only encoding verified to work),
   * then follows its stream; a drop or silence is recovered by polling the run by id.
   */
  async *trigger(workflowId: string, inputs: Readonly<Record<string, unknown>>, options: TriggerOptions = {}): AsyncIterable<Run> {
    const { signal } = options;
    const form = await createFormData(executeForm(workflowId, inputs, options.envs));
    const res = await this.http.send({ method: 'POST', path: `${BASE}/execute/stream`, form, idempotent: false, signal }, true);
    const session = new ExecuteSession({
      workflowId,
      inputs,
      idleTimeoutMs: this.deps.streamIdleMs ?? DEFAULT_STREAM_IDLE_MS,
      timers: this.deps.timers,
      log: this.log,
      signal,
      getRun: (id, s) => this.getRun({ id, workflowId }, s),
      discover: (sentAt, s) => this.discover(workflowId, sentAt, s),
    });
    try {
      yield* followLive((round) => (round === 0 ? session.stream(res.body) : none()), (s) => session.read(s), {
        ...this.pollBounds(signal),
        what: `a new run of workflow ${workflowId} on Supervity`,
        afterDrop: 'poll',
        maxReconnects: this.deps.maxReconnects,
      });
    } finally {
      res.body.destroy();
    }
  }

  /** Supervity streams only the execute request; an existing run is followed by polling. */
  async *follow(ref: RunRef, options: LiveOptions = {}): AsyncIterable<Run> {
    yield* pollRun((s) => this.getRun(ref, s), this.pollBounds(options.signal));
  }

  async cancel(request: CancelRequest, signal?: AbortSignal): Promise<readonly CancelOutcome[]> {
    const hasRuns = request.runIds !== undefined && request.runIds.length > 0;
    if (hasRuns === (request.workflowId !== undefined && request.workflowId !== '')) {
      throw new FlowscopeError('usage', 'Supervity cancel takes either run ids or a workflow id, not both and not neither.');
    }
    if (request.reason !== undefined && request.reason.length > MAX_REASON) {
      throw new FlowscopeError('usage', `The cancel reason is ${request.reason.length} characters; Supervity accepts at most ${MAX_REASON}.`);
    }
    const json = {
      ...(hasRuns ? { runIds: request.runIds } : { workflowId: request.workflowId }),
      ...(request.reason ? { reason: request.reason } : {}),
    };
    const body = await this.http.json({ method: 'POST', path: `${BASE}/cancel`, json, signal }, SvCancelResponse);
    const outcomes = toOutcomes(body);
    if (outcomes) return outcomes;
    this.log.debug(`Supervity cancel: no per-run outcomes in ${JSON.stringify(body)?.slice(0, 200)}`);
    return (request.runIds ?? []).map((runId) => ({ runId, status: 'unknown' as const }));
  }

  private async dashboard(workflowId: string, signal?: AbortSignal): Promise<Workflow['counts']> {
    return toCounts(await this.http.json({ method: 'GET', path: `${BASE}/dashboard/${enc(workflowId)}`, signal }, SvDashboard));
  }

  private page(workflowId: string, page: number, limit: number, status: string | undefined, signal?: AbortSignal) {
    return this.http.json({ method: 'GET', path: BASE, query: { workflowId, status, page, limit }, signal }, SvRunList);
  }

  /** The newest run of the workflow, when it looks like the one our execute created. */
  private async discover(workflowId: string, sentAt: number, signal?: AbortSignal): Promise<string | undefined> {
    const newest = (await this.page(workflowId, 1, 1, undefined, signal)).workflowRuns[0];
    const created = newest?.createdAt ? Date.parse(newest.createdAt) : NaN;
    return newest && created >= sentAt - DISCOVERY_SKEW_MS ? newest.id : undefined;
  }

  /**
   * API keys may not be allowed to read run history (reports conflict): a workflow still shows,
   * unnamed and uncounted, instead of failing the whole list. Other errors (a bad key) surface.
   */
  private async tolerate<T>(p: Promise<T>, what: string): Promise<T | undefined> {
    try {
      return await p;
    } catch (error) {
      const typed = toFlowscopeError(error);
      if (!FlowscopeError.is(typed, 'forbidden', 'notFound')) throw typed;
      this.log.debug(`Supervity: ${what} unavailable: ${typed.message}`);
      return undefined;
    }
  }

  private pollBounds(signal?: AbortSignal) {
    return { signal, log: this.log, minMs: this.deps.pollMinMs, maxMs: this.deps.pollMaxMs };
  }
}

/**
 * The multipart fields: `workflowId`, one `inputs[name]` field per input and `envs[NAME]` per
 * override. Values arrive as strings server-side, so objects are JSON per field; a Blob is sent
 * as a file part.
 */
export function executeForm(
  workflowId: string,
  inputs: Readonly<Record<string, unknown>>,
  envs?: Readonly<Record<string, string>>,
): Array<readonly [string, string | Blob, string?]> {
  const fields: Array<readonly [string, string | Blob, string?]> = [['workflowId', workflowId]];
  for (const [name, value] of Object.entries(inputs)) {
    if (value === undefined) continue;
    const key = `inputs[${name}]`;
    if (value instanceof Blob) fields.push([key, value, 'name' in value && typeof value.name === 'string' ? value.name : name]);
    else if (typeof value === 'string') fields.push([key, value]);
    else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') fields.push([key, String(value)]);
    else fields.push([key, JSON.stringify(value)]);
  }
  for (const [name, value] of Object.entries(envs ?? {})) fields.push([`envs[${name}]`, value]);
  return fields;
}

function enc(id: string): string {
  return pathSegment(id);
}

async function* none(): AsyncGenerator<Run> {
  // The execute stream cannot be reopened; followLive polls after the first round instead.
}
