import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { json, startRoutes } from './http-routes';
import type { RouteServer } from './http-routes';
import { sseFrame } from './scripted-sse';

/**
 * A loopback server that behaves as the published Powabase source does around a streamed run
 * (GitHub powabase-ai/powabase-ai, `src/agentic_project_service/routes/workflows.py`, v0.7.0):
 *
 * - `execute_workflow_stream` inserts the execution row as `running`, then runs the workflow
 *   inside the response generator (`_stream_events`, `_sync_stream`).
 * - `done` is yielded before the generator's `finally` calls `_persist_execution_result`: the
 *   row reads `running` and the logs are empty until then. Here the save happens after
 *   `saveAfterReads` reads of the executions list that follow `done` (a deterministic stand-in
 *   for "a moment later").
 * - When the client disconnects, Flask closes the generator at its next `yield`: the `finally`
 *   saves the run `completed` with the block outputs gathered so far, and nothing more runs.
 *
 * Blocks play one after the other; `pauseBefore` holds the stream before a block starts until
 * `resume()` is called, so a test can act while a run is in flight without sleeping.
 */
export interface SourceBlock {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly output: unknown;
}

interface Execution {
  id: string;
  status: 'running' | 'completed' | 'failed';
  output: unknown;
  started_at: string;
  created_at: string;
  completed_at: string | null;
  logs: Array<Record<string, unknown>>;
}

export interface PowabaseSource {
  readonly routes: RouteServer;
  readonly url: string;
  readonly executions: Execution[];
  /** Resolves when the stream is held before `pauseBefore`. */
  readonly paused: Promise<void>;
  /** Resolves when the client's connection to the stream has closed. */
  readonly disconnected: Promise<void>;
  /** Resolves when the run's final status and logs are saved. */
  readonly saved: Promise<void>;
  resume(): void;
  close(): Promise<void>;
}

export async function startPowabaseSource(options: {
  readonly workflowId: string;
  readonly blocks: readonly SourceBlock[];
  readonly pauseBefore?: string;
  /** The connection is cut (as by a proxy or a network failure) before this block starts. */
  readonly dropBefore?: string;
  readonly saveAfterReads?: number;
}): Promise<PowabaseSource> {
  const routes = await startRoutes();
  const base = `/api/workflows/${options.workflowId}`;
  const executions: Execution[] = [];
  let resumeNow!: () => void;
  const resumed = new Promise<void>((r) => (resumeNow = r));
  let markPaused!: () => void;
  const paused = new Promise<void>((r) => (markPaused = r));
  let markDisconnected!: () => void;
  const disconnected = new Promise<void>((r) => (markDisconnected = r));
  let markSaved!: () => void;
  const saved = new Promise<void>((r) => (markSaved = r));
  let unsaved: { exec: Execution; save: () => void; readsLeft: number } | undefined;

  routes.on('GET', base, (_req, res) =>
    json(res, 200, {
      id: options.workflowId,
      name: 'Source workflow',
      description: null,
      variables: {},
      version: 1,
      state: 'internal',
      blocks: options.blocks.map((b) => ({ id: b.id, type: b.type, name: b.name, position: { x: 0, y: 0 }, config: {}, enabled: true })),
      edges: [],
    }),
  );

  routes.on('POST', `${base}/execute/stream`, async (_req, res) => {
    const now = new Date().toISOString().replace('Z', '+00:00');
    const exec: Execution = { id: randomUUID(), status: 'running', output: null, started_at: now, created_at: now, completed_at: null, logs: [] };
    executions.unshift(exec);
    // `get_execution_logs`: the rows `persist_block_logs` wrote, none before the save.
    routes.on('GET', `${base}/executions/${exec.id}/logs`, (_r, out) => json(out, 200, { block_logs: exec.logs }));
    let gone = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        gone = true;
        markDisconnected();
      }
    });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    const outputs: Array<{ block: SourceBlock; order: number }> = [];
    // `_persist_execution_result` with no error: completed, output = the response block's, logs of what ran.
    const persist = (): void => {
      exec.status = 'completed';
      exec.completed_at = new Date().toISOString().replace('Z', '+00:00');
      const response = outputs.find((o) => o.block.type === 'response');
      exec.output = (response?.block.output as { output?: unknown } | undefined)?.output ?? null;
      exec.logs = outputs.map(({ block, order }) => logOf(block, order));
      markSaved();
    };
    const send = (out: ServerResponse, frame: unknown): boolean => {
      // The generator is closed at its next yield once the client has gone.
      if (gone) return false;
      out.write(sseFrame(frame));
      return true;
    };
    for (const [order, block] of options.blocks.entries()) {
      if (block.id === options.pauseBefore) {
        markPaused();
        await resumed;
      }
      if (block.id === options.dropBefore) {
        gone = true;
        res.socket?.destroy();
      }
      if (!send(res, { type: 'block_start', block_id: block.id, block_type: block.type })) return persist();
      // The outputs are recorded before the frame is yielded, as `_sync_stream` does.
      outputs.push({ block, order });
      if (!send(res, { type: 'block_complete', block_id: block.id, block_type: block.type, data: block.output, duration_ms: 1.5 })) return persist();
    }
    if (!send(res, { type: 'done', execution_id: exec.id })) return persist();
    res.end();
    unsaved = { exec, save: persist, readsLeft: options.saveAfterReads ?? 0 };
    if (unsaved.readsLeft === 0) persist();
  });

  routes.on('GET', `${base}/executions`, (req, res) => {
    const limit = Math.max(1, Math.min(Number(req.query.get('limit') ?? 20), 100));
    const rows = executions.slice(0, limit).map(({ logs: _logs, ...row }) => ({ ...row, input: {}, error: null }));
    json(res, 200, { executions: rows });
    // Saved a moment after `done`: after this many reads that saw it still running.
    if (unsaved && unsaved.exec.status === 'running' && --unsaved.readsLeft <= 0) unsaved.save();
  });

  return {
    routes,
    url: routes.url,
    executions,
    paused,
    disconnected,
    saved,
    resume: resumeNow,
    close: () => routes.close(),
  };
}

function logOf(block: SourceBlock, order: number): Record<string, unknown> {
  return {
    block_id: block.id,
    block_type: block.type,
    block_name: block.name,
    status: 'success',
    duration_ms: 1.5,
    input: {},
    output: block.output,
    error: null,
    config_snapshot: {},
    execution_order: order,
    agent_run_id: null,
  };
}
