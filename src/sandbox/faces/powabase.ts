import type { ServerResponse } from 'node:http';
import type { App, Face } from '../app';
import type { EngineEvent } from '../events';
import { GraphError, normalizeGraph } from '../graph';
import { header, HttpError, parseJson, Router, sendEmpty, sendJson } from '../http';
import type { Ctx } from '../http';
import { dataFrame, SseStream } from '../sse';
import { isTerminal } from '../types';
import type { RunRecord, VariableSpec, WorkflowRecord } from '../types';
import { FaceRecords } from '../ownership';
import { delay, isRecord, newId, nowIso, pythonIso } from '../util';
import { blockOutputs, executeLogs, executionRow, powabaseRunError, powabaseStatus, storedLogs, workflowDetail, workflowSummary } from './powabase-view';
import { handleWebhook } from './powabase-webhook';
import { structured, waitFor } from './powabase-common';

const SYNC_TIMEOUT_MS = 300_000;
const STREAM_TIMEOUT_MS = 600_000;
const SORTS = ['created_at', 'name', 'updated_at', 'last_execution_at'] as const;

const notFoundStructured = (): HttpError => structured(404, 'Workflow not found', 'WORKFLOW_NOT_FOUND');

/**
 * Powabase workflows API (`/api/workflows`, `/api/webhooks`), over Powabase's own workflows and
 * their runs only.
 */
export function createPowabaseFace(app: App): Face {
  const router = new Router();
  const executeLog = new Map<string, number[]>();
  /** Streamed runs whose final status and logs the service has not saved yet. */
  const saving = new Set<string>();

  const auth = (ctx: Ctx): void => {
    // Kong's key-auth runs first and answers in its own shape.
    const apikey = header(ctx.req, 'apikey');
    if (!apikey) throw new HttpError(401, 'No API key found in request', { message: 'No API key found in request' });
    if (apikey !== app.creds.powabase.apiKey) throw new HttpError(401, 'Invalid authentication credentials', { message: 'Invalid authentication credentials' });
    const authz = header(ctx.req, 'authorization');
    if (!authz) throw new HttpError(401, 'Authorization header required');
    const parts = authz.trim().split(/\s+/);
    if (parts.length !== 2 || parts[0] !== 'Bearer') throw new HttpError(401, 'Invalid authorization header format');
    if (parts[1] !== app.creds.powabase.apiKey) throw new HttpError(401, 'Invalid token: Signature verification failed');
  };

  // Only Powabase's own workflows and runs: another face's ids read as unknown here.
  const own = new FaceRecords(app.store, 'powabase');
  const workflow = (id: string): WorkflowRecord | undefined => own.workflow(id);

  const jsonBody = async (ctx: Ctx): Promise<Record<string, unknown>> => {
    const v = parseJson(await ctx.body());
    if (v === undefined) return {};
    if (!isRecord(v)) throw new HttpError(400, 'Request body must be a JSON object');
    return v;
  };

  /** Powabase's per-user sliding window (in memory, per process), shared by /execute and /execute/stream. */
  const rateLimit = (ctx: Ctx): void => {
    const key = header(ctx.req, 'authorization') ?? '';
    const now = Date.now();
    const recent = (executeLog.get(key) ?? []).filter((t) => now - t < 60_000);
    const limit = app.options.executeLimitPerMinute;
    if (recent.length >= limit) {
      executeLog.set(key, recent);
      throw new HttpError(429, `Rate limit exceeded. Max ${limit} executions per minute.`);
    }
    recent.push(now);
    executeLog.set(key, recent);
  };

  const executeInputs = async (ctx: Ctx): Promise<{ wf: WorkflowRecord; vars: Record<string, unknown> }> => {
    const wf = workflow(ctx.params.id ?? '');
    if (!wf) throw notFoundStructured();
    let body: Record<string, unknown>;
    try {
      body = await jsonBody(ctx);
    } catch (e) {
      if (e instanceof HttpError && e.status === 400) throw structured(400, e.message, 'VALIDATION_ERROR');
      throw e;
    }
    // `input` is the legacy alias: data.get("variables", data.get("input", {})).
    const vars = body.variables ?? body.input ?? {};
    if (!isRecord(vars)) throw structured(400, 'variables must be an object', 'VALIDATION_ERROR');
    rateLimit(ctx);
    return { wf, vars };
  };

  router
    .add('GET', '/api/workflows', (ctx) => {
      const q = ctx.url.searchParams;
      const sort = q.get('sort') ?? 'created_at';
      const order = q.get('order') ?? 'desc';
      if (!(SORTS as readonly string[]).includes(sort)) throw new HttpError(400, `Invalid sort field: ${sort}`);
      if (order !== 'asc' && order !== 'desc') throw new HttpError(400, `Invalid order: ${order}`);
      const limit = clampInt(q.get('limit'), 50, 1, 100);
      const offset = clampInt(q.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
      const needle = (q.get('q') ?? '').trim().slice(0, 200).toLowerCase();
      const stats = runStats(own);
      const rows = own
        .workflows()
        .filter((w) => !needle || w.name.toLowerCase().includes(needle))
        .map((w) => workflowSummary(w, stats.get(w.id) ?? { count: 0, last: null }));
      rows.sort((a, b) => compare(a[sort], b[sort]) * (order === 'asc' ? 1 : -1));
      sendJson(ctx.res, 200, { workflows: rows.slice(offset, offset + limit), total: rows.length, limit, offset });
    })
    .add('POST', '/api/workflows', async (ctx) => {
      const body = await jsonBody(ctx);
      const name = typeof body.name === 'string' ? body.name.trim() : '';
      if (!name) throw new HttpError(400, 'Name is required');
      const variables = body.variables ?? {};
      if (!isRecord(variables)) throw new HttpError(400, 'variables must be an object');
      const now = nowIso();
      const wf: WorkflowRecord = {
        id: newId(),
        face: 'powabase',
        name,
        description: typeof body.description === 'string' ? body.description : null,
        variables: variables as Record<string, VariableSpec>,
        version: 1,
        color: typeof body.color === 'string' ? body.color : null,
        created_at: now,
        updated_at: now,
        state: 'internal',
        schedule_config: null,
        webhook_armed_until: null,
        blocks: [],
        edges: [],
      };
      app.saveWorkflow(wf);
      sendJson(ctx.res, 201, { id: wf.id, name: wf.name });
    })
    .add('GET', '/api/workflows/:id', (ctx) => {
      const wf = workflow(ctx.params.id ?? '');
      if (!wf) throw notFoundStructured();
      sendJson(ctx.res, 200, workflowDetail(wf));
    })
    .add('PATCH', '/api/workflows/:id', async (ctx) => {
      const body = await jsonBody(ctx);
      const fields = ['name', 'description', 'color', 'variables'].filter((k) => k in body);
      if (fields.length === 0) throw new HttpError(400, 'No fields to update');
      if ('name' in body && (typeof body.name !== 'string' || !body.name.trim())) throw new HttpError(400, 'Name is required');
      if ('variables' in body && !isRecord(body.variables)) throw new HttpError(400, 'variables must be an object');
      const wf = workflow(ctx.params.id ?? '');
      // Quirk: no existence check, an unknown id is an UPDATE of zero rows and still reports ok.
      if (wf) {
        if (typeof body.name === 'string') wf.name = body.name.trim();
        if ('description' in body) wf.description = typeof body.description === 'string' ? body.description : null;
        if ('color' in body) wf.color = typeof body.color === 'string' ? body.color : null;
        if (isRecord(body.variables)) wf.variables = body.variables as Record<string, VariableSpec>;
        wf.updated_at = nowIso();
        app.saveWorkflow(wf);
      }
      sendJson(ctx.res, 200, { ok: true });
    })
    .add('DELETE', '/api/workflows/:id', (ctx) => {
      // Quirk: 204 whether or not the workflow existed.
      // Another face's workflow is not Powabase's to delete: it reads as unknown, so 204 and nothing.
      if (workflow(ctx.params.id ?? '')) app.store.remove('workflows', ctx.params.id ?? '');
      sendEmpty(ctx.res, 204);
    })
    .add('PUT', '/api/workflows/:id/graph', async (ctx) => {
      const wf = workflow(ctx.params.id ?? '');
      if (!wf) throw notFoundStructured();
      let body: unknown;
      try {
        body = parseJson(await ctx.body());
      } catch {
        throw structured(400, 'Request body is not valid JSON', 'VALIDATION_ERROR');
      }
      let graph;
      try {
        graph = normalizeGraph(body ?? {});
      } catch (e) {
        if (e instanceof GraphError) throw structured(400, e.message, 'VALIDATION_ERROR');
        throw e;
      }
      wf.blocks = graph.blocks;
      wf.edges = graph.edges;
      wf.version += 1;
      wf.updated_at = nowIso();
      app.saveWorkflow(wf);
      sendJson(ctx.res, 200, { ok: true, blocks: graph.blocks.length, edges: graph.edges.length });
    })
    .add('POST', '/api/workflows/:id/deploy', (ctx) => {
      const wf = workflow(ctx.params.id ?? '');
      if (!wf) throw new HttpError(404, 'Workflow not found');
      wf.state = 'deployed';
      wf.webhook_armed_until = null;
      const starter = wf.blocks.find((b) => b.type === 'starter');
      wf.schedule_config = isRecord(starter?.config?.schedule) ? starter.config.schedule : null;
      wf.updated_at = nowIso();
      app.saveWorkflow(wf);
      sendJson(ctx.res, 200, { ok: true, state: 'deployed' });
    })
    .add('POST', '/api/workflows/:id/undeploy', (ctx) => {
      const wf = workflow(ctx.params.id ?? '');
      if (!wf) throw new HttpError(404, 'Workflow not found');
      wf.state = 'internal';
      wf.schedule_config = null;
      wf.webhook_armed_until = null;
      wf.updated_at = nowIso();
      app.saveWorkflow(wf);
      sendJson(ctx.res, 200, { ok: true, state: 'internal' });
    })
    .add('POST', '/api/workflows/:id/arm', (ctx) => {
      const wf = workflow(ctx.params.id ?? '');
      if (!wf) throw new HttpError(404, 'Workflow not found');
      const until = new Date(Date.now() + 10 * 60_000);
      wf.webhook_armed_until = until.toISOString();
      app.saveWorkflow(wf);
      // Python isoformat (`+00:00`, microseconds), not the `Z` the docs' example shows.
      sendJson(ctx.res, 200, { ok: true, armed_until: pythonIso(until) });
    })
    .add('POST', '/api/workflows/:id/execute', async (ctx) => {
      const { wf, vars } = await executeInputs(ctx);
      const run = app.engine.start(wf, 'powabase', vars);
      await waitFor(app, run, ctx.signal, SYNC_TIMEOUT_MS);
      sendJson(ctx.res, 200, syncResult(run));
    })
    .add('POST', '/api/workflows/:id/execute/stream', async (ctx) => {
      const { wf, vars } = await executeInputs(ctx);
      const run = app.engine.start(wf, 'powabase', vars);
      streamRun(app, ctx, run, saving);
    })
    .add('GET', '/api/workflows/:id/executions', (ctx) => {
      const limit = clampInt(ctx.url.searchParams.get('limit'), 20, 1, 100);
      const runs = own
        .runs()
        .filter((r) => r.workflowId === ctx.params.id)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit);
      sendJson(ctx.res, 200, { executions: runs.map((r) => executionRow(r, saving.has(r.id))) });
    })
    .add('GET', '/api/workflows/:id/executions/:eid/logs', (ctx) => {
      const run = own.run(ctx.params.eid ?? '');
      if (!run || run.workflowId !== ctx.params.id) throw new HttpError(404, 'Execution not found');
      // A streamed run's block logs are written with its final status, not before.
      sendJson(ctx.res, 200, { block_logs: saving.has(run.id) ? [] : storedLogs(run) });
    });

  return {
    name: 'powabase',
    owns: (path) => path === '/api/workflows' || path.startsWith('/api/workflows/') || path.startsWith('/api/webhooks/') || path === '/api/webhooks',
    async handle(ctx) {
      if (ctx.path.startsWith('/api/webhooks')) {
        await handleWebhook(app, ctx);
        return;
      }
      const m = router.match(ctx.method, ctx.path);
      if (m === undefined) throw new HttpError(404, 'Not found');
      auth(ctx);
      if (m === 'method') throw new HttpError(405, 'Method not allowed');
      ctx.params = m.params;
      await m.handler(ctx);
    },
    error(res: ServerResponse, status: number, message: string, headers?: Record<string, string>) {
      sendJson(res, status, { error: message }, headers);
    },
  };
}

function syncResult(run: RunRecord): Record<string, unknown> {
  return { execution_id: run.id, status: 'completed', output: run.output, block_outputs: blockOutputs(run), block_logs: executeLogs(run) };
}

/**
 * Translates engine events into Powabase's `data: {type...}` frames. No keepalives on this route.
 *
 * As in the published service (`routes/workflows.py`, `execute_workflow_stream`), the run lives
 * on this response: when the client goes away, the run is stopped at its next block event and
 * ends with what it has (Powabase records it `completed` with the partial outputs). And the final
 * status and logs are saved only a moment after `done` (`_persist_execution_result` runs in the
 * generator's `finally`): `saving` hides the end of the run from the REST reads until then.
 */
function streamRun(app: App, ctx: Ctx, run: RunRecord, saving: Set<string>): void {
  const sse = new SseStream(ctx.res, { malformed: 'data: {"type": "block_chunk", "chunk": \n\n', fault: ctx.fault }, app.streams);
  const ctl = new AbortController();
  let clientGone = false;
  saving.add(run.id);
  const off = app.engine.events.on(run.id, (ev: EngineEvent) => {
    const frame = powabaseFrame(ev);
    if (frame && clientGone && ev.type !== 'run-end') {
      // The next event after the disconnect is where the service notices it.
      app.engine.stop(run.id);
      return;
    }
    if (frame) sse.send(dataFrame(frame));
    if (ev.type === 'run-end') {
      sse.end();
      off();
      ctl.abort();
      delay(app.options.powabaseSaveDelayMs, app.signal)
        .catch(() => undefined)
        .finally(() => saving.delete(run.id));
    }
  });
  sse.onClose(() => {
    // The stream's own 600 s limit ends with it (and its timer must not outlive it).
    ctl.abort();
    if (!isTerminal(run.status)) clientGone = true;
    else off();
  });
  delay(STREAM_TIMEOUT_MS, ctl.signal)
    .then(() => {
      sse.send(dataFrame({ type: 'error', error: 'Execution timed out', error_code: 'EXECUTION_TIMEOUT' }));
      sse.end();
    })
    .catch(() => undefined);
}

function powabaseFrame(ev: EngineEvent): Record<string, unknown> | null {
  switch (ev.type) {
    case 'block-start':
      // Retries are internal to a block in Powabase: one block_start, one completion.
      return ev.attempt === 1 ? { type: 'block_start', block_id: ev.block.blockId, block_type: ev.block.type } : null;
    case 'token':
      return { type: 'block_chunk', block_id: ev.block.blockId, block_type: ev.block.type, chunk: ev.chunk };
    case 'block-complete':
      return { type: 'block_complete', block_id: ev.block.blockId, block_type: ev.block.type, data: ev.block.output, duration_ms: ev.block.durationMs ?? 0 };
    case 'block-error':
      return { type: 'block_error', block_id: ev.block.blockId, block_type: ev.block.type, data: { error: ev.error }, duration_ms: ev.block.durationMs ?? 0 };
    case 'block-cancel':
      return ev.block.startedAt ? { type: 'block_error', block_id: ev.block.blockId, block_type: ev.block.type, data: { error: 'cancelled' }, duration_ms: ev.block.durationMs ?? 0 } : null;
    case 'run-end':
      // `execution_id` only ever arrives here, in `done`; `error` does not carry it.
      return powabaseStatus(ev.run) === 'completed' ? { type: 'done', execution_id: ev.run.id } : { type: 'error', error: powabaseRunError(ev.run) ?? 'Execution failed' };
    default:
      return null;
  }
}

function runStats(own: FaceRecords): Map<string, { count: number; last: string | null }> {
  const stats = new Map<string, { count: number; last: string | null }>();
  for (const r of own.runs()) {
    const s = stats.get(r.workflowId) ?? { count: 0, last: null };
    s.count++;
    if (!s.last || r.createdAt > s.last) s.last = r.createdAt;
    stats.set(r.workflowId, s);
  }
  return stats;
}

function clampInt(raw: string | null, dflt: number, min: number, max: number): number {
  const n = raw === null ? NaN : Number.parseInt(raw, 10);
  if (!Number.isFinite(n)) return dflt;
  return Math.min(max, Math.max(min, n));
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return String(a).localeCompare(String(b));
}
