import type { ServerResponse } from 'node:http';
import type { App, Face } from './app';
import { FaultSpecError, parseFault } from './faults';
import { controlRefusal } from './guard';
import { HttpError, isLoopback, parseJson, Router, sendJson } from './http';
import { mintWhiteRabbitKey } from './keys';
import { isRecord } from './util';

/**
 * `/__sandbox/*`: test and tooling hooks, answered to loopback peers only, never to a web page
 * (no Origin, JSON bodies only: guard.ts). Not part of any real
 * API: fault injection, a read-only state dump, stats, and minting restricted White Rabbit keys.
 */
export function createControlFace(app: App): Face {
  const router = new Router()
    .add('GET', '/__sandbox/state', (ctx) => {
      const runs = [...app.store.runs.values()].map(({ graph: _graph, ...rest }) => rest);
      sendJson(ctx.res, 200, { workflows: [...app.store.workflows.values()], runs, components: [...app.store.components.values()] });
    })
    .add('GET', '/__sandbox/stats', (ctx) => {
      sendJson(ctx.res, 200, {
        memory: process.memoryUsage(),
        openStreams: app.streams.size,
        activeRuns: app.engine.activeRuns,
        runs: app.store.runs.size,
        workflows: app.store.workflows.size,
        subscribers: app.engine.events.size + app.components.events.size,
      });
    })
    .add('GET', '/__sandbox/faults', (ctx) => sendJson(ctx.res, 200, { faults: app.faults.list() }))
    .add('POST', '/__sandbox/faults', async (ctx) => {
      const body = parseJson(await ctx.body());
      if (!isRecord(body) || typeof body.fault !== 'string') throw new HttpError(400, 'Body must be { "fault": "<spec>", "pathPrefix"?: string, "count"?: number }');
      const count = body.count ?? 1;
      if (!Number.isInteger(count) || (count as number) < 1) throw new HttpError(400, 'count must be a positive integer');
      if (body.pathPrefix !== undefined && typeof body.pathPrefix !== 'string') throw new HttpError(400, 'pathPrefix must be a string');
      let fault;
      try {
        fault = parseFault(body.fault);
      } catch (e) {
        if (e instanceof FaultSpecError) throw new HttpError(400, e.message);
        throw e;
      }
      app.faults.add((body.pathPrefix as string | undefined) ?? '/', fault, count as number);
      sendJson(ctx.res, 200, { ok: true, faults: app.faults.list() });
    })
    .add('DELETE', '/__sandbox/faults', (ctx) => {
      app.faults.clear();
      sendJson(ctx.res, 200, { ok: true });
    })
    .add('POST', '/__sandbox/whiterabbit/keys', async (ctx) => {
      const body = parseJson(await ctx.body()) ?? {};
      const ids = isRecord(body) ? (body.allowedWorkflowIds ?? []) : undefined;
      if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string')) throw new HttpError(400, 'allowedWorkflowIds must be an array of strings');
      const label = isRecord(body) && typeof body.label === 'string' ? body.label : 'restricted';
      const key = mintWhiteRabbitKey(label, ids as string[]);
      app.creds.whiterabbit.push(key);
      app.keyring.add(key);
      await app.saveCredentials();
      sendJson(ctx.res, 200, { apiKey: key.apiKey, apiSecret: key.apiSecret, allowedWorkflowIds: key.allowedWorkflowIds });
    });

  return {
    name: 'control',
    owns: (path) => path === '/__sandbox' || path.startsWith('/__sandbox/'),
    async handle(ctx) {
      if (!isLoopback(ctx.req)) throw new HttpError(403, 'Control routes answer loopback peers only');
      const m = router.match(ctx.method, ctx.path);
      if (m === undefined) throw new HttpError(404, 'Not found');
      if (m === 'method') throw new HttpError(405, 'Method not allowed');
      const refused = controlRefusal(ctx.req, ctx.method);
      if (refused) throw new HttpError(refused.status, refused.message);
      ctx.params = m.params;
      await m.handler(ctx);
    },
    error(res: ServerResponse, status: number, message: string, headers?: Record<string, string>) {
      sendJson(res, status, { error: message }, headers);
    },
  };
}
