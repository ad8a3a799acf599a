// What the tree's rows say (issue 13): durations only for stages that ran, ticking while they
// run, no self-contradicting counts, a service named once, ids unique across connections, and
// time-dependent rows refreshed by name while the view is visible.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Capabilities } from '../../src/core/backend';
import type { Stage } from '../../src/core/model';
import { RunStore } from '../../src/core/runs/runStore';
import { identityTranslate } from '../../src/shared/format';
import { toDisposable } from '../../src/core/util/disposable';
import type { Every } from '../../src/extension/tree/clock';
import type { ExplorerNode } from '../../src/extension/tree/nodes';
import { presentConnection, presentStage, presentWorkflow } from '../../src/extension/tree/present';
import { Explorer } from '../../src/extension/tree/viewModel';
import type { Sandbox } from '../../src/sandbox/server';
import { TestConnections, sandboxConnections } from './helpers/explorer-harness';
import { SAMPLES_OF, startTestSandbox } from './helpers/sandbox-harness';

const now = Date.parse('2026-01-01T12:00:00Z');
const ctx = { now, t: identityTranslate };
const caps: Capabilities = {
  listWorkflows: true,
  listRuns: true,
  getGraph: false,
  pushGraph: 'none',
  triggerInputs: true,
  cancel: 'runs',
  stream: 'trigger',
  logs: false,
  deploy: false,
  arm: false,
  dashboard: true,
  componentUpdate: false,
  componentExecute: false,
};

describe('tree row text', () => {
  it('a stage that never started has no duration, even when the service reports one', () => {
    const cancelledBeforeItsTurn: Stage = { id: 's', name: 'Pay', status: 'cancelled', rawStatus: 'CANCELLED', durationMs: 41_000 };
    assert.equal(presentStage(cancelledBeforeItsTurn, ctx).description, '');
    assert.equal(presentStage({ id: 'q', name: 'Later', status: 'queued', rawStatus: 'PENDING', durationMs: 41_000 }, ctx).description, '');
    // One that started and was cancelled keeps the time it ran.
    const ran: Stage = { id: 'r', name: 'Fetch', status: 'cancelled', rawStatus: 'CANCELLED', startedAt: '2026-01-01T11:59:50Z', endedAt: '2026-01-01T11:59:53Z' };
    assert.equal(presentStage(ran, ctx).description, '3.0 s');
  });

  it("a running stage's duration counts up to now", () => {
    const running: Stage = { id: 's', name: 'Agent', status: 'running', rawStatus: 'running', startedAt: '2026-01-01T11:59:55Z' };
    assert.equal(presentStage(running, ctx).description, '5.0 s');
    assert.equal(presentStage(running, { ...ctx, now: now + 2_000 }).description, '7.0 s');
  });

  it('one credit is "1 credit"', () => {
    const stage: Stage = { id: 's', name: 'S', status: 'completed', rawStatus: 'ok', durationMs: 1_500, creditUsage: 1 };
    assert.equal(presentStage(stage, ctx).description, '1.5 s · 1 credit');
    assert.equal(presentStage({ ...stage, creditUsage: 2 }, ctx).description, '1.5 s · 2 credits');
  });

  it('no "0 runs" next to the last run it just named', () => {
    const p = presentWorkflow(
      {
        workflow: { id: 'w', name: 'Invoices', counts: { total: 0 } },
        latestRun: { id: 'r', workflowId: 'w', status: 'completed', rawStatus: 'COMPLETED', stages: [] },
        capabilities: caps,
        hasLastInputs: false,
      },
      ctx,
    );
    assert.equal(p.description, 'last run completed');
  });

  it('a connection named after its service says the service once', () => {
    const sandbox = presentConnection({ name: 'Sandbox · White Rabbit', kind: 'whiterabbit', baseUrl: 'http://127.0.0.1:1', sandbox: true }, { state: 'ok' }, caps, ctx);
    assert.equal(sandbox.label, 'Sandbox · White Rabbit');
    assert.equal(sandbox.description, 'ok');
    const named = presentConnection({ name: 'prod', kind: 'whiterabbit', baseUrl: 'https://x' }, { state: 'ok' }, caps, ctx);
    assert.equal(named.description, 'White Rabbit · ok');
  });
});

describe('tree over the sandbox', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startTestSandbox();
  });
  after(async () => {
    await sb.close();
  });

  function setup(every?: Every) {
    const connections = new TestConnections();
    const sv = sandboxConnections(sb).find((c) => c.config.name === 'sv');
    assert.ok(sv);
    connections.add(sv.config, sv.credentials);
    // A second connection to the very same service: its runs carry the same ids.
    connections.add({ ...sv.config, name: 'sv-again' }, sv.credentials);
    const runs = new RunStore({ backendFor: (name) => connections.backend(name) });
    const explorer = new Explorer({ connections, runs, pageSize: () => 5, pollMinMs: 60_000, pollMaxMs: 120_000, ...(every ? { every } : {}) });
    return {
      runs,
      explorer,
      dispose() {
        explorer.dispose();
        runs.dispose();
      },
    };
  }

  /** Expands everything, as a user with every connection and workflow open. */
  async function expandAll(explorer: Explorer): Promise<ExplorerNode[]> {
    const all: ExplorerNode[] = [];
    const walk = async (node?: ExplorerNode): Promise<void> => {
      for (const child of await explorer.children(node)) {
        all.push(child);
        if (child.kind === 'connection' || child.kind === 'workflow' || child.kind === 'run') await walk(child);
      }
    };
    await walk();
    return all;
  }

  it('never hands out one id twice, with two connections to one service and a run live', async () => {
    const t = setup();
    try {
      t.explorer.setVisible(true);
      await expandAll(t.explorer);
      await t.runs.trigger('sv', SAMPLES_OF.sv.approval, {});
      await t.explorer.refresh(); // both connections list it afresh
      const ids = (await expandAll(t.explorer)).map((n) => n.id);
      const runRows = ids.filter((id) => id.startsWith('run/'));
      assert.ok(runRows.length >= 2, `both connections list the run: ${runRows.join(', ')}`);
      assert.deepEqual(
        ids.filter((id, i) => ids.indexOf(id) !== i),
        [],
      );
    } finally {
      t.dispose();
    }
  });

  it('refreshes running run rows by name on each tick while visible, and stops when hidden', async () => {
    let tick: (() => void) | undefined;
    const every: Every = (_ms, fn) => {
      tick = fn;
      return toDisposable(() => (tick = undefined));
    };
    const t = setup(every);
    try {
      t.explorer.setVisible(true);
      await expandAll(t.explorer);
      const run = await t.runs.trigger('sv', SAMPLES_OF.sv.approval, {});
      await expandAll(t.explorer);
      const fired: Array<readonly ExplorerNode[] | undefined> = [];
      t.explorer.onDidChange((nodes) => fired.push(nodes));
      assert.ok(tick, 'the clock runs while the view is visible');
      tick();
      const named = fired.at(-1);
      assert.ok(named, 'a tick names rows, never the whole tree');
      assert.ok(named.some((n) => n.kind === 'run' && n.runId === run.id && n.connection === 'sv'));
      assert.ok(named.every((n) => n.kind === 'run'));
      t.explorer.setVisible(false);
      assert.equal(tick, undefined, 'no clock while hidden');
    } finally {
      t.dispose();
    }
  });
});

describe('one "newest run first"', () => {
  it('the run store (read by the graph panel) and the tree order runs alike, a run not yet dated first', () => {
    const connections = new TestConnections();
    const runs = new RunStore({ backendFor: () => undefined });
    const explorer = new Explorer({ connections, runs });
    try {
      runs.ingest('c', [
        { id: 'older', workflowId: 'w', status: 'completed', rawStatus: 'ok', stages: [], createdAt: '2026-01-01T10:00:00Z' },
        { id: 'just-started', workflowId: 'w', status: 'running', rawStatus: 'running', stages: [] },
        { id: 'newer', workflowId: 'w', status: 'completed', rawStatus: 'ok', stages: [], createdAt: '2026-01-01T11:00:00Z' },
      ]);
      const expected = ['just-started', 'newer', 'older'];
      assert.deepEqual(
        runs.runsOf('c', 'w').map((r) => r.id),
        expected,
      );
      assert.deepEqual(
        explorer.runsOf('c', 'w').map((r) => r.id),
        expected,
      );
    } finally {
      explorer.dispose();
      runs.dispose();
    }
  });
});
