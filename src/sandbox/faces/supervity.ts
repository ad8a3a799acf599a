import type { ServerResponse } from 'node:http';
import type { App, Face } from '../app';
import type { EngineEvent } from '../events';
import { header, HttpError, parseJson, Router, sendJson } from '../http';
import type { Ctx } from '../http';
import { namedFrame, SseStream } from '../sse';
import { isTerminal } from '../types';
import type { RunRecord } from '../types';
import { FaceRecords } from '../ownership';
import { isRecord, UUID_RE } from '../util';
import { readExecuteRequest, zodError } from './supervity-multipart';
import { activityRun, activityRuns, hasActivityRun, runSummary, runWithActivities, supervityStatus, SUPERVITY_RUN_STATUSES } from './supervity-view';

const LIST_KEYS = ['workflowId', 'status', 'page', 'limit', 'search'];

/**
 * Supervity Auto workflow-runs API (`/api/v1/workflow-runs`), over Supervity's own workflows and
 * their runs only. This is the face that can cancel, and only its own runs.
 */
export function createSupervityFace(app: App): Face {
  const router = new Router();
  // Another face's workflow or run reads exactly as an unknown id here.
  const own = new FaceRecords(app.store, 'supervity');

  const auth = (ctx: Ctx): void => {
    // API keys only work with `x-source: external`; without it even a valid key is a bare 401.
    const authz = header(ctx.req, 'authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(authz.trim())?.[1];
    if (token !== app.creds.supervity.apiKey || header(ctx.req, 'x-source') !== 'external') throw new HttpError(401, 'Unauthorized');
    const org = header(ctx.req, 'x-active-org');
    if (org !== undefined && org !== app.creds.supervity.org) throw new HttpError(403, 'Forbidden');
  };

  const startRun = async (ctx: Ctx): Promise<RunRecord> => {
    const req = await readExecuteRequest(ctx);
    const wf = own.workflow(req.workflowId);
    if (!wf) throw new HttpError(404, 'Workflow not found');
    return app.engine.start(wf, 'supervity', req.inputs, req.envs);
  };

  router
    .add('POST', '/api/v1/workflow-runs/execute', async (ctx) => {
      const run = await startRun(ctx);
      // ctx.signal is per request (client gone or server closing), so this listener dies with it.
      await Promise.race([app.engine.whenDone(run.id), new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }))]);
      if (!isTerminal(run.status)) throw new HttpError(503, 'Server is shutting down');
      sendJson(ctx.res, 200, { success: run.status === 'completed', workflowRun: runWithActivities(run) });
    })
    .add('POST', '/api/v1/workflow-runs/execute/stream', async (ctx) => {
      const run = await startRun(ctx);
      streamRun(app, ctx, run);
    })
    .add('POST', '/api/v1/workflow-runs/cancel', async (ctx) => {
      const body = parseJson(await ctx.body());
      if (!isRecord(body)) throw zodError('Expected object, received ' + (body === undefined ? 'undefined' : typeof body), { code: 'invalid_type', expected: 'object', path: [] });
      const hasRuns = body.runIds !== undefined;
      const hasWf = body.workflowId !== undefined;
      if (hasRuns === hasWf) throw zodError('Provide either runIds or workflowId (not both)', { code: 'custom', path: [] });
      if (body.reason !== undefined && (typeof body.reason !== 'string' || body.reason.length > 500)) {
        throw zodError('reason must be a string of at most 500 characters', { code: 'too_big', maximum: 500, path: ['reason'] });
      }
      const reason = typeof body.reason === 'string' ? body.reason : null;
      let ids: string[];
      if (hasRuns) {
        if (!Array.isArray(body.runIds) || body.runIds.length === 0 || !body.runIds.every((r) => typeof r === 'string')) {
          throw zodError('runIds must be a non-empty array of strings', { code: 'invalid_type', expected: 'array', path: ['runIds'] });
        }
        ids = body.runIds as string[];
      } else {
        if (typeof body.workflowId !== 'string' || !UUID_RE.test(body.workflowId)) throw zodError('Invalid uuid', { code: 'invalid_string', validation: 'uuid', path: ['workflowId'] });
        const wfId = body.workflowId;
        ids = own
          .runs()
          .filter((r) => r.workflowId === wfId && !isTerminal(r.status))
          .map((r) => r.id);
      }
      const results = ids.map((runId) => {
        const run = own.run(runId);
        // Seed 004 line 60: `error`, "Cancellation failed (Temporal error)"; the run goes on.
        if (ctx.fault?.cancelError && run && !isTerminal(run.status)) return { runId, status: 'error', message: 'Cancellation failed (Temporal error): injected fault' };
        const status = run ? app.engine.cancel(runId, reason) : 'not_found';
        const message = { cancelled: 'Run cancelled', already_completed: 'Run already in a terminal state', not_eligible: 'Run already cancelled', not_found: 'Run not found' }[status];
        return { runId, status, message };
      });
      sendJson(ctx.res, 200, { results });
    })
    .add('GET', '/api/v1/workflow-runs', (ctx) => {
      const q = ctx.url.searchParams;
      const unknown = [...new Set(q.keys())].filter((k) => !LIST_KEYS.includes(k));
      if (unknown.length) throw zodError(`Unrecognized key(s) in object: ${unknown.map((k) => `'${k}'`).join(', ')}`, { code: 'unrecognized_keys', keys: unknown, path: [] });
      const status = q.get('status');
      if (status !== null && !(SUPERVITY_RUN_STATUSES as readonly string[]).includes(status)) {
        throw zodError(`Invalid enum value. Expected ${SUPERVITY_RUN_STATUSES.map((s) => `'${s}'`).join(' | ')}, received '${status}'`, { code: 'invalid_enum_value', path: ['status'] });
      }
      const page = intParam(q.get('page'), 1, 1, Number.MAX_SAFE_INTEGER, 'page');
      const limit = intParam(q.get('limit'), 10, 1, 100, 'limit');
      const wfId = q.get('workflowId');
      const search = (q.get('search') ?? '').trim().toLowerCase();
      const rows = own
        .runs()
        .filter((r) => (!wfId || r.workflowId === wfId) && (!status || supervityStatus(r) === status) && (!search || (r.workflowName ?? '').toLowerCase().includes(search)))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      const total = rows.length;
      sendJson(ctx.res, 200, {
        workflowRuns: rows.slice((page - 1) * limit, page * limit).map(runSummary),
        pagination: { page, limit, total, totalPages: Math.ceil(total / limit) },
      });
    })
    .add('GET', '/api/v1/workflow-runs/dashboard/:workflowId', (ctx) => {
      const id = ctx.params.workflowId ?? '';
      if (!UUID_RE.test(id)) throw zodError('Invalid uuid', { code: 'invalid_string', validation: 'uuid', path: ['workflowId'] });
      if (!own.workflow(id)) throw new HttpError(404, 'Workflow not found');
      const counts: Record<string, number> = Object.fromEntries(SUPERVITY_RUN_STATUSES.map((s) => [s, 0]));
      let total = 0;
      for (const r of own.runs()) {
        if (r.workflowId !== id) continue;
        const s = supervityStatus(r);
        counts[s] = (counts[s] ?? 0) + 1;
        total++;
      }
      sendJson(ctx.res, 200, { workflowId: id, ...counts, total });
    })
    .add('GET', '/api/v1/workflow-runs/:runId', (ctx) => {
      const run = own.run(ctx.params.runId ?? '');
      if (!run) throw new HttpError(404, 'Workflow run not found');
      sendJson(ctx.res, 200, { workflowRun: runSummary(run), activityRuns: activityRuns(run) });
    });

  return {
    name: 'supervity',
    owns: (path) => path.startsWith('/api/v1/'),
    async handle(ctx) {
      const m = router.match(ctx.method, ctx.path);
      if (m === undefined) throw new HttpError(404, 'Not Found');
      auth(ctx);
      if (m === 'method') throw new HttpError(405, 'Method Not Allowed');
      ctx.params = m.params;
      await m.handler(ctx);
    },
    error(res: ServerResponse, status: number, message: string, headers?: Record<string, string>) {
      sendJson(res, status, { message }, headers);
    },
  };
}

function intParam(raw: string | null, dflt: number, min: number, max: number, name: string): number {
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw zodError(`${name} must be an integer between ${min} and ${max}`, { code: 'invalid_type', expected: 'number', path: [name] });
  }
  return n;
}

/** Engine events → Supervity's named events; `ping` every 9 s; `result` or `error` ends it. */
function streamRun(app: App, ctx: Ctx, run: RunRecord): void {
  const sse = new SseStream(
    ctx.res,
    { heartbeatMs: app.options.supervityHeartbeatMs, ping: namedFrame('ping', { content: 'ping' }), malformed: 'event: activity-run\ndata: {"content": {\n\n', fault: ctx.fault },
    app.streams,
  );
  const wfRun = (): string => namedFrame('workflow-run', { content: { workflowRunId: run.id, status: supervityStatus(run) } });
  const act = (ev: { block: RunRecord['blocks'][string] }, extra: Record<string, unknown> = {}): string => {
    const a = activityRun(run, ev.block);
    return namedFrame('activity-run', { content: { workflowRunId: run.id, activityRunId: a.id, stepId: a.stepId, status: a.status, attempt: a.attempt, outputs: a.outputs, ...extra } });
  };
  sse.send(wfRun());
  const off = app.engine.events.on(run.id, (ev: EngineEvent) => {
    switch (ev.type) {
      case 'run-status':
        if (!isTerminal(ev.status)) sse.send(wfRun());
        return;
      case 'block-start':
        sse.send(act(ev));
        // A step that starts waiting for approval turns the run `waiting` too.
        if (ev.block.waitingForApproval) sse.send(wfRun());
        return;
      case 'block-cancel':
        if (hasActivityRun(ev.block)) sse.send(act(ev));
        return;
      case 'block-skip':
      case 'block-error':
        sse.send(act(ev));
        return;
      case 'block-retry':
        sse.send(act(ev, { status: 'failed', error: ev.error }));
        return;
      case 'block-complete':
        sse.send(act(ev));
        if (ev.block.type === 'condition') {
          // One activity-run per branch, reusing the condition's stepId; clients filter on conditionMet.
          const route = String((ev.block.output as { route?: unknown } | null)?.route ?? '');
          for (const e of ev.run.graph.edges.filter((x) => x.source === ev.block.blockId && x.condition)) {
            sse.send(act(ev, { condition: e.condition, conditionMet: e.condition === route }));
          }
        }
        return;
      case 'token':
        sse.send(namedFrame('thinking', { content: ev.chunk, stepId: ev.block.blockId, activityRunId: ev.block.activityRunId }));
        return;
      case 'run-end':
        sse.send(wfRun());
        if (ev.status === 'failed') {
          sse.send(namedFrame('error', { error: 'Workflow run failed', details: run.error ?? 'failed', workflowRunId: run.id }));
        } else {
          sse.send(namedFrame('result', { success: ev.status === 'completed', workflowRun: runWithActivities(run) }));
        }
        sse.end();
        off();
        return;
    }
  });
  sse.onClose(off);
}
