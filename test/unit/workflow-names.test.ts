// Workflows are named, not shown as ids (issue 13): the user's label from the connection's
// workflow entries, the service's name, a bound graph file's name, a Supervity run's
// `workflowName` (seed 004 line 77), and only then the id, shortened. The explorer test runs
// against the real sandbox's White Rabbit face, whose API has no workflow endpoint (seed 000:
// workflows are known by id only), so every name there comes from Flowscope's own sources.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Run } from '../../src/core/model';
import { RunStore } from '../../src/core/runs/runStore';
import { Explorer } from '../../src/extension/tree/viewModel';
import type { WorkflowNode } from '../../src/extension/tree/nodes';
import { nameWorkflow, shortWorkflowId } from '../../src/core/workflowName';
import { joinWorkflowEntries, splitWorkflowEntries, WorkflowEntry } from '../../src/core/workflowEntries';
import { withSampleNames } from '../../src/extension/commands/sandboxIds';
import { startSandbox } from '../../src/sandbox/server';
import type { Sandbox } from '../../src/sandbox/server';
import { TestConnections } from './helpers/explorer-harness';

const ID = '5a4d0b01-0001-4000-8000-000000000101';
const run = (workflowName?: string): Run => ({ id: 'r1', workflowId: ID, status: 'completed', rawStatus: 'COMPLETED', stages: [], ...(workflowName ? { workflowName } : {}) });

describe('nameWorkflow: the first name known, the id last', () => {
  const bare = { id: ID, name: ID };
  it("the user's label first", () => {
    assert.equal(nameWorkflow(bare, { configured: 'Treasury report', graphFile: 'treasury', runs: [run('Treasury v1')] }).name, 'Treasury report');
  });
  it("the service's own name before the workspace's", () => {
    assert.equal(nameWorkflow({ id: ID, name: 'Research brief' }, { graphFile: 'brief file' }).name, 'Research brief');
  });
  it('then a bound graph file, then a run', () => {
    assert.equal(nameWorkflow(bare, { graphFile: 'From the file', runs: [run('From a run')] }).name, 'From the file');
    assert.equal(nameWorkflow(bare, { runs: [run(), run('From a run')] }).name, 'From a run');
  });
  it('a bare id as the last resort, shortened', () => {
    assert.equal(nameWorkflow(bare, { configured: '  ', runs: [] }).name, '5a4d0b01…');
    assert.equal(shortWorkflowId('wf-1'), 'wf-1');
  });
});

describe('workflow entries in settings: ids or {id, name}', () => {
  it('reads both forms, names by id', () => {
    const entries = [ID, { id: 'b2', name: 'Payroll' }].map((e) => WorkflowEntry.parse(e));
    assert.deepEqual(splitWorkflowEntries(entries), { workflowIds: [ID, 'b2'], workflowNames: { b2: 'Payroll' } });
  });
  it('refuses an entry without an id', () => {
    assert.equal(WorkflowEntry.safeParse({ name: 'Payroll' }).success, false);
  });
  it('writes back what it read', () => {
    assert.deepEqual(joinWorkflowEntries([ID, 'b2'], { b2: 'Payroll' }), [ID, { id: 'b2', name: 'Payroll' }]);
  });
  it('sandbox connections get their samples named, keeping names the user gave', () => {
    const connection = { kind: 'whiterabbit' as const, sandbox: true, workflowIds: [ID, 'mine'], workflowNames: { mine: 'My own' } };
    assert.deepEqual(withSampleNames(connection, { [ID]: 'Treasury balance report' }).workflowNames, { mine: 'My own', [ID]: 'Treasury balance report' });
    const named = { ...connection, workflowNames: { [ID]: 'Renamed by me' } };
    assert.equal(withSampleNames(named, { [ID]: 'Treasury balance report' }), named);
  });
});

describe('the explorer names White Rabbit workflows from the connection and the workspace', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ port: 0, timeScale: 0.02 });
  });
  after(() => sandbox.close());

  it('a configured name, a graph file name, and a shortened id with the full id in the tooltip', async () => {
    // The sandbox's White Rabbit samples (src/sandbox/samples/whiterabbit.ts): linear, fan-out, retry.
    const [first, second, third] = ['5a4d0b01-0001-4000-8000-000000000101', '5a4d0b01-0002-4000-8000-000000000102', '5a4d0b01-0004-4000-8000-000000000104'];
    const connections = new TestConnections();
    connections.add(
      { name: 'wr', kind: 'whiterabbit', baseUrl: sandbox.info.url, workflowIds: [first, second, third], workflowNames: { [first]: 'Treasury (my label)' } },
      { apiKey: sandbox.info.whiterabbit.apiKey, apiSecret: sandbox.info.whiterabbit.apiSecret },
    );
    const runs = new RunStore({ backendFor: (name) => connections.backend(name) });
    const explorer = new Explorer({
      connections,
      runs,
      pageSize: () => 5,
      pollMinMs: 60_000,
      pollMaxMs: 120_000,
      graphFileName: (connection, workflowId) => (connection === 'wr' && workflowId === second ? 'Fan-out (from fanout.workflow.json)' : undefined),
    });
    try {
      const [conn] = await explorer.children();
      const rows = (await explorer.children(conn)).filter((n): n is WorkflowNode => n.kind === 'workflow');
      assert.deepEqual(
        rows.map((n) => explorer.item(n).label),
        ['Treasury (my label)', 'Fan-out (from fanout.workflow.json)', '5a4d0b01…'],
      );
      assert.match(String(explorer.item(rows[2] as WorkflowNode).tooltip), /Id: 5a4d0b01\\-0004\\-4000\\-8000\\-000000000104/);
    } finally {
      explorer.dispose();
      runs.dispose();
    }
  });
});
