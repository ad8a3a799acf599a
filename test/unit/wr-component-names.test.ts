// White Rabbit stages named from a bound graph file's components (issue 13): the pure reading of
// the file, then the explorer's model over the real sandbox, whose White Rabbit face streams stage
// records that carry only the module (seed 000, lines 53-62), as the service does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { componentNamesByModule } from '../../src/core/graph/componentNames';
import { isTerminalRun } from '../../src/core/model';
import { RunStore } from '../../src/core/runs/runStore';
import { readBoundFacts } from '../../src/extension/authoring/graphFiles';
import type { ExplorerNode, WorkflowNode } from '../../src/extension/tree/nodes';
import { Explorer } from '../../src/extension/tree/viewModel';
import type { Sandbox } from '../../src/sandbox/server';
import { SAMPLES_OF, startTestSandbox } from './helpers/sandbox-harness';
import { TestConnections, sandboxConnections, until } from './helpers/explorer-harness';

describe('component names by module', () => {
  it('names a module run by exactly one named component; two components, or no name, leave it out', () => {
    const names = componentNamesByModule({
      blocks: [
        { id: 'a', type: 'starter', name: 'Incoming call', config: { module: 'ON_API_CALLED' } },
        { id: 'b', type: 'code', name: 'First constant', config: { module: 'STRING_CONSTANT' } },
        { id: 'c', type: 'code', name: 'Second constant', config: { module: 'STRING_CONSTANT' } },
        { id: 'd', type: 'code', name: '  ', config: { module: 'ARRAY_BUILDER' } },
        { id: 'e', type: 'code', name: 'No module' },
      ],
    });
    assert.deepEqual(names, { ON_API_CALLED: 'Incoming call' });
  });

  it('a malformed block names nothing and leaves the other blocks their names', () => {
    const names = componentNamesByModule({
      blocks: [
        { id: 'a', type: 'starter', name: 'Incoming call', config: { module: 'ON_API_CALLED' } },
        { id: 'b', type: 'code', name: 5, config: { module: 'STRING_CONSTANT' } },
        'not a block',
      ],
    });
    assert.deepEqual(names, { ON_API_CALLED: 'Incoming call' });
  });

  it('reads nothing from a file that is not a graph', () => {
    assert.deepEqual(componentNamesByModule(null), {});
    assert.deepEqual(componentNamesByModule({ blocks: 'none' }), {});
    assert.deepEqual(componentNamesByModule([1, 2]), {});
  });

  it('a bound file gives its components even without a workflow name; an unbound one gives nothing', () => {
    const blocks = '[{ "id": "a", "type": "starter", "name": "Incoming call", "config": { "module": "ON_API_CALLED" } }]';
    assert.deepEqual(readBoundFacts(`{ "binding": { "connection": "wr", "workflowId": "w1" }, "blocks": ${blocks}, "edges": [] }`), {
      connection: 'wr',
      workflowId: 'w1',
      name: undefined,
      components: { ON_API_CALLED: 'Incoming call' },
    });
    assert.equal(readBoundFacts(`{ "name": "x", "blocks": ${blocks}, "edges": [] }`), undefined);
  });
});

/** Names a graph file bound to the White Rabbit linear sample gives its components (written out). */
const BOUND_FILE = JSON.stringify({
  name: 'Treasury report (from the file)',
  binding: { connection: 'wr', workflowId: '5a4d0b01-0001-4000-8000-000000000101' },
  blocks: [
    { id: 's', type: 'starter', name: 'Call received', config: { module: 'ON_API_CALLED' } },
    { id: 'c', type: 'code', name: 'Treasury wallet', config: { module: 'STRING_CONSTANT' } },
    { id: 'g', type: 'platform_api', name: 'Read the balance', config: { module: 'GET_EVM_ACCOUNT_BALANCE' } },
    { id: 'p', type: 'general_api', name: 'Tell accounting', config: { module: 'API_CALL' } },
  ],
  edges: [],
});

describe('White Rabbit stages in the explorer', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startTestSandbox();
  });
  after(async () => {
    await sb.close();
  });

  it('a stage is labelled with its component name from the bound file, else with its module in words', async () => {
    assert.equal(SAMPLES_OF.wr.linear, '5a4d0b01-0001-4000-8000-000000000101');
    const facts = readBoundFacts(BOUND_FILE);
    assert.ok(facts);
    const connections = new TestConnections();
    for (const { config, credentials } of sandboxConnections(sb)) if (config.name === 'wr') connections.add(config, credentials);
    const runs = new RunStore({ backendFor: (name) => connections.backend(name) });
    const explorer = new Explorer({
      connections,
      runs,
      pageSize: () => 5,
      pollMinMs: 60_000,
      pollMaxMs: 120_000,
      componentName: (connection, workflowId, module) =>
        connection === facts.connection && workflowId === facts.workflowId ? facts.components[module] : undefined,
    });
    try {
      const [conn] = await explorer.children();
      assert.ok(conn);
      const wf = (await explorer.children(conn)).find((n): n is WorkflowNode => n.kind === 'workflow' && n.workflowId === SAMPLES_OF.wr.linear);
      assert.ok(wf);
      await explorer.children(wf);
      explorer.setVisible(true);
      await runs.trigger('wr', SAMPLES_OF.wr.linear, {});
      await until(() => {
        const known = explorer.runsOf('wr', SAMPLES_OF.wr.linear);
        return known.length > 0 && known.every((r) => isTerminalRun(r.status));
      }, 'the run to end', 30_000);
      const runNode = (await explorer.children(wf)).find((c) => c.kind === 'run');
      assert.ok(runNode);
      const labels = (await explorer.children(runNode)).map((s: ExplorerNode) => explorer.item(s).label).sort();
      // ARRAY_BUILDER is not in the file: its module in words.
      assert.deepEqual(labels, ['Array builder', 'Call received', 'Read the balance', 'Tell accounting', 'Treasury wallet']);
      const described = (await explorer.children(runNode)).map((s: ExplorerNode) => explorer.item(s)).find((i) => i.label === 'Read the balance');
      assert.match(described?.description ?? '', /^GET_EVM_ACCOUNT_BALANCE · /);
    } finally {
      explorer.dispose();
      runs.dispose();
    }
  });
});
