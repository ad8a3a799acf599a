// The sandbox's Supervity face produces a `waiting` run (seed 004 lines 67 and 82: `waiting` is a
// run status; contracts C.8: human review, non-terminal) and the `error` cancel outcome (seed 004
// line 60) through its fault injection; and the client maps both.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { SupervityBackend } from '../../src/core/adapters/supervity/adapter';
import type { Run } from '../../src/core/model';
import type { Sandbox } from '../../src/sandbox/server';
import { json, sse, startTestSandbox, sv, svForm, svHeaders } from './helpers/sandbox-harness';
import type { SseFrame } from './helpers/sandbox-harness';

// The Supervity face's sample that waits for approval (src/sandbox/samples/supervity.ts).
const APPROVAL_SAMPLE_ID = '5a4d0b03-0008-4000-8000-000000000308';

interface ActivityRun {
  stepName: string;
  status: string;
}

const statusOf = (f: SseFrame): string | undefined => (f.event === 'workflow-run' ? (json(f).content as { status: string }).status : undefined);

describe('sandbox: Supervity run waiting for approval', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startTestSandbox({ heartbeatMs: 50 });
  });
  after(async () => {
    await sb.close();
  });

  const detail = async (runId: string) => (await sv(sb, 'GET', `/api/v1/workflow-runs/${runId}`)).json as { workflowRun: { status: string }; activityRuns: ActivityRun[] };
  const cancel = async (runId: string, fault?: string) =>
    (await sv(sb, 'POST', '/api/v1/workflow-runs/cancel', { runIds: [runId] }, fault ? { 'x-sandbox-fault': fault } : {})).json as { results: Array<{ runId: string; status: string; message: string }> };

  it('waits at the approval step, is listed and counted as waiting, survives a failed cancel and ends on a real one', async () => {
    let reachedWaiting!: () => void;
    const waiting = new Promise<void>((resolve) => (reachedWaiting = resolve));
    const streamed = sse(
      `${sb.url}/api/v1/workflow-runs/execute/stream`,
      { method: 'POST', headers: { ...svHeaders(sb), accept: 'text/event-stream' }, body: svForm(APPROVAL_SAMPLE_ID) },
      {
        timeoutMs: 10_000,
        stop: (frames) => {
          if (frames.some((f) => statusOf(f) === 'waiting')) reachedWaiting();
          return frames.some((f) => f.event === 'result');
        },
      },
    );
    await Promise.race([waiting, streamed.then((r) => assert.fail(`the stream ended (${r.end}) before the run waited`))]);
    const listed = (await sv(sb, 'GET', `/api/v1/workflow-runs?workflowId=${APPROVAL_SAMPLE_ID}&status=waiting`)).json as { workflowRuns: Array<{ id: string; status: string }> };
    assert.equal(listed.workflowRuns.length, 1);
    const runId = listed.workflowRuns[0]!.id;
    let run = await detail(runId);
    assert.equal(run.workflowRun.status, 'waiting');
    assert.deepEqual(
      run.activityRuns.map((a) => [a.stepName, a.status]),
      [['Receive invoice', 'completed'], ['Extract invoice', 'completed'], ['Check budget', 'completed'], ['Manager approval', 'waiting']],
    );
    const counts = (await sv(sb, 'GET', `/api/v1/workflow-runs/dashboard/${APPROVAL_SAMPLE_ID}`)).json as Record<string, number>;
    assert.deepEqual([counts.waiting, counts.running, counts.total], [1, 0, 1]);

    assert.deepEqual((await cancel(runId, 'cancel-error')).results, [{ runId, status: 'error', message: 'Cancellation failed (Temporal error): injected fault' }]);
    assert.equal((await detail(runId)).workflowRun.status, 'waiting', 'a failed cancel leaves the run waiting');

    assert.equal((await cancel(runId)).results[0]?.status, 'cancelled');
    const res = await streamed;
    run = await detail(runId);
    assert.equal(run.workflowRun.status, 'cancelled');
    assert.deepEqual(
      run.activityRuns.map((a) => [a.stepName, a.status]).slice(3),
      // The steps after the approval never started: they have no activity run (seed 004, createdAt is a start time).
      [['Manager approval', 'canceled']],
    );
    assert.deepEqual(res.frames.map(statusOf).filter(Boolean), ['scheduled', 'running', 'waiting', 'cancelled']);
    const result = json(res.frames.find((f) => f.event === 'result'));
    assert.deepEqual([result.success, (result.workflowRun as { status: string }).status], [false, 'cancelled']);
  });

  it('the client shows the run and its step waiting, reports the error outcome, then follows the cancel to the end', async () => {
    const backend = new SupervityBackend(
      { name: 'sv', kind: 'supervity', baseUrl: sb.url, org: sb.info.supervity.org, workflowIds: [APPROVAL_SAMPLE_ID] },
      { apiKey: sb.info.supervity.apiKey },
      { pollMinMs: 20, pollMaxMs: 100 },
    );
    // Queued for the client's next cancel: the adapter sends no fault header of its own.
    const queued = await request(`${sb.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: 'cancel-error', pathPrefix: '/api/v1/workflow-runs/cancel', count: 1 }),
    });
    assert.equal(queued.statusCode, 200);
    await queued.body.dump();

    const seen: Run[] = [];
    const outcomes: string[] = [];
    // Bounded: a run that never waits would otherwise be followed for ever.
    for await (const run of backend.trigger(APPROVAL_SAMPLE_ID, {}, { signal: AbortSignal.timeout(10_000) })) {
      seen.push(run);
      if (run.status !== 'waiting' || outcomes.length > 0) continue;
      for (const attempt of [1, 2]) {
        const [outcome] = await backend.cancel({ runIds: [run.id], reason: `attempt ${attempt}` });
        outcomes.push(`${outcome?.status}: ${outcome?.message}`);
      }
    }
    const waiting = seen.find((r) => r.status === 'waiting');
    assert.ok(waiting, `states: ${seen.map((r) => r.status).join(', ')}`);
    // Live steps are named by their ids: activity-run events carry no step name (contracts C.3).
    assert.deepEqual(waiting.stages.map((s) => [s.id, s.status]).at(-1), ['approve', 'waiting']);
    assert.deepEqual(outcomes, ['error: Cancellation failed (Temporal error): injected fault', 'cancelled: Run cancelled']);
    const final = seen.at(-1)!;
    assert.equal(final.status, 'cancelled');
    assert.deepEqual(final.stages.map((s) => [s.name, s.status]).slice(3), [['Manager approval', 'cancelled']]);
  });
});
