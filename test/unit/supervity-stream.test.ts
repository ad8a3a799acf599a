import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import { SupervityBackend } from '../../src/core/adapters/supervity/adapter';
import type { AdapterDeps } from '../../src/core/adapters/deps';
import type { Logger } from '../../src/core/util/log';
import { formFields, json, startRoutes } from './helpers/http-routes';
import type { RouteServer } from './helpers/http-routes';
import { drain, rejection, svRun } from './helpers/scripted-fixtures';
import { manualTimers } from './helpers/manual-timers';
import { playSse, sseFrame } from './helpers/scripted-sse';
import type { SseStep } from './helpers/scripted-sse';

const BASE = '/api/v1/workflow-runs';
const EXECUTE = `${BASE}/execute/stream`;

let server: RouteServer;
before(async () => (server = await startRoutes()));
after(() => server.close());
beforeEach(() => server.received.splice(0));

function backend(deps: AdapterDeps = {}): SupervityBackend {
  return new SupervityBackend(
    { name: 'sv', kind: 'supervity', baseUrl: server.url, org: 'acme' },
    { apiKey: 'sv-key' },
    { streamIdleMs: 2_000, pollMinMs: 5, pollMaxMs: 20, timeoutMs: 3_000, ...deps },
  );
}

function recordingLog(): Logger & { debugs: string[] } {
  const debugs: string[] = [];
  return { debugs, trace() {}, debug: (m) => void debugs.push(m), info() {}, warn() {}, error() {} };
}

const activity = (stepId: string, status: string, extra: Record<string, unknown> = {}) => ({
  frame: { content: { workflowRunId: 'run-1', activityRunId: `ar-${stepId}`, stepId, status, attempt: 1, ...extra } },
  event: 'activity-run',
});
const ping: SseStep = { frame: { content: 'ping' }, event: 'ping' };

function script(steps: readonly SseStep[], getRun?: () => unknown): void {
  server.on('POST', EXECUTE, (_req, res) => playSse(res, steps));
  if (getRun) server.on('GET', `${BASE}/run-1`, (_req, res) => json(res, 200, getRun()));
}

describe('Supervity trigger stream', () => {
  test('multipart fields exactly as the service expects them', async () => {
    script([{ frame: { success: true, workflowRun: svRun('run-1', 'completed', { activityRuns: [] }) }, event: 'result' }]);
    const inputs = { text: 'héllo', count: 3, flag: false, doc: { a: [1, 2] }, list: ['x'], skip: undefined, blob: new Blob(['%PDF']) };
    await drain(backend().trigger('wf-1', inputs, { envs: { API_BASE: 'https://example.test' } }));
    const req = server.last('POST', EXECUTE)!;
    assert.match(String(req.headers['content-type']), /^multipart\/form-data; boundary=/);
    assert.deepEqual([req.headers.authorization, req.headers['x-source'], req.headers['x-active-org'], req.headers.accept], ['Bearer sv-key', 'external', 'acme', 'text/event-stream']);
    assert.deepEqual(await formFields(req), [
      ['workflowId', 'wf-1'],
      ['inputs[text]', 'héllo'],
      ['inputs[count]', '3'],
      ['inputs[flag]', 'false'],
      ['inputs[doc]', '{"a":[1,2]}'],
      ['inputs[list]', '["x"]'],
      ['inputs[blob]', '<file blob>'],
      ['envs[API_BASE]', 'https://example.test'],
    ]);
  });

  test('events build the run; no snapshot before the id; result resets to the authoritative state', async () => {
    const log = recordingLog();
    script([
      ping,
      { frame: { content: 'Reading the invoice…', stepId: 'extract', activityRunId: 'ar-extract' }, event: 'thinking' },
      activity('extract', 'running'),
      { frame: { content: ' found 3 lines', stepId: 'extract' }, event: 'thinking' },
      activity('extract', 'completed', { outputs: { output: '{"lines":3}' } }),
      { frame: { content: { workflowRunId: 'run-1', status: 'running' } }, event: 'workflow-run' },
      activity('route', 'completed', { conditionMet: false, outputs: { output: 'branch A' } }),
      activity('route', 'completed', { conditionMet: true, outputs: { output: 'branch B' } }),
      { frame: { content: { workflowRunId: 'run-1', stepId: 'notify', status: 'running' } }, event: 'step-progress' },
      { frame: { note: 'nothing useful' }, event: 'telemetry' },
      { raw: 'event: activity-run\ndata: {"content": {broken\n\n' },
      { frame: { content: { workflowRunId: 'run-1', status: 'completed' } }, event: 'workflow-run' },
      {
        frame: {
          success: true,
          workflowRun: svRun('run-1', 'completed', {
            activityRuns: [
              { kind: 'step', stepId: 'extract', stepName: 'Extract', status: 'completed', attempt: 1, outputs: { output: '{"lines":3}' } },
              { kind: 'step', stepId: 'route', stepName: 'Route', status: 'completed', attempt: 1, conditionMet: true, outputs: { output: 'branch B' } },
              { kind: 'step', stepId: 'notify', stepName: 'Notify', status: 'completed', attempt: 1, outputs: { output: '' } },
            ],
          }),
        },
        event: 'result',
      },
    ]);
    const runs = await drain(backend({ log }).trigger('wf-1', { text: 'x' }));
    assert.ok(runs.every((r) => r.id === 'run-1'), 'every snapshot carries the real id');
    assert.equal(runs[0]?.stages[0]?.text, 'Reading the invoice…', 'events before the id are applied, not lost');
    const route = runs.find((r) => r.stages.some((s) => s.id === 'route'))!;
    assert.equal(route.stages.find((s) => s.id === 'route')?.output, 'branch B', 'the branch not taken is ignored');
    assert.ok(!runs.slice(0, -1).some((r) => r.status === 'completed'), 'workflow-run completed does not end the stream before result');
    const final = runs.at(-1)!;
    assert.deepEqual([final.status, final.rawStatus, final.workflowName, final.workflowId], ['completed', 'completed', 'Invoice triage', 'wf-1']);
    assert.deepEqual(final.stages.map((s) => [s.id, s.name, s.status]), [['extract', 'Extract', 'completed'], ['route', 'Route', 'completed'], ['notify', 'Notify', 'completed']]);
    assert.equal(final.stages[0]?.text, 'Reading the invoice… found 3 lines', 'thinking text survives the reset');
    assert.deepEqual(final.stages[0]?.output, { lines: 3 });
    assert.ok(log.debugs.some((m) => /unknown event "telemetry"/.test(m)));
    assert.ok(log.debugs.some((m) => /not JSON/.test(m)));
    assert.equal(server.count('POST', EXECUTE), 1);
  });

  // Seed 004 line 39: `result | { "success": true, "workflowRun": { ... } }`, without activity runs;
  // line 36: `activity-run` carries `{ workflowRunId, status }` (contracts C.3: plus stepId, no
  // step name); line 91: `GET /:runId` returns the run with all its activity runs.
  const seedResult = { frame: { success: true, workflowRun: { id: 'run-1', status: 'completed' } }, event: 'result' };
  const stepsOf = (run: { stages: readonly { id: string; name: string; status: string; output?: unknown }[] }) => run.stages.map((s) => [s.id, s.name, s.status, s.output]);

  test("the seed's result (no activityRuns) keeps the streamed steps and reads the run once more for their endings", async () => {
    script([activity('extract', 'running'), activity('extract', 'completed', { outputs: { output: '{"lines":3}' } }), activity('notify', 'running'), seedResult], () => ({
      workflowRun: svRun('run-1', 'completed'),
      activityRuns: [
        { id: 'ar-extract', stepId: 'extract', stepName: 'Extract', status: 'completed', attempt: 1 },
        { id: 'ar-notify', stepId: 'notify', stepName: 'Notify', status: 'completed', attempt: 1, outputs: { output: 'sent' } },
      ],
    }));
    const runs = await drain(backend().trigger('wf-1', {}));
    const final = runs.at(-1)!;
    assert.deepEqual([final.status, final.workflowName], ['completed', 'Invoice triage']);
    assert.deepEqual(stepsOf(final), [
      ['extract', 'Extract', 'completed', { lines: 3 }],
      ['notify', 'Notify', 'completed', 'sent'],
    ]);
    assert.ok(runs.every((r) => r.stages.length > 0), 'no snapshot ever shows the steps wiped');
    // One read names `extract`, one names `notify` when it first appears, one settles the ending.
    assert.equal(server.count('GET', `${BASE}/run-1`), 3);
  });

  // Contracts C.3: live `activity-run` events carry `stepId` but no step name; C.7 and seed 004
  // line 91: the run detail lists each started step's activity run with its `stepName`.
  // The timeout is a guard: without the name reads the stream waits forever, and this fails instead of hanging.
  test('a step is shown by its name from its first update: the run detail names it before it is yielded', { timeout: 20_000 }, async () => {
    const started = [
      { id: 'ar-extract', stepId: 'extract', stepName: 'Extract invoice fields', status: 'running', attempt: 1 },
      { id: 'ar-match', stepId: 'match', stepName: 'Match purchase order', status: 'running', attempt: 1 },
    ];
    // The stream goes on only after the client has read the run: each part then arrives on its
    // own, as a live run's events do, and no timing is involved.
    const readDone: Array<() => void> = [];
    const nextRead = (): Promise<void> => new Promise((resolve) => readDone.push(resolve));
    let reads = 0;
    server.on('GET', `${BASE}/run-1`, (_req, res) => {
      // The detail lists the steps started so far, as the service's would at that moment.
      json(res, 200, { workflowRun: svRun('run-1', 'running'), activityRuns: started.slice(0, ++reads) });
      readDone.shift()?.();
    });
    server.on('POST', EXECUTE, async (_req, res) => {
      const firstRead = nextRead();
      const secondRead = nextRead();
      await playSse(res, [{ frame: { content: 'Reading…', stepId: 'extract', activityRunId: 'ar-extract' }, event: 'thinking' }, activity('extract', 'running'), { silent: true }]);
      await firstRead;
      res.write(sseFrame(activity('extract', 'completed', { outputs: { output: '1' } }).frame, 'activity-run'));
      res.write(sseFrame(activity('match', 'running').frame, 'activity-run'));
      await secondRead;
      res.end(sseFrame({ success: true, workflowRun: svRun('run-1', 'completed', { activityRuns: started.map((a) => ({ ...a, status: 'completed' })) }) }, 'result'));
    });
    const runs = await drain(backend().trigger('wf-1', {}));
    const shown = runs.flatMap((r) => r.stages.map((s) => `${s.id}=${s.name}`));
    assert.deepEqual([...new Set(shown)], ['extract=Extract invoice fields', 'match=Match purchase order'], 'no step is ever shown under its id');
    assert.ok(runs.length >= 3, 'the steps were shown while the run went on, not only at its end');
    assert.equal(server.count('GET', `${BASE}/run-1`), 2, 'one read per step first seen, none for later updates of a named step');
  });

  test('a detail the key may not read leaves step ids, and is not asked again', async () => {
    script([activity('extract', 'running'), activity('extract', 'completed'), activity('notify', 'running'), activity('notify', 'completed'), { frame: { content: { workflowRunId: 'run-1', status: 'running' } }, event: 'workflow-run' }, { drop: true, delayMs: 10 }]);
    server.on('GET', `${BASE}/run-1`, (_req, res) => json(res, 403, { message: 'API keys cannot read run history' }));
    const err = await rejection(drain(backend().trigger('wf-1', {})));
    assert.equal(err.reason, 'forbidden');
    // The names read failed once (403) and was not repeated for `notify`; the one read after the drop is the reconcile.
    assert.equal(server.count('GET', `${BASE}/run-1`), 2);
  });

  test('when that read fails, the streamed steps stay and the run still ends as the result says', async () => {
    script([activity('extract', 'completed', { outputs: { output: '1' } }), activity('notify', 'running'), seedResult]);
    server.on('GET', `${BASE}/run-1`, (_req, res) => json(res, 403, { message: 'API keys cannot read run history' }));
    const final = (await drain(backend().trigger('wf-1', {}))).at(-1)!;
    assert.equal(final.status, 'completed');
    assert.deepEqual(stepsOf(final), [
      ['extract', 'extract', 'completed', 1],
      ['notify', 'notify', 'running', undefined],
    ]);
  });

  test('a read that lags behind the result cannot reopen the run; an empty activityRuns list wipes nothing', async () => {
    script(
      [activity('extract', 'completed'), { frame: { success: true, workflowRun: svRun('run-1', 'completed', { activityRuns: [] }) }, event: 'result' }],
      () => ({ workflowRun: svRun('run-1', 'running'), activityRuns: [] }),
    );
    const final = (await drain(backend().trigger('wf-1', {}))).at(-1)!;
    assert.deepEqual([final.status, final.rawStatus], ['completed', 'completed']);
    assert.deepEqual(stepsOf(final), [['extract', 'extract', 'completed', undefined]]);
  });

  test('a result that carries every step settled is trusted without a further read', async () => {
    script([
      activity('extract', 'running'),
      { frame: { success: true, workflowRun: svRun('run-1', 'completed', { activityRuns: [{ stepId: 'extract', stepName: 'Extract', status: 'completed', attempt: 1 }] }) }, event: 'result' },
    ]);
    const final = (await drain(backend().trigger('wf-1', {}))).at(-1)!;
    assert.deepEqual(stepsOf(final), [['extract', 'Extract', 'completed', undefined]]);
    assert.equal(server.count('GET', `${BASE}/run-1`), 1, 'only the read that tried to name the step when it appeared');
  });

  test('result success:false and the error event fail the run with the message', async () => {
    script([activity('a', 'running'), { frame: { success: false, workflowRun: svRun('run-1', 'running'), error: 'Step a crashed' }, event: 'result' }]);
    let final = (await drain(backend().trigger('wf-1', {}))).at(-1)!;
    assert.deepEqual([final.status, final.error], ['failed', 'Step a crashed']);

    script([activity('a', 'running'), { frame: { error: 'Workflow failed', details: 'LLM quota exhausted', message: 'Workflow failed' }, event: 'error' }]);
    final = (await drain(backend().trigger('wf-1', {}))).at(-1)!;
    assert.deepEqual([final.id, final.status, final.error], ['run-1', 'failed', 'Workflow failed: LLM quota exhausted']);
  });

  test('an error before any run exists is thrown, not followed', async () => {
    script([ping, { frame: { error: 'expected record, received string' }, event: 'error' }]);
    const err = await rejection(drain(backend().trigger('wf-1', {})));
    assert.deepEqual([err.reason, /expected record, received string/.test(err.message)], ['validation', true]);
    assert.equal(server.received.length, 1, 'nothing polled');
  });

  test('a read after a drop that lists no activity runs keeps the steps the stream built', async () => {
    let reads = 0;
    script([activity('a', 'completed', { outputs: { output: '7' } }), { drop: true, delayMs: 10 }], () => ({ workflowRun: svRun('run-1', ++reads < 2 ? 'running' : 'completed') }));
    const final = (await drain(backend().trigger('wf-1', {}))).at(-1)!;
    assert.deepEqual([final.status, ...stepsOf(final)], ['completed', ['a', 'a', 'completed', 7]]);
  });

  test('a dropped stream is reconciled by polling the run by id; the execute is sent once', async () => {
    let reads = 0;
    script([activity('a', 'running'), { drop: true, delayMs: 10 }], () =>
      ++reads < 2
        ? { workflowRun: svRun('run-1', 'running'), activityRuns: [{ stepId: 'a', status: 'running' }] }
        : { workflowRun: svRun('run-1', 'completed'), activityRuns: [{ stepId: 'a', stepName: 'A', status: 'completed', outputs: { output: '1' } }] },
    );
    const final = (await drain(backend().trigger('wf-1', {}))).at(-1)!;
    assert.deepEqual([final.status, final.stages[0]?.name, final.stages[0]?.output], ['completed', 'A', 1]);
    assert.equal(server.count('POST', EXECUTE), 1);
    assert.equal(server.count('GET', `${BASE}/run-1`), 2);
  });

  test('pings keep the stream alive; when they stop, the watchdog reconciles', async () => {
    // The server writes each frame when the test says; the watchdog runs on a clock the test
    // moves: 100 ms after each ping, 300 ms in all against a 120 ms watchdog.
    let respond!: (res: ServerResponse) => void;
    const connected = new Promise<ServerResponse>((resolve) => (respond = resolve));
    server.on('POST', EXECUTE, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseFrame(activity('a', 'running').frame, 'activity-run'));
      respond(res);
    });
    server.on('GET', `${BASE}/run-1`, (_req, res) => json(res, 200, { workflowRun: svRun('run-1', 'cancelled'), activityRuns: [] }));
    const timers = manualTimers();
    const statuses: string[] = [];
    const following = (async () => {
      for await (const run of backend({ streamIdleMs: 120, timers }).trigger('wf-1', {})) statuses.push(run.status);
    })();
    const stream = await connected;
    await timers.armedMoreThan(0);
    for (let i = 0; i < 3; i++) {
      const armed = timers.armed;
      stream.write(sseFrame(ping.frame, 'ping'));
      // Read, and the watchdog set afresh (or the follow ended: then the checks below fail).
      await Promise.race([timers.armedMoreThan(armed), following]);
      timers.advance(100);
    }
    // One read so far: the one that names step a when it is first seen (activity-run carries ids only).
    assert.equal(server.count('GET', `${BASE}/run-1`), 1, 'no reconcile while pings arrive');
    // Silence: once the watchdog's 120 ms have passed, the run is read back.
    timers.advance(120);
    await following;
    assert.equal(statuses.at(-1), 'cancelled');
    assert.equal(server.count('GET', `${BASE}/run-1`), 2);
    assert.equal(server.count('POST', EXECUTE), 1);
    stream.destroy();
  });

  test('a stream that dies before naming the run finds its newest run', async () => {
    script([ping]);
    server.on('GET', BASE, (_req, res) => json(res, 200, { workflowRuns: [svRun('run-1', 'completed', { createdAt: new Date().toISOString() })] }));
    server.on('GET', `${BASE}/run-1`, (_req, res) => json(res, 200, { workflowRun: svRun('run-1', 'completed'), activityRuns: [] }));
    const runs = await drain(backend().trigger('wf-1', {}));
    assert.deepEqual(runs.map((r) => [r.id, r.status]), [['run-1', 'completed']]);
    assert.equal(server.last('GET', BASE)?.query.get('limit'), '1');
  });

  test('aborting the signal ends a silent stream promptly, with no reconcile', async () => {
    script([activity('a', 'running'), { silent: true }]);
    const controller = new AbortController();
    const seen: string[] = [];
    // The watchdog's clock never moves: only the abort can end this follow.
    const timers = manualTimers();
    const err = await rejection(
      (async () => {
        for await (const run of backend({ streamIdleMs: 60_000, timers }).trigger('wf-1', {}, { signal: controller.signal })) {
          seen.push(run.status);
          controller.abort();
        }
      })(),
    );
    assert.equal(err.reason, 'aborted');
    assert.deepEqual(seen, ['running']);
    assert.deepEqual(timers.pending(), [], 'the watchdog is cleared');
    assert.deepEqual(server.received.map((r) => `${r.method} ${r.path}`), [`POST ${EXECUTE}`, `GET ${BASE}/run-1`], 'the execute and the read that names step a; no reconcile');
  });
});
