import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sandbox } from '../../src/sandbox/server';
import { dataFrames, json, pb, pbHeaders, raw, SAMPLES, sse, startTestSandbox, sv, svForm, wr, wrHeaders } from './helpers/sandbox-harness';

describe('sandbox: fault injection', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startTestSandbox({ executeLimitPerMinute: 1000, heartbeatMs: 100 });
  });
  after(async () => {
    await sb.close();
  });

  const control = (method: string, body?: unknown) =>
    raw(`${sb.url}/__sandbox/faults`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  const wrStream = async (fault: string, workflow: string = SAMPLES.whiterabbit.retry, timeoutMs = 10_000) => {
    const t = (await wr(sb, 'POST', `/v1/sdk/workflows/${workflow}`, {})).json as { runId: string };
    const path = `/v1/sdk/workflows/executions/${t.runId}/stream`;
    return sse(sb.url + path, { headers: { ...wrHeaders(sb.info.whiterabbit, 'GET', path), 'x-sandbox-fault': fault } }, { timeoutMs });
  };

  it('status=503 answers in each face\'s error shape', async () => {
    const h = { 'x-sandbox-fault': 'status=503' };
    const a = await wr(sb, 'GET', '/v1/system/components', undefined, undefined, h);
    assert.equal(a.status, 503);
    assert.equal((a.json as { error: string }).error, 'SERVICE_UNAVAILABLE');
    const b = await pb(sb, 'GET', '/api/workflows', undefined, h);
    assert.equal(b.status, 503);
    assert.equal(typeof (b.json as { error: string }).error, 'string');
    const c = await sv(sb, 'GET', '/api/v1/workflow-runs', undefined, h);
    assert.equal(c.status, 503);
    assert.equal(typeof (c.json as { message: string }).message, 'string');
  });

  it('status=429;retry-after=2 sends Retry-After', async () => {
    const r = await pb(sb, 'POST', `/api/workflows/${SAMPLES.powabase.linear}/execute`, {}, { 'x-sandbox-fault': 'status=429;retry-after=2' });
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '2');
  });

  it('html answers with an HTML error page', async () => {
    const r = await pb(sb, 'GET', '/api/workflows', undefined, { 'x-sandbox-fault': 'html;status=400' });
    assert.equal(r.status, 400);
    assert.match(String(r.headers['content-type']), /text\/html/);
    assert.match(r.text, /<title>400/);
  });

  it('delay-ms holds the answer back: requests sent after it are answered first', async () => {
    // Checked by order, not by a clock: a minute's delay outlasts later requests by far, and the
    // held request is then cancelled (the sandbox ends the wait when its client goes away).
    const get = (headers: Record<string, string> = {}, signal?: AbortSignal) => fetch(`${sb.url}/api/workflows`, { headers: { ...pbHeaders(sb), ...headers }, signal });
    // One request first, so that the held one goes out on a connection that is already open.
    assert.equal((await get()).status, 200);
    const controller = new AbortController();
    let held: 'pending' | number | 'aborted' = 'pending';
    const delayed = get({ 'x-sandbox-fault': 'delay-ms=60000' }, controller.signal).then(
      (r) => (held = r.status),
      () => (held = 'aborted'),
    );
    // Five round trips one after the other: an answer that was not held would be long back.
    for (let i = 0; i < 5; i++) assert.equal((await get()).status, 200);
    assert.equal(held, 'pending', 'the delayed answer came before five later ones');
    controller.abort();
    await delayed;
    assert.equal(held, 'aborted');
  });

  it('drop-after=2 cuts a stream after two events without a terminal event', async () => {
    const res = await wrStream('drop-after=2');
    assert.equal(res.end, 'error');
    const frames = dataFrames(res);
    assert.equal(frames.length, 2);
    assert.ok(frames.every((f) => !['COMPLETED', 'FAILED', 'CANCELED'].includes(json(f).status as string)));
  });

  it('silent sends nothing, pings included, but keeps the connection open', async () => {
    const res = await wrStream('silent', SAMPLES.whiterabbit.retry, 800);
    assert.equal(res.end, 'timeout');
    assert.equal(res.frames.length, 0);
  });

  it('malformed-after=1 sends one invalid frame, then carries on to the terminal event', async () => {
    const res = await wrStream('malformed-after=1');
    assert.equal(res.end, 'eof');
    const frames = dataFrames(res);
    assert.throws(() => JSON.parse(frames[1]?.data ?? ''));
    const valid = frames.filter((_, i) => i !== 1).map((f) => json(f));
    assert.equal(valid.at(-1)?.status, 'COMPLETED');
  });

  it('stream faults apply to Powabase and Supervity streams too', async () => {
    const p = await sse(`${sb.url}/api/workflows/${SAMPLES.powabase.linear}/execute/stream`, { method: 'POST', headers: { ...pbHeaders(sb), 'x-sandbox-fault': 'drop-after=3' }, body: '{}' });
    assert.equal(p.end, 'error');
    assert.equal(dataFrames(p).length, 3);
    const fd = svForm(SAMPLES.supervity.retry);
    const s = await sse(`${sb.url}/api/v1/workflow-runs/execute/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sb.info.supervity.apiKey}`, 'x-source': 'external', 'x-sandbox-fault': 'malformed-after=0' },
      body: fd,
    });
    assert.equal(s.end, 'eof');
    assert.throws(() => JSON.parse(s.frames[0]?.data ?? ''));
    assert.equal(s.frames.at(-1)?.event, 'result');
  });

  it('queues faults through the control route for the next N matching requests', async () => {
    const add = await control('POST', { pathPrefix: '/api/workflows', fault: 'status=502', count: 2 });
    assert.equal(add.status, 200);
    assert.equal((await pb(sb, 'GET', '/api/workflows')).status, 502);
    assert.equal((await sv(sb, 'GET', '/api/v1/workflow-runs')).status, 200, 'other paths are not affected');
    assert.equal((await pb(sb, 'GET', '/api/workflows')).status, 502);
    assert.equal((await pb(sb, 'GET', '/api/workflows')).status, 200);

    await control('POST', { fault: 'status=500', count: 5 });
    assert.equal((await control('DELETE')).status, 200);
    assert.equal((await pb(sb, 'GET', '/api/workflows')).status, 200);

    assert.equal((await control('POST', { fault: 'explode=1' })).status, 400);
    const badHeader = await pb(sb, 'GET', '/api/workflows', undefined, { 'x-sandbox-fault': 'nonsense' });
    assert.equal(badHeader.status, 400);
  });

  it('serves a read-only state dump', async () => {
    const r = await raw(`${sb.url}/__sandbox/state`);
    const s = r.json as { workflows: { id: string }[]; runs: { id: string; status: string }[] };
    assert.ok(s.workflows.some((w) => w.id === SAMPLES.powabase.large));
    assert.ok(s.runs.length > 0);
    assert.equal((await raw(`${sb.url}/__sandbox/state`, { method: 'POST' })).status, 405);
  });
});
