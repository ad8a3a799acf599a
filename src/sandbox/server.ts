/**
 * The embedded sandbox: one engine, three API faces on one port (their paths don't collide:
 * White Rabbit `/v1/...`, Powabase `/api/workflows...` + `/api/webhooks/...`, Supervity
 * `/api/v1/workflow-runs...`), plus loopback-only `/__sandbox/...` control routes. Requests whose
 * `Host` is not this server are refused on every face (DNS rebinding, see guard.ts).
 *
 * Each face is its own service: it owns its workflows (the samples of src/sandbox/samples/<face>.ts
 * and, for Powabase, the ones created through it) and the runs of those workflows. Records of one
 * face are invisible through the other two (lists leave them out, lookups answer 404), exactly as
 * three separate services would behave; only the engine underneath is shared.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, Face } from './app';
import { ComponentRunner } from './components';
import { createControlFace } from './control';
import { Engine } from './engine';
import { createPowabaseFace } from './faces/powabase';
import { createSupervityFace } from './faces/supervity';
import { createWhiteRabbitFace } from './faces/whiterabbit';
import { FaultRegistry, FaultSpecError, parseFault } from './faults';
import type { Fault } from './faults';
import { BODY_CAP, header, HttpError, isLoopback, readBody, sendHtml, sendJson } from './http';
import type { Ctx } from './http';
import { hostRefusal } from './guard';
import { freshCredentials, parseCredentials, WhiteRabbitKeyring } from './keys';
import { assignFaces, needsSeeding, seededMeta, seedSamples } from './migrate';
import { SAMPLE_IDS, sampleIdsOf } from './samples';
import type { SseStream } from './sse';
import { ensureDir, Store } from './store';
import { isTerminal } from './types';
import type { FaceName, RunRecord } from './types';
import { delay, errorMessage } from './util';

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Folder for persistent state; undefined keeps everything in memory. */
  stateDir?: string;
  /** Overrides both ping intervals (White Rabbit 15 s, Supervity 9 s). */
  heartbeatMs?: number;
  /** Multiplies every simulated duration (tests use e.g. 0.05). */
  timeScale?: number;
  /** Powabase's per-minute execute limit (default 20). */
  executeLimitPerMinute?: number;
  /**
   * How long after a streamed run's `done` Powabase saves its final status and logs (default
   * 300 ms; the service writes them after sending `done`). 0 saves at once.
   */
  powabaseSaveDelayMs?: number;
  /** Finished runs kept before the oldest are pruned (default 1000). */
  maxRuns?: number;
  log?: (line: string) => void;
}

/** Exactly the JSON object `dist/sandbox.js` prints on start. */
export interface SandboxInfo {
  url: string;
  /** `workflowNames`: the samples' names, which the White Rabbit and Supervity APIs cannot serve. */
  whiterabbit: { apiKey: string; apiSecret: string; workflowIds: string[]; workflowNames: Record<string, string> };
  powabase: { apiKey: string; workflowIds: string[] };
  supervity: { apiKey: string; org: string; workflowIds: string[]; workflowNames: Record<string, string> };
}

export interface Sandbox {
  url: string;
  info: SandboxInfo;
  /** Stops timers, ends open streams, closes the server and flushes state. */
  close(): Promise<void>;
}

const CREDENTIALS_FILE = 'credentials.json';
const META_FILE = 'sandbox.json';

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => undefined);
  const maxRuns = options.maxRuns ?? 1000;
  if (options.stateDir) ensureDir(options.stateDir);
  const store = new Store(options.stateDir, log);
  store.load();

  const creds = parseCredentials(store.readMeta(CREDENTIALS_FILE)) ?? freshCredentials();
  await store.writeMeta(CREDENTIALS_FILE, creds);
  // State from before each face owned its records: give them faces, drop the shared samples.
  assignFaces(store, log);
  // Samples are seeded once per state dir and layout, so a user who deletes one keeps it deleted.
  if (needsSeeding(store.readMeta(META_FILE))) {
    seedSamples(store);
    // Samples must be on disk before the marker is, or a kill in between would lose them for good.
    await store.flush();
    await store.writeMeta(META_FILE, seededMeta());
  }

  const lifetime = new AbortController();
  const timeScale = options.timeScale ?? 1;
  const prune = (): void => {
    if (store.runs.size <= maxRuns + 50) return;
    const finished = [...store.runs.values()].filter((r) => isTerminal(r.status)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const r of finished.slice(0, store.runs.size - maxRuns)) store.remove('runs', r.id);
  };
  const engine = new Engine({
    timeScale,
    runs: store.runs,
    log,
    persist: (run: RunRecord) => {
      store.save('runs', run.id);
      if (isTerminal(run.status)) prune();
    },
  });
  const components = new ComponentRunner(store, timeScale, log);
  const streams = new Set<SseStream>();
  const host = options.host ?? '127.0.0.1';
  const app: App = {
    store,
    engine,
    components,
    creds,
    keyring: new WhiteRabbitKeyring(creds.whiterabbit),
    faults: new FaultRegistry(),
    streams,
    options: {
      timeScale,
      executeLimitPerMinute: options.executeLimitPerMinute ?? 20,
      wrHeartbeatMs: options.heartbeatMs ?? 15_000,
      supervityHeartbeatMs: options.heartbeatMs ?? 9_000,
      powabaseSaveDelayMs: options.powabaseSaveDelayMs ?? 300,
    },
    signal: lifetime.signal,
    log,
    saveWorkflow: (wf) => {
      store.workflows.set(wf.id, wf);
      store.save('workflows', wf.id);
    },
    saveCredentials: () => store.writeMeta(CREDENTIALS_FILE, creds),
    sampleIds: Object.values(SAMPLE_IDS).flatMap((ids) => Object.values(ids)),
  };
  prune();
  for (const run of [...store.runs.values()]) if (!isTerminal(run.status)) engine.resume(run);
  components.resumeAll();

  const faces: Face[] = [createWhiteRabbitFace(app), createSupervityFace(app), createPowabaseFace(app), createControlFace(app)];
  const server = createServer((req, res) => {
    handle(app, faces, host, req, res).catch((e: unknown) => {
      log(`request ${req.method} ${req.url} crashed: ${errorMessage(e)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'INTERNAL_ERROR', message: 'Internal sandbox error' });
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    // Malformed HTTP: answer 400 if the socket still can, never crash.
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // Each connection line lists its own face's samples (those the user has not deleted).
  const sampleIds = (face: FaceName): string[] => sampleIdsOf(face).filter((id) => store.workflows.get(id)?.face === face);
  const sampleNames = (face: FaceName): Record<string, string> => Object.fromEntries(sampleIds(face).map((id) => [id, store.workflows.get(id)?.name ?? id]));
  const info: SandboxInfo = {
    url,
    whiterabbit: { apiKey: creds.whiterabbit[0]?.apiKey ?? '', apiSecret: creds.whiterabbit[0]?.apiSecret ?? '', workflowIds: sampleIds('whiterabbit'), workflowNames: sampleNames('whiterabbit') },
    powabase: { apiKey: creds.powabase.apiKey, workflowIds: sampleIds('powabase') },
    supervity: { apiKey: creds.supervity.apiKey, org: creds.supervity.org, workflowIds: sampleIds('supervity'), workflowNames: sampleNames('supervity') },
  };
  log(`sandbox listening on ${url}${options.stateDir ? ` (state in ${options.stateDir})` : ' (in memory)'}`);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      lifetime.abort(new Error('sandbox closed'));
      for (const s of [...streams]) s.terminate();
      await Promise.all([engine.shutdown(), components.shutdown()]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
    })());
  return { url, info, close };
}

async function handle(app: App, faces: Face[], boundHost: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.local');
  const path = url.pathname;
  const face = faces.find((f) => f.owns(path));
  // Before anything else, on every face: a foreign Host is a DNS-rebound web page (guard.ts).
  const foreignHost = hostRefusal(req, boundHost);
  if (foreignHost !== undefined) {
    if (face) face.error(res, 403, foreignHost);
    else sendJson(res, 403, { error: 'FORBIDDEN', message: foreignHost });
    return;
  }
  if (!face) {
    sendJson(res, 404, { error: 'NOT_FOUND', message: `No sandbox API serves ${path}` });
    return;
  }
  const reqCtl = new AbortController();
  res.on('close', () => reqCtl.abort());
  let bodyPromise: Promise<Buffer> | undefined;
  const ctx: Ctx = {
    req,
    res,
    method: (req.method ?? 'GET').toUpperCase(),
    url,
    path,
    params: {},
    fault: null,
    signal: AbortSignal.any([app.signal, reqCtl.signal]),
    body: (cap = BODY_CAP) => (bodyPromise ??= readBody(req, cap)),
  };
  try {
    if (face.name !== 'control') {
      ctx.fault = pickFault(app, req, path);
      if (await applyFault(face, ctx)) return;
    }
    await face.handle(ctx);
  } catch (e) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e instanceof HttpError) {
      if (e.body !== undefined) sendJson(res, e.status, e.body, e.headers);
      else face.error(res, e.status, e.message, e.headers);
      return;
    }
    if (ctx.signal.aborted) {
      face.error(res, 503, 'Server is shutting down');
      return;
    }
    app.log(`${face.name}: ${ctx.method} ${path} failed: ${errorMessage(e)}`);
    face.error(res, 500, 'Internal server error');
  }
}

/** A header fault (loopback peers only) wins over a queued one. */
function pickFault(app: App, req: IncomingMessage, path: string): Fault | null {
  const spec = header(req, 'x-sandbox-fault');
  if (spec !== undefined && isLoopback(req)) {
    try {
      return parseFault(spec);
    } catch (e) {
      if (e instanceof FaultSpecError) throw new HttpError(400, `Invalid x-sandbox-fault: ${e.message}`);
      throw e;
    }
  }
  return app.faults.take(path);
}

/** Applies the request-level part of a fault; true when the response has been sent. */
async function applyFault(face: Face, ctx: Ctx): Promise<boolean> {
  const f = ctx.fault;
  if (!f) return false;
  if (f.delayMs) await delay(f.delayMs, ctx.signal);
  if (f.status === undefined) return false;
  await ctx.body().catch(() => undefined); // drain, so keep-alive connections stay usable
  const headers: Record<string, string> = f.retryAfter !== undefined ? { 'retry-after': f.retryAfter } : {};
  const message = f.status === 429 ? 'Too many requests (injected fault)' : `Injected fault: HTTP ${f.status}`;
  if (f.html) sendHtml(ctx.res, f.status, f.status === 429 ? 'Too Many Requests' : 'Service Unavailable', message, headers);
  else face.error(ctx.res, f.status, message, headers);
  return true;
}
