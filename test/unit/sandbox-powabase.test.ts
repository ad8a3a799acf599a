import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sandbox } from '../../src/sandbox/server';
import { dataFrames, json, pb, pbHeaders, raw, SAMPLES, sse, startTestSandbox } from './helpers/sandbox-harness';

const PY_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;

describe('sandbox: Powabase face', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startTestSandbox({ executeLimitPerMinute: 1000 });
  });
  after(async () => {
    await sb.close();
  });

  it('answers auth failures in Kong and Flask shapes', async () => {
    const noApiKey = await raw(`${sb.url}/api/workflows`, { headers: { authorization: `Bearer ${sb.info.powabase.apiKey}` } });
    assert.equal(noApiKey.status, 401);
    assert.deepEqual(noApiKey.json, { message: 'No API key found in request' });
    const noAuth = await raw(`${sb.url}/api/workflows`, { headers: { apikey: sb.info.powabase.apiKey } });
    assert.equal(noAuth.status, 401);
    assert.deepEqual(noAuth.json, { error: 'Authorization header required' });
    const threeParts = await raw(`${sb.url}/api/workflows`, { headers: { apikey: sb.info.powabase.apiKey, authorization: `Bearer ${sb.info.powabase.apiKey} extra` } });
    assert.equal(threeParts.status, 401);
    const wrong = await raw(`${sb.url}/api/workflows`, { headers: { apikey: sb.info.powabase.apiKey, authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    assert.match((wrong.json as { error: string }).error, /^Invalid token/);
  });

  it('lists, creates, reads, patches and deletes workflows with exact statuses', async () => {
    const list = await pb(sb, 'GET', '/api/workflows?limit=3&sort=name&order=asc');
    assert.equal(list.status, 200);
    const l = list.json as { workflows: { name: string; state: string; created_at: string; variables: unknown }[]; total: number; limit: number; offset: number };
    assert.equal(l.workflows.length, 3);
    assert.ok(l.total >= 7);
    assert.equal(l.limit, 3);
    assert.equal(l.offset, 0);
    const names = l.workflows.map((w) => w.name);
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
    assert.match(l.workflows[0]?.created_at ?? '', PY_ISO);
    assert.equal((await pb(sb, 'GET', '/api/workflows?sort=bogus')).status, 400);
    assert.equal((await pb(sb, 'GET', '/api/workflows?order=up')).status, 400);
    const q = (await pb(sb, 'GET', '/api/workflows?q=triage')).json as { workflows: { id: string }[] };
    assert.deepEqual(q.workflows.map((w) => w.id), [SAMPLES.powabase.condition]);

    const created = await pb(sb, 'POST', '/api/workflows', { name: 'Mine', variables: { x: { type: 'string' } } });
    assert.equal(created.status, 201);
    const { id, name } = created.json as { id: string; name: string };
    assert.equal(name, 'Mine');
    const noName = await pb(sb, 'POST', '/api/workflows', { description: 'x' });
    assert.equal(noName.status, 400);
    assert.deepEqual(noName.json, { error: 'Name is required' });

    const got = (await pb(sb, 'GET', `/api/workflows/${id}`)).json as Record<string, unknown>;
    assert.deepEqual(got.blocks, []);
    assert.equal(got.state, 'internal');
    const missing = await pb(sb, 'GET', '/api/workflows/00000000-0000-4000-8000-000000000000');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { error: 'Workflow not found', error_code: 'WORKFLOW_NOT_FOUND' });

    assert.deepEqual((await pb(sb, 'PATCH', `/api/workflows/${id}`, { name: 'Renamed' })).json, { ok: true });
    // Quirk: PATCH and DELETE on an unknown id still succeed.
    assert.deepEqual((await pb(sb, 'PATCH', '/api/workflows/unknown-id', { name: 'x' })).json, { ok: true });
    const empty = await pb(sb, 'PATCH', `/api/workflows/${id}`, {});
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.json, { error: 'No fields to update' });
    const del = await pb(sb, 'DELETE', `/api/workflows/${id}`);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    assert.equal((await pb(sb, 'DELETE', '/api/workflows/unknown-id')).status, 204);
    assert.equal((await pb(sb, 'GET', `/api/workflows/${id}`)).status, 404);
  });

  it('replaces graphs with validation errors in the structured shape', async () => {
    const { id } = (await pb(sb, 'POST', '/api/workflows', { name: 'Graph test' })).json as { id: string };
    const put = (body: unknown) => pb(sb, 'PUT', `/api/workflows/${id}/graph`, body);
    const cases: [unknown, string][] = [
      [{ blocks: [{ id: 'a' }], edges: [] }, "Each block must have 'id' and 'type'"],
      [{ blocks: [{ id: 'a', type: 'llm' }], edges: [] }, 'Unknown block type: llm'],
      [{ blocks: [{ id: 'a', type: 'starter' }], edges: [{ source: 'a' }] }, "Each edge must have 'source' and 'target'"],
      [{ blocks: [{ id: 'a', type: 'starter' }], edges: [{ source: 'a', target: 'b' }] }, 'Edge references a block not in this graph'],
    ];
    for (const [body, msg] of cases) {
      const r = await put(body);
      assert.equal(r.status, 400);
      assert.deepEqual(r.json, { error: msg, error_code: 'VALIDATION_ERROR' });
    }
    const ok = await put({
      blocks: [
        { id: 's', type: 'starter' },
        { id: 'f', type: 'function', config: { output: { v: '{{x}}' } } },
        { id: 'r', type: 'response' },
      ],
      edges: [
        { source: 's', target: 'f' },
        { source: 'f', target: 'r' },
      ],
    });
    assert.deepEqual(ok.json, { ok: true, blocks: 3, edges: 2 });
    const wf = (await pb(sb, 'GET', `/api/workflows/${id}`)).json as { version: number; blocks: { type: string; enabled: boolean }[]; edges: { id: string; sourceHandle: string; targetHandle: string }[] };
    assert.equal(wf.version, 2);
    assert.equal(wf.blocks[1]?.type, 'code', 'aliases are stored canonically');
    assert.ok(wf.blocks.every((b) => b.enabled));
    assert.ok(wf.edges.every((e) => e.id && e.sourceHandle === 'output' && e.targetHandle === 'input'));
    const run = await pb(sb, 'POST', `/api/workflows/${id}/execute`, { input: { x: 'legacy' } });
    assert.equal(run.status, 200);
    assert.deepEqual((run.json as { block_outputs: Record<string, unknown> }).block_outputs.f, { v: 'legacy' });
    assert.equal((await pb(sb, 'PUT', '/api/workflows/00000000-0000-4000-8000-000000000000/graph', { blocks: [], edges: [] })).status, 404);
  });

  it('executes synchronously with block_outputs and block_logs; failing blocks do not fail the run', async () => {
    const r = await pb(sb, 'POST', `/api/workflows/${SAMPLES.powabase.failing}/execute`, { variables: {} });
    assert.equal(r.status, 200, r.text);
    const body = r.json as { execution_id: string; status: string; output: unknown; block_outputs: Record<string, unknown>; block_logs: { block_id: string; status: string; duration_ms: number; agent_run_id: unknown }[] };
    assert.equal(body.status, 'completed');
    assert.equal(body.output, null, 'the response block never ran');
    assert.deepEqual(body.block_outputs['broken'], { error: 'upstream returned 502 Bad Gateway' });
    assert.ok(!('notify' in body.block_outputs), 'downstream of a failed block is skipped');
    assert.deepEqual(body.block_logs.map((l) => [l.block_id, l.status]), [
      ['start', 'success'],
      ['fetch', 'success'],
      ['broken', 'error'],
    ]);

    const ok = (await pb(sb, 'POST', `/api/workflows/${SAMPLES.powabase.linear}/execute`, { variables: { topic: 'tides' } })).json as { output: { brief: string } };
    assert.equal(ok.output.brief, 'Brief on tides');

    const history = (await pb(sb, 'GET', `/api/workflows/${SAMPLES.powabase.failing}/executions?limit=1`)).json as { executions: { id: string; status: string; started_at: string; completed_at: string }[] };
    assert.equal(history.executions.length, 1);
    assert.equal(history.executions[0]?.id, body.execution_id);
    assert.equal(history.executions[0]?.status, 'completed');
    assert.match(history.executions[0]?.completed_at ?? '', PY_ISO);
    const logs = await pb(sb, 'GET', `/api/workflows/${SAMPLES.powabase.failing}/executions/${body.execution_id}/logs`);
    const bl = (logs.json as { block_logs: { execution_order: number; error: string | null; config_snapshot: unknown }[] }).block_logs;
    assert.deepEqual(bl.map((l) => l.execution_order), [1, 2, 3]);
    assert.equal(bl[2]?.error, 'upstream returned 502 Bad Gateway');
    const noLogs = await pb(sb, 'GET', `/api/workflows/${SAMPLES.powabase.linear}/executions/${body.execution_id}/logs`);
    assert.equal(noLogs.status, 404);
    assert.deepEqual(noLogs.json, { error: 'Execution not found' });
    assert.deepEqual((await pb(sb, 'GET', '/api/workflows/nope/executions')).json, { executions: [] });
    const bad = await pb(sb, 'POST', `/api/workflows/${SAMPLES.powabase.linear}/execute`, { variables: 'x' });
    assert.equal(bad.status, 400);
    assert.equal((bad.json as { error_code: string }).error_code, 'VALIDATION_ERROR');
    const nf = await pb(sb, 'POST', '/api/workflows/00000000-0000-4000-8000-000000000000/execute', {});
    assert.equal((nf.json as { error_code: string }).error_code, 'WORKFLOW_NOT_FOUND');
  });

  it('streams data-only frames: block_start, block_chunk, block_complete, block_error, done with execution_id', async () => {
    const url = `${sb.url}/api/workflows/${SAMPLES.powabase.failing}/execute/stream`;
    const res = await sse(url, { method: 'POST', headers: pbHeaders(sb), body: '{}' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('x-accel-buffering'), 'no');
    assert.equal(res.end, 'eof');
    assert.ok(res.frames.every((f) => f.event === undefined && f.comment === undefined), 'no event: lines and no keepalives');
    const events = dataFrames(res).map((f) => json(f));
    const types = events.map((e) => e.type);
    assert.ok(types.includes('block_start') && types.includes('block_complete') && types.includes('block_error'));
    const last = events.at(-1) as { type: string; execution_id: string };
    assert.equal(last.type, 'done');
    assert.match(last.execution_id, /^[0-9a-f-]{36}$/);
    assert.ok(events.slice(0, -1).every((e) => !('execution_id' in e)), 'execution_id only arrives in done');
    const err = events.find((e) => e.type === 'block_error') as { data: { error: string }; duration_ms: number };
    assert.equal(err.data.error, 'upstream returned 502 Bad Gateway');
    assert.equal(typeof err.duration_ms, 'number');

    const agent = await sse(`${sb.url}/api/workflows/${SAMPLES.powabase.linear}/execute/stream`, { method: 'POST', headers: pbHeaders(sb), body: JSON.stringify({ variables: { topic: 'owls' } }) });
    const chunks = dataFrames(agent).map((f) => json(f)).filter((e) => e.type === 'block_chunk');
    assert.ok(chunks.length > 3);
    assert.match(chunks.map((c) => c.chunk).join(''), /owls/);
  });

  it('enforces the per-minute execute limit with 429', async () => {
    const limited = await startTestSandbox({ executeLimitPerMinute: 2 });
    try {
      const go = () => pb(limited, 'POST', `/api/workflows/${SAMPLES.powabase.retry}/execute/stream`, {});
      assert.equal((await go()).status, 200);
      assert.equal((await pb(limited, 'POST', `/api/workflows/${SAMPLES.powabase.retry}/execute`, {})).status, 200);
      const third = await go();
      assert.equal(third.status, 429);
      assert.deepEqual(third.json, { error: 'Rate limit exceeded. Max 2 executions per minute.' });
    } finally {
      await limited.close();
    }
  });

  it('deploys, undeploys and arms with a Python isoformat window; the webhook fires once', async () => {
    const wf = SAMPLES.powabase.linear;
    const hook = (await pb(sb, 'GET', `/api/workflows/${wf}`)).json as { blocks: { type: string; config: { webhook_id: string; webhook_secret: string } }[] };
    const cfg = hook.blocks.find((b) => b.type === 'webhook')?.config;
    assert.ok(cfg);
    const fire = (token = cfg.webhook_secret, id = cfg.webhook_id) =>
      raw(`${sb.url}/api/webhooks/${id}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ topic: 'hooks' }) });

    const inactive = await fire();
    assert.equal(inactive.status, 403);
    assert.deepEqual(inactive.json, { error: 'Webhook is not active' });
    const arm = await pb(sb, 'POST', `/api/workflows/${wf}/arm`);
    const armedUntil = (arm.json as { ok: boolean; armed_until: string }).armed_until;
    assert.match(armedUntil, PY_ISO);
    assert.ok(!armedUntil.endsWith('Z'));
    const delta = Date.parse(armedUntil) - Date.now();
    assert.ok(delta > 9 * 60_000 && delta <= 10 * 60_000);
    assert.deepEqual((await fire('wrong')).json, { error: 'Unauthorized' });
    const ok = await fire();
    assert.equal(ok.status, 200, ok.text);
    const body = ok.json as { execution_id: string; status: string; output: { brief: string } };
    assert.equal(body.status, 'completed');
    assert.equal(body.output.brief, 'Brief on hooks');
    assert.equal((await fire()).status, 403, 'single use: the arm is spent');
    const viaQuery = await raw(`${sb.url}/api/webhooks/${cfg.webhook_id}?token=${cfg.webhook_secret}`, { method: 'POST', body: '{}' });
    assert.equal(viaQuery.status, 403);

    assert.deepEqual((await pb(sb, 'POST', `/api/workflows/${wf}/deploy`)).json, { ok: true, state: 'deployed' });
    assert.equal((await fire()).status, 200);
    assert.equal((await fire()).status, 200, 'deployed webhooks are not single use');
    assert.deepEqual((await pb(sb, 'POST', `/api/workflows/${wf}/undeploy`)).json, { ok: true, state: 'internal' });
    assert.equal((await fire()).status, 403);

    const invalidId = await fire(cfg.webhook_secret, 'not-a-uuid');
    assert.deepEqual(invalidId.json, { error: 'Invalid webhook ID', error_code: 'VALIDATION_ERROR' });
    const unknownId = await fire(cfg.webhook_secret, '00000000-0000-4000-8000-000000000000');
    assert.equal(unknownId.status, 404);
    assert.equal((unknownId.json as { error_code: string }).error_code, 'WORKFLOW_NOT_FOUND');
    for (const action of ['deploy', 'undeploy', 'arm']) {
      const r = await pb(sb, 'POST', `/api/workflows/00000000-0000-4000-8000-000000000000/${action}`);
      assert.equal(r.status, 404);
      assert.deepEqual(r.json, { error: 'Workflow not found' });
    }
  });

  it('answers unknown routes, bad JSON and oversized bodies in its own shape', async () => {
    const nf = await pb(sb, 'GET', '/api/workflows/x/y/z');
    assert.equal(nf.status, 404);
    assert.ok('error' in (nf.json as object));
    const badJson = await raw(`${sb.url}/api/workflows`, { method: 'POST', headers: pbHeaders(sb), body: '{nope' });
    assert.equal(badJson.status, 400);
    assert.ok('error' in (badJson.json as object));
    const big = await raw(`${sb.url}/api/workflows`, { method: 'POST', headers: pbHeaders(sb), body: JSON.stringify({ name: 'x'.repeat(1_100_000) }) });
    assert.equal(big.status, 413);
    assert.ok('error' in (big.json as object));
  });
});
