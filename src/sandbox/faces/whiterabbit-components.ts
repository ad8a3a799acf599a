import type { App } from '../app';
import { findModule, validate } from '../catalog';
import { componentRecord, isComponentTerminal, isLoopbackUrl } from '../components';
import { HttpError, sendJson } from '../http';
import type { Ctx, Router } from '../http';
import { SseStream, dataFrame } from '../sse';
import type { ComponentExecution } from '../types';
import { delay, isRecord } from '../util';
import { authenticateStream, jsonObject, WR_MALFORMED } from './whiterabbit-auth';
import type { authenticate } from './whiterabbit-auth';

type Authed = Awaited<ReturnType<typeof authenticate>>;
type Wrap = (fn: (ctx: Ctx, auth: Authed) => Promise<void> | void) => (ctx: Ctx) => Promise<void>;

const RESERVED_HEADERS = ['content-type', 'content-length', 'host', 'x-signature', 'x-signature-version', 'x-signature-timestamp', 'x-delivery-id', 'x-event'];

/** White Rabbit's 422 shape: `{ errors: [{ code, message }] }`. */
const invalid = (code: string, message: string): HttpError => new HttpError(422, message, { errors: [{ code, message }] });

function parseExecuteBody(body: Record<string, unknown>): Parameters<App['components']['start']>[0] & { waitForMs: number } {
  if (typeof body.module !== 'string' || !body.module) throw invalid('INVALID_MODULE', 'module is required');
  const spec = findModule(body.module);
  if (!spec) throw invalid('INVALID_MODULE', `Unknown module ${body.module}`);
  const input = body.input ?? {};
  const config = body.config ?? {};
  if (!isRecord(input)) throw invalid('INVALID_INPUT', 'input must be an object');
  if (!isRecord(config)) throw invalid('INVALID_CONFIG', 'config must be an object');
  const inputErr = validate(input, spec.input, 'input');
  if (inputErr) throw invalid('INVALID_INPUT', inputErr);
  const configErr = validate(config, spec.config, 'config');
  if (configErr) throw invalid('INVALID_CONFIG', configErr);
  const attempts = body.attempts ?? 1;
  if (!Number.isInteger(attempts) || (attempts as number) < 1 || (attempts as number) > 3) throw invalid('INVALID_ATTEMPTS', 'attempts must be an integer from 1 to 3');
  const waitForMs = body.waitForMs ?? 0;
  if (!Number.isInteger(waitForMs) || (waitForMs as number) < 0 || (waitForMs as number) > 15_000) throw invalid('INVALID_WAIT', 'waitForMs must be an integer from 0 to 15000');
  let callbackUrl: string | null = null;
  if (body.callbackUrl !== undefined) {
    // The real service wants public HTTPS; the sandbox never calls beyond loopback, so it wants the opposite.
    if (typeof body.callbackUrl !== 'string' || !isLoopbackUrl(body.callbackUrl)) throw invalid('INVALID_CALLBACK_URL', 'The sandbox delivers callbacks to loopback URLs only');
    callbackUrl = body.callbackUrl;
  }
  if (body.callbackSecret !== undefined && typeof body.callbackSecret !== 'string') throw invalid('INVALID_CALLBACK_SECRET', 'callbackSecret must be a string');
  const callbackHeaders: Record<string, string> = {};
  if (body.callbackHeaders !== undefined) {
    if (!isRecord(body.callbackHeaders)) throw invalid('INVALID_CALLBACK_HEADERS', 'callbackHeaders must be an object');
    for (const [k, v] of Object.entries(body.callbackHeaders)) {
      if (typeof v !== 'string') throw invalid('INVALID_CALLBACK_HEADERS', `callbackHeaders.${k} must be a string`);
      if (RESERVED_HEADERS.includes(k.toLowerCase())) throw invalid('INVALID_CALLBACK_HEADERS', `callbackHeaders.${k} is reserved`);
      callbackHeaders[k] = v;
    }
  }
  return {
    module: spec.module,
    input,
    config,
    attempts: attempts as number,
    waitForMs: waitForMs as number,
    callbackUrl,
    callbackSecret: typeof body.callbackSecret === 'string' ? body.callbackSecret : null,
    callbackHeaders,
  };
}

/** Standalone component executions. They are not tied to a workflow, so key scope does not apply. */
export function registerComponentRoutes(app: App, router: Router, authed: Wrap): void {
  const execution = (ctx: Ctx): ComponentExecution => {
    const exec = app.components.get(ctx.params.executionId ?? '');
    if (!exec) throw new HttpError(404, 'Component execution not found');
    return exec;
  };

  router
    .add(
      'POST',
      '/v1/sdk/components',
      authed(async (ctx, auth) => {
        const { waitForMs, ...init } = parseExecuteBody(jsonObject(auth.raw));
        const exec = app.components.start(init);
        // Without waitForMs the answer is always the fresh CREATED record.
        if (waitForMs > 0) await waitTerminal(app, exec, waitForMs, ctx.signal);
        sendJson(ctx.res, 200, componentRecord(exec));
      }),
    )
    .add(
      'GET',
      '/v1/sdk/components/executions/:executionId',
      authed((ctx) => sendJson(ctx.res, 200, componentRecord(execution(ctx)))),
    )
    .add(
      'GET',
      '/v1/sdk/components/executions/:executionId/stream',
      async (ctx) => {
        await authenticateStream(app, ctx);
        const exec = execution(ctx);
        const sse = new SseStream(ctx.res, { heartbeatMs: app.options.wrHeartbeatMs, ping: ':ping\n\n', malformed: WR_MALFORMED, fault: ctx.fault }, app.streams);
        const frame = (): string => dataFrame({ id: exec.id, status: exec.status, output: exec.output, error: exec.error, timestamp: new Date().toISOString() });
        sse.send(frame());
        if (isComponentTerminal(exec)) {
          sse.end();
          return;
        }
        const off = app.components.events.on(exec.id, () => {
          sse.send(frame());
          if (isComponentTerminal(exec)) {
            sse.end();
            off();
          }
        });
        sse.onClose(off);
      },
    )
    .add(
      'POST',
      '/v1/sdk/components/executions/:executionId/replay-callback',
      authed(async (ctx) => {
        const exec = execution(ctx);
        if (!isComponentTerminal(exec)) throw new HttpError(409, 'Execution has not finished');
        if (!(await app.components.redeliver(exec))) throw new HttpError(409, 'no callback url', { error: 'NO_CALLBACK', message: 'no callback url' });
        sendJson(ctx.res, 200, componentRecord(exec));
      }),
    );
}

async function waitTerminal(app: App, exec: ComponentExecution, ms: number, signal: AbortSignal): Promise<void> {
  if (isComponentTerminal(exec)) return;
  const ctl = new AbortController();
  const onAbort = (): void => ctl.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const off = app.components.events.on(exec.id, () => {
    if (isComponentTerminal(exec)) ctl.abort();
  });
  try {
    await delay(ms, ctl.signal);
  } catch {
    // Ended early: terminal, or the server is closing. Either way answer with the current record.
  } finally {
    off();
    signal.removeEventListener('abort', onAbort);
  }
}
