// The run explorer's model driven in plain Node against the real sandbox through the real adapters.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { isTerminalRun } from '../../src/core/model';
import type { RunStatus } from '../../src/core/model';
import { RunStore } from '../../src/core/runs/runStore';
import { Explorer } from '../../src/extension/tree/viewModel';
import type { ExplorerNode, MessageNode, WorkflowNode } from '../../src/extension/tree/nodes';
import type { Sandbox } from '../../src/sandbox/server';
import { SAMPLES_OF, startTestSandbox } from './helpers/sandbox-harness';
import { TestConnections, sandboxConnections, until } from './helpers/explorer-harness';

let sb: Sandbox;

before(async () => {
  sb = await startTestSandbox();
});
after(async () => {
  await sb.close();
});

function setup(options: { pollMinMs?: number; names?: string[] } = {}) {
  const connections = new TestConnections();
  for (const { config, credentials } of sandboxConnections(sb)) {
    if (!options.names || options.names.includes(config.name)) connections.add(config, credentials);
  }
  const runs = new RunStore({ backendFor: (name) => connections.backend(name) });
  const explorer = new Explorer({ connections, runs, pageSize: () => 5, pollMinMs: options.pollMinMs ?? 60_000, pollMaxMs: 120_000 });
  const changed: Array<readonly ExplorerNode[] | undefined> = [];
  explorer.onDidChange((nodes) => changed.push(nodes));
  return {
    connections,
    runs,
    explorer,
    changed,
    dispose() {
      explorer.dispose();
      runs.dispose();
    },
  };
}

async function stats(): Promise<{ openStreams: number }> {
  const res = await request(`${sb.url}/__sandbox/stats`);
  return (await res.body.json()) as { openStreams: number };
}

async function workflowNode(explorer: Explorer, connection: string, workflowId: string): Promise<WorkflowNode> {
  const [conn] = (await explorer.children()).filter((n) => n.connection === connection);
  assert.ok(conn);
  const children = await explorer.children(conn);
  const node = children.find((n): n is WorkflowNode => n.kind === 'workflow' && n.workflowId === workflowId);
  assert.ok(node, `workflow ${workflowId} under ${connection}: ${children.map((c) => c.id).join(', ')}`);
  return node;
}

describe('explorer over the sandbox', () => {
  it('lists connections → workflows → runs → stages with stable ids and presentations', async () => {
    const t = setup();
    try {
      const roots = await t.explorer.children();
      assert.deepEqual(
        roots.map((r) => r.id),
        ['conn/wr', 'conn/pb', 'conn/sv'],
      );
      // Same objects on every read: the host refreshes nodes by identity.
      assert.equal((await t.explorer.children())[0], roots[0]);
      for (const root of roots) {
        const children = await t.explorer.children(root);
        assert.ok(children.some((c) => c.kind === 'workflow'), `${root.id} has workflows`);
        assert.equal(t.explorer.health(root.connection).state, 'ok');
        assert.match(t.explorer.item(root).description ?? '', / · ok$/);
      }
      const pbLinear = await workflowNode(t.explorer, 'pb', SAMPLES_OF.pb.linear);
      const item = t.explorer.item(pbLinear);
      assert.match(item.contextValue, /^workflow\b/);
      assert.match(item.contextValue, /\bcanDeploy\b|\bcanUndeploy\b/, 'Powabase workflows can be deployed');
      assert.match(item.contextValue, /\bcanArm\b/);
      const svLinear = await workflowNode(t.explorer, 'sv', SAMPLES_OF.sv.linear);
      assert.match(t.explorer.item(svLinear).contextValue, /\bcanCancelRuns\b/);
      const wrLinear = await workflowNode(t.explorer, 'wr', SAMPLES_OF.wr.linear);
      assert.doesNotMatch(t.explorer.item(wrLinear).contextValue, /\bcanCancelRuns\b|\bcanDeploy\b/);
      // White Rabbit cannot list runs: an explanation, not a blank.
      const wrRuns = await t.explorer.children(wrLinear);
      assert.equal(wrRuns.length, 1);
      assert.equal((wrRuns[0] as MessageNode).message, 'runsNotListed');
    } finally {
      t.dispose();
    }
  });

  for (const connection of ['wr', 'pb', 'sv'] as const) {
    it(`${connection}: a run started here changes live in the tree without any read`, async () => {
      const t = setup({ names: [connection] });
      try {
        const wf = await workflowNode(t.explorer, connection, SAMPLES_OF[connection].linear);
        await t.explorer.children(wf);
        t.explorer.setVisible(true);
        const seen: RunStatus[] = [];
        const stageStatuses = new Set<string>();
        t.runs.onDidChange((c) => {
          if (seen.at(-1) !== c.run.status) seen.push(c.run.status);
          for (const s of c.run.stages) stageStatuses.add(s.status);
        });
        const first = await t.runs.trigger(connection, SAMPLES_OF[connection].linear, {});
        await until(() => {
          const runs = t.explorer.runsOf(connection, SAMPLES_OF[connection].linear);
          return runs.length > 0 && runs.every((r) => isTerminalRun(r.status));
        }, 'the run to end');
        const [run] = t.explorer.runsOf(connection, SAMPLES_OF[connection].linear);
        assert.ok(run);
        assert.equal(run.status, 'completed', `statuses seen: ${seen.join(' → ')}`);
        assert.ok(seen.length >= 2, `several states were streamed: ${seen.join(' → ')}`);
        assert.ok(stageStatuses.has('completed'));
        // The workflow's children now hold the run (under its final id), with stage children.
        const children = await t.explorer.children(wf);
        const runNode = children.find((c) => c.kind === 'run');
        assert.ok(runNode && runNode.kind === 'run');
        assert.equal(runNode.runId, run.id);
        if (connection !== 'pb') assert.equal(first.id, run.id);
        const stages = await t.explorer.children(runNode);
        assert.ok(stages.length >= 2, 'stages are listed');
        const stageItem = t.explorer.item(stages[0] as ExplorerNode);
        assert.equal(stageItem.icon.id, 'pass');
        const runItem = t.explorer.item(runNode);
        assert.match(runItem.description ?? '', /completed/);
        assert.doesNotMatch(runItem.contextValue, /\bcanCancel\b/);
        // Targeted refreshes: run-level changes named the run or its workflow, never the whole tree.
        assert.ok(t.changed.length > 0);
        assert.ok(t.changed.every((nodes) => nodes !== undefined), 'no whole-tree refresh for run updates');
        assert.equal(t.runs.liveRuns().length, 0, 'nothing left live');
      } finally {
        t.dispose();
      }
    });
  }

  it('streams visible running runs once, shares the stream with another viewer, and closes it when nobody looks', async () => {
    const t = setup({ names: ['wr'] });
    try {
      const wf = await workflowNode(t.explorer, 'wr', SAMPLES_OF.wr.long);
      await t.explorer.children(wf);
      // A run started elsewhere (another client): the store knows it only by a read.
      const other = new TestConnections();
      const [wrConn] = sandboxConnections(sb);
      assert.ok(wrConn);
      other.add(wrConn.config, wrConn.credentials);
      const otherBackend = await other.resolve('wr');
      assert.ok(otherBackend);
      const iterator = otherBackend.trigger(SAMPLES_OF.wr.long, {})[Symbol.asyncIterator]();
      const started = await iterator.next();
      assert.ok(!started.done);
      await iterator.return?.(undefined);
      const runId = started.value.id;
      await t.explorer.children(wf);
      t.runs.ingest('wr', [{ ...started.value, workflowId: SAMPLES_OF.wr.long }]);
      const baseline = (await stats()).openStreams;

      t.explorer.setVisible(true);
      await t.explorer.children(wf);
      await until(() => t.connections.openFollows('wr') === 1, 'one follow for the visible run');
      assert.deepEqual(t.explorer.watchedRuns().length, 1);

      // A graph panel watching the same run shares the stream.
      const panel = t.runs.watch('wr', { id: runId, workflowId: SAMPLES_OF.wr.long });
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(t.connections.openFollows('wr'), 1, 'still one follow');
      await until(async () => (await stats()).openStreams === baseline + 1, 'exactly one server stream');

      // Hidden view: the panel still watches, so the stream stays.
      t.explorer.setVisible(false);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(t.connections.openFollows('wr'), 1);
      // The last viewer leaves: the stream closes.
      panel.dispose();
      await until(() => t.connections.openFollows('wr') === 0, 'the follow to close');
      await until(async () => (await stats()).openStreams === baseline, 'the server stream to close');
      assert.equal(t.runs.isLive('wr', runId), false);

      // Visible again but the workflow collapsed: nothing is streamed.
      t.explorer.collapsed(wf);
      t.explorer.setVisible(true);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(t.connections.openFollows('wr'), 0);
    } finally {
      t.dispose();
    }
  });

  it('polls run lists only while visible and focused, and shows runs started elsewhere', async () => {
    const t = setup({ names: ['sv'], pollMinMs: 100 });
    try {
      const wf = await workflowNode(t.explorer, 'sv', SAMPLES_OF.sv.fanout);
      await t.explorer.children(wf);
      const before = t.explorer.pollerTicks;
      await new Promise((r) => setTimeout(r, 350));
      assert.equal(t.explorer.pollerTicks, before, 'no polling while the view is hidden');

      t.explorer.setVisible(true);
      t.explorer.setFocused(false);
      await new Promise((r) => setTimeout(r, 350));
      assert.equal(t.explorer.pollerTicks, before, 'no polling without window focus');

      // Another client starts a run: it appears through polling once focused.
      const other = new TestConnections();
      const sv = sandboxConnections(sb)[2];
      assert.ok(sv);
      other.add(sv.config, sv.credentials);
      const backend = await other.resolve('sv');
      assert.ok(backend);
      const iterator = backend.trigger(SAMPLES_OF.sv.fanout, {})[Symbol.asyncIterator]();
      const first = await iterator.next();
      assert.ok(!first.done);
      const runId = first.value.id;
      await iterator.return?.(undefined);

      t.explorer.setFocused(true);
      await until(() => t.explorer.runsOf('sv', SAMPLES_OF.sv.fanout).some((r) => r.id === runId), 'the foreign run to appear');
      assert.ok(t.explorer.pollerTicks > before);
      const children = await t.explorer.children(wf);
      assert.ok(children.some((c) => c.kind === 'run' && c.runId === runId));
      // Visible and not finished: it is now followed live (Supervity follows by polling the run).
      await until(() => isTerminalRun(t.runs.get('sv', runId)?.status ?? 'unknown'), 'the foreign run to be followed to its end');
    } finally {
      t.dispose();
    }
  });

  it('a long Supervity run cancelled by id ends cancelled in the tree, followed live', async () => {
    const t = setup({ names: ['sv'] });
    try {
      const wf = await workflowNode(t.explorer, 'sv', SAMPLES_OF.sv.long);
      await t.explorer.children(wf);
      t.explorer.setVisible(true);
      const run = await t.runs.trigger('sv', SAMPLES_OF.sv.long, {});
      const backend = t.connections.backend('sv');
      assert.ok(backend?.cancel);
      assert.match(t.explorer.item(t.explorer.runNode('sv', run.id) as ExplorerNode).contextValue, /\bcanCancel\b/);
      const outcomes = await backend.cancel({ runIds: [run.id], reason: 'test' });
      assert.deepEqual(outcomes.map((o) => o.status), ['cancelled']);
      // What the cancel command does: once the live follow ended, re-read the run's record.
      await until(() => !t.runs.isLive('sv', run.id), 'the live follow to end');
      await t.explorer.refresh(t.explorer.runNode('sv', run.id));
      assert.equal(t.runs.get('sv', run.id)?.status, 'cancelled');
      const item = t.explorer.item(t.explorer.runNode('sv', run.id) as ExplorerNode);
      assert.equal(item.icon.id, 'circle-slash');
      assert.doesNotMatch(item.contextValue, /\bcanCancel\b/);
    } finally {
      t.dispose();
    }
  });

  it('pages runs with a "load more" node', async () => {
    const t = setup({ names: ['pb'] });
    try {
      const wf = await workflowNode(t.explorer, 'pb', SAMPLES_OF.pb.condition);
      for (let i = 0; i < 7; i++) await t.runs.trigger('pb', SAMPLES_OF.pb.condition, {});
      await until(() => t.runs.liveRuns().length === 0, 'runs to end', 15_000);
      await t.explorer.refresh(wf);
      const children = await t.explorer.children(wf);
      assert.equal(children.filter((c) => c.kind === 'run').length, 5);
      const more = children.at(-1);
      assert.equal(more?.kind, 'loadMore');
      await t.explorer.loadMore('pb', SAMPLES_OF.pb.condition);
      const after = await t.explorer.children(wf);
      assert.equal(after.filter((c) => c.kind === 'run').length, 7);
      const runs = t.explorer.runsOf('pb', SAMPLES_OF.pb.condition);
      assert.ok(runs.every((r, i) => i === 0 || (runs[i - 1]?.createdAt ?? '') >= (r.createdAt ?? '')), 'newest first');
    } finally {
      t.dispose();
    }
  });

  it('shows a bad key as an error node with its fix, and recovers when the key is corrected', async () => {
    const t = setup({ names: [] });
    try {
      const [, pb, sv] = sandboxConnections(sb);
      assert.ok(pb && sv);
      t.connections.add(pb.config, { apiKey: 'not-the-key' });
      t.connections.add(sv.config, { apiKey: 'sva_wrong_wrong_wrong' });
      const [pbNode, svNode] = await t.explorer.children();
      assert.ok(pbNode && svNode);
      for (const node of [pbNode, svNode]) {
        const children = await t.explorer.children(node);
        assert.equal(children.length, 1, 'one error node, not a blank tree');
        const message = children[0] as MessageNode;
        assert.equal(message.message, 'auth');
        const item = t.explorer.item(message);
        assert.equal(item.action, 'setApiKey');
        assert.match(item.contextValue, /\breason-auth\b/);
        assert.match(t.explorer.item(node).description ?? '', /authentication failed/);
      }
      t.connections.setCredentials('pb', pb.credentials);
      const recovered = await t.explorer.children(pbNode);
      assert.ok(recovered.some((c) => c.kind === 'workflow'), 'workflows after the key is fixed');
      assert.equal(t.explorer.health('pb').state, 'ok');
    } finally {
      t.dispose();
    }
  });

  async function injectFault(spec: { fault: string; pathPrefix: string; count: number }): Promise<void> {
    const res = await request(`${sb.url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
    const answer = await res.body.text();
    assert.equal(res.statusCode, 200, answer);
  }

  async function queuedFaults(): Promise<Array<{ pathPrefix: string; remaining: number }>> {
    const res = await request(`${sb.url}/__sandbox/faults`);
    return ((await res.body.json()) as { faults: Array<{ pathPrefix: string; remaining: number }> }).faults;
  }

  it('shows missing keys, unreachable hosts and rate limits as health', async () => {
    const t = setup({ names: [] });
    try {
      const [wr, pb] = sandboxConnections(sb);
      assert.ok(wr && pb);
      t.connections.add({ ...wr.config, name: 'nokey' });
      t.connections.add({ ...pb.config, name: 'down', baseUrl: 'http://127.0.0.1:9' }, pb.credentials);
      t.connections.add({ ...pb.config, name: 'busy' }, pb.credentials);
      await injectFault({ fault: 'status=429;retry-after=120', pathPrefix: '/api/workflows', count: 1 });
      const [nokey, down, busy] = await t.explorer.children();
      assert.ok(nokey && down && busy);
      assert.equal(((await t.explorer.children(nokey))[0] as MessageNode).message, 'missingKey');
      assert.equal(((await t.explorer.children(down))[0] as MessageNode).message, 'unreachable');
      assert.equal(t.explorer.item((await t.explorer.children(down))[0] as ExplorerNode).action, 'retry');
      const busyChildren = await t.explorer.children(busy);
      assert.equal((busyChildren[0] as MessageNode).message, 'rateLimited');
      assert.match(t.explorer.item(busy).description ?? '', /rate limited, retrying in 1[12][0-9] s/);
      // Reads before the retry time do not hit the service again. The 429 was served (its fault is
      // used up); a sentinel fault now waits for the next request to /api/workflows: still queued
      // after the read means no request went out.
      assert.deepEqual(await queuedFaults(), []);
      await injectFault({ fault: 'status=503', pathPrefix: '/api/workflows', count: 1 });
      const again = await t.explorer.children(busy);
      assert.equal((again[0] as MessageNode).message, 'rateLimited');
      assert.deepEqual(
        (await queuedFaults()).map((f) => [f.pathPrefix, f.remaining]),
        [['/api/workflows', 1]],
        'the read before the retry time reached the service',
      );
    } finally {
      await request(`${sb.url}/__sandbox/faults`, { method: 'DELETE' });
      t.dispose();
    }
  });
});
