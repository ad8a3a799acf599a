import type {
  Backend,
  Capabilities,
  ComponentExecution,
  ComponentModule,
  LiveOptions,
  PushReport,
  RunRef,
} from '../../backend';
import { FlowscopeError } from '../../errors';
import type { Graph } from '../../graph/schema';
import { HttpClient } from '../../http';
import { followLive } from '../../live';
import type { ConnectionConfig, Credentials, Run, RunPage, RunStatus, StageStatus, Workflow } from '../../model';
import { durationBetween } from '../../model';
import { RunTracker } from '../../runTracker';
import { readSse } from '../../sse';
import type { Logger } from '../../util/log';
import { silentLogger } from '../../util/log';
import { errorText, parseFrame } from '../common';
import type { AdapterDeps } from '../deps';
import { pathSegment } from '../../urlPath';
import { diffComponents } from './components';
import { parseSigningSecret, signRequest } from './signing';
import * as wire from './wire';

const RUN_STATUS: Readonly<Record<string, RunStatus>> = {
  CREATED: 'queued',
  EXECUTING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELED: 'cancelled',
};
const STAGE_STATUS: Readonly<Record<string, StageStatus>> = {
  CREATED: 'queued',
  RUNNING: 'running',
  EXECUTING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELED: 'cancelled',
};

/** White Rabbit pings every 15 s; three missed pings mean the stream is dead. */
const DEFAULT_IDLE_MS = 45_000;
/** Only correct the clock when the server's Date header is meaningfully off. */
const SKEW_THRESHOLD_MS = 5_000;

/**
 * White Rabbit's caller-SDK API. Every request is signed with the connection's Ed25519 key over
 * `METHOD|PATH|TIMESTAMP|BODY`, with the exact body bytes sent. The API cannot list workflows
 * or runs, nor cancel, so workflows come from the connection's configured ids.
 */
export class WhiteRabbitBackend implements Backend {
  readonly kind = 'whiterabbit' as const;
  readonly capabilities: Capabilities = {
    listWorkflows: false,
    listRuns: false,
    getGraph: false,
    pushGraph: 'components',
    triggerInputs: true,
    cancel: 'none',
    stream: 'subscribe',
    logs: false,
    deploy: false,
    arm: false,
    dashboard: false,
    componentUpdate: true,
    componentExecute: true,
  };
  private readonly http: HttpClient;
  private readonly log: Logger;
  private readonly seed: Uint8Array;
  private readonly now: () => number;
  /** Server time minus local time, learnt from a 401's Date header. */
  private clockOffsetMs = 0;

  constructor(
    readonly connection: ConnectionConfig,
    credentials: Credentials,
    private readonly deps: AdapterDeps = {},
  ) {
    if (!credentials.apiSecret) {
      throw new FlowscopeError('usage', `Connection "${connection.name}" needs the White Rabbit API secret to sign requests.`);
    }
    this.seed = parseSigningSecret(credentials.apiSecret);
    this.log = deps.log ?? silentLogger;
    this.now = deps.now ?? Date.now;
    const apiKey = credentials.apiKey;
    this.http = new HttpClient({
      baseUrl: connection.baseUrl,
      service: 'White Rabbit',
      dispatcher: deps.dispatcher,
      timeoutMs: deps.timeoutMs,
      backoffBaseMs: deps.retryBaseMs,
      log: this.log,
      authorize: async (req) => ({
        'x-api-key': apiKey,
        ...(await signRequest(this.seed, req.method, req.pathname, req.bodyText, this.now() + this.clockOffsetMs)),
      }),
      onUnauthorized: (headers) => this.learnClock(headers.date),
    });
  }

  /** Current clock correction, for diagnostics. */
  get clockOffset(): number {
    return this.clockOffsetMs;
  }

  private learnClock(date: string | string[] | undefined): boolean {
    const serverMs = Date.parse(Array.isArray(date) ? (date[0] ?? '') : (date ?? ''));
    if (!Number.isFinite(serverMs)) return false;
    const offset = serverMs - this.now();
    if (Math.abs(offset - this.clockOffsetMs) < SKEW_THRESHOLD_MS) return false;
    this.log.info(`White Rabbit: local clock is ${Math.round(-offset / 1000)} s off the server; signing with corrected time`);
    this.clockOffsetMs = offset;
    return true;
  }

  async listWorkflows(): Promise<readonly Workflow[]> {
    return (this.connection.workflowIds ?? []).map((id) => ({ id, name: id }));
  }

  async getWorkflow(workflowId: string): Promise<Workflow> {
    return { id: workflowId, name: workflowId };
  }

  /** The API has no run listing; the run store remembers runs started from Flowscope instead. */
  async listRuns(): Promise<RunPage> {
    return { runs: [] };
  }

  async getRun(ref: RunRef, signal?: AbortSignal): Promise<Run> {
    const detail = await this.http.json(
      { method: 'GET', path: `/v1/sdk/workflows/executions/${pathSegment(ref.id)}`, signal },
      wire.RunDetail,
    );
    return toRun(detail, ref.workflowId);
  }

  async *trigger(workflowId: string, inputs: Readonly<Record<string, unknown>>, options: LiveOptions = {}): AsyncGenerator<Run> {
    // Sent once: a POST that started a run is never retried, whatever happens next.
    const started = await this.http.json(
      {
        method: 'POST',
        path: `/v1/sdk/workflows/${pathSegment(workflowId)}`,
        json: Object.keys(inputs).length > 0 ? { inputs } : {},
        idempotent: false,
        signal: options.signal,
      },
      wire.TriggerResponse,
    );
    const initial: Run = { id: started.runId, workflowId, status: 'queued', rawStatus: 'CREATED', inputs, stages: [] };
    yield initial;
    yield* this.followFrom({ id: started.runId, workflowId }, options, initial);
  }

  follow(ref: RunRef, options: LiveOptions = {}): AsyncIterable<Run> {
    return this.followFrom(ref, options, undefined);
  }

  private followFrom(ref: RunRef, options: LiveOptions, last: Run | undefined): AsyncIterable<Run> {
    const what = `White Rabbit run ${ref.id}`;
    return followLive((round) => this.streamRun(ref, round, options.signal), (signal) => this.getRun(ref, signal), {
      what,
      afterDrop: 'reconnect',
      signal: options.signal,
      log: this.log,
      last,
      maxReconnects: this.deps.maxReconnects,
      minMs: this.deps.pollMinMs,
      maxMs: this.deps.pollMaxMs,
    });
  }

  /** One stream connection. Signed afresh on every connect (timestamps expire in 30 s). */
  private async *streamRun(ref: RunRef, round: number, signal?: AbortSignal): AsyncGenerator<Run> {
    const tracker = new RunTracker({ id: ref.id, workflowId: ref.workflowId, status: 'queued', rawStatus: 'CREATED' });
    if (round > 0) tracker.reset(await this.getRun(ref, signal));
    const res = await this.http.send({ method: 'GET', path: `/v1/sdk/workflows/executions/${pathSegment(ref.id)}/stream`, signal }, true);
    const what = `White Rabbit run ${ref.id}`;
    for await (const message of readSse(res.body, {
      signal,
      idleTimeoutMs: this.deps.streamIdleMs ?? DEFAULT_IDLE_MS,
      onMalformed: (why) => this.log.warn(`${what}: ${why}`),
    })) {
      const event = parseFrame(message, wire.StreamEvent, this.log, what);
      if (!event) continue;
      applyStreamEvent(tracker, event);
      if (tracker.terminal) {
        // The stream carries only counts and the stages still in flight; the detail has them all.
        const detail = await this.getRun(ref, signal).catch(() => undefined);
        if (detail) tracker.reset(detail);
      }
      yield tracker.snapshot();
      if (tracker.terminal) return;
    }
  }

  /**
   * Pushes a graph as component updates: one call per block whose name, position or config
   * changed. The API merges config server-side and cannot add or delete components, so those
   * changes are reported as not applied rather than silently dropped.
   */
  async pushGraph(workflowId: string, graph: Graph, previous: Graph | undefined, signal?: AbortSignal): Promise<PushReport> {
    const plan = diffComponents(graph, previous);
    const steps: string[] = [];
    for (const update of plan.updates) {
      await this.updateComponent(workflowId, update.id, update.patch, signal);
      steps.push(`updated component ${update.label} (${Object.keys(update.patch).join(', ')})`);
    }
    return { steps, notApplied: plan.notApplied };
  }

  async updateComponent(
    workflowId: string,
    componentId: string,
    patch: { config?: Record<string, unknown>; name?: string; position?: readonly [number, number] },
    signal?: AbortSignal,
  ): Promise<void> {
    await this.http.empty({
      method: 'POST',
      path: `/v1/sdk/workflows/${pathSegment(workflowId)}/components/${pathSegment(componentId)}`,
      json: patch,
      // Config is merged server-side, so sending the same update twice has the same effect.
      idempotent: true,
      signal,
    });
  }

  async listComponents(signal?: AbortSignal): Promise<readonly ComponentModule[]> {
    const catalog = await this.http.json({ method: 'GET', path: '/v1/system/components', signal }, wire.Catalog);
    return catalog.map((c) => ({
      module: c.module,
      name: c.name,
      type: c.type ?? undefined,
      inputSchema: inputSchemaOf(c.inputs?.parameters ?? []),
      configSchema: c.configs,
    }));
  }

  async executeComponent(
    request: { module: string; input: Record<string, unknown>; config: Record<string, unknown>; waitForMs?: number },
    signal?: AbortSignal,
  ): Promise<ComponentExecution> {
    const body = { module: request.module, input: request.input, config: request.config, ...(request.waitForMs ? { waitForMs: request.waitForMs } : {}) };
    const record = await this.http.json(
      { method: 'POST', path: '/v1/sdk/components', json: body, idempotent: false, signal, timeoutMs: 30_000 + (request.waitForMs ?? 0) },
      wire.ComponentExecution,
    );
    return toExecution(record);
  }

  async *followComponent(executionId: string, options: LiveOptions = {}): AsyncGenerator<ComponentExecution> {
    const path = `/v1/sdk/components/executions/${pathSegment(executionId)}`;
    const what = `White Rabbit component execution ${executionId}`;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.http.send({ method: 'GET', path: `${path}/stream`, signal: options.signal }, true);
        for await (const message of readSse(res.body, { signal: options.signal, idleTimeoutMs: this.deps.streamIdleMs ?? DEFAULT_IDLE_MS })) {
          const event = parseFrame(message, wire.ComponentStreamEvent, this.log, what);
          if (!event) continue;
          const execution = toExecution({ ...event, module: '' });
          yield execution;
          if (execution.completed) return;
        }
      } catch (error) {
        if (FlowscopeError.is(error, 'aborted') || attempt >= (this.deps.maxReconnects ?? 3)) throw error;
      }
      // Ended without a terminal event: the record tells where it stands.
      const record = toExecution(await this.http.json({ method: 'GET', path, signal: options.signal }, wire.ComponentExecution));
      yield record;
      if (record.completed) return;
    }
  }
}

function applyStreamEvent(tracker: RunTracker, event: wire.StreamEvent): void {
  const out = event.output ?? {};
  tracker.setRun({
    status: RUN_STATUS[event.status] ?? 'unknown',
    rawStatus: event.status,
    updatedAt: event.timestamp ?? undefined,
    totalUsage: out.totalUsage ?? undefined,
  });
  const inFlight = new Set<string>();
  for (const s of out.nonTerminalStages ?? []) {
    inFlight.add(s.id);
    tracker.upsertStage({
      id: s.id,
      name: s.module ?? s.id,
      type: s.module ?? undefined,
      status: STAGE_STATUS[s.status] ?? 'unknown',
      rawStatus: s.status,
      attempt: s.executionAttempt ?? undefined,
    });
  }
  // A stage that was in flight and no longer is has finished; the detail read at the end says how.
  for (const stage of tracker.snapshot().stages) {
    if (!inFlight.has(stage.id) && (stage.status === 'running' || stage.status === 'queued')) {
      tracker.upsertStage({ id: stage.id, status: 'completed', rawStatus: 'COMPLETED' });
    }
  }
}

function toRun(detail: wire.RunDetail, workflowId?: string): Run {
  return {
    id: detail.id,
    workflowId,
    status: RUN_STATUS[detail.status] ?? 'unknown',
    rawStatus: detail.status,
    createdAt: detail.createdAt ?? undefined,
    updatedAt: detail.updatedAt ?? undefined,
    endedAt: RUN_STATUS[detail.status] && ['COMPLETED', 'FAILED', 'CANCELED'].includes(detail.status) ? (detail.updatedAt ?? undefined) : undefined,
    totalUsage: detail.totalUsage ?? undefined,
    error: detail.cancelReason ?? undefined,
    stages: detail.runStages.map((s, order) => ({
      id: s.id,
      name: s.module,
      type: s.module,
      status: STAGE_STATUS[s.status] ?? 'unknown',
      rawStatus: s.status,
      attempt: s.executionAttempt ?? undefined,
      startedAt: s.executionDispatchedAt ?? undefined,
      endedAt: ['COMPLETED', 'FAILED', 'CANCELED'].includes(s.status) ? (s.updatedAt ?? undefined) : undefined,
      durationMs: ['COMPLETED', 'FAILED', 'CANCELED'].includes(s.status) ? durationBetween(s.executionDispatchedAt ?? undefined, s.updatedAt ?? undefined) : undefined,
      output: s.output ?? undefined,
      error: errorText(s.error),
      creditUsage: s.creditUsage ?? undefined,
      order,
    })),
  };
}

function toExecution(record: { id: string; module: string; status: string; completed?: boolean | null; output?: unknown; error?: unknown }): ComponentExecution {
  return {
    id: record.id,
    module: record.module,
    status: record.status,
    completed: record.completed ?? (record.status === 'COMPLETED' || record.status === 'FAILED'),
    output: record.output ?? undefined,
    error: record.error ?? undefined,
  };
}

/** Folds the catalog's parameter list into one JSON Schema object for input validation. */
function inputSchemaOf(parameters: readonly { name: string; schema?: unknown }[]): unknown {
  return {
    type: 'object',
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema ?? {}])),
  };
}
