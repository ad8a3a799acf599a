import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PowabaseBackend } from '../../src/core/adapters/powabase/adapter';
import { SupervityBackend } from '../../src/core/adapters/supervity/adapter';
import { isTerminalRun } from '../../src/core/model';
import { startSandbox } from '../../src/sandbox/server';
import type { Sandbox } from '../../src/sandbox/server';
import { drain } from './helpers/scripted-fixtures';

// Each sandbox face has its own samples (src/sandbox/samples/<face>.ts).
const PB_LINEAR = '5a4d0b02-0001-4000-8000-000000000201';
const PB_FAILING = '5a4d0b02-0005-4000-8000-000000000205';
const SV_LINEAR = '5a4d0b03-0001-4000-8000-000000000301';
const DEPS = { pollMinMs: 20, pollMaxMs: 100, timeoutMs: 5_000 };

let sandbox: Sandbox;
before(async () => (sandbox = await startSandbox({ port: 0, timeScale: 0.05 })));
after(() => sandbox.close());

describe('adapters against the sandbox', () => {
  test('Powabase: list, trigger a sample to completion, read it back', async () => {
    const { url, powabase } = sandbox.info;
    const b = new PowabaseBackend({ name: 'sandbox', kind: 'powabase', baseUrl: url }, { apiKey: powabase.apiKey }, DEPS);
    const workflows = await b.listWorkflows();
    assert.ok(powabase.workflowIds.every((id) => workflows.some((w) => w.id === id)));
    // The linear sample itself, never a stand-in: a missing sample is a failure.
    assert.ok(powabase.workflowIds.includes(PB_LINEAR), 'the linear sample is one of Powabase\'s');
    const id = PB_LINEAR;
    const graph = await b.getGraph(id);
    assert.ok(graph.blocks.length > 0);
    const inputs = Object.fromEntries((await b.inputsOf(id)).map((v) => [v.name, v.default ?? 'sandbox test']));

    const runs = await drain(b.trigger(id, inputs));
    const final = runs.at(-1)!;
    assert.equal(final.status, 'completed', JSON.stringify(final));
    assert.doesNotMatch(final.id, /^pending:/);
    assert.ok(final.stages.length > 0 && final.stages.every((s) => s.status === 'completed' || s.status === 'skipped'));

    const read = await b.getRun({ id: final.id });
    assert.deepEqual([read.id, read.workflowId, read.status], [final.id, id, 'completed']);
    assert.ok((await b.listRuns(id, { limit: 5 })).runs.some((r) => r.id === final.id));
  });

  test('Powabase: a sample with a failing block ends completed_with_errors', async () => {
    const { url, powabase } = sandbox.info;
    assert.ok(powabase.workflowIds.includes(PB_FAILING), 'the failing sample is one of Powabase\'s');
    const b = new PowabaseBackend({ name: 'sandbox', kind: 'powabase', baseUrl: url }, { apiKey: powabase.apiKey }, DEPS);
    const final = (await drain(b.trigger(PB_FAILING, {}))).at(-1)!;
    assert.equal(final.status, 'completed_with_errors', JSON.stringify(final));
    assert.equal(final.rawStatus, 'completed');
    assert.ok(final.stages.some((s) => s.status === 'failed'));
  });

  test('Supervity: configured workflows, trigger a sample to completion, read it back', async () => {
    const { url, supervity } = sandbox.info;
    const b = new SupervityBackend(
      { name: 'sandbox', kind: 'supervity', baseUrl: url, org: supervity.org, workflowIds: supervity.workflowIds },
      { apiKey: supervity.apiKey },
      DEPS,
    );
    assert.ok(supervity.workflowIds.includes(SV_LINEAR), 'the linear sample is one of Supervity\'s');
    const id = SV_LINEAR;
    const runs = await drain(b.trigger(id, { topic: 'sandbox test' }));
    const final = runs.at(-1)!;
    assert.ok(isTerminalRun(final.status));
    assert.equal(final.status, 'completed', JSON.stringify(final));
    assert.ok(runs.every((r) => r.id === final.id && r.id.length > 0));
    assert.ok(final.stages.length > 0);

    const read = await b.getRun({ id: final.id });
    assert.deepEqual([read.id, read.status], [final.id, 'completed']);
    const workflows = await b.listWorkflows();
    const w = workflows.find((x) => x.id === id);
    assert.ok(w, `${id} is listed`);
    assert.ok((w.counts?.completed ?? 0) >= 1, JSON.stringify(w));
    assert.ok((await b.listRuns(id, { limit: 5 })).runs.some((r) => r.id === final.id));
  });
});
