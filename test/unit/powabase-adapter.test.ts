import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { PowabaseBackend } from '../../src/core/adapters/powabase/adapter';
import type { AdapterDeps } from '../../src/core/adapters/deps';
import { FlowscopeError } from '../../src/core/errors';
import type { Run } from '../../src/core/model';
import { drain, pbBlockLog as blockLog, pbExecution as exec, rejection } from './helpers/scripted-fixtures';
import { bodyJson, json, startRoutes, text, werkzeugPage } from './helpers/http-routes';
import type { RouteServer } from './helpers/http-routes';

const KEY = 'service-role-key';
const WF = '/api/workflows/wf-1';

let server: RouteServer;
before(async () => (server = await startRoutes()));
after(() => server.close());

function backend(deps: AdapterDeps = {}): PowabaseBackend {
  return new PowabaseBackend(
    { name: 'pb', kind: 'powabase', baseUrl: `${server.url}/` },
    { apiKey: KEY },
    { streamIdleMs: 1_000, pollMinMs: 5, pollMaxMs: 20, timeoutMs: 3_000, ...deps },
  );
}

describe('Powabase REST', () => {
  beforeEach(() => server.received.splice(0));

  test('sends apikey and Bearer on every request and pages workflows by offset/total', async () => {
    const all = Array.from({ length: 130 }, (_, i) => ({ id: `w${i}`, name: `W ${i}`, state: 'internal', variables: null, version: 2, execution_count: i }));
    server.on('GET', '/api/workflows', (req, res) => {
      const limit = Number(req.query.get('limit'));
      const offset = Number(req.query.get('offset'));
      json(res, 200, { workflows: all.slice(offset, offset + limit), total: all.length, limit, offset });
    });
    const list = await backend().listWorkflows();
    assert.equal(list.length, 130);
    assert.deepEqual(list[5], { id: 'w5', name: 'W 5', state: 'internal', version: 2, runCount: 5 });
    const reqs = server.received.filter((r) => r.path === '/api/workflows');
    assert.deepEqual(reqs.map((r) => [r.query.get('limit'), r.query.get('offset')]), [['100', '0'], ['100', '100']]);
    for (const r of reqs) {
      assert.equal(r.headers.apikey, KEY);
      assert.equal(r.headers.authorization, `Bearer ${KEY}`);
    }
  });

  test('reads variables as a map, as a list, or absent', async () => {
    const variables: Record<string, unknown> = {
      map: { text: { type: 'string', default: 'x', description: 'the text' }, n: 'number' },
      list: [{ name: 'text', type: 'string' }, 'bare', { nope: 1 }],
      absent: undefined,
    };
    for (const [id, v] of Object.entries(variables)) {
      server.on('GET', `/api/workflows/${id}`, (_req, res) => json(res, 200, { id, name: id, variables: v, state: 'deployed', blocks: [], edges: [] }));
    }
    const b = backend();
    assert.deepEqual(await b.inputsOf('map'), [{ name: 'text', type: 'string', default: 'x', description: 'the text' }, { name: 'n', type: 'number' }]);
    assert.deepEqual(await b.inputsOf('list'), [{ name: 'text', type: 'string' }, { name: 'bare' }]);
    assert.deepEqual(await b.inputsOf('absent'), []);
    assert.equal((await b.getWorkflow('map')).state, 'deployed');
  });

  test('maps the graph, tolerating null names and positions', async () => {
    server.on('GET', WF, (_req, res) =>
      json(res, 200, {
        id: 'wf-1',
        name: 'One',
        blocks: [
          { id: 'start', type: 'starter', name: null, position: null, config: {}, enabled: true },
          { id: 'hook', type: 'webhook', name: 'Hook', position: { x: 1, y: 2 }, config: { webhook_id: 'abc' }, enabled: true },
        ],
        edges: [{ id: 'e1', source: 'start', target: 'hook', sourceHandle: 'output', targetHandle: 'input', condition: null }],
      }),
    );
    const g = await backend().getGraph('wf-1');
    assert.deepEqual(g.blocks[0], { id: 'start', type: 'starter', config: {}, enabled: true });
    assert.deepEqual(g.blocks[1]?.position, { x: 1, y: 2 });
    assert.deepEqual(g.edges[0], { id: 'e1', source: 'start', target: 'hook', sourceHandle: 'output', targetHandle: 'input', condition: null });
  });

  test('pushGraph PUTs the whole graph; a VALIDATION_ERROR comes back typed with the server message', async () => {
    const graph = { blocks: [{ id: 'a', type: 'starter' }, { id: 'h', type: 'webhook', config: {} }], edges: [{ source: 'a', target: 'h' }] };
    server.on('PUT', `${WF}/graph`, (_req, res) => json(res, 200, { ok: true, blocks: 2, edges: 1 }));
    const report = await backend().pushGraph('wf-1', graph, undefined);
    assert.deepEqual(bodyJson(server.last('PUT', `${WF}/graph`)!), graph);
    assert.deepEqual(report.steps, ['replaced the graph: 2 blocks, 1 edges']);
    assert.equal(report.notApplied.length, 1, 'the webhook block without webhook_id is flagged');

    server.on('PUT', `${WF}/graph`, (_req, res) => json(res, 400, { error: 'Unknown block type: llm', error_code: 'VALIDATION_ERROR' }));
    const err = await rejection(backend().pushGraph('wf-1', graph, undefined));
    assert.equal(err.reason, 'validation');
    assert.equal(err.code, 'VALIDATION_ERROR');
    assert.equal(err.status, 400);
    assert.match(err.message, /Unknown block type: llm/);
  });

  test('listRuns asks a bigger limit per page (no offset), cursor = runs already shown', async () => {
    const all = Array.from({ length: 45 }, (_, i) => exec(`e${i}`, i === 0 ? 'running' : i === 1 ? 'failed' : 'completed'));
    server.on('GET', `${WF}/executions`, (req, res) => json(res, 200, { executions: all.slice(0, Number(req.query.get('limit'))) }));
    const b = backend();
    const first = await b.listRuns('wf-1', { limit: 20 });
    assert.equal(first.runs.length, 20);
    assert.deepEqual(first.runs.slice(0, 2).map((r) => [r.id, r.status, r.workflowId]), [['e0', 'running', 'wf-1'], ['e1', 'failed', 'wf-1']]);
    assert.equal(first.next, '20');
    const second = await b.listRuns('wf-1', { limit: 20, cursor: first.next });
    assert.deepEqual(second.runs.map((r) => r.id), all.slice(20, 40).map((e) => e.id));
    const third = await b.listRuns('wf-1', { limit: 20, cursor: second.next });
    assert.deepEqual(third.runs.map((r) => r.id), ['e40', 'e41', 'e42', 'e43', 'e44']);
    assert.equal(third.next, undefined);
    const limits = server.received.filter((r) => r.path === `${WF}/executions`).map((r) => r.query.get('limit'));
    assert.deepEqual(limits, ['20', '40', '60']);
    const big = await b.listRuns('wf-1', { limit: 500 });
    assert.equal(server.last('GET', `${WF}/executions`)?.query.get('limit'), '100');
    assert.equal(big.next, undefined, 'no page past the route maximum');
  });

  test('getRun: a completed run with a failed block is completed_with_errors, raw status kept', async () => {
    server.on('GET', `${WF}/executions`, (_req, res) => json(res, 200, { executions: [exec('e1', 'completed', { completed_at: '2026-01-01T00:00:03' })] }));
    server.on('GET', `${WF}/executions/e1/logs`, (_req, res) =>
      json(res, 200, {
        block_logs: [
          blockLog('c', 'skipped', 2, { output: null }),
          blockLog('a', 'success', 0),
          blockLog('b', 'error', 1, { output: { error: 'boom' } }),
        ],
      }),
    );
    const run = await backend().getRun({ id: 'e1', workflowId: 'wf-1' });
    assert.equal(run.status, 'completed_with_errors');
    assert.equal(run.rawStatus, 'completed');
    assert.equal(run.endedAt, '2026-01-01T00:00:03');
    assert.match(run.error ?? '', /Block b failed: boom/);
    assert.deepEqual(run.stages.map((s) => [s.id, s.status, s.rawStatus, s.order]), [['a', 'completed', 'success', 0], ['b', 'failed', 'error', 1], ['c', 'skipped', 'skipped', 2]]);
    assert.equal(run.stages[1]?.error, 'boom');
    assert.equal(run.stages[0]?.durationMs, 12.5);
    assert.equal(run.stages[0]?.name, 'Block a');
  });

  test('getRun without a workflow id searches each workflow\'s executions', async () => {
    server.on('GET', '/api/workflows', (_req, res) => json(res, 200, { workflows: [{ id: 'wa', name: 'A' }, { id: 'wb', name: 'B' }], total: 2 }));
    server.on('GET', '/api/workflows/wa/executions', (_req, res) => json(res, 200, { executions: [exec('other', 'completed')] }));
    server.on('GET', '/api/workflows/wb/executions', (_req, res) => json(res, 200, { executions: [exec('target', 'failed', { error: 'engine crashed' })] }));
    server.on('GET', '/api/workflows/wb/executions/target/logs', (_req, res) => json(res, 200, { block_logs: [] }));
    const b = backend();
    const run = await b.getRun({ id: 'target' });
    assert.deepEqual([run.workflowId, run.status, run.error], ['wb', 'failed', 'engine crashed']);
    const logs = await b.logs({ id: 'target' });
    assert.deepEqual(logs, []);
    assert.equal(server.count('GET', '/api/workflows'), 1, 'the owner is remembered');
    await assert.rejects(b.getRun({ id: 'missing' }), (e) => FlowscopeError.is(e, 'notFound'));
  });

  test('logs map to StageLog', async () => {
    server.on('GET', `${WF}/executions/e1/logs`, (_req, res) => json(res, 200, { block_logs: [blockLog('a', 'error', 0, { error: 'bad', output: null })] }));
    assert.deepEqual(await backend().logs({ id: 'e1', workflowId: 'wf-1' }), [
      { stageId: 'a', stageName: 'Block a', type: 'code', status: 'error', durationMs: 12.5, input: {}, error: 'bad', order: 0 },
    ]);
  });

  test('deploy/undeploy return the new state; arm returns armed_until and webhook URLs', async () => {
    server.on('POST', `${WF}/deploy`, (_req, res) => json(res, 200, { ok: true, state: 'deployed' }));
    server.on('POST', `${WF}/undeploy`, (_req, res) => json(res, 200, { ok: true, state: 'internal' }));
    server.on('POST', `${WF}/arm`, (_req, res) => json(res, 200, { ok: true, armed_until: '2026-01-01T00:10:00.123456+00:00' }));
    server.on('GET', WF, (_req, res) =>
      json(res, 200, {
        id: 'wf-1',
        name: 'One',
        blocks: [
          { id: 'h1', type: 'webhook', config: { webhook_id: '5a4d0b00-00a1-4000-8000-0000000000a1', webhook_secret: 's' } },
          { id: 'h2', type: 'webhook', config: {} },
          { id: 'x', type: 'code', config: { webhook_id: 'not-a-webhook-block' } },
        ],
        edges: [],
      }),
    );
    const b = backend();
    assert.equal(await b.deploy('wf-1'), 'deployed');
    assert.equal(await b.undeploy('wf-1'), 'internal');
    const armed = await b.arm('wf-1');
    assert.deepEqual(armed, {
      armedUntil: '2026-01-01T00:10:00.123456+00:00',
      webhookUrls: [`${server.url}/api/webhooks/5a4d0b00-00a1-4000-8000-0000000000a1`],
    });
    assert.equal(server.last('POST', `${WF}/arm`)?.headers.apikey, KEY);
  });

  test('follow polls getRun until the run ends', async () => {
    let reads = 0;
    server.on('GET', `${WF}/executions`, (_req, res) => json(res, 200, { executions: [exec('e1', ++reads < 3 ? 'running' : 'completed')] }));
    server.on('GET', `${WF}/executions/e1/logs`, (_req, res) => json(res, 200, { block_logs: [blockLog('a', 'success', 0)] }));
    const seen: Run[] = [];
    for await (const run of backend().follow({ id: 'e1', workflowId: 'wf-1' })) seen.push(run);
    assert.deepEqual(seen.map((r) => r.status), ['running', 'completed']);
  });
});

describe('Powabase errors', () => {
  beforeEach(() => server.received.splice(0));

  test('structured and plain error bodies keep their message and code', async () => {
    server.on('GET', '/api/workflows/nope', (_req, res) => json(res, 404, { error: 'Workflow not found', error_code: 'WORKFLOW_NOT_FOUND' }));
    let err = await rejection(backend().getWorkflow('nope'));
    assert.deepEqual([err.reason, err.code, err.status], ['notFound', 'WORKFLOW_NOT_FOUND', 404]);
    assert.match(err.message, /Powabase: Workflow not found/);

    server.on('POST', '/api/workflows/nope/deploy', (_req, res) => json(res, 404, { error: 'Workflow not found' }));
    err = await rejection(backend().deploy('nope'));
    assert.deepEqual([err.reason, err.code], ['notFound', undefined]);
    assert.match(err.message, /Workflow not found/);

    server.on('GET', '/api/workflows', (_req, res) => json(res, 401, { message: 'No API key found in request' }));
    err = await rejection(backend().listWorkflows());
    assert.equal(err.reason, 'auth');
    assert.match(err.message, /No API key found in request/);

    server.on('GET', '/api/workflows', (_req, res) => json(res, 403, { error: 'Token has expired' }));
    err = await rejection(backend().listWorkflows());
    assert.equal(err.reason, 'forbidden');
    assert.match(err.message, /Token has expired/);

    server.on('GET', '/api/workflows', (_req, res) => json(res, 500, { error: 'database is down' }));
    err = await rejection(backend().listWorkflows());
    assert.equal(err.reason, 'server');
    assert.match(err.message, /database is down/);
  });

  test('a missing required field is a protocol error naming the field', async () => {
    server.on('GET', '/api/workflows', (_req, res) => json(res, 200, { workflows: [{ id: 'w1' }], total: 1 }));
    const err = await rejection(backend().listWorkflows());
    assert.equal(err.reason, 'protocol');
    assert.match(err.message, /workflows\.0\.name/);
  });

  test('execute refusals (Werkzeug HTML 400, 402 credits, 429 Retry-After) are typed and sent once', async () => {
    const cases: [number, string, string, Record<string, string>, string, RegExp][] = [
      [400, werkzeugPage(400, 'Bad Request', 'Model gpt-x requires BYOK or a platform key.'), 'text/html; charset=utf-8', {}, 'validation', /Bad Request: Model gpt-x requires BYOK/],
      [402, JSON.stringify({ error: 'insufficient_credits', balance: 0, estimated_cost: 3, renews_at: '2026-02-01' }), 'application/json', {}, 'payment', /insufficient_credits/],
      [429, JSON.stringify({ error: 'Rate limit exceeded. Max 20 executions per minute.' }), 'application/json', { 'retry-after': '7' }, 'rateLimited', /Max 20 executions per minute/],
    ];
    for (const [status, body, type, headers, reason, message] of cases) {
      server.received.splice(0);
      server.on('POST', `${WF}/execute/stream`, (_req, res) => text(res, status, body, type, headers));
      const err = await rejection(drain(backend().trigger('wf-1', {})));
      assert.equal(err.reason, reason);
      assert.match(err.message, message);
      assert.doesNotMatch(err.message, /<html|<p>/);
      assert.equal(server.count('POST', `${WF}/execute/stream`), 1, `${status} is not retried`);
      assert.equal(server.count('GET', `${WF}/executions`), 0, 'no run is looked for when none started');
      if (status === 429) assert.equal(err.retryAfterMs, 7_000);
      if (status === 402) assert.equal(err.details?.balance, 0);
    }
  });
});
