import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sandbox } from '../../src/sandbox/server';
import { dataFrames, json, pb, pbHeaders, sse, startTestSandbox, waitUntil } from './helpers/sandbox-harness';

// The sandbox's Powabase face runs a streamed run as the published service does
// (powabase-ai/powabase-ai `routes/workflows.py` v0.7.0, `execute_workflow_stream`): the run
// lives inside the stream's generator, and `_persist_execution_result` runs in its `finally`,
// after `done` was sent, or when the generator is closed because the client went away.

/** s → a → b (an agent streaming slowly) → r; the workflow is made here through the API. */
async function makeWorkflow(sb: Sandbox): Promise<string> {
  const created = await pb(sb, 'POST', '/api/workflows', { name: 'Stream lifecycle' });
  const { id } = created.json as { id: string };
  const blocks = [
    { id: 's', type: 'starter', name: 'Start', config: { durationMs: 0 } },
    { id: 'a', type: 'code', name: 'Prepare', config: { durationMs: 0, output: { ready: true } } },
    // 20 s at the tests' time scale (0.05) is 1 s: a token every third of a second.
    { id: 'b', type: 'agent', name: 'Write', config: { durationMs: 20_000, tokens: ['one', 'two'] } },
    { id: 'r', type: 'response', name: 'Reply', config: { durationMs: 0, output: 'done' } },
  ];
  const edges = [
    { source: 's', target: 'a' },
    { source: 'a', target: 'b' },
    { source: 'b', target: 'r' },
  ];
  assert.equal((await pb(sb, 'PUT', `/api/workflows/${id}/graph`, { blocks, edges })).status, 200);
  return id;
}

async function execution(sb: Sandbox, workflowId: string): Promise<{ id: string; status: string; output: unknown; completed_at: string | null }> {
  const list = (await pb(sb, 'GET', `/api/workflows/${workflowId}/executions?limit=1`)).json as { executions: Array<{ id: string; status: string; output: unknown; completed_at: string | null }> };
  return list.executions[0]!;
}

async function loggedBlocks(sb: Sandbox, workflowId: string, executionId: string): Promise<string[]> {
  const logs = (await pb(sb, 'GET', `/api/workflows/${workflowId}/executions/${executionId}/logs`)).json as { block_logs: Array<{ block_id: string }> };
  return logs.block_logs.map((l) => l.block_id);
}

describe('sandbox: a Powabase run lives on its stream', () => {
  let sb: Sandbox;
  let slowSave: Sandbox;
  let instantSave: Sandbox;
  before(async () => {
    [sb, slowSave, instantSave] = await Promise.all([
      startTestSandbox({ executeLimitPerMinute: 1000 }),
      startTestSandbox({ executeLimitPerMinute: 1000, powabaseSaveDelayMs: 600_000 }),
      startTestSandbox({ executeLimitPerMinute: 1000, powabaseSaveDelayMs: 0 }),
    ]);
  });
  after(async () => {
    await Promise.all([sb.close(), slowSave.close(), instantSave.close()]);
  });

  it('a client that disconnects stops the run at its next block event; it is saved completed with the outputs so far', async () => {
    const wf = await makeWorkflow(sb);
    const stream = await sse(
      `${sb.url}/api/workflows/${wf}/execute/stream`,
      { method: 'POST', headers: pbHeaders(sb), body: '{}' },
      { stop: (frames) => frames.some((f) => f.data !== undefined && json(f).type === 'block_start' && json(f).block_id === 'b') },
    );
    assert.equal(stream.end, 'stopped');
    const running = await execution(sb, wf);
    await waitUntil(async () => (await execution(sb, wf)).status !== 'running');
    const saved = await execution(sb, wf);
    assert.deepEqual([saved.id, saved.status, saved.output], [running.id, 'completed', null]);
    assert.deepEqual(await loggedBlocks(sb, wf, saved.id), ['s', 'a'], 'the block cut off and those after it left no log');
  });

  it('the final status and logs are saved a moment after done, not before', async () => {
    const wf = await makeWorkflow(slowSave);
    const stream = await sse(`${slowSave.url}/api/workflows/${wf}/execute/stream`, { method: 'POST', headers: pbHeaders(slowSave), body: '{}' });
    const done = json(dataFrames(stream).at(-1));
    assert.equal(done.type, 'done');
    const row = await execution(slowSave, wf);
    assert.deepEqual([row.id, row.status, row.output, row.completed_at], [done.execution_id, 'running', null, null]);
    assert.deepEqual(await loggedBlocks(slowSave, wf, row.id), []);
  });

  it('with a save delay of 0, the run reads completed as soon as done is sent', async () => {
    const wf = await makeWorkflow(instantSave);
    const stream = await sse(`${instantSave.url}/api/workflows/${wf}/execute/stream`, { method: 'POST', headers: pbHeaders(instantSave), body: '{}' });
    const done = json(dataFrames(stream).at(-1));
    const row = await execution(instantSave, wf);
    assert.deepEqual([row.id, row.status, row.output], [done.execution_id, 'completed', 'done']);
    assert.deepEqual(await loggedBlocks(instantSave, wf, row.id), ['s', 'a', 'b', 'r']);
  });
});
