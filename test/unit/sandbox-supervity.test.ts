import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FormData } from 'undici';
import type { Sandbox } from '../../src/sandbox/server';
import { json, raw, SAMPLES, sse, startTestSandbox, sv, svForm, svHeaders, waitUntil } from './helpers/sandbox-harness';
import type { SseResult } from './helpers/sandbox-harness';

describe('sandbox: Supervity face', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startTestSandbox({ heartbeatMs: 50 });
  });
  after(async () => {
    await sb.close();
  });

  const execUrl = () => `${sb.url}/api/v1/workflow-runs/execute`;
  const stream = (fd: FormData, timeoutMs = 10_000, stop?: (f: SseResult['frames']) => boolean) =>
    sse(`${execUrl()}/stream`, { method: 'POST', headers: { ...svHeaders(sb), accept: 'text/event-stream' }, body: fd }, { timeoutMs, stop });
  const multipart = async (fd: FormData, path = '/api/v1/workflow-runs/execute') => {
    const res = await fetch(sb.url + path, { method: 'POST', headers: svHeaders(sb), body: fd as unknown as globalThis.FormData });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const runIdOf = (r: SseResult): string => (json(r.frames.find((f) => f.event === 'workflow-run')).content as { workflowRunId: string }).workflowRunId;

  it('requires Bearer key plus x-source: external (401 otherwise)', async () => {
    const h = svHeaders(sb);
    const noSource = await raw(`${sb.url}/api/v1/workflow-runs`, { headers: { authorization: h.authorization as string } });
    assert.equal(noSource.status, 401);
    const badKey = await raw(`${sb.url}/api/v1/workflow-runs`, { headers: { ...h, authorization: 'Bearer nope' } });
    assert.equal(badKey.status, 401);
    const otherOrg = await raw(`${sb.url}/api/v1/workflow-runs`, { headers: { ...h, 'x-active-org': 'someone-else' } });
    assert.equal(otherOrg.status, 403);
    assert.equal((await raw(`${sb.url}/api/v1/workflow-runs`, { headers: h })).status, 200);
  });

  it('accepts bracket multipart fields and runs to completion (blocking execute)', async () => {
    const r = await multipart(svForm(SAMPLES.supervity.condition, { priority: 'urgent' }, [['envs[REGION]', 'eu']]));
    assert.equal(r.status, 200);
    const run = r.json.workflowRun as { id: string; status: string; inputs: { name: string; value: unknown }[]; activityRuns: { stepName: string; status: string; attempt: number; outputs: { output: string } | null }[] };
    assert.equal(r.json.success, true);
    assert.equal(run.status, 'completed');
    assert.deepEqual(run.inputs, [{ name: 'priority', value: 'urgent' }]);
    const page = run.activityRuns.find((a) => a.stepName === 'Page on-call');
    assert.equal(page?.status, 'completed');
    assert.equal(typeof page?.outputs?.output, 'string', 'outputs.output is a JSON string');
    assert.deepEqual(JSON.parse(page?.outputs?.output ?? 'null'), { paged: true });
  });

  it('rejects a JSON-string inputs field with 400 "expected record, received string"', async () => {
    const fd = new FormData();
    fd.append('workflowId', SAMPLES.supervity.linear);
    fd.append('inputs', JSON.stringify({ topic: 'x' }));
    const r = await multipart(fd);
    assert.equal(r.status, 400);
    assert.equal(r.json.message, 'expected record, received string');
    const missing = await multipart(svForm('not-a-uuid'));
    assert.equal(missing.status, 400);
    const unknownWf = await multipart(svForm('00000000-0000-4000-8000-000000000000'));
    assert.equal(unknownWf.status, 404);
    const extra = await multipart(svForm(SAMPLES.supervity.linear, {}, [['bogus', '1']]));
    assert.equal(extra.status, 400);
  });

  it('answers a JSON body with an error status, never a hang (both routes)', async () => {
    for (const path of ['/api/v1/workflow-runs/execute', '/api/v1/workflow-runs/execute/stream']) {
      // A hang would leave this await to the test's own timeout.
      const r = await raw(sb.url + path, { method: 'POST', headers: { ...svHeaders(sb), 'content-type': 'application/json' }, body: JSON.stringify({ workflowId: SAMPLES.supervity.linear, inputs: {} }) });
      assert.ok(r.status >= 400, `status ${r.status}`);
    }
    const runs = (await sv(sb, 'GET', `/api/v1/workflow-runs?workflowId=${SAMPLES.supervity.linear}&limit=100`)).json as { workflowRuns: unknown[] };
    assert.ok(Array.isArray(runs.workflowRuns));
  });

  it('streams named events: workflow-run, activity-run, thinking, ping, then result', async () => {
    const res = await stream(svForm(SAMPLES.supervity.linear, { topic: 'moss' }));
    assert.equal(res.status, 200);
    assert.equal(res.end, 'eof');
    const names = new Set(res.frames.map((f) => f.event));
    for (const n of ['workflow-run', 'activity-run', 'thinking', 'ping', 'result']) assert.ok(names.has(n), `missing ${n}`);
    const ping = res.frames.find((f) => f.event === 'ping');
    assert.deepEqual(json(ping), { content: 'ping' });
    const last = res.frames.at(-1);
    assert.equal(last?.event, 'result');
    const result = json(last) as { success: boolean; workflowRun: { id: string; status: string; activityRuns: unknown[] } };
    assert.equal(result.success, true);
    assert.equal(result.workflowRun.status, 'completed');
    assert.equal(result.workflowRun.id, runIdOf(res));
    const thinking = json(res.frames.find((f) => f.event === 'thinking')) as { content: string; stepId: string; activityRunId: string };
    assert.equal(typeof thinking.content, 'string');
    assert.ok(thinking.stepId && thinking.activityRunId);
    const act = json(res.frames.find((f) => f.event === 'activity-run')).content as Record<string, unknown>;
    for (const k of ['workflowRunId', 'activityRunId', 'stepId', 'status', 'attempt']) assert.ok(k in act, k);
  });

  it('reports retries with attempt numbers, condition branches with conditionMet, and failures as error', async () => {
    const retry = await stream(svForm(SAMPLES.supervity.retry));
    const attempts = retry.frames
      .filter((f) => f.event === 'activity-run')
      .map((f) => json(f).content as { stepId: string; status: string; attempt: number })
      .filter((c) => c.stepId === 'post');
    assert.deepEqual(attempts.map((a) => `${a.attempt}:${a.status}`), ['1:running', '1:failed', '2:running', '2:failed', '3:running', '3:completed']);

    const cond = await stream(svForm(SAMPLES.supervity.condition, { priority: 'normal' }));
    const branches = cond.frames.map((f) => (f.event === 'activity-run' ? (json(f).content as { stepId: string; conditionMet?: boolean; condition?: string }) : null)).filter((c) => c?.conditionMet !== undefined);
    assert.deepEqual(branches.map((b) => [b?.stepId, b?.condition, b?.conditionMet]), [
      ['route', 'urgent', false],
      ['route', 'normal', true],
    ]);

    const failing = await stream(svForm(SAMPLES.supervity.failing));
    const last = failing.frames.at(-1);
    assert.equal(last?.event, 'error');
    const err = json(last) as { error: string; details: string };
    assert.ok(err.error && err.details.includes('503'));
  });

  it('cancels by run ids and by workflow with per-run outcomes', async () => {
    const longRun = stream(svForm(SAMPLES.supervity.long));
    let runId = '';
    await waitUntil(async () => {
      const list = (await sv(sb, 'GET', `/api/v1/workflow-runs?workflowId=${SAMPLES.supervity.long}&status=running`)).json as { workflowRuns: { id: string }[] };
      runId = list.workflowRuns[0]?.id ?? '';
      return !!runId;
    });
    const done = (await sv(sb, 'GET', '/api/v1/workflow-runs?status=completed&limit=1')).json as { workflowRuns: { id: string }[] };
    const completedId = done.workflowRuns[0]?.id as string;
    const r = await sv(sb, 'POST', '/api/v1/workflow-runs/cancel', { runIds: [runId, completedId, 'missing'], reason: 'testing' });
    assert.equal(r.status, 200);
    const outcomes = (r.json as { results: { runId: string; status: string }[] }).results.map((o) => o.status);
    assert.deepEqual(outcomes, ['cancelled', 'already_completed', 'not_found']);
    const again = (await sv(sb, 'POST', '/api/v1/workflow-runs/cancel', { runIds: [runId] })).json as { results: { status: string }[] };
    assert.equal(again.results[0]?.status, 'not_eligible');
    const res = await longRun;
    assert.equal(res.end, 'eof');
    const final = json(res.frames.at(-1)) as { success: boolean; workflowRun: { status: string } };
    assert.equal(final.success, false);
    assert.equal(final.workflowRun.status, 'cancelled');

    const detail = (await sv(sb, 'GET', `/api/v1/workflow-runs/${runId}`)).json as { workflowRun: { status: string }; activityRuns: { status: string; stepName: string }[] };
    assert.equal(detail.workflowRun.status, 'cancelled');
    assert.ok(detail.activityRuns.some((a) => a.status === 'canceled'));
    // Cancelled in the first ten-second step: the later steps never started, so they have no
    // activity run (its createdAt is the step's start time, seed 004 "Activity run fields").
    const neverStarted = ['Reconcile bank accounts', 'Book accruals', 'Review variances', 'Lock the period', 'Send close report', 'Return result'];
    assert.deepEqual(detail.activityRuns.filter((a) => neverStarted.includes(a.stepName)), []);

    // By workflow: two running runs of the long sample are both cancelled.
    const a = stream(svForm(SAMPLES.supervity.long));
    const b = stream(svForm(SAMPLES.supervity.long));
    await waitUntil(async () => ((await sv(sb, 'GET', `/api/v1/workflow-runs?workflowId=${SAMPLES.supervity.long}&status=running`)).json as { workflowRuns: unknown[] }).workflowRuns.length === 2);
    const byWf = (await sv(sb, 'POST', '/api/v1/workflow-runs/cancel', { workflowId: SAMPLES.supervity.long })).json as { results: { status: string }[] };
    assert.deepEqual(byWf.results.map((o) => o.status), ['cancelled', 'cancelled']);
    await Promise.all([a, b]);

    assert.equal((await sv(sb, 'POST', '/api/v1/workflow-runs/cancel', { runIds: [runId], workflowId: SAMPLES.supervity.long })).status, 400);
    assert.equal((await sv(sb, 'POST', '/api/v1/workflow-runs/cancel', {})).status, 400);
    assert.equal((await sv(sb, 'POST', '/api/v1/workflow-runs/cancel', { runIds: [runId], reason: 'x'.repeat(501) })).status, 400);
  });

  it('lists with filters and paging, counts for the dashboard, and returns run detail', async () => {
    for (let i = 0; i < 3; i++) await multipart(svForm(SAMPLES.supervity.retry));
    const page1 = (await sv(sb, 'GET', `/api/v1/workflow-runs?workflowId=${SAMPLES.supervity.retry}&limit=2&page=1`)).json as { workflowRuns: { id: string; workflowId: string; workflowName: string; inputs: unknown[] }[]; pagination: { total: number; totalPages: number; page: number; limit: number } };
    assert.equal(page1.workflowRuns.length, 2);
    assert.ok(page1.pagination.total >= 3);
    assert.equal(page1.pagination.totalPages, Math.ceil(page1.pagination.total / 2));
    assert.ok(page1.workflowRuns.every((r) => r.workflowId === SAMPLES.supervity.retry && Array.isArray(r.inputs)));
    const page2 = (await sv(sb, 'GET', `/api/v1/workflow-runs?workflowId=${SAMPLES.supervity.retry}&limit=2&page=2`)).json as { workflowRuns: { id: string }[] };
    assert.ok(!page2.workflowRuns.some((r) => page1.workflowRuns.some((p) => p.id === r.id)));
    const search = (await sv(sb, 'GET', '/api/v1/workflow-runs?search=flaky')).json as { workflowRuns: { workflowName: string }[] };
    assert.ok(search.workflowRuns.length >= 3 && search.workflowRuns.every((r) => /flaky/i.test(r.workflowName)));
    assert.equal((await sv(sb, 'GET', '/api/v1/workflow-runs?status=bogus')).status, 400);
    assert.equal((await sv(sb, 'GET', '/api/v1/workflow-runs?limit=101')).status, 400);
    const unknown = await sv(sb, 'GET', '/api/v1/workflow-runs?foo=1');
    assert.equal(unknown.status, 400);
    assert.match((unknown.json as { message: string }).message, /Unrecognized key/);

    const dash = (await sv(sb, 'GET', `/api/v1/workflow-runs/dashboard/${SAMPLES.supervity.retry}`)).json as Record<string, number>;
    for (const s of ['scheduled', 'running', 'completed', 'failed', 'cancelled', 'waiting']) assert.equal(typeof dash[s], 'number', s);
    assert.equal(dash.total, page1.pagination.total);
    assert.equal((await sv(sb, 'GET', '/api/v1/workflow-runs/dashboard/not-a-uuid')).status, 400);

    const id = page1.workflowRuns[0]?.id as string;
    const detail = (await sv(sb, 'GET', `/api/v1/workflow-runs/${id}`)).json as { workflowRun: { id: string }; activityRuns: { id: string; stepId: string; stepName: string; attempt: number; createdAt: string; updatedAt: string }[] };
    assert.equal(detail.workflowRun.id, id);
    const ledger = detail.activityRuns.find((a) => a.stepId === 'post');
    assert.equal(ledger?.attempt, 3);
    const nf = await sv(sb, 'GET', '/api/v1/workflow-runs/00000000-0000-4000-8000-000000000000');
    assert.equal(nf.status, 404);
    assert.ok('message' in (nf.json as object));
  });
});
