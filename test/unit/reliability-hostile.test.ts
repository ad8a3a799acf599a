// A hostile server against the real adapters, the HTTP client, the SSE reader, the RunStore and
// the CLI's output: every answer it can craft ends in a typed FlowscopeError with a clear
// message (or a valid model), promptly, without unbounded buffering, without following it
// anywhere else, and without a byte of terminal control reaching the user's terminal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { PowabaseBackend } from '../../src/core/adapters/powabase/adapter';
import { SupervityBackend } from '../../src/core/adapters/supervity/adapter';
import { WhiteRabbitBackend } from '../../src/core/adapters/whiterabbit/adapter';
import type { AdapterDeps } from '../../src/core/adapters/deps';
import { FlowscopeError } from '../../src/core/errors';
import { DEFAULT_MAX_RESPONSE_BYTES, HttpClient } from '../../src/core/http';
import { MAX_JSON_DEPTH } from '../../src/core/json';
import { RunStore } from '../../src/core/runs/runStore';
import type { StreamError } from '../../src/core/runs/runStore';
import { DEFAULT_MAX_FRAME_BYTES, readSse } from '../../src/core/sse';
import type { SseMessage } from '../../src/core/sse';
import { commands } from '../../src/cli/commands';
import type { CommandOptions } from '../../src/cli/commands';
import { installProcessGuard } from './helpers/hostile-guard';
import type { Behaviour, HostileServer } from './helpers/hostile-server';
import {
  HOSTILE_STRINGS,
  deepArrays,
  deepErrors,
  endlessFrame,
  giantJson,
  json,
  raw,
  redirect,
  slowBody,
  slowHeaders,
  sse,
  startHostileServer,
} from './helpers/hostile-server';
import { eventually } from './helpers/hostile-sandbox';

const guard = installProcessGuard();

const MB = 1024 * 1024;
const RUN_ID = '7c0ffee0-0000-4000-8000-000000000001';
const WORKFLOW_ID = '7c0ffee0-0000-4000-8000-0000000000aa';
/** Any 32-byte seed signs; the hostile server checks nothing. */
const SEED = 'a1'.repeat(32);
/** Terminal controls and bidi overrides: none may reach a terminal through the CLI. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let hostile: HostileServer;
let elsewhere: HostileServer;

before(async () => {
  [hostile, elsewhere] = await Promise.all([startHostileServer(), startHostileServer()]);
  elsewhere.route(() => json(200, { stolen: true }));
});
after(async () => {
  await Promise.all([hostile.close(), elsewhere.close()]);
});

/** Routes by exact path (method-insensitive); anything else is a plain 404. */
function routes(table: Record<string, Behaviour>): void {
  hostile.hits.length = 0;
  elsewhere.hits.length = 0;
  hostile.route((_method, path) => table[path]);
}

const QUICK: AdapterDeps = { timeoutMs: 2_000, pollMinMs: 20, pollMaxMs: 50, streamIdleMs: 1_000, maxReconnects: 1 };

function wr(deps: AdapterDeps = QUICK): WhiteRabbitBackend {
  return new WhiteRabbitBackend({ name: 'evil', kind: 'whiterabbit', baseUrl: hostile.url, workflowIds: [WORKFLOW_ID] }, { apiKey: 'k', apiSecret: SEED }, deps);
}

function pb(deps: AdapterDeps = QUICK): PowabaseBackend {
  return new PowabaseBackend({ name: 'evil', kind: 'powabase', baseUrl: hostile.url }, { apiKey: 'k' }, deps);
}

function sv(deps: AdapterDeps = QUICK): SupervityBackend {
  return new SupervityBackend({ name: 'evil', kind: 'supervity', baseUrl: hostile.url, org: 'acme', workflowIds: [WORKFLOW_ID] }, { apiKey: 'k' }, deps);
}

function client(options: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient {
  return new HttpClient({ baseUrl: hostile.url, service: 'Hostile', authorize: () => ({ authorization: 'Bearer secret-key' }), maxRetries: 0, ...options });
}

const WR_DETAIL = `/v1/sdk/workflows/executions/${RUN_ID}`;
const SV_DETAIL = `/api/v1/workflow-runs/${RUN_ID}`;

/** Awaits a promise expected to fail; returns the typed error (anything untyped fails the test). */
async function typedFailure(promise: Promise<unknown>, reason: FlowscopeError['reason'], message: RegExp): Promise<FlowscopeError> {
  const error = await promise.then(
    (value) => assert.fail(`expected a ${reason} error, got a value: ${JSON.stringify(value)?.slice(0, 200)}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof FlowscopeError, `a typed FlowscopeError, not ${String(error)}`);
  assert.equal(error.reason, reason, error.message);
  assert.match(error.message, message);
  return error;
}

function wrDetail(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: RUN_ID,
    status: 'COMPLETED',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:01.000Z',
    runStages: [{ id: 's1', module: 'fetch', status: 'COMPLETED', output: { ok: true } }],
    ...overrides,
  };
}

describe('gigantic bodies are cut off at a documented limit', () => {
  it(`a 50 MB JSON answer to a REST read is refused past ${DEFAULT_MAX_RESPONSE_BYTES / MB} MiB, without reading the rest`, async () => {
    routes({ [WR_DETAIL]: giantJson(50 * MB) });
    // A deadline far beyond any machine's reading of 16 MiB: only the size limit may end this read.
    await typedFailure(wr({ ...QUICK, timeoutMs: 120_000 }).getRun({ id: RUN_ID }), 'protocol', /more than 16 MiB/);
    const [hit] = hostile.hits;
    assert.ok(hit);
    await eventually(() => hit.abandoned, 'the client to hang up');
    assert.ok(hit.written < 34 * MB, `the client stopped reading early (server wrote ${Math.round(hit.written / MB)} MB)`);
  });

  it('an announced Content-Length beyond the limit is refused before the body is read', async () => {
    routes({ '/api/workflows': giantJson(50 * MB, { declareLength: true }) });
    await typedFailure(pb().listWorkflows(), 'protocol', /more than 16 MiB/);
    assert.equal(hostile.hits.length, 1, 'a refused answer is not asked for again');
    const [hit] = hostile.hits;
    assert.ok(hit);
    await eventually(() => hit.abandoned, 'the client to hang up');
    assert.ok(hit.written < 8 * MB, `server wrote ${Math.round(hit.written / MB)} MB`);
  });

  it('the limit is a client option: an answer one byte over it fails, one at it parses', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(1000) });
    routes({ '/exact': raw(200, 'application/json', body), '/over': raw(200, 'application/json', `${body} `) });
    const http = client({ maxResponseBytes: Buffer.byteLength(body) });
    const schema = (await import('zod')).z.looseObject({ pad: (await import('zod')).z.string() });
    assert.equal((await http.json({ method: 'GET', path: '/exact' }, schema)).pad.length, 1000);
    await typedFailure(http.json({ method: 'GET', path: '/over' }, schema), 'protocol', /more than 1 KiB/);
  });

  it('a 50 MB HTML error page becomes a short typed error; only its head is read', async () => {
    routes({ [SV_DETAIL]: giantJson(50 * MB, { status: 500, contentType: 'text/html' }) });
    const error = await typedFailure(sv().getRun({ id: RUN_ID }), 'server', /HTTP 500/);
    assert.ok(error.message.length < 800, `the message is clipped (${error.message.length} chars)`);
    const [hit] = hostile.hits;
    assert.ok(hit);
    await eventually(() => hit.abandoned, 'the client to hang up');
    assert.ok(hit.written < 8 * MB, `server wrote ${Math.round(hit.written / MB)} MB`);
  });
});

describe('streams that never frame', () => {
  it(`an endless SSE frame ends with a protocol error at ${DEFAULT_MAX_FRAME_BYTES / 1024} KiB, through the RunStore, with the trigger sent once`, async () => {
    routes({
      [`/v1/sdk/workflows/${WORKFLOW_ID}`]: json(200, { runId: RUN_ID, jobId: '1' }),
      [`${WR_DETAIL}/stream`]: endlessFrame(),
      [WR_DETAIL]: json(200, wrDetail({ status: 'EXECUTING' })),
    });
    const backend = wr();
    const store = new RunStore({ backendFor: () => backend });
    const failures: StreamError[] = [];
    store.onDidFail((f) => failures.push(f));
    try {
      const first = await store.trigger('evil', WORKFLOW_ID, {});
      assert.equal(first.id, RUN_ID);
      await eventually(() => failures.length > 0, 'the follow to fail', 15_000);
      const [failure] = failures;
      assert.ok(failure?.error instanceof FlowscopeError);
      assert.equal(failure.error.reason, 'protocol');
      assert.match(failure.error.message, new RegExp(`larger than ${DEFAULT_MAX_FRAME_BYTES / 1024} KiB`));
      await eventually(() => store.liveRuns().length === 0, 'nothing left live');
      assert.equal(hostile.hits.filter((h) => h.method === 'POST').length, 1, 'the trigger was sent once');
      for (const hit of hostile.hits.filter((h) => h.path.endsWith('/stream'))) {
        await eventually(() => hit.abandoned, 'each endless stream to be hung up on');
        assert.ok(hit.written < DEFAULT_MAX_FRAME_BYTES + 16 * MB, `stream read stopped near the limit (${Math.round(hit.written / MB)} MB)`);
      }
    } finally {
      store.dispose();
    }
  });

  it('invalid UTF-8 and deeply nested data in frames are skipped or replaced, never fatal', async () => {
    const bad = Buffer.concat([Buffer.from('data: {"id":"r","status":"EXECUTING","timestamp":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}\n\n')]);
    routes({
      '/s': sse([bad, `data: ${deepArrays(100_000)}\n\n`, `data: {"id":"r","status":"COMPLETED"}\n\n`]),
    });
    const res = await request(`${hostile.url}/s`);
    const seen: SseMessage[] = [];
    for await (const message of readSse(res.body)) seen.push(message);
    assert.equal(seen.length, 3);
    assert.match(seen[0]?.data ?? '', /\uFFFD/, 'invalid bytes decode as replacement characters');
    // Through an adapter: the deep frame is skipped, the run still ends.
    routes({
      [`${WR_DETAIL}/stream`]: sse([`data: {"id":"${RUN_ID}","status":"EXECUTING"}\n\n`, `data: ${deepErrors(100_000)}\n\n`, bad, `data: {"id":"${RUN_ID}","status":"COMPLETED"}\n\n`]),
      [WR_DETAIL]: json(200, wrDetail()),
    });
    const runs = [];
    for await (const run of wr().follow({ id: RUN_ID })) runs.push(run);
    assert.equal(runs.at(-1)?.status, 'completed');
  });
});

describe('answers that stall', () => {
  it('slow-loris headers end in a timeout, not a hang', async () => {
    routes({ '/slow': slowHeaders(50) });
    // The headers never end: only the client's deadline can end the read, with a typed timeout.
    await typedFailure(client({ timeoutMs: 400 }).empty({ method: 'GET', path: '/slow' }), 'timeout', /did not answer/);
    // A trigger stalled the same way fails typed and is not sent again: it may have started a run.
    routes({ [`/v1/sdk/workflows/${WORKFLOW_ID}`]: slowHeaders(50) });
    const backend = wr({ ...QUICK, timeoutMs: 300 });
    const store = new RunStore({ backendFor: () => backend });
    try {
      await typedFailure(store.trigger('evil', WORKFLOW_ID, {}), 'timeout', /did not answer POST/);
    } finally {
      store.dispose();
    }
    assert.equal(hostile.hits.filter((h) => h.method === 'POST').length, 1, 'the stalled trigger was not re-sent');
    await eventually(() => hostile.hits.every((h) => h.abandoned), 'every slow connection to be dropped');
  });

  it('a body trickled one byte at a time ends at the request deadline', async () => {
    routes({ [WR_DETAIL]: slowBody(20) });
    // The body never ends: only the request deadline can end the read; the client then hangs up.
    await typedFailure(wr({ ...QUICK, timeoutMs: 500 }).getRun({ id: RUN_ID }), 'timeout', /did not answer/);
    await eventually(() => hostile.hits.length > 0 && hostile.hits.every((h) => h.abandoned), 'the trickling connection to be dropped');
  });
});

describe('redirects are never followed', () => {
  it('a 302 to another host on a read and a 307 on a trigger: nothing reaches the other host, the trigger is sent once', async () => {
    const away = `${elsewhere.url}/steal`;
    routes({ [WR_DETAIL]: redirect(302, away), [`/v1/sdk/workflows/${WORKFLOW_ID}`]: redirect(307, away), [SV_DETAIL]: redirect(301, away) });
    const read = await typedFailure(wr().getRun({ id: RUN_ID }), 'validation', /redirect, which Flowscope never follows/);
    assert.equal(read.status, 302);
    await typedFailure(sv().getRun({ id: RUN_ID }), 'validation', /HTTP 301/);
    const store = new RunStore({ backendFor: () => wr() });
    try {
      await typedFailure(store.trigger('evil', WORKFLOW_ID, {}), 'validation', /HTTP 307/);
    } finally {
      store.dispose();
    }
    assert.equal(elsewhere.hits.length, 0, 'no request (and so no key or signature) went to the other host');
    assert.equal(hostile.hits.filter((h) => h.method === 'POST').length, 1, 'the trigger was sent once');
  });
});

describe('bytes that are not what they claim', () => {
  it('invalid UTF-8 inside JSON strings gives a valid model; outside strings, a protocol error', async () => {
    const inString = Buffer.concat([
      Buffer.from(`{"id":"${RUN_ID}","status":"COMPLETED","runStages":[{"id":"s1","module":"bad `),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('","status":"COMPLETED"}]}'),
    ]);
    routes({ [WR_DETAIL]: raw(200, 'application/json', inString) });
    const run = await wr().getRun({ id: RUN_ID });
    assert.equal(run.status, 'completed');
    assert.match(run.stages[0]?.name ?? '', /^bad \uFFFD/);

    const outside = Buffer.concat([Buffer.from('{"id":'), Buffer.from([0xff, 0xfe]), Buffer.from('}')]);
    routes({ [WR_DETAIL]: raw(200, 'application/json', outside) });
    await typedFailure(wr().getRun({ id: RUN_ID }), 'protocol', /not JSON/);
  });

  it(`JSON nested deeper than ${MAX_JSON_DEPTH} levels is a protocol error, on success and error answers alike`, async () => {
    routes({ [WR_DETAIL]: raw(200, 'application/json', `{"id":"${RUN_ID}","status":"COMPLETED","runStages":[{"id":"s","module":"m","status":"COMPLETED","output":${deepArrays(100_000)}}]}`) });
    await typedFailure(wr().getRun({ id: RUN_ID }), 'protocol', new RegExp(`nested deeper than ${MAX_JSON_DEPTH} levels`));
    // A recursive error-body reader would overflow on this; the error stays typed and readable.
    routes({ [SV_DETAIL]: raw(400, 'application/json', deepErrors(100_000)) });
    const error = await typedFailure(sv().getRun({ id: RUN_ID }), 'validation', /HTTP 400/);
    assert.ok(error.message.length < 800);
    // Within the limit, nesting is fine.
    routes({ [WR_DETAIL]: json(200, wrDetail({ runStages: [{ id: 's', module: 'm', status: 'COMPLETED', output: JSON.parse(deepArrays(100)) as unknown }] })) });
    assert.equal((await wr().getRun({ id: RUN_ID })).status, 'completed');
    // Supervity's string outputs that hold JSON are parsed with the same guard.
    routes({
      [SV_DETAIL]: json(200, {
        workflowRun: { id: RUN_ID, workflowId: WORKFLOW_ID, status: 'completed', createdAt: '2025-01-01T00:00:00Z' },
        activityRuns: [{ id: 'a1', stepId: 'a1', stepName: 'deep', status: 'completed', outputs: { output: deepArrays(100_000) } }],
      }),
    });
    const run = await sv().getRun({ id: RUN_ID });
    assert.equal(run.status, 'completed');
    assert.equal(typeof run.stages[0]?.output, 'string', 'an output too deep to parse stays text');
    JSON.stringify(run);
  });
});

describe('hostile strings never reach the terminal as control sequences', () => {
  const names = Object.values(HOSTILE_STRINGS);

  async function cli(name: string, args: string[], options: CommandOptions, backend: WhiteRabbitBackend): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const command = commands[name];
    assert.ok(command);
    const code = await command.run({ args, options, backend, signal: new AbortController().signal, out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  }

  function hostileDetail(): Record<string, unknown> {
    return wrDetail({
      status: 'FAILED',
      cancelReason: `${HOSTILE_STRINGS.ansi} ${HOSTILE_STRINGS.bidi}`,
      runStages: names.map((module, i) => ({ id: `s${i}`, module, status: i === 0 ? 'FAILED' : 'COMPLETED', error: i === 0 ? HOSTILE_STRINGS.osc8 : undefined })),
    });
  }

  it('`run` and `trigger --wait` print stage names, errors and statuses with every control neutralised', async () => {
    routes({
      [WR_DETAIL]: json(200, hostileDetail()),
      [`/v1/sdk/workflows/${WORKFLOW_ID}`]: json(200, { runId: RUN_ID, jobId: '1' }),
      [`${WR_DETAIL}/stream`]: sse([
        `data: ${JSON.stringify({ id: RUN_ID, status: 'EXECUTING', output: { nonTerminalStages: names.map((module, i) => ({ id: `s${i}`, module, status: 'RUNNING' })) } })}\n\n`,
        `data: ${JSON.stringify({ id: RUN_ID, status: 'FAILED' })}\n\n`,
      ]),
    });
    const shown = await cli('run', [RUN_ID], {}, wr());
    const waited = await cli('trigger', [WORKFLOW_ID], { wait: true }, wr());
    assert.equal(shown.code, 1, 'a failed run exits 1');
    assert.equal(waited.code, 1);
    const lines = [...shown.out, ...shown.err, ...waited.out, ...waited.err];
    assert.ok(lines.length >= names.length, lines.join('\n'));
    for (const line of lines) assert.doesNotMatch(line, CONTROL, `no terminal control in ${JSON.stringify(line)}`);
    const text = lines.join('\n');
    // The words survive, defanged; HTML is inert text in a terminal and is shown as such.
    assert.match(text, /Stage \uFFFD\[31mRED\uFFFD\[0m/);
    assert.match(text, /invoice\uFFFDgpj\.exe/);
    assert.ok(text.includes(HOSTILE_STRINGS.html));
  });

  it('`--json` output escapes C0/C1 controls (JSON.stringify), so a terminal shows them as text', async () => {
    routes({ [WR_DETAIL]: json(200, hostileDetail()) });
    const shown = await cli('run', [RUN_ID], { json: true }, wr());
    assert.equal(shown.out.length, 1);
    assert.doesNotMatch(shown.out[0] ?? '', /[\u0000-\u001f\u007f]/);
    assert.match(shown.out[0] ?? '', /\\u001b\[31mRED/);
  });

  it('run ids, stage names and dates from the server are neutralised too, and printed', async () => {
    // Every identifier and date the server sends is hostile, each in its own way.
    const detail = wrDetail({
      id: `${RUN_ID}\u001b[2J`,
      createdAt: `2025\u001b]0;pwned\u0007`,
      updatedAt: `2025\u009b31m-late`,
      runStages: [{ id: 's1\u202e', module: `fetch\u001b[H`, status: 'COMPLETED', output: { ok: true } }],
    });
    routes({ [WR_DETAIL]: json(200, detail) });
    const shown = await cli('run', [RUN_ID], {}, wr());
    const lines = [...shown.out, ...shown.err];
    for (const line of lines) assert.doesNotMatch(line, CONTROL, JSON.stringify(line));
    // Printed, defanged: each control became U+FFFD and the rest of the text stays readable.
    assert.deepEqual(lines, [
      `run ${RUN_ID}\uFFFD[2J  completed (COMPLETED)`,
      'started 2025\uFFFD]0;pwned\uFFFD',
      '  completed  fetch\uFFFD[H',
    ]);
  });
});

it('nothing escaped to the process', () => guard.check('hostile server'));
