import type { ServerResponse } from 'node:http';
import { SimConfig } from '../../core/graph/schema';
import type { App, Face } from '../app';
import { catalog } from '../catalog';
import { HttpError, Router, sendJson } from '../http';
import type { Ctx } from '../http';
import { SseStream, dataFrame } from '../sse';
import { isTerminal } from '../types';
import type { RunRecord } from '../types';
import { FaceRecords } from '../ownership';
import { isRecord, nowIso } from '../util';
import { authenticate, authenticateStream, checkScope, jsonObject, WR_MALFORMED } from './whiterabbit-auth';
import { registerComponentRoutes } from './whiterabbit-components';
import { wrRunDetail, wrStreamEvent } from './whiterabbit-view';

const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
};

export const wrCode = (status: number): string => CODES[status] ?? (status >= 500 ? 'SERVICE_UNAVAILABLE' : 'BAD_REQUEST');

/**
 * White Rabbit caller-SDK API (`/v1/...`). Every `/v1/sdk` REST route needs a valid signature;
 * the two event streams also accept the API key alone (see `authenticateStream`); the catalog is
 * unauthenticated, as the SDK's build script calls it without headers.
 */
export function createWhiteRabbitFace(app: App): Face {
  const router = new Router();
  type Authed = Awaited<ReturnType<typeof authenticate>>;
  const authed = (fn: (ctx: Ctx, auth: Authed) => Promise<void> | void) => async (ctx: Ctx) => fn(ctx, await authenticate(app, ctx));

  // Only White Rabbit's own workflows and runs: another face's ids read as unknown here.
  const own = new FaceRecords(app.store, 'whiterabbit');

  const runFor = (ctx: Ctx, auth: Authed): RunRecord => {
    const run = own.run(ctx.params.runId ?? '');
    if (!run) throw new HttpError(404, 'Workflow run not found');
    checkScope(auth.key, run.workflowId);
    return run;
  };

  router
    .add('GET', '/v1/system/components', (ctx) => sendJson(ctx.res, 200, catalog()))
    .add(
      'GET',
      '/v1/sdk/workflows/executions/:runId',
      authed((ctx, auth) => sendJson(ctx.res, 200, wrRunDetail(runFor(ctx, auth)))),
    )
    .add(
      'GET',
      '/v1/sdk/workflows/executions/:runId/stream',
      async (ctx) => streamRun(app, ctx, runFor(ctx, await authenticateStream(app, ctx))),
    )
    .add(
      'POST',
      '/v1/sdk/workflows/:workflowId',
      authed((ctx, auth) => {
        const id = ctx.params.workflowId ?? '';
        checkScope(auth.key, id);
        // The body must be JSON (it is signed), but nothing in it is read: the API documents no
        // run inputs and the public SDK sends `{}`. A run takes its data from its components' config
        // (and the workflow's variable defaults).
        jsonObject(auth.raw);
        const wf = own.workflow(id);
        if (!wf) throw new HttpError(404, 'Workflow not found');
        const run = app.engine.start(wf, 'whiterabbit', {});
        sendJson(ctx.res, 200, { runId: run.id, jobId: run.jobId });
      }),
    )
    .add(
      'POST',
      '/v1/sdk/workflows/:workflowId/components/:componentId',
      authed((ctx, auth) => {
        const id = ctx.params.workflowId ?? '';
        checkScope(auth.key, id);
        const body = jsonObject(auth.raw);
        const wf = own.workflow(id);
        if (!wf) throw new HttpError(404, 'Workflow not found');
        const block = wf.blocks.find((b) => b.id === ctx.params.componentId);
        if (!block) throw new HttpError(404, 'Component not found');
        if (body.config !== undefined && body.config !== null && !isRecord(body.config)) throw new HttpError(400, 'config must be an object');
        if (body.name !== undefined && (typeof body.name !== 'string' || !body.name.trim())) throw new HttpError(400, 'name must be a non-empty string');
        const pos = body.position;
        if (pos !== undefined && !(Array.isArray(pos) && pos.length === 2 && pos.every((n) => typeof n === 'number' && Number.isFinite(n)))) {
          throw new HttpError(400, 'position must be [x, y]');
        }
        // Config is merged with the existing values, never replaced: a key can't be deleted here.
        const merged = isRecord(body.config) ? { ...block.config, ...body.config } : block.config;
        const sim = SimConfig.safeParse(merged);
        if (!sim.success) throw new HttpError(400, `Invalid config: ${sim.error.issues[0]?.path.join('.')} ${sim.error.issues[0]?.message}`);
        block.config = merged;
        if (typeof body.name === 'string') block.name = body.name.trim();
        if (Array.isArray(pos)) block.position = { x: pos[0] as number, y: pos[1] as number };
        wf.version += 1;
        wf.updated_at = nowIso();
        app.saveWorkflow(wf);
        sendJson(ctx.res, 200, { id: block.id, name: block.name, module: typeof block.config.module === 'string' ? block.config.module : block.type, config: block.config, position: [block.position.x, block.position.y], updatedAt: wf.updated_at });
      }),
    );
  registerComponentRoutes(app, router, authed);

  return {
    name: 'whiterabbit',
    owns: (path) => path.startsWith('/v1/') || path === '/v1',
    async handle(ctx) {
      const m = router.match(ctx.method, ctx.path);
      if (m === undefined) throw new HttpError(404, `Cannot ${ctx.method} ${ctx.path}`);
      if (m === 'method') throw new HttpError(405, `Cannot ${ctx.method} ${ctx.path}`);
      ctx.params = m.params;
      await m.handler(ctx);
    },
    error(res: ServerResponse, status: number, message: string, headers?: Record<string, string>) {
      sendJson(res, status, { error: wrCode(status), message }, headers);
    },
  };
}

/**
 * Run status stream: the current state at once (so a re-subscribe, or a subscribe to a finished
 * run, gets it immediately), then one event per change, closing after a terminal status. Changes
 * made in the same tick (a fan-out starting ten blocks) are coalesced into one event.
 */
function streamRun(app: App, ctx: Ctx, run: RunRecord): void {
  const sse = new SseStream(ctx.res, { heartbeatMs: app.options.wrHeartbeatMs, ping: ':ping\n\n', malformed: WR_MALFORMED, fault: ctx.fault }, app.streams);
  sse.send(dataFrame(wrStreamEvent(run)));
  if (isTerminal(run.status)) {
    sse.end();
    return;
  }
  let pending: NodeJS.Immediate | null = null;
  const off = app.engine.events.on(run.id, (ev) => {
    if (ev.type === 'token' || (ev.type === 'run-status' && isTerminal(ev.status))) return;
    if (ev.type === 'run-end') {
      if (pending) clearImmediate(pending);
      pending = null;
      sse.send(dataFrame(wrStreamEvent(run)));
      sse.end();
      off();
      return;
    }
    pending ??= setImmediate(() => {
      pending = null;
      sse.send(dataFrame(wrStreamEvent(run)));
    });
  });
  sse.onClose(() => {
    off();
    if (pending) clearImmediate(pending);
  });
}
