import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sandbox } from '../../src/sandbox/server';
import type { Reply } from './helpers/sandbox-harness';
import { pb, pbHeaders, SAMPLES, sse, startTestSandbox, sv, svForm, svHeaders, wr, wrHeaders } from './helpers/sandbox-harness';

/**
 * The three faces are three services over one engine: each owns its workflows and their runs, and
 * a record of one face must read, through the other two, exactly like an id that does not exist
 * (issue 12, "Three faces, three services"). Before this, one White Rabbit run also showed under
 * Powabase and Supervity, so a client listing both counted it twice.
 */
describe('sandbox: each face owns its workflows and runs', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startTestSandbox({ executeLimitPerMinute: 1000 });
  });
  after(async () => {
    await sb.close();
  });

  const svExecute = async (workflowId: string): Promise<Reply> => {
    const res = await fetch(`${sb.url}/api/v1/workflow-runs/execute`, { method: 'POST', headers: svHeaders(sb), body: svForm(workflowId) as unknown as globalThis.FormData });
    const text = await res.text();
    return { status: res.status, headers: {}, text, json: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const wrStream = (runId: string) => {
    const path = `/v1/sdk/workflows/executions/${runId}/stream`;
    return sse(sb.url + path, { headers: wrHeaders(sb.info.whiterabbit, 'GET', path) }, { timeoutMs: 5_000 });
  };

  /** Every way White Rabbit could reach a run: detail and stream. Both must be 404 NOT_FOUND. */
  async function assertHiddenFromWhiteRabbit(runId: string): Promise<void> {
    const detail = await wr(sb, 'GET', `/v1/sdk/workflows/executions/${runId}`);
    assert.deepEqual([detail.status, (detail.json as { error: string }).error], [404, 'NOT_FOUND'], 'White Rabbit detail');
    assert.equal((await wrStream(runId)).status, 404, 'White Rabbit stream');
  }

  /** Powabase reaches runs through a workflow's history and logs: neither may show it. */
  async function assertHiddenFromPowabase(runId: string, workflowId: string): Promise<void> {
    const history = await pb(sb, 'GET', `/api/workflows/${workflowId}/executions?limit=100`);
    // Unknown workflow ids answer an empty history in Powabase (contracts B.2), not a 404.
    assert.deepEqual([history.status, history.json], [200, { executions: [] }], 'Powabase history');
    const logs = await pb(sb, 'GET', `/api/workflows/${workflowId}/executions/${runId}/logs`);
    assert.deepEqual([logs.status, logs.json], [404, { error: 'Execution not found' }], 'Powabase logs');
  }

  /** Supervity reaches runs through detail, the list (filtered or not), the dashboard and cancel. */
  async function assertHiddenFromSupervity(runId: string, workflowId: string): Promise<void> {
    assert.equal((await sv(sb, 'GET', `/api/v1/workflow-runs/${runId}`)).status, 404, 'Supervity detail');
    const all = (await sv(sb, 'GET', '/api/v1/workflow-runs?limit=100')).json as { workflowRuns: { id: string }[] };
    assert.ok(!all.workflowRuns.some((r) => r.id === runId), 'Supervity list');
    const filtered = (await sv(sb, 'GET', `/api/v1/workflow-runs?workflowId=${workflowId}`)).json as { workflowRuns: unknown[]; pagination: { total: number } };
    assert.deepEqual([filtered.workflowRuns, filtered.pagination.total], [[], 0], 'Supervity list by workflow');
    assert.equal((await sv(sb, 'GET', `/api/v1/workflow-runs/dashboard/${workflowId}`)).status, 404, 'Supervity dashboard');
    const cancel = (await sv(sb, 'POST', '/api/v1/workflow-runs/cancel', { runIds: [runId], reason: 'not yours' })).json as { results: { runId: string; status: string }[] };
    assert.deepEqual(cancel.results.map((r) => [r.runId, r.status]), [[runId, 'not_found']], 'Supervity cancel by run');
    const byWorkflow = (await sv(sb, 'POST', '/api/v1/workflow-runs/cancel', { workflowId })).json as { results: unknown[] };
    assert.deepEqual(byWorkflow.results, [], 'Supervity cancel by workflow');
  }

  it('a run started through White Rabbit is invisible through Powabase and Supervity, and keeps running', async () => {
    const trigger = await wr(sb, 'POST', `/v1/sdk/workflows/${SAMPLES.whiterabbit.long}`, {});
    const { runId } = trigger.json as { runId: string };
    await assertHiddenFromPowabase(runId, SAMPLES.whiterabbit.long);
    await assertHiddenFromSupervity(runId, SAMPLES.whiterabbit.long);
    // Supervity's cancel answered not_found and did nothing: the run is still going.
    const detail = (await wr(sb, 'GET', `/v1/sdk/workflows/executions/${runId}`)).json as { status: string; cancelRequestedAt: string | null };
    assert.ok(['CREATED', 'EXECUTING'].includes(detail.status), detail.status);
    assert.equal(detail.cancelRequestedAt, null);
  });

  it('a run started through Powabase is invisible through White Rabbit and Supervity', async () => {
    const exec = await pb(sb, 'POST', `/api/workflows/${SAMPLES.powabase.retry}/execute`, {});
    assert.equal(exec.status, 200, exec.text);
    const runId = (exec.json as { execution_id: string }).execution_id;
    await assertHiddenFromWhiteRabbit(runId);
    await assertHiddenFromSupervity(runId, SAMPLES.powabase.retry);
    const own = (await pb(sb, 'GET', `/api/workflows/${SAMPLES.powabase.retry}/executions`)).json as { executions: { id: string }[] };
    assert.deepEqual(own.executions.map((e) => e.id), [runId], 'Powabase itself still sees it');
  });

  it('a run started through Supervity is invisible through White Rabbit and Powabase', async () => {
    const exec = await svExecute(SAMPLES.supervity.retry);
    assert.equal(exec.status, 200, exec.text);
    const runId = (exec.json as { workflowRun: { id: string } }).workflowRun.id;
    await assertHiddenFromWhiteRabbit(runId);
    await assertHiddenFromPowabase(runId, SAMPLES.supervity.retry);
    assert.equal((await sv(sb, 'GET', `/api/v1/workflow-runs/${runId}`)).status, 200, 'Supervity itself still sees it');
  });

  it('Powabase lists only its own workflows', async () => {
    const list = (await pb(sb, 'GET', '/api/workflows?sort=name&order=asc')).json as { workflows: { id: string; name: string }[]; total: number };
    assert.deepEqual(
      list.workflows.map((w) => [w.id, w.name]),
      [
        ['5a4d0b02-0007-4000-8000-000000000207', 'Big graph (200 blocks)'],
        ['5a4d0b02-0005-4000-8000-000000000205', 'Broken upstream (fails for good)'],
        ['5a4d0b02-0004-4000-8000-000000000204', 'Flaky ledger (fails, then succeeds on retry)'],
        ['5a4d0b02-0006-4000-8000-000000000206', 'Nightly batch (long run, ~60 s)'],
        ['5a4d0b02-0002-4000-8000-000000000202', 'Regional quotes (fan-out / fan-in)'],
        ['5a4d0b02-0001-4000-8000-000000000201', 'Research brief (linear)'],
        ['5a4d0b02-0003-4000-8000-000000000203', 'Ticket triage (condition)'],
      ],
    );
    assert.equal(list.total, 7);
  });

  it('each face answers 404 for the other faces\' workflows on every workflow route', async () => {
    for (const other of [SAMPLES.whiterabbit.linear, SAMPLES.supervity.linear]) {
      assert.equal((await pb(sb, 'GET', `/api/workflows/${other}`)).status, 404, `Powabase get ${other}`);
      assert.equal((await pb(sb, 'PUT', `/api/workflows/${other}/graph`, { blocks: [], edges: [] })).status, 404, `Powabase graph ${other}`);
      assert.equal((await pb(sb, 'POST', `/api/workflows/${other}/execute`, {})).status, 404, `Powabase execute ${other}`);
      const stream = await sse(`${sb.url}/api/workflows/${other}/execute/stream`, { method: 'POST', headers: pbHeaders(sb), body: '{}' });
      assert.equal(stream.status, 404, `Powabase stream ${other}`);
      assert.equal((await pb(sb, 'POST', `/api/workflows/${other}/deploy`)).status, 404, `Powabase deploy ${other}`);
    }
    // Powabase's DELETE answers 204 for unknown ids (contracts B.2): it must not delete another face's workflow.
    assert.equal((await pb(sb, 'DELETE', `/api/workflows/${SAMPLES.supervity.fanout}`)).status, 204);
    assert.equal((await svExecute(SAMPLES.supervity.fanout)).status, 200, 'the Supervity workflow is still there');

    for (const other of [SAMPLES.powabase.linear, SAMPLES.supervity.linear]) {
      const trigger = await wr(sb, 'POST', `/v1/sdk/workflows/${other}`, {});
      assert.deepEqual([trigger.status, trigger.json], [404, { error: 'NOT_FOUND', message: 'Workflow not found' }], `White Rabbit trigger ${other}`);
      assert.equal((await wr(sb, 'POST', `/v1/sdk/workflows/${other}/components/start`, { name: 'x' })).status, 404, `White Rabbit component ${other}`);
    }

    for (const other of [SAMPLES.whiterabbit.linear, SAMPLES.powabase.linear]) {
      const exec = await svExecute(other);
      assert.deepEqual([exec.status, exec.json], [404, { message: 'Workflow not found' }], `Supervity execute ${other}`);
      const stream = await sse(`${sb.url}/api/v1/workflow-runs/execute/stream`, { method: 'POST', headers: svHeaders(sb), body: svForm(other) });
      assert.equal(stream.status, 404, `Supervity stream ${other}`);
      assert.equal((await sv(sb, 'GET', `/api/v1/workflow-runs/dashboard/${other}`)).status, 404, `Supervity dashboard ${other}`);
    }
  });

  it('prints each connection with its own face\'s samples, disjoint across faces', () => {
    assert.deepEqual(sb.info.whiterabbit.workflowIds, [
      '5a4d0b01-0001-4000-8000-000000000101',
      '5a4d0b01-0002-4000-8000-000000000102',
      '5a4d0b01-0004-4000-8000-000000000104',
      '5a4d0b01-0005-4000-8000-000000000105',
      '5a4d0b01-0006-4000-8000-000000000106',
      '5a4d0b01-0007-4000-8000-000000000107',
    ]);
    assert.deepEqual(sb.info.powabase.workflowIds, [
      '5a4d0b02-0001-4000-8000-000000000201',
      '5a4d0b02-0002-4000-8000-000000000202',
      '5a4d0b02-0003-4000-8000-000000000203',
      '5a4d0b02-0004-4000-8000-000000000204',
      '5a4d0b02-0005-4000-8000-000000000205',
      '5a4d0b02-0006-4000-8000-000000000206',
      '5a4d0b02-0007-4000-8000-000000000207',
    ]);
    assert.deepEqual(sb.info.supervity.workflowIds, [
      '5a4d0b03-0001-4000-8000-000000000301',
      '5a4d0b03-0002-4000-8000-000000000302',
      '5a4d0b03-0003-4000-8000-000000000303',
      '5a4d0b03-0004-4000-8000-000000000304',
      '5a4d0b03-0005-4000-8000-000000000305',
      '5a4d0b03-0006-4000-8000-000000000306',
      '5a4d0b03-0007-4000-8000-000000000307',
      '5a4d0b03-0008-4000-8000-000000000308',
    ]);
  });
});
