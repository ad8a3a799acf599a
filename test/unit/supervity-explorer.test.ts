// The extension's core over Supervity (run store and explorer, what the trigger form and the tree
// use), against a loopback server answering as Supervity Auto: runs carry `workflowName` (seed 004
// line 77); there is no workflow endpoint, so a workflow without runs is known by its id only
// (contracts C.5, C.6); execute takes `envs[NAME]` multipart fields (contracts C.2).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RunStore } from '../../src/core/runs/runStore';
import { Explorer } from '../../src/extension/tree/viewModel';
import type { ExplorerNode, WorkflowNode } from '../../src/extension/tree/nodes';
import { TestConnections, until } from './helpers/explorer-harness';
import { formFields, json, startRoutes } from './helpers/http-routes';
import type { RouteServer } from './helpers/http-routes';
import { svRun } from './helpers/scripted-fixtures';
import { playSse } from './helpers/scripted-sse';

const BASE = '/api/v1/workflow-runs';
const WF = '1d7c0e52-6f0a-4b8e-9a51-3c2e8f4b7a10';
let server: RouteServer;

before(async () => {
  server = await startRoutes();
  server.on('GET', `${BASE}/dashboard/${WF}`, (_req, res) => json(res, 200, { completed: 0 }));
  // No run yet: the newest-run lookup names nothing.
  server.on('GET', BASE, (_req, res) => json(res, 200, { workflowRuns: [], pagination: { page: 1, limit: 1, total: 0, totalPages: 0 } }));
  server.on('POST', `${BASE}/execute/stream`, (_req, res) =>
    playSse(res, [
      { frame: { content: { workflowRunId: 'run-1', status: 'running' } }, event: 'workflow-run' },
      { frame: { success: true, workflowRun: svRun('run-1', 'completed', { workflowId: WF, workflowName: 'Invoice triage', activityRuns: [] }) }, event: 'result' },
    ]),
  );
  server.on('GET', `${BASE}/run-1`, (_req, res) => json(res, 200, { workflowRun: svRun('run-1', 'completed', { workflowId: WF, workflowName: 'Invoice triage' }), activityRuns: [] }));
});
after(() => server.close());

test('a workflow known by its id takes the name its first run carries, in the tree and in pickers', async () => {
  const connections = new TestConnections();
  connections.add({ name: 'sv', kind: 'supervity', baseUrl: server.url, org: 'acme', workflowIds: [WF] }, { apiKey: 'sv-key' });
  const runs = new RunStore({ backendFor: (name) => connections.backend(name) });
  const explorer = new Explorer({ connections, runs, pageSize: () => 5, pollMinMs: 60_000, pollMaxMs: 120_000 });
  const fired: ExplorerNode[] = [];
  explorer.onDidChange((nodes) => fired.push(...(nodes ?? [])));
  try {
    const [conn] = await explorer.children();
    const node = (await explorer.children(conn)).find((n): n is WorkflowNode => n.kind === 'workflow');
    assert.ok(node);
    assert.equal(explorer.item(node).label, '1d7c0e52…', 'no run yet: the bare id, shortened');
    assert.match(String(explorer.item(node).tooltip), /Id: 1d7c0e52\\-6f0a\\-4b8e\\-9a51\\-3c2e8f4b7a10/, 'the full id in the tooltip');
    assert.deepEqual(explorer.workflows('sv')?.map((w) => w.name), ['1d7c0e52…']);

    fired.length = 0;
    await runs.trigger('sv', WF, {});
    await until(() => runs.get('sv', 'run-1')?.status === 'completed', 'the run to end');
    assert.equal(explorer.item(node).label, 'Invoice triage');
    assert.deepEqual(explorer.workflows('sv')?.map((w) => w.name), ['Invoice triage']);
    assert.equal(explorer.workflow('sv', WF)?.name, 'Invoice triage');
    assert.ok(fired.some((n) => n.id === node.id), 'the workflow row was refreshed');
  } finally {
    explorer.dispose();
    runs.dispose();
  }
});

test("the trigger form's environment overrides reach the execute as envs[NAME] fields", async () => {
  const connections = new TestConnections();
  connections.add({ name: 'sv', kind: 'supervity', baseUrl: server.url, org: 'acme', workflowIds: [WF] }, { apiKey: 'sv-key' });
  await connections.resolve('sv');
  const runs = new RunStore({ backendFor: (name) => connections.backend(name) });
  try {
    assert.equal(connections.backend('sv')?.capabilities.triggerEnvs, true, 'the form offers the step');
    await runs.trigger('sv', WF, { topic: 'owls' }, { API_BASE_URL: 'https://staging.example', REGION: 'eu' });
    await until(() => runs.get('sv', 'run-1')?.status === 'completed', 'the run to end');
    assert.deepEqual(await formFields(server.last('POST', `${BASE}/execute/stream`)!), [
      ['workflowId', WF],
      ['inputs[topic]', 'owls'],
      ['envs[API_BASE_URL]', 'https://staging.example'],
      ['envs[REGION]', 'eu'],
    ]);
  } finally {
    runs.dispose();
  }
});
