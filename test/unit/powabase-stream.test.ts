import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { PowabaseBackend } from '../../src/core/adapters/powabase/adapter';
import type { PowabaseDeps } from '../../src/core/adapters/powabase/adapter';
import type { Logger } from '../../src/core/util/log';
import { bodyJson, json, startRoutes } from './helpers/http-routes';
import type { RouteServer } from './helpers/http-routes';
import { drain, pbBlockLog as blockLog, pbExecution as exec } from './helpers/scripted-fixtures';
import { playSse, sseFrame } from './helpers/scripted-sse';
import type { SseStep } from './helpers/scripted-sse';

const WF = '/api/workflows/wf-1';
const EXECUTE = `${WF}/execute/stream`;

let server: RouteServer;
before(async () => (server = await startRoutes()));
after(() => server.close());
beforeEach(() => server.received.splice(0));

/** Settling after `done` retries without sleeping: these scripts do not exercise the save delay. */
const NO_WAIT = { attempts: 2, baseMs: 1, maxMs: 1, wait: async () => undefined };

function backend(deps: PowabaseDeps = {}): PowabaseBackend {
  return new PowabaseBackend(
    { name: 'pb', kind: 'powabase', baseUrl: server.url },
    { apiKey: 'k' },
    { streamIdleMs: 2_000, pollMinMs: 5, pollMaxMs: 20, timeoutMs: 3_000, settle: NO_WAIT, ...deps },
  );
}

function recordingLog(): Logger & { debugs: string[] } {
  const debugs: string[] = [];
  return { debugs, trace() {}, debug: (m) => void debugs.push(m), info() {}, warn() {}, error() {} };
}

/** Scripts the execute stream, the newest-execution lookup and the execution's REST state. */
function script(steps: readonly SseStep[], rest: { newest?: () => unknown; executions?: () => unknown[]; logs?: () => unknown[] } = {}): void {
  server.on('POST', EXECUTE, (_req, res) => playSse(res, steps));
  server.on('GET', `${WF}/executions`, (req, res) => {
    if (req.query.get('limit') === '1' && rest.newest) return json(res, 200, { executions: [rest.newest()].filter(Boolean) });
    json(res, 200, { executions: rest.executions?.() ?? [] });
  });
  server.on('GET', `${WF}/executions/e1/logs`, (_req, res) => json(res, 200, { block_logs: rest.logs?.() ?? [] }));
}

describe('Powabase trigger stream', () => {
  test('maps block events, learns the id from the newest execution, completes the stages from the logs', async () => {
    script(
      [
        { frame: { type: 'block_start', block_id: 'a', block_type: 'agent' } },
        { frame: { type: 'block_chunk', block_id: 'a', block_type: 'agent', chunk: 'Hel' } },
        { frame: { type: 'block_chunk', block_id: 'a', block_type: 'agent', chunk: 'lo' } },
        { frame: { type: 'block_complete', block_id: 'a', block_type: 'agent', data: { content: 'Hello' }, duration_ms: 41.5 } },
        { frame: { type: 'block_start', block_id: 'b', block_type: 'code' } },
        { frame: { type: 'block_error', block_id: 'b', block_type: 'code', data: { error: 'division by zero' }, duration_ms: 3 } },
        { frame: { type: 'done', execution_id: 'e1' } },
      ],
      {
        newest: () => exec('e1', 'running', { created_at: new Date().toISOString() }),
        logs: () => [
          blockLog('a', 'success', 0, { block_type: 'agent', block_name: 'Writer' }),
          blockLog('b', 'error', 1, { output: { error: 'division by zero' } }),
          blockLog('c', 'skipped', 2, { block_type: 'response', output: null }),
        ],
      },
    );
    const runs = await drain(backend().trigger('wf-1', { text: 'hi', n: 2 }));
    assert.deepEqual(bodyJson(server.last('POST', EXECUTE)!), { variables: { text: 'hi', n: 2 } });
    assert.equal(server.last('POST', EXECUTE)?.headers.apikey, 'k');
    assert.ok(runs.every((r) => r.id === 'e1'), 'the id is known from the first snapshot');
    assert.deepEqual(runs[0]?.stages, []);
    assert.equal(runs.find((r) => r.stages[0]?.text === 'Hel')?.stages[0]?.status, 'running');
    const final = runs.at(-1)!;
    assert.deepEqual([final.status, final.rawStatus, final.workflowId], ['completed_with_errors', 'completed', 'wf-1']);
    assert.match(final.error ?? '', /division by zero/);
    assert.deepEqual(final.stages.map((s) => [s.id, s.name, s.status]), [['a', 'Writer', 'completed'], ['b', 'Block b', 'failed'], ['c', 'Block c', 'skipped']]);
    assert.equal(final.stages[0]?.text, 'Hello', 'streamed text survives the log merge');
    assert.equal(final.stages[1]?.error, 'division by zero');
    assert.equal(server.count('POST', EXECUTE), 1);
    assert.equal(server.count('GET', `${WF}/executions/e1/logs`), 1, 'logs are read once, after done');
  });

  test('documented aliases, `event` keys, chunked bytes, malformed and unknown frames', async () => {
    const log = recordingLog();
    const complete = sseFrame({ event: 'block_completed', block_id: 'a', output: { text: 'héllo ✓' }, duration_ms: 5 });
    const bytes = Buffer.from(complete);
    const cut = bytes.indexOf(Buffer.from('✓')) + 1; // inside the UTF-8 sequence
    script(
      [
        { raw: ': keepalive\n\n' },
        { frame: { type: 'workflow_start' } },
        { frame: { type: 'block_started', block_id: 'a', block_type: 'agent' } },
        { frame: { type: 'block_chunk', block_id: 'a', delta: 'hé' } },
        { frame: { type: 'content_delta', block_id: 'a', content: 'llo' } },
        { raw: 'data: {"type": "block_chunk", "block_id": \n\n' },
        { frame: { type: 'block_chunk', chunk: 'no block id' } },
        { raw: bytes.subarray(0, 7), delayMs: 5 },
        { raw: bytes.subarray(7, cut), delayMs: 5 },
        { raw: bytes.subarray(cut), delayMs: 5 },
        { frame: { type: 'block_output', block_id: 'r', block_type: 'response', output: { output: 'final' } } },
        { frame: { event: 'workflow_complete', execution_id: 'e1' } },
      ],
      { newest: () => exec('e1', 'running'), logs: () => [] },
    );
    const runs = await drain(backend({ log }).trigger('wf-1', {}));
    const final = runs.at(-1)!;
    assert.equal(final.status, 'completed');
    assert.equal(final.output, 'final', 'the response block output is the run output');
    assert.deepEqual(final.stages[0], { ...final.stages[0], id: 'a', status: 'completed', text: 'héllo', output: { text: 'héllo ✓' }, durationMs: 5 });
    assert.ok(log.debugs.some((m) => /not JSON/.test(m)), 'malformed JSON is logged at debug');
    assert.ok(log.debugs.some((m) => /lacks required fields/.test(m)));
    assert.ok(log.debugs.some((m) => /ignoring frame of type workflow_start/.test(m)));
  });

  test('a provisional pending: id is used when the lookup fails, then replaced by done', async () => {
    script(
      [
        { frame: { type: 'block_start', block_id: 'a' } },
        { frame: { type: 'block_complete', block_id: 'a', data: {} } },
        { frame: { type: 'done', execution_id: 'e1' } },
      ],
      // An old, finished execution is somebody else's: not taken as ours.
      { newest: () => exec('old', 'completed', { created_at: '2020-01-01T00:00:00' }), logs: () => [blockLog('a', 'success', 0)] },
    );
    const runs = await drain(backend().trigger('wf-1', {}));
    assert.match(runs[0]?.id ?? '', /^pending:[0-9a-f-]{36}$/);
    assert.equal(runs.at(-1)?.id, 'e1');
    assert.equal(runs.at(-1)?.status, 'completed');
    const lookups = server.received.filter((r) => r.path === `${WF}/executions` && r.query.get('limit') === '1');
    assert.equal(lookups.length, 2, 'looked up at open and again at the first block');
  });

  test('an error event fails the run with its message and EXECUTION_TIMEOUT code', async () => {
    script(
      [
        { frame: { type: 'block_start', block_id: 'a' } },
        { frame: { type: 'error', error: 'Workflow execution timed out after 600s', error_code: 'EXECUTION_TIMEOUT' } },
      ],
      { newest: () => exec('e1', 'running'), logs: () => [blockLog('a', 'error', 0, { output: { error: 'cancelled by timeout' } })] },
    );
    const final = (await drain(backend().trigger('wf-1', {}))).at(-1)!;
    assert.deepEqual([final.id, final.status, final.rawStatus], ['e1', 'failed', 'failed']);
    assert.equal(final.error, 'Workflow execution timed out after 600s (EXECUTION_TIMEOUT)');
    assert.equal(final.stages[0]?.status, 'failed');
  });

  test('a dropped stream is reconciled through REST, never by executing again', async () => {
    let state = 'running';
    script(
      [
        { frame: { type: 'block_start', block_id: 'a' } },
        { drop: true, delayMs: 10 },
      ],
      {
        newest: () => exec('e1', 'running'),
        executions: () => {
          const now = state;
          state = 'completed';
          return [exec('e1', now)];
        },
        logs: () => [blockLog('a', 'success', 0), blockLog('b', 'error', 1)],
      },
    );
    const runs = await drain(backend().trigger('wf-1', {}));
    const final = runs.at(-1)!;
    assert.deepEqual([final.id, final.status], ['e1', 'completed_with_errors']);
    assert.equal(server.count('POST', EXECUTE), 1);
    assert.ok(server.count('GET', `${WF}/executions`) >= 3, 'polled until terminal');
  });

  test('a silent stream is never dropped for silence: the run lives on it', async () => {
    // workflows.py `execute_workflow_stream`: no keepalive on this route, and closing the stream
    // stops the run (`_sync_stream`). A watchdog asked for 50 ms must not cut a 300 ms silence.
    script(
      [
        { frame: { type: 'block_start', block_id: 'a', block_type: 'agent' } },
        { frame: { type: 'block_complete', block_id: 'a', block_type: 'agent', data: { content: 'slow' } }, delayMs: 300 },
        { frame: { type: 'done', execution_id: 'e1' } },
      ],
      {
        newest: () => exec('e1', 'running', { created_at: new Date().toISOString() }),
        executions: () => [exec('e1', 'completed')],
        logs: () => [blockLog('a', 'success', 0)],
      },
    );
    const runs = await drain(backend({ streamIdleMs: 50 }).trigger('wf-1', {}));
    assert.equal(runs.at(-1)?.status, 'completed');
    assert.ok(runs.every((r) => r.notice === undefined), 'the stream was never reported lost');
    assert.equal(server.count('POST', EXECUTE), 1);
    assert.equal(server.count('GET', `${WF}/executions/e1/logs`), 1, 'no reconcile: the logs are read once, after done');
  });

  test('a stream that ends before naming the run still finds it by lookup', async () => {
    let lookups = 0;
    script([{ frame: { type: 'block_start', block_id: 'a' } }], {
      // Not visible at first (the row is written late), visible on the reconcile.
      newest: () => (++lookups > 2 ? exec('e1', 'completed', { created_at: new Date().toISOString() }) : undefined),
      executions: () => [exec('e1', 'completed')],
    });
    const final = (await drain(backend().trigger('wf-1', {}))).at(-1)!;
    assert.deepEqual([final.id, final.status], ['e1', 'completed']);
    assert.equal(server.count('POST', EXECUTE), 1);
  });
});
