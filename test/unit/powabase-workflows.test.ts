import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { PowabaseBackend } from '../../src/core/adapters/powabase/adapter';
import { bodyJson, json, startRoutes } from './helpers/http-routes';
import type { RouteServer } from './helpers/http-routes';
import { rejection } from './helpers/scripted-fixtures';

// Create, rename and delete as the published routes answer them (powabase-ai/powabase-ai
// `routes/workflows.py` v0.7.0; api-contracts.md B.2): POST → 201 {id, name}; PATCH → {ok: true}
// with no existence check; DELETE → 204 with an empty body, existing or not.

const WF = '/api/workflows/wf-1';
let server: RouteServer;
before(async () => (server = await startRoutes()));
after(() => server.close());
beforeEach(() => server.received.splice(0));

const backend = (): PowabaseBackend => new PowabaseBackend({ name: 'pb', kind: 'powabase', baseUrl: server.url }, { apiKey: 'k' }, { timeoutMs: 3_000, retryBaseMs: 1 });

describe('Powabase workflows: create, rename, delete', () => {
  test('create posts the name, description and inputs once and returns the new id', async () => {
    server.on('POST', '/api/workflows', (_req, res) => json(res, 201, { id: 'wf-new', name: 'Owls' }));
    const created = await backend().createWorkflow({ name: 'Owls', description: 'About owls', variables: { topic: { type: 'string' } } });
    assert.deepEqual(created, { id: 'wf-new', name: 'Owls' });
    assert.deepEqual(bodyJson(server.last('POST', '/api/workflows')!), { name: 'Owls', description: 'About owls', variables: { topic: { type: 'string' } } });
  });

  test('a failed create is not retried: a retry could create a second workflow', async () => {
    server.on('POST', '/api/workflows', (_req, res) => json(res, 503, { error: 'busy' }));
    const e = await rejection(backend().createWorkflow({ name: 'Owls' }));
    assert.equal(e.reason, 'server');
    assert.equal(server.count('POST', '/api/workflows'), 1);
  });

  test('rename checks that the workflow exists, since PATCH reports ok for any id', async () => {
    server.on('GET', WF, (_req, res) => json(res, 404, { error: 'Workflow not found', error_code: 'WORKFLOW_NOT_FOUND' }));
    server.on('PATCH', WF, (_req, res) => json(res, 200, { ok: true }));
    const e = await rejection(backend().updateWorkflow('wf-1', { name: 'New' }));
    assert.equal(e.reason, 'notFound');
    assert.equal(server.count('PATCH', WF), 0, 'nothing was patched');
    server.on('GET', WF, (_req, res) => json(res, 200, { id: 'wf-1', name: 'Old', blocks: [], edges: [] }));
    await backend().updateWorkflow('wf-1', { name: 'New', description: null });
    assert.deepEqual(bodyJson(server.last('PATCH', WF)!), { name: 'New', description: null });
  });

  test('delete accepts the empty 204', async () => {
    server.on('DELETE', WF, (_req, res) => {
      res.writeHead(204);
      res.end();
    });
    await backend().deleteWorkflow('wf-1');
    assert.equal(server.count('DELETE', WF), 1);
  });
});
