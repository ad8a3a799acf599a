import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { SupervityBackend } from '../../src/core/adapters/supervity/adapter';
import type { AdapterDeps } from '../../src/core/adapters/deps';
import type { CancelRequest } from '../../src/core/backend';
import type { Run } from '../../src/core/model';
import { FlowscopeError } from '../../src/core/errors';
import { bodyJson, json, startRoutes, text } from './helpers/http-routes';
import type { RouteServer } from './helpers/http-routes';
import { rejection, svRun } from './helpers/scripted-fixtures';

const BASE = '/api/v1/workflow-runs';

let server: RouteServer;
before(async () => (server = await startRoutes()));
after(() => server.close());
beforeEach(() => server.received.splice(0));

function backend(options: { org?: string; workflowIds?: string[] } = {}, deps: AdapterDeps = {}): SupervityBackend {
  return new SupervityBackend(
    { name: 'sv', kind: 'supervity', baseUrl: server.url, org: options.org ?? 'acme', workflowIds: options.workflowIds ?? [] },
    { apiKey: 'sv-key' },
    { pollMinMs: 5, pollMaxMs: 20, timeoutMs: 3_000, ...deps },
  );
}

describe('Supervity REST', () => {
  test('auth headers: Bearer, x-source external and always x-active-org', async () => {
    server.on('GET', `${BASE}/r1`, (_req, res) => json(res, 200, { workflowRun: svRun('r1', 'running'), activityRuns: [] }));
    await backend().getRun({ id: 'r1' });
    const h = server.last('GET', `${BASE}/r1`)!.headers;
    assert.deepEqual([h.authorization, h['x-source'], h['x-active-org'], h.accept], ['Bearer sv-key', 'external', 'acme', 'application/json']);
  });

  // Contracts C.1 (the authentication page): "x-active-org: <org-key>. Always include it."
  test('a connection without an organisation is refused before any request', async () => {
    for (const org of [undefined, '', '  ']) {
      let error: unknown;
      try {
        new SupervityBackend({ name: 'auto', kind: 'supervity', baseUrl: server.url, ...(org === undefined ? {} : { org }) }, { apiKey: 'k2' });
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof FlowscopeError, `org ${JSON.stringify(org)} is refused`);
      assert.equal(error.reason, 'usage');
      assert.equal(error.message, 'Connection "auto" has no organisation: Supervity Auto needs your organisation key on every request (the x-active-org header).');
    }
    assert.equal(server.received.length, 0);
  });

  test('workflows come from config, named by their newest run and counted by the dashboard (all shapes)', async () => {
    const dashboards: Record<string, unknown> = {
      flat: { scheduled: 1, running: 2, completed: '5', failed: 1, cancelled: 0, waiting: 1 },
      nested: { counts: { completed: 3, canceled: 1, cancelled: 1 }, total: 9 },
      array: [{ status: 'completed', count: 4 }, { status: 'failed', count: 2 }, { status: 'bogus', count: 7 }],
      forbidden: undefined,
    };
    server.on('GET', BASE, (req, res) => {
      const id = req.query.get('workflowId') ?? '';
      if (id === 'forbidden') return json(res, 403, { message: 'API keys cannot read run history' });
      json(res, 200, { workflowRuns: [svRun(`${id}-r`, 'completed', { workflowId: id, workflowName: `Name of ${id}` })], pagination: {} });
    });
    for (const [id, body] of Object.entries(dashboards)) {
      server.on('GET', `${BASE}/dashboard/${id}`, (_req, res) => (body === undefined ? json(res, 403, { message: 'nope' }) : json(res, 200, body)));
    }
    const list = await backend({ workflowIds: Object.keys(dashboards) }).listWorkflows();
    assert.deepEqual(
      list.map((w) => [w.id, w.name, w.counts]),
      [
        ['flat', 'Name of flat', { queued: 1, running: 2, completed: 5, failed: 1, cancelled: 0, waiting: 1, total: 10 }],
        ['nested', 'Name of nested', { completed: 3, cancelled: 2, total: 9 }],
        ['array', 'Name of array', { completed: 4, failed: 2, total: 6 }],
        ['forbidden', 'forbidden', undefined],
      ],
    );
    assert.equal(list[0]?.runCount, 10);
    const q = server.received.find((r) => r.path === BASE && r.query.get('workflowId') === 'flat')!.query;
    assert.deepEqual([q.get('page'), q.get('limit')], ['1', '1']);
  });

  test('a bad key is not hidden by the tolerant workflow list', async () => {
    server.on('GET', BASE, (_req, res) => void res.writeHead(401).end());
    server.on('GET', `${BASE}/dashboard/w`, (_req, res) => void res.writeHead(401).end());
    const err = await rejection(backend({ workflowIds: ['w'] }).listWorkflows());
    assert.equal(err.reason, 'auth');
    assert.match(err.message, /check the API key/);
  });

  test('listRuns: query, status normalization, hasMore from totalPages / total / page length', async () => {
    const runs = [svRun('a', 'scheduled'), svRun('b', 'waiting'), svRun('c', 'succeeded'), svRun('d', 'canceled'), svRun('e', 'error'), svRun('f', 'weird')];
    let pagination: unknown = { page: 1, limit: 6, total: 12, totalPages: 2 };
    server.on('GET', BASE, (_req, res) => json(res, 200, { workflowRuns: runs, pagination }));
    const b = backend();
    const page = await b.listRuns('wf-1', { limit: 6, status: 'running' });
    const q = server.last('GET', BASE)!.query;
    assert.deepEqual(Object.fromEntries(q), { workflowId: 'wf-1', status: 'running', page: '1', limit: '6' });
    assert.deepEqual(page.runs.map((r) => r.status), ['queued', 'waiting', 'completed', 'cancelled', 'failed', 'unknown']);
    assert.deepEqual(page.runs.map((r) => r.rawStatus), ['scheduled', 'waiting', 'succeeded', 'canceled', 'error', 'weird']);
    assert.equal(page.runs[2]?.endedAt, '2026-01-01T00:00:05.000Z');
    assert.equal(page.next, '2');
    const second = await b.listRuns('wf-1', { limit: 6, cursor: '2' });
    assert.equal(server.last('GET', BASE)!.query.get('page'), '2');
    assert.equal(second.next, undefined, 'page 2 of 2');
    pagination = { total: 13 };
    assert.equal((await b.listRuns('wf-1', { limit: 6, cursor: '2' })).next, '3');
    pagination = undefined;
    assert.equal((await b.listRuns('wf-1', { limit: 6 })).next, '2', 'a full page without totals may have more');
    assert.equal((await b.listRuns('wf-1', { limit: 7 })).next, undefined);
    await b.listRuns('wf-1', { status: 'queued' });
    assert.equal(server.last('GET', BASE)!.query.get('status'), 'scheduled');
  });

  test('getRun: activity runs top-level or nested, names, JSON-string outputs, condition branches', async () => {
    const activities = [
      { id: 'a1', stepId: 'extract', stepName: 'Extract fields', status: 'completed', attempt: 1, outputs: { output: '{"total": 42}' }, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:02.000Z' },
      { id: 'a2', stepId: 'route', stepName: null, status: 'completed', attempt: 1, conditionMet: true, outputs: { output: 'plain text' } },
      { id: 'a3', stepId: 'route', stepName: null, status: 'completed', attempt: 1, conditionMet: false, outputs: null },
      { id: 'a4', stepId: 'operator', status: 'failed', attempt: 2, outputs: { output: '', displayData: { html: '<a href="/runs/child">child</a>' }, error: 'child failed' } },
    ];
    server.on('GET', `${BASE}/top`, (_req, res) => json(res, 200, { workflowRun: svRun('top', 'failed'), activityRuns: activities }));
    server.on('GET', `${BASE}/nested`, (_req, res) => json(res, 200, { workflowRun: { ...svRun('nested', 'failed'), activityRuns: activities } }));
    server.on('GET', `${BASE}/bare`, (_req, res) => json(res, 200, { ...svRun('bare', 'failed'), activityRuns: activities }));
    const b = backend();
    for (const id of ['top', 'nested', 'bare']) {
      const run = await b.getRun({ id });
      assert.deepEqual([run.id, run.status, run.workflowName], [id, 'failed', 'Invoice triage']);
      assert.deepEqual(run.stages.map((s) => [s.id, s.name, s.status]), [['extract', 'Extract fields', 'completed'], ['route', 'route', 'completed'], ['operator', 'operator', 'failed']]);
      assert.deepEqual(run.stages[0]?.output, { total: 42 });
      assert.equal(run.stages[0]?.durationMs, 2_000);
      assert.equal(run.stages[1]?.output, 'plain text', 'the taken branch wins over the one not taken');
      assert.deepEqual([run.stages[2]?.error, run.stages[2]?.attempt], ['child failed', 2]);
      assert.deepEqual(run.stages[2]?.output, activities[3]?.outputs, 'an empty output keeps displayData (link to the child run)');
    }
  });

  test('follow polls the run until it ends', async () => {
    let n = 0;
    server.on('GET', `${BASE}/r1`, (_req, res) => json(res, 200, { workflowRun: svRun('r1', ++n < 2 ? 'waiting' : 'completed'), activityRuns: [] }));
    const seen: Run[] = [];
    for await (const run of backend().follow({ id: 'r1' })) seen.push(run);
    assert.deepEqual(seen.map((r) => r.status), ['waiting', 'completed']);
  });
});

describe('Supervity cancel', () => {
  test('sends runIds or workflowId with a reason, and validates before sending', async () => {
    server.on('POST', `${BASE}/cancel`, (_req, res) => json(res, 200, { results: [{ runId: 'r1', status: 'cancelled' }] }));
    const b = backend();
    assert.deepEqual(await b.cancel({ runIds: ['r1'], reason: 'stuck' }), [{ runId: 'r1', status: 'cancelled' }]);
    const req = server.last('POST', `${BASE}/cancel`)!;
    assert.deepEqual(bodyJson(req), { runIds: ['r1'], reason: 'stuck' });
    assert.match(String(req.headers['content-type']), /application\/json/);
    await b.cancel({ workflowId: 'wf-1' });
    assert.deepEqual(bodyJson(server.last('POST', `${BASE}/cancel`)!), { workflowId: 'wf-1' });

    const bad: CancelRequest[] = [{}, { runIds: [] }, { runIds: ['r1'], workflowId: 'wf-1' }, { runIds: ['r1'], reason: 'x'.repeat(501) }];
    for (const request of bad) assert.equal((await rejection(b.cancel(request))).reason, 'usage');
    assert.equal(server.count('POST', `${BASE}/cancel`), 2, 'invalid requests are never sent');
  });

  test('finds the outcomes in any envelope', async () => {
    const items = [{ runId: 'r1', status: 'cancelled' }, { id: 'r2', status: 'already_completed', message: 'done already' }, { runId: 'r3', status: 'canceled' }, { runId: 'r4', status: 'exploded' }];
    const expected = [
      { runId: 'r1', status: 'cancelled' },
      { runId: 'r2', status: 'already_completed', message: 'done already' },
      { runId: 'r3', status: 'cancelled' },
      { runId: 'r4', status: 'unknown' },
    ];
    const envelopes = [{ results: items }, { outcomes: items }, { data: items }, items, { success: true, data: { results: items } }, { summary: { n: 4 }, whatever: items }];
    for (const envelope of envelopes) {
      server.on('POST', `${BASE}/cancel`, (_req, res) => json(res, 200, envelope));
      assert.deepEqual(await backend().cancel({ runIds: ['r1', 'r2', 'r3', 'r4'] }), expected, JSON.stringify(envelope));
    }
    server.on('POST', `${BASE}/cancel`, (_req, res) => json(res, 200, { ok: true }));
    assert.deepEqual(await backend().cancel({ runIds: ['r9'] }), [{ runId: 'r9', status: 'unknown' }]);
    assert.deepEqual(await backend().cancel({ workflowId: 'wf-1' }), []);
  });
});

describe('Supervity errors', () => {
  test('bare 401, 403, 404, zod-style 400, 429 Retry-After, remix 400, missing fields', async () => {
    const b = backend();
    server.on('GET', `${BASE}/x`, (_req, res) => void res.writeHead(401).end());
    let err = await rejection(b.getRun({ id: 'x' }));
    assert.equal(err.reason, 'auth');

    server.on('GET', `${BASE}/x`, (_req, res) => json(res, 403, { message: 'Insufficient permissions' }));
    err = await rejection(b.getRun({ id: 'x' }));
    assert.deepEqual([err.reason, /Insufficient permissions/.test(err.message)], ['forbidden', true]);

    server.on('GET', `${BASE}/x`, (_req, res) => json(res, 404, { error: 'Workflow run not found' }));
    err = await rejection(b.getRun({ id: 'x' }));
    assert.deepEqual([err.reason, /Workflow run not found/.test(err.message)], ['notFound', true]);

    server.on('GET', `${BASE}/x`, (_req, res) => json(res, 400, { issues: [{ path: ['limit'], message: 'Too big: expected number to be <=100' }] }));
    err = await rejection(b.getRun({ id: 'x' }));
    assert.equal(err.reason, 'validation');
    assert.deepEqual(err.issues, [{ path: 'limit', message: 'Too big: expected number to be <=100' }]);

    server.on('GET', `${BASE}/x`, (_req, res) => text(res, 400, '{"message":"Unexpected Server Error"}', 'application/json', { 'x-remix-error': 'yes' }));
    err = await rejection(b.getRun({ id: 'x' }));
    assert.match(err.message, /Unexpected Server Error/);

    server.on('GET', `${BASE}/x`, (_req, res) => json(res, 429, { message: 'Too many requests' }, { 'retry-after': '120' }));
    err = await rejection(b.getRun({ id: 'x' }));
    assert.deepEqual([err.reason, err.retryAfterMs], ['rateLimited', 120_000]);
    assert.equal(server.count('GET', `${BASE}/x`), 6, 'a Retry-After beyond the bound is reported, not waited out');

    server.on('GET', `${BASE}/x`, (_req, res) => json(res, 200, { workflowRun: { id: 'x' } }));
    err = await rejection(b.getRun({ id: 'x' }));
    assert.equal(err.reason, 'protocol');
    assert.match(err.message, /workflowRun\.status/);
  });
});
