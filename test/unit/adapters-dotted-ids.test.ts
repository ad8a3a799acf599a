// Dotted ids (issue 18): `encodeURIComponent('..')` is `..`, and URL resolution then climbs out of
// the route (`/api/workflows/..` → `/api/`), so an id from a workspace binding, a block or a
// server's run id could aim a keyed or signed request at another endpoint. Every adapter refuses
// such ids before any request; ordinary ids with dots still reach their exact path. The server
// records what reached it and answers 404 (the routes are the api-contracts.md paths).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PowabaseBackend } from '../../src/core/adapters/powabase/adapter';
import { SupervityBackend } from '../../src/core/adapters/supervity/adapter';
import { WhiteRabbitBackend } from '../../src/core/adapters/whiterabbit/adapter';
import { FlowscopeError } from '../../src/core/errors';
import { HttpClient } from '../../src/core/http';
import type { Graph } from '../../src/core/graph/schema';
import type { HostileServer } from './helpers/hostile-server';
import { startHostileServer } from './helpers/hostile-server';

let server: HostileServer;

before(async () => {
  server = await startHostileServer();
});
after(() => server.close());

const DEPS = { timeoutMs: 2_000, maxReconnects: 0 };
const pb = (): PowabaseBackend => new PowabaseBackend({ name: 'pb', kind: 'powabase', baseUrl: server.url }, { apiKey: 'k' }, DEPS);
const sv = (): SupervityBackend => new SupervityBackend({ name: 'sv', kind: 'supervity', baseUrl: server.url, org: 'org-1', workflowIds: [] }, { apiKey: 'k' }, DEPS);
const wr = (): WhiteRabbitBackend =>
  new WhiteRabbitBackend({ name: 'wr', kind: 'whiterabbit', baseUrl: server.url, workflowIds: [] }, { apiKey: 'k', apiSecret: 'a1'.repeat(32) }, DEPS);

async function first(iterable: AsyncIterable<unknown>): Promise<unknown> {
  for await (const item of iterable) return item;
  return undefined;
}

function graphWithBlock(id: string, name = 'renamed'): Graph {
  return { blocks: [{ id, type: 'agent', name }], edges: [] } as unknown as Graph;
}

/** Each call must fail with the refusal and reach no server at all. */
async function refusedWithoutARequest(calls: Record<string, () => Promise<unknown>>): Promise<void> {
  for (const [what, call] of Object.entries(calls)) {
    server.hits.length = 0;
    await assert.rejects(call(), (e: unknown) => {
      assert.ok(e instanceof FlowscopeError, `${what}: a typed error, got ${String(e)}`);
      assert.equal(e.reason, 'validation', `${what}: ${e.message}`);
      assert.match(e.message, /would change which endpoint is called/, what);
      return true;
    });
    assert.deepEqual(
      server.hits.map((h) => `${h.method} ${h.path}`),
      [],
      `${what} sent nothing`,
    );
  }
}

describe('ids "." and ".." never become path segments', () => {
  it('Powabase: workflow ids from a binding and run ids from a server', async () => {
    await refusedWithoutARequest({
      'getGraph ..': () => pb().getGraph('..'),
      'getWorkflow .': () => pb().getWorkflow('.'),
      'pushGraph ..': () => pb().pushGraph('..', graphWithBlock('a'), undefined),
      'listRuns ..': () => pb().listRuns('..'),
      'trigger ..': () => first(pb().trigger('..', {})),
      'deploy ..': () => pb().deploy('..'),
      'logs of run ..': () => pb().logs({ id: '..', workflowId: 'wf-1' }),
      'empty workflow id': () => pb().getGraph(''),
    });
  });

  it('White Rabbit: run ids, workflow ids and block (component) ids', async () => {
    await refusedWithoutARequest({
      'getRun ..': () => wr().getRun({ id: '..' }),
      'follow .': () => first(wr().follow({ id: '.' })),
      'trigger ..': () => first(wr().trigger('..', {})),
      'push a block ..': () => wr().pushGraph('wf-1', graphWithBlock('..'), graphWithBlock('..', 'before')),
      'updateComponent of workflow ..': () => wr().updateComponent('..', 'c1', { name: 'x' }),
      'component execution ..': () => first(wr().followComponent('..')),
    });
  });

  it('Supervity Auto: run ids', async () => {
    await refusedWithoutARequest({
      'getRun ..': () => sv().getRun({ id: '..' }),
      'getRun .': () => sv().getRun({ id: '.' }),
    });
  });

  it('the HTTP client refuses dot segments in any spelling, whatever built the path', async () => {
    const http = new HttpClient({ baseUrl: server.url, service: 'Test', authorize: () => ({}) });
    await refusedWithoutARequest({
      '%2e%2e': () => http.empty({ method: 'GET', path: '/api/workflows/%2e%2e' }),
      '.%2E': () => http.empty({ method: 'GET', path: '/api/workflows/.%2E/graph' }),
      '.': () => http.empty({ method: 'GET', path: '/api/./workflows' }),
    });
  });

  it('ids that merely contain dots reach their exact path', async () => {
    server.hits.length = 0;
    for (const id of ['...', 'v1.2', '.hidden', '%2e%2e']) {
      await assert.rejects(pb().getGraph(id), (e: unknown) => FlowscopeError.is(e, 'notFound'));
    }
    assert.deepEqual(
      server.hits.map((h) => h.path),
      ['/api/workflows/...', '/api/workflows/v1.2', '/api/workflows/.hidden', '/api/workflows/%252e%252e'],
    );
  });
});
