// Issue 13: "the tree must never register a row twice". The view model answers `children()`
// from a per-parent cache: unique ids in every answer, and no id under two parents, while runs
// start and end and refreshes overlap. Driven in plain Node against the sandbox, with a stand-in
// for VS Code's row registry (helpers/host-tree.ts) that applies the host's uniqueness rule.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isTerminalRun } from '../../src/core/model';
import { RunStore } from '../../src/core/runs/runStore';
import { ChildCache } from '../../src/extension/tree/childCache';
import type { ExplorerNode } from '../../src/extension/tree/nodes';
import { Explorer } from '../../src/extension/tree/viewModel';
import type { Sandbox } from '../../src/sandbox/server';
import { TestConnections, sandboxConnections, until } from './helpers/explorer-harness';
import { HostTree } from './helpers/host-tree';
import { SAMPLES_OF, startTestSandbox } from './helpers/sandbox-harness';

let sb: Sandbox;

before(async () => {
  sb = await startTestSandbox();
});
after(async () => {
  await sb.close();
});

function setup() {
  const connections = new TestConnections();
  for (const { config, credentials } of sandboxConnections(sb)) connections.add(config, credentials);
  const runs = new RunStore({ backendFor: (name) => connections.backend(name) });
  const explorer = new Explorer({ connections, runs, pageSize: () => 20, pollMinMs: 50, pollMaxMs: 200 });
  const host = new HostTree(explorer);
  explorer.setFocused(true);
  explorer.setVisible(true);
  return {
    connections,
    runs,
    explorer,
    host,
    dispose() {
      host.dispose();
      explorer.dispose();
      runs.dispose();
    },
  };
}

const node = (id: string, kind: 'run' | 'workflow' = 'run'): ExplorerNode =>
  kind === 'run' ? { kind, id, connection: 'c', workflowId: 'w', runId: id } : { kind, id, connection: 'c', workflowId: id };

describe('the tree registers each row once', () => {
  it('with every row expanded, live runs starting and ending on every service and refreshes overlapping', async () => {
    const t = setup();
    try {
      await t.host.expandAll();
      const started = await Promise.all([
        t.runs.trigger('wr', SAMPLES_OF.wr.linear, {}),
        t.runs.trigger('wr', SAMPLES_OF.wr.fanout, {}),
        t.runs.trigger('pb', SAMPLES_OF.pb.linear, {}),
        t.runs.trigger('pb', SAMPLES_OF.pb.fanout, {}),
        t.runs.trigger('sv', SAMPLES_OF.sv.linear, {}),
        t.runs.trigger('sv', SAMPLES_OF.sv.fanout, {}),
      ]);
      const connectionOf = ['wr', 'wr', 'pb', 'pb', 'sv', 'sv'];
      // While they run: the host handles every refresh as it comes, and also re-reads the whole
      // tree at once, so fetches of one parent overlap each other and the refreshes.
      await until(async () => {
        await Promise.all([t.host.flush(), t.host.expandAll()]);
        return started.every((run, i) => isTerminalRun(t.runs.get(connectionOf[i] ?? '', run.id)?.status ?? 'unknown'));
      }, 'every run to end', 60_000);
      await until(async () => {
        await t.host.flush();
        return t.host.idle;
      }, 'the refreshes to settle');
      assert.deepEqual(t.host.violations, []);
      assert.ok(t.host.answers > 50, `many answers were checked (${t.host.answers})`);
      // Each run is listed, once, under its own workflow.
      for (const [i, run] of started.entries()) {
        const connection = connectionOf[i] ?? '';
        const parent = t.host.parentOf(`run/${connection}/${encodeURIComponent(run.id)}`);
        assert.equal(parent, `wf/${connection}/${encodeURIComponent(run.workflowId ?? '')}`);
      }
    } finally {
      t.dispose();
    }
  });

  it('a run that moves to another workflow leaves the old list before it joins the new one', async () => {
    const t = setup();
    try {
      await t.host.expandAll();
      const run = await t.runs.trigger('sv', SAMPLES_OF.sv.linear, {});
      await until(async () => {
        await t.host.flush();
        return isTerminalRun(t.runs.get('sv', run.id)?.status ?? 'unknown') && t.host.idle;
      }, 'the run to end');
      const rowId = `run/sv/${encodeURIComponent(run.id)}`;
      assert.equal(t.host.parentOf(rowId), `wf/sv/${SAMPLES_OF.sv.linear}`);
      // Another workflow's page names the run (its workflow learnt late, as a poll does). The host
      // reads the new workflow's rows while the old workflow's refresh is still queued.
      const current = t.runs.get('sv', run.id);
      assert.ok(current);
      t.runs.ingest('sv', [{ ...current, workflowId: SAMPLES_OF.sv.fanout }]);
      const [svConnection] = (await t.explorer.children()).filter((n) => n.id === 'conn/sv');
      assert.ok(svConnection);
      const fanout = (await t.explorer.children(svConnection)).find((n) => n.id === `wf/sv/${SAMPLES_OF.sv.fanout}`);
      assert.ok(fanout);
      await t.host.fetch(fanout);
      assert.deepEqual(t.host.violations, []);
      assert.equal(t.host.parentOf(rowId), `wf/sv/${SAMPLES_OF.sv.linear}`, 'still under the old workflow until it is read again');
      await until(async () => {
        await t.host.flush();
        return t.host.idle;
      }, 'the refreshes to settle');
      assert.deepEqual(t.host.violations, []);
      assert.equal(t.host.parentOf(rowId), `wf/sv/${SAMPLES_OF.sv.fanout}`);
      assert.equal(t.explorer.parent(t.explorer.runNode('sv', run.id) ?? node('none'))?.id, `wf/sv/${SAMPLES_OF.sv.fanout}`);
    } finally {
      t.dispose();
    }
  });
});

describe('ChildCache', () => {
  it('keeps the first of an id repeated in one answer', () => {
    const cache = new ChildCache();
    const a = node('run/c/1');
    const { nodes } = cache.commit('wf/c/w', cache.begin(), [a, node('run/c/2'), a]);
    assert.deepEqual(
      nodes.map((n) => n.id),
      ['run/c/1', 'run/c/2'],
    );
  });

  it('answers concurrent reads of one parent with the newest computation', () => {
    const cache = new ChildCache();
    const older = cache.begin();
    const newer = cache.begin();
    cache.commit('wf/c/w', newer, [node('run/c/1'), node('run/c/2')]);
    const { nodes } = cache.commit('wf/c/w', older, [node('run/c/1')]);
    assert.deepEqual(
      nodes.map((n) => n.id),
      ['run/c/1', 'run/c/2'],
    );
  });

  it('holds a row back from a second parent until the first lets it go, then names the waiting parent', () => {
    const cache = new ChildCache();
    cache.commit('wf/c/a', cache.begin(), [node('run/c/x')]);
    const second = cache.commit('wf/c/b', cache.begin(), [node('run/c/x'), node('run/c/y')]);
    assert.deepEqual(
      second.nodes.map((n) => n.id),
      ['run/c/y'],
    );
    assert.deepEqual(second.refresh, ['wf/c/a']);
    const released = cache.commit('wf/c/a', cache.begin(), []);
    assert.deepEqual(released.refresh, ['wf/c/b']);
    const third = cache.commit('wf/c/b', cache.begin(), [node('run/c/x'), node('run/c/y')]);
    assert.deepEqual(
      third.nodes.map((n) => n.id),
      ['run/c/x', 'run/c/y'],
    );
  });

  it('frees the rows of a dropped (collapsed) parent', () => {
    const cache = new ChildCache();
    cache.commit('wf/c/a', cache.begin(), [node('run/c/x')]);
    cache.commit('wf/c/b', cache.begin(), [node('run/c/x')]);
    assert.deepEqual(cache.drop('wf/c/a'), ['wf/c/b']);
    assert.deepEqual(
      cache.commit('wf/c/b', cache.begin(), [node('run/c/x')]).nodes.map((n) => n.id),
      ['run/c/x'],
    );
  });
});
