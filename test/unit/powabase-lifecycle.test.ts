import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { PowabaseBackend } from '../../src/core/adapters/powabase/adapter';
import type { PowabaseDeps } from '../../src/core/adapters/powabase/adapter';
import { STREAM_LOST_NOTICE } from '../../src/core/adapters/powabase/stream';
import type { Run } from '../../src/core/model';
import { RunStore } from '../../src/core/runs/runStore';
import { startPowabaseSource } from './helpers/powabase-source';
import type { PowabaseSource, SourceBlock } from './helpers/powabase-source';
import { drain } from './helpers/scripted-fixtures';

// Each test runs against helpers/powabase-source.ts, which follows the published service
// (powabase-ai/powabase-ai `routes/workflows.py` v0.7.0, `execute_workflow_stream`): the run
// executes inside the stream, `done` comes before the save, a disconnect stops the run.

const WF = 'wf-src';
const BLOCKS: readonly SourceBlock[] = [
  { id: 'start', name: 'Start', type: 'starter', output: { topic: 'owls' } },
  { id: 'write', name: 'Writer', type: 'agent', output: { content: 'Owls hoot.' } },
  { id: 'reply', name: 'Reply', type: 'response', output: { output: 'Owls hoot.' } },
];

let source: PowabaseSource | undefined;
afterEach(async () => {
  source?.resume();
  await source?.close();
  source = undefined;
});

function backend(url: string, deps: PowabaseDeps = {}): PowabaseBackend {
  return new PowabaseBackend({ name: 'pb', kind: 'powabase', baseUrl: url }, { apiKey: 'k' }, { pollMinMs: 5, pollMaxMs: 20, timeoutMs: 3_000, ...deps });
}

const stageRows = (run: Run | undefined) => run?.stages.map((s) => [s.id, s.name, s.status]);

describe('Powabase runs as the published source runs them', { timeout: 20_000 }, () => {
  test('done arrives before the save: the executions list is read until terminal, then the logs', async () => {
    source = await startPowabaseSource({ workflowId: WF, blocks: BLOCKS, saveAfterReads: 3 });
    const waits: number[] = [];
    const settle = { attempts: 6, baseMs: 10, maxMs: 40, wait: async (ms: number) => void waits.push(ms) };
    const runs = await drain(backend(source.url, { settle }).trigger(WF, {}));
    const final = runs.at(-1)!;
    const saved = source.executions[0]!;
    assert.ok(waits.length > 0, 'the run read as running after done at least once');
    const reads = source.routes.received.map((r) => r.path);
    assert.equal(reads.at(-1), `/api/workflows/${WF}/executions/${saved.id}/logs`, 'the logs are read last, once the row is terminal');
    assert.deepEqual([final.id, final.status, final.output], [saved.id, 'completed', 'Owls hoot.']);
    assert.equal(final.endedAt, saved.completed_at, 'the end time is the saved one');
    assert.deepEqual(
      final.stages.map((s) => [s.id, s.name, s.status, s.input, s.order]),
      [
        ['start', 'Start', 'completed', {}, 0],
        ['write', 'Writer', 'completed', {}, 1],
        ['reply', 'Reply', 'completed', {}, 2],
      ],
      'the stages carry what only the saved logs have (inputs, execution order)',
    );
    assert.equal(source.routes.count('GET', `/api/workflows/${WF}/executions/${saved.id}/logs`), 1);
  });

  test('live stages are named from the graph from the first event; blocks not started are queued', async () => {
    source = await startPowabaseSource({ workflowId: WF, blocks: BLOCKS });
    const runs = await drain(backend(source.url).trigger(WF, {}));
    assert.deepEqual(stageRows(runs[0]), [
      ['start', 'Start', 'queued'],
      ['write', 'Writer', 'queued'],
      ['reply', 'Reply', 'queued'],
    ]);
    assert.deepEqual(stageRows(runs[1]), [
      ['start', 'Start', 'running'],
      ['write', 'Writer', 'queued'],
      ['reply', 'Reply', 'queued'],
    ]);
  });

  test('Stop run: closing the stream stops the run at its next step, saved completed with partial outputs', async () => {
    source = await startPowabaseSource({ workflowId: WF, blocks: BLOCKS, pauseBefore: 'reply' });
    const pb = backend(source.url);
    const store = new RunStore({ backendFor: () => pb });
    try {
      await store.trigger('pb', WF, {});
      await source.paused;
      const runId = source.executions[0]!.id;
      assert.equal(store.ownsStream('pb', runId), true, 'the stream that started the run is held here');
      const stopped = store.stopRun('pb', { id: runId, workflowId: WF });
      await source.disconnected;
      source.resume();
      const after = await stopped;
      assert.deepEqual([after.status, after.rawStatus, after.output], ['completed', 'completed', undefined]);
      assert.deepEqual(stageRows(after), [
        ['start', 'Start', 'completed'],
        ['write', 'Writer', 'completed'],
      ]);
      assert.equal(source.routes.count('POST', `/api/workflows/${WF}/execute/stream`), 1);
    } finally {
      store.dispose();
    }
  });

  test('Stop following says so: one change event, after which the run is no longer among the live runs', async () => {
    source = await startPowabaseSource({ workflowId: WF, blocks: BLOCKS, pauseBefore: 'reply' });
    const pb = backend(source.url);
    const store = new RunStore({ backendFor: () => pb });
    try {
      await store.trigger('pb', WF, {});
      await source.paused;
      const runId = source.executions[0]!.id;
      assert.deepEqual(store.liveRuns().map((l) => l.run.id), [runId]);
      // What the status bar does: on each change, count the live runs.
      const counted: number[] = [];
      const listener = store.onDidChange(() => counted.push(store.liveRuns().length));
      store.stopFollowing('pb', runId);
      listener.dispose();
      assert.deepEqual(counted, [0]);
      assert.equal(store.isLive('pb', runId), false);
    } finally {
      store.dispose();
    }
  });

  test('a stream that drops without us says the service stops the run, then reads its final state', async () => {
    source = await startPowabaseSource({ workflowId: WF, blocks: BLOCKS, dropBefore: 'reply' });
    const runs = await drain(backend(source.url).trigger(WF, {}));
    const lost = runs.find((r) => r.notice !== undefined);
    assert.deepEqual([lost?.status, lost?.notice], ['running', STREAM_LOST_NOTICE]);
    const final = runs.at(-1)!;
    assert.deepEqual([final.id, final.status, final.notice], [source.executions[0]!.id, 'completed', undefined]);
    assert.deepEqual(stageRows(final), [
      ['start', 'Start', 'completed'],
      ['write', 'Writer', 'completed'],
    ]);
    assert.equal(source.routes.count('POST', `/api/workflows/${WF}/execute/stream`), 1);
  });
});
