import type { App } from '../app';
import { header, HttpError, parseJson, sendJson } from '../http';
import type { Ctx } from '../http';
import { FaceRecords } from '../ownership';
import { isRecord, UUID_RE } from '../util';
import { structured, waitFor } from './powabase-common';

const WEBHOOK_TIMEOUT_MS = 300_000;

/**
 * POST /api/webhooks/{webhook_id}. No `apikey` (Kong lets it through); the only credential is the
 * webhook block's secret, as a Bearer token or `?token=`. The webhook is active while the workflow
 * is deployed, or for one call inside an armed window: firing consumes the arm.
 */
export async function handleWebhook(app: App, ctx: Ctx): Promise<void> {
  const m = /^\/api\/webhooks\/([^/]+)\/?$/.exec(ctx.path);
  if (!m) throw new HttpError(404, 'Not found');
  if (ctx.method !== 'POST') throw new HttpError(405, 'Method not allowed');
  const webhookId = decodeURIComponent(m[1] ?? '');
  if (!UUID_RE.test(webhookId)) throw structured(400, 'Invalid webhook ID', 'VALIDATION_ERROR');
  let wf;
  let secret: unknown;
  // Webhook blocks are Powabase's: only its own workflows are searched.
  for (const w of new FaceRecords(app.store, 'powabase').workflows()) {
    const block = w.blocks.find((b) => b.type === 'webhook' && b.config?.webhook_id === webhookId);
    if (block) {
      wf = w;
      secret = block.config.webhook_secret;
      break;
    }
  }
  if (!wf) throw structured(404, 'Workflow not found', 'WORKFLOW_NOT_FOUND');
  const authz = header(ctx.req, 'authorization') ?? '';
  const bearer = /^Bearer\s+(\S+)$/.exec(authz.trim())?.[1];
  const token = bearer ?? ctx.url.searchParams.get('token');
  if (typeof secret !== 'string' || !secret || token !== secret) throw new HttpError(401, 'Unauthorized');
  const armed = wf.webhook_armed_until !== null && Date.parse(wf.webhook_armed_until) > Date.now();
  if (wf.state !== 'deployed' && !armed) throw new HttpError(403, 'Webhook is not active');
  let body: unknown;
  try {
    body = parseJson(await ctx.body());
  } catch {
    throw structured(400, 'Request body is not valid JSON', 'VALIDATION_ERROR');
  }
  if (body !== undefined && !isRecord(body)) throw structured(400, 'Webhook payload must be a JSON object', 'VALIDATION_ERROR');
  if (wf.state !== 'deployed') {
    // Single use: the arm is spent by this call, before the run even starts.
    wf.webhook_armed_until = null;
    app.saveWorkflow(wf);
  }
  const run = app.engine.start(wf, 'webhook', body ?? {});
  await waitFor(app, run, ctx.signal, WEBHOOK_TIMEOUT_MS);
  sendJson(ctx.res, 200, { execution_id: run.id, status: 'completed', output: run.output });
}
