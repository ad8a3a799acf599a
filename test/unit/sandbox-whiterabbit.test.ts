import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Sandbox } from '../../src/sandbox/server';
import { dataFrames, json, raw, SAMPLES, sse, startTestSandbox, wr, wrHeaders } from './helpers/sandbox-harness';

describe('sandbox: White Rabbit face', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startTestSandbox();
  });
  after(async () => {
    await sb.close();
  });

  const trigger = async (id: string, body: unknown = {}): Promise<string> => {
    const r = await wr(sb, 'POST', `/v1/sdk/workflows/${id}`, body);
    assert.equal(r.status, 200, r.text);
    const j = r.json as { runId: string; jobId: string };
    assert.match(j.runId, /^[0-9a-f-]{36}$/);
    assert.match(j.jobId, /^bull-\d+$/);
    return j.runId;
  };

  const streamUrl = (runId: string): string => `/v1/sdk/workflows/executions/${runId}/stream`;
  const stream = (runId: string, extra: Record<string, string> = {}, timeoutMs = 10_000) =>
    sse(sb.url + streamUrl(runId), { headers: { ...wrHeaders(sb.info.whiterabbit, 'GET', streamUrl(runId)), ...extra } }, { timeoutMs });

  it('prints a secret in base64 PKCS#8 DER and a ws_ key', () => {
    assert.match(sb.info.whiterabbit.apiKey, /^ws_/);
    assert.ok(sb.info.whiterabbit.apiSecret.startsWith('MC4CAQAwBQYDK2VwBCIEI'));
    assert.equal(Buffer.from(sb.info.whiterabbit.apiSecret, 'base64').length, 48);
    // White Rabbit's own samples only (src/sandbox/samples/whiterabbit.ts): no other face's ids.
    assert.deepEqual(sb.info.whiterabbit.workflowIds, [
      '5a4d0b01-0001-4000-8000-000000000101',
      '5a4d0b01-0002-4000-8000-000000000102',
      '5a4d0b01-0004-4000-8000-000000000104',
      '5a4d0b01-0005-4000-8000-000000000105',
      '5a4d0b01-0006-4000-8000-000000000106',
      '5a4d0b01-0007-4000-8000-000000000107',
    ]);
  });

  it('accepts a valid signature and signs bodiless requests with {}', async () => {
    const runId = await trigger(SAMPLES.whiterabbit.linear);
    const r = await wr(sb, 'GET', `/v1/sdk/workflows/executions/${runId}`);
    assert.equal(r.status, 200);
    assert.ok(r.headers.date, 'Date header lets clients compute clock skew');
    const d = r.json as Record<string, unknown>;
    assert.equal(d.id, runId);
    assert.ok(['CREATED', 'EXECUTING'].includes(d.status as string));
    assert.ok(Array.isArray(d.runStages));
  });

  it('rejects missing, unknown, forged and skewed signatures with 401 UNAUTHORIZED', async () => {
    const path = `/v1/sdk/workflows/${SAMPLES.whiterabbit.linear}`;
    const noKey = await raw(sb.url + path, { method: 'POST', body: '{}' });
    assert.equal(noKey.status, 401);
    assert.equal((noKey.json as { error: string }).error, 'UNAUTHORIZED');

    const good = wrHeaders(sb.info.whiterabbit, 'POST', path, '{}');
    const unknownKey = await raw(sb.url + path, { method: 'POST', headers: { ...good, 'x-api-key': 'ws_nope' }, body: '{}' });
    assert.equal(unknownKey.status, 401);
    assert.deepEqual(unknownKey.json, { error: 'UNAUTHORIZED', message: 'Invalid API key' });

    const noSig = await raw(sb.url + path, { method: 'POST', headers: { 'x-api-key': sb.info.whiterabbit.apiKey }, body: '{}' });
    assert.equal(noSig.status, 401);

    // Signed over a different body than the one sent.
    const tampered = await raw(sb.url + path, { method: 'POST', headers: good, body: '{"inputs":{}}' });
    assert.equal(tampered.status, 401);
    assert.equal((tampered.json as { message: string }).message, 'Invalid signature');

    // Signed by another key.
    const other = createPrivateKey({ key: Buffer.from('MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g', 'base64'), format: 'der', type: 'pkcs8' });
    const ts = good['x-sdk-timestamp'] as string;
    const forged = sign(null, Buffer.from(`POST|${path}|${ts}|{}`), other).toString('base64');
    const f = await raw(sb.url + path, { method: 'POST', headers: { ...good, 'x-sdk-signature': forged }, body: '{}' });
    assert.equal(f.status, 401);

    for (const skew of [-45, 45]) {
      const s = await raw(sb.url + path, { method: 'POST', headers: wrHeaders(sb.info.whiterabbit, 'POST', path, '{}', skew), body: '{}' });
      assert.equal(s.status, 401, `skew ${skew}`);
      assert.match((s.json as { message: string }).message, /timestamp/);
    }
    const within = await raw(sb.url + path, { method: 'POST', headers: wrHeaders(sb.info.whiterabbit, 'POST', path, '{}', -25), body: '{}' });
    assert.equal(within.status, 200);
  });

  it('signs the pathname only (query excluded)', async () => {
    const runId = await trigger(SAMPLES.whiterabbit.retry);
    const path = `/v1/sdk/workflows/executions/${runId}`;
    const r = await raw(`${sb.url}${path}?x=1`, { headers: wrHeaders(sb.info.whiterabbit, 'GET', path) });
    assert.equal(r.status, 200);
  });

  // The seeds' own stream examples authenticate with `X-Api-Key` alone (seed 001 line 37; seed 002
  // lines 32, 75, 99, 115 and 169), while the REST routes need the signature (seed 000 lines 16-18).
  it('streams accept the API key alone; a signature that is present is still verified', async () => {
    const runId = await trigger(SAMPLES.whiterabbit.linear);
    const keyOnly = await sse(sb.url + streamUrl(runId), { headers: { 'x-api-key': sb.info.whiterabbit.apiKey } });
    assert.equal(keyOnly.status, 200);
    assert.equal(keyOnly.end, 'eof');
    assert.equal(json(dataFrames(keyOnly).at(-1)).status, 'COMPLETED');

    const signed = wrHeaders(sb.info.whiterabbit, 'GET', streamUrl(runId));
    const wrongSig = await raw(sb.url + streamUrl(runId), { headers: { ...signed, 'x-sdk-signature': Buffer.alloc(64).toString('base64') } });
    assert.equal(wrongSig.status, 401);
    assert.deepEqual(wrongSig.json, { error: 'UNAUTHORIZED', message: 'Invalid signature' });
    const timestampOnly = await raw(sb.url + streamUrl(runId), { headers: { 'x-api-key': sb.info.whiterabbit.apiKey, 'x-sdk-timestamp': signed['x-sdk-timestamp'] as string } });
    assert.equal(timestampOnly.status, 401);
    const unknownKey = await raw(sb.url + streamUrl(runId), { headers: { 'x-api-key': 'ws_nope' } });
    assert.deepEqual([unknownKey.status, unknownKey.json], [401, { error: 'UNAUTHORIZED', message: 'Invalid API key' }]);
    const noKey = await raw(sb.url + streamUrl(runId));
    assert.equal(noKey.status, 401);
    // The REST routes still want the signature.
    const restKeyOnly = await raw(`${sb.url}/v1/sdk/workflows/executions/${runId}`, { headers: { 'x-api-key': sb.info.whiterabbit.apiKey } });
    assert.equal(restKeyOnly.status, 401);

    const exec = (await wr(sb, 'POST', '/v1/sdk/components', { module: 'RANDOM_UUID', input: {}, config: {}, waitForMs: 5000 })).json as { id: string };
    const componentKeyOnly = await sse(`${sb.url}/v1/sdk/components/executions/${exec.id}/stream`, { headers: { 'x-api-key': sb.info.whiterabbit.apiKey } });
    assert.equal(componentKeyOnly.status, 200);
    assert.equal(json(dataFrames(componentKeyOnly).at(-1)).status, 'COMPLETED');
  });

  // The public SDK triggers with `{}`; the API documents no inputs (contracts A.2, seed 000 lines 10-30).
  it('a trigger reads nothing from its body: the run takes no inputs', async () => {
    const state = async (): Promise<{ runs: { id: string; inputs: Record<string, unknown> }[] }> => (await raw(`${sb.url}/__sandbox/state`)).json as never;
    const empty = await trigger(SAMPLES.whiterabbit.linear, {});
    const ignored = await trigger(SAMPLES.whiterabbit.linear, { inputs: { topic: 'owls' }, other: true });
    const s = await state();
    // White Rabbit samples take their data from their components' config, never from the body.
    assert.deepEqual(s.runs.find((r) => r.id === empty)?.inputs, {});
    assert.deepEqual(s.runs.find((r) => r.id === ignored)?.inputs, {});
  });

  it('enforces allowedWorkflowIds with 403 FORBIDDEN', async () => {
    const mint = await raw(`${sb.url}/__sandbox/whiterabbit/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ allowedWorkflowIds: [SAMPLES.whiterabbit.retry] }) });
    assert.equal(mint.status, 200);
    const key = mint.json as { apiKey: string; apiSecret: string };
    const denied = await wr(sb, 'POST', `/v1/sdk/workflows/${SAMPLES.whiterabbit.linear}`, {}, key);
    assert.equal(denied.status, 403);
    assert.equal((denied.json as { error: string }).error, 'FORBIDDEN');
    const allowed = await wr(sb, 'POST', `/v1/sdk/workflows/${SAMPLES.whiterabbit.retry}`, {}, key);
    assert.equal(allowed.status, 200);
    // A run of a workflow outside the scope is forbidden too, even though the key is valid.
    const otherRun = await trigger(SAMPLES.whiterabbit.linear);
    const detail = await wr(sb, 'GET', `/v1/sdk/workflows/executions/${otherRun}`, undefined, key);
    assert.equal(detail.status, 403);
  });

  it('returns 404 NOT_FOUND shapes and 400 for bad bodies', async () => {
    const nf = await wr(sb, 'POST', '/v1/sdk/workflows/00000000-0000-4000-8000-000000000000', {});
    assert.equal(nf.status, 404);
    assert.equal((nf.json as { error: string }).error, 'NOT_FOUND');
    const run = await wr(sb, 'GET', '/v1/sdk/workflows/executions/nope');
    assert.equal(run.status, 404);
    const route = await wr(sb, 'GET', '/v1/sdk/nothing-here');
    assert.equal(route.status, 404);
    const bad = await wr(sb, 'POST', `/v1/sdk/workflows/${SAMPLES.whiterabbit.linear}`, ['not', 'an', 'object']);
    assert.equal(bad.status, 400);
    assert.equal((bad.json as { error: string }).error, 'BAD_REQUEST');
    const path = `/v1/sdk/workflows/${SAMPLES.whiterabbit.linear}`;
    const notJson = await raw(sb.url + path, { method: 'POST', headers: wrHeaders(sb.info.whiterabbit, 'POST', path, '{oops'), body: '{oops' });
    assert.equal(notJson.status, 400);
    const big = 'x'.repeat(1024 * 1024 + 10);
    const tooBig = await raw(sb.url + path, { method: 'POST', headers: wrHeaders(sb.info.whiterabbit, 'POST', path, big), body: big });
    assert.equal(tooBig.status, 413);
    assert.equal((tooBig.json as { error: string }).error, 'PAYLOAD_TOO_LARGE');
  });

  it('streams unnamed data frames with :ping comments and closes after the terminal event', async () => {
    const runId = await trigger(SAMPLES.whiterabbit.retry);
    const res = await stream(runId);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    assert.equal(res.end, 'eof');
    const frames = dataFrames(res);
    assert.ok(frames.every((f) => f.event === undefined), 'White Rabbit frames are unnamed');
    const events = frames.map((f) => json(f));
    const last = events.at(-1) as { status: string; output: { pendingStageCount: number; failedStageCount: number; totalUsage: number } };
    assert.equal(last.status, 'COMPLETED');
    assert.equal(last.output.pendingStageCount, 0);
    assert.ok(events.some((e) => e.status === 'EXECUTING'));
    for (const e of events) {
      assert.equal(e.id, runId);
      assert.equal(typeof e.timestamp, 'string');
    }
    // The flaky stage shows its attempts counting up while it runs.
    const attempts = events.flatMap((e) => ((e.output as { nonTerminalStages: { module: string; executionAttempt: number }[] }).nonTerminalStages ?? []).filter((s) => s.module === 'GET_EVM_ACCOUNT_BALANCE').map((s) => s.executionAttempt));
    assert.ok(attempts.includes(2) || attempts.includes(3), `attempts seen: ${attempts.join(',')}`);
    const detail = (await wr(sb, 'GET', `/v1/sdk/workflows/executions/${runId}`)).json as { status: string; runStages: { module: string; executionAttempt: number; status: string }[] };
    const flaky = detail.runStages.find((s) => s.module === 'GET_EVM_ACCOUNT_BALANCE');
    assert.equal(flaky?.executionAttempt, 3);
    assert.equal(flaky?.status, 'COMPLETED');
  });

  it('sends :ping comments on the heartbeat while a run is quiet', async () => {
    const runId = await trigger(SAMPLES.whiterabbit.long);
    const path = streamUrl(runId);
    const res = await sse(sb.url + path, { headers: wrHeaders(sb.info.whiterabbit, 'GET', path) }, { stop: (fs) => fs.filter((f) => f.comment === 'ping').length >= 2 });
    assert.equal(res.end, 'stopped');
    assert.ok(res.frames.filter((f) => f.comment === 'ping').every((f) => f.data === undefined && f.event === undefined));
  });

  it('re-subscribing to a finished run emits its state at once and closes', async () => {
    const runId = await trigger(SAMPLES.whiterabbit.failing);
    await stream(runId);
    const again = await stream(runId);
    // "At once": the server closed it itself, before its first heartbeat could be sent.
    assert.equal(again.end, 'eof');
    assert.deepEqual(again.frames.filter((f) => f.comment !== undefined), [], 'no heartbeat before the close');
    const frames = dataFrames(again);
    assert.equal(frames.length, 1);
    const ev = json(frames[0]) as { status: string; output: { failedStageCount: number } };
    assert.equal(ev.status, 'FAILED');
    assert.equal(ev.output.failedStageCount, 1);
  });

  it('lists stages as the seed documents them (module, no component name), and a stage behind a failed one reads CANCELED', async () => {
    const runId = await trigger(SAMPLES.whiterabbit.failing);
    await stream(runId);
    const d = (await wr(sb, 'GET', `/v1/sdk/workflows/executions/${runId}`)).json as { status: string; runStages: Record<string, unknown>[] };
    assert.equal(d.status, 'FAILED');
    assert.deepEqual(
      d.runStages.map((s) => [s.module, s.status]),
      [
        ['ON_API_CALLED', 'COMPLETED'],
        ['COMPUTE_EVM_ADDRESS', 'COMPLETED'],
        ['SIGN_EVM_TRANSACTION', 'COMPLETED'],
        ['BROADCAST_EVM_TRANSACTION', 'FAILED'],
        ['WAIT_FOR_EVM_TRANSACTION', 'CANCELED'],
      ],
    );
    // Seed 000 lines 53-62 and contracts A.2 (the SDK's full type): no component id or name on a stage.
    assert.deepEqual(Object.keys(d.runStages[0] ?? {}).sort(), ['creditUsage', 'error', 'executionAttempt', 'executionDispatchedAt', 'executionEventId', 'id', 'module', 'output', 'status', 'updatedAt']);
  });

  it('updates a component with config merged', async () => {
    // The flaky balance read: component ids are UUIDs, as in White Rabbit's dashboard URLs.
    const path = `/v1/sdk/workflows/${SAMPLES.whiterabbit.retry}/components/5a4d0c01-0004-4000-8000-000000000002`;
    const r = await wr(sb, 'POST', path, { config: { durationMs: 300 }, name: 'Ledger v2', position: [10, 20] });
    assert.equal(r.status, 200, r.text);
    const c = r.json as { config: Record<string, unknown>; name: string; position: number[] };
    assert.equal(c.config.durationMs, 300);
    assert.equal(c.config.failAttempts, 2, 'existing keys survive the merge');
    assert.equal(c.name, 'Ledger v2');
    assert.deepEqual(c.position, [10, 20]);
    const missing = await wr(sb, 'POST', `/v1/sdk/workflows/${SAMPLES.whiterabbit.retry}/components/nope`, { name: 'x' });
    assert.equal(missing.status, 404);
    const bad = await wr(sb, 'POST', path, { position: 'left' });
    assert.equal(bad.status, 400);
  });

  it('serves the component catalog without auth', async () => {
    const r = await raw(`${sb.url}/v1/system/components`);
    assert.equal(r.status, 200);
    const list = r.json as { module: string; inputs: { parameters: unknown[] }; configs: unknown; executionModes: string[] }[];
    for (const m of ['RANDOM_UUID', 'API_CALL', 'GET_EVM_ACCOUNT_BALANCE', 'STRING_CONSTANT']) assert.ok(list.some((c) => c.module === m), m);
    assert.ok(list.every((c) => Array.isArray(c.inputs.parameters) && typeof c.configs === 'object' && Array.isArray(c.executionModes)));
  });

  it('executes components: CREATED without waitForMs, terminal with it, 422 on invalid input', async () => {
    const quick = await wr(sb, 'POST', '/v1/sdk/components', { module: 'RANDOM_UUID', input: {}, config: {} });
    assert.equal(quick.status, 200);
    const q = quick.json as { id: string; status: string; completed: boolean; callback: { url: null } };
    assert.equal(q.status, 'CREATED');
    assert.equal(q.completed, false);
    assert.equal(q.callback.url, null);

    const waited = await wr(sb, 'POST', '/v1/sdk/components', { module: 'GET_EVM_ACCOUNT_BALANCE', input: { address: '0x' + 'ab'.repeat(20) }, config: {}, waitForMs: 5000 });
    const w = waited.json as { id: string; status: string; completed: boolean; output: { balance: string } };
    assert.equal(w.status, 'COMPLETED');
    assert.equal(w.completed, true);
    assert.match(w.output.balance, /^\d+$/);

    const polled = await wr(sb, 'GET', `/v1/sdk/components/executions/${w.id}`);
    assert.equal((polled.json as { status: string }).status, 'COMPLETED');

    const invalid = await wr(sb, 'POST', '/v1/sdk/components', { module: 'GET_EVM_ACCOUNT_BALANCE', input: { address: 'nope' }, config: {} });
    assert.equal(invalid.status, 422);
    const errs = (invalid.json as { errors: { code: string; message: string }[] }).errors;
    assert.equal(errs[0]?.code, 'INVALID_INPUT');
    const unknown = await wr(sb, 'POST', '/v1/sdk/components', { module: 'NOPE', input: {}, config: {} });
    assert.equal(unknown.status, 422);
    const wait = await wr(sb, 'POST', '/v1/sdk/components', { module: 'RANDOM_UUID', input: {}, config: {}, waitForMs: 20_000 });
    assert.equal(wait.status, 422);
  });

  it('streams a component execution to FAILED after its attempts, and replays need a callback', async () => {
    const r = await wr(sb, 'POST', '/v1/sdk/components', { module: 'API_CALL', input: {}, config: { url: 'https://example.invalid/x', simulateStatus: 503 }, attempts: 2 });
    const id = (r.json as { id: string }).id;
    const path = `/v1/sdk/components/executions/${id}/stream`;
    const res = await sse(sb.url + path, { headers: wrHeaders(sb.info.whiterabbit, 'GET', path) });
    assert.equal(res.end, 'eof');
    const last = json(dataFrames(res).at(-1));
    assert.equal(last.status, 'FAILED');
    assert.ok(last.error);
    const replay = await wr(sb, 'POST', `/v1/sdk/components/executions/${id}/replay-callback`, {});
    assert.equal(replay.status, 409);
    assert.deepEqual(replay.json, { error: 'NO_CALLBACK', message: 'no callback url' });
  });
});
