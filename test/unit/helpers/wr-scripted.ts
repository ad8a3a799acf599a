// A purpose-built White Rabbit server on loopback whose every answer the test hands over by
// hand: the run stream stays open and carries exactly the frames the test writes, and each run
// detail read waits until the test answers it. The shapes follow the seeds: the trigger answer
// `{ runId, jobId }` (seed 000 lines 25-30), the run detail with `runStages` (seed 000 lines
// 43-64), unnamed `data:` frames of `RunStreamEvent`s (seed 000 lines 98-118) that close after a
// terminal status (seed 000 line 70).
import type { ServerResponse } from 'node:http';
import type { Received, RouteServer } from './http-routes';
import { json, startRoutes } from './http-routes';

export const WF = '7c0ffee0-0000-4000-8000-0000000000aa';
export const RUN = '7c0ffee0-0000-4000-8000-000000000001';
export const DETAIL_PATH = `/v1/sdk/workflows/executions/${RUN}`;
export const STREAM_PATH = `${DETAIL_PATH}/stream`;
export const TRIGGER_PATH = `/v1/sdk/workflows/${WF}`;
/** Any 32-byte seed signs; this server checks no signature. */
export const SEED = 'a1'.repeat(32);

export interface StageSpec {
  readonly id: string;
  readonly module: string;
  readonly status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED';
  readonly error?: unknown;
}

/** A `RunStreamEvent` (seed 000 lines 100-118). */
export function streamEvent(status: string, inFlight: readonly StageSpec[], counts: { pending: number; failed: number; usage: number }): unknown {
  return {
    id: RUN,
    status,
    output: {
      totalUsage: counts.usage,
      pendingStageCount: counts.pending,
      failedStageCount: counts.failed,
      cancelRequestedAt: null,
      cancelReason: null,
      nonTerminalStages: inFlight.map((s) => ({ id: s.id, module: s.module, status: s.status, executionEventId: null, executionAttempt: 1 })),
    },
    timestamp: '2026-04-20T10:00:05Z',
  };
}

/** A `WorkflowRunDetail` (seed 000 lines 45-64; the error field as the SDK's type has it). */
export function runDetail(status: string, stages: readonly StageSpec[], usage = 14): unknown {
  return {
    id: RUN,
    status,
    pendingStageCount: stages.filter((s) => s.status === 'CREATED' || s.status === 'RUNNING').length,
    failedStageCount: stages.filter((s) => s.status === 'FAILED').length,
    totalUsage: usage,
    createdAt: '2026-04-20T10:00:00Z',
    updatedAt: '2026-04-20T10:00:08Z',
    runStages: stages.map((s) => ({
      id: s.id,
      module: s.module,
      status: s.status,
      output: s.status === 'COMPLETED' ? { ok: true } : null,
      error: s.error ?? null,
      creditUsage: 3,
      executionAttempt: 1,
      updatedAt: '2026-04-20T10:00:05Z',
    })),
  };
}

export interface ScriptedWhiteRabbit {
  readonly url: string;
  readonly routes: RouteServer;
  /** Resolves with the open stream once the client subscribes. */
  stream(): Promise<{ write(frame: unknown): void; end(): void }>;
  /** Resolves with the next detail read the client sent; answer it with `answer(body)`. */
  nextDetail(): Promise<{ answer(body: unknown): void }>;
  detailReads(): number;
  close(): Promise<void>;
}

export async function startScriptedWhiteRabbit(): Promise<ScriptedWhiteRabbit> {
  const routes = await startRoutes();
  const streams = new Queue<ServerResponse>();
  const details = new Queue<ServerResponse>();
  routes.on('POST', TRIGGER_PATH, (_req: Received, res) => json(res, 200, { runId: RUN, jobId: 'bull-1' }));
  routes.on('GET', STREAM_PATH, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    streams.put(res);
  });
  routes.on('GET', DETAIL_PATH, (_req, res) => details.put(res));
  return {
    url: routes.url,
    routes,
    async stream() {
      const res = await streams.take();
      return { write: (frame) => void res.write(`data: ${JSON.stringify(frame)}\n\n`), end: () => void res.end() };
    },
    async nextDetail() {
      const res = await details.take();
      return { answer: (body) => json(res, 200, body) };
    },
    detailReads: () => routes.count('GET', DETAIL_PATH),
    close: () => routes.close(),
  };
}

/** Items handed from the server's handlers to the test, in arrival order. */
class Queue<T> {
  private readonly items: T[] = [];
  private readonly waiting: Array<(item: T) => void> = [];

  put(item: T): void {
    const taker = this.waiting.shift();
    if (taker) taker(item);
    else this.items.push(item);
  }

  take(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** Everything a consumer saw, with a way to wait until a state shows up. */
export class Observed<T> {
  readonly all: T[] = [];
  private readonly waiters: Array<{ match: (item: T) => boolean; resolve: (item: T) => void }> = [];

  push(item: T): void {
    this.all.push(item);
    for (const w of [...this.waiters]) {
      if (!w.match(item)) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(item);
    }
  }

  /** The latest item if it matches, else the next one that does. */
  until(match: (item: T) => boolean): Promise<T> {
    const latest = this.all.at(-1);
    if (latest !== undefined && match(latest)) return Promise.resolve(latest);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}
