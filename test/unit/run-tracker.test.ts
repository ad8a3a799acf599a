// RunTracker keeps unchanged stage objects across snapshots: sameRun (src/core/model.ts) compares
// stages by reference first, so a repeated update must not produce new objects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunTracker } from '../../src/core/runTracker';

test('an update that changes nothing keeps the stage object and the snapshot list; a change replaces only its stage', () => {
  const tracker = new RunTracker({ id: 'r1', status: 'running', rawStatus: 'EXECUTING' });
  tracker.upsertStage({ id: 'a', name: 'API call', type: 'API_CALL', status: 'running', rawStatus: 'RUNNING', attempt: 1 });
  tracker.upsertStage({ id: 'b', name: 'Random UUID', type: 'RANDOM_UUID', status: 'queued', rawStatus: 'CREATED', attempt: 1 });
  const first = tracker.snapshot();
  // White Rabbit's next frame lists both stages again, unchanged.
  tracker.upsertStage({ id: 'a', name: 'API call', type: 'API_CALL', status: 'running', rawStatus: 'RUNNING', attempt: 1 });
  tracker.upsertStage({ id: 'b', name: 'Random UUID', type: 'RANDOM_UUID', status: 'queued', rawStatus: 'CREATED', attempt: undefined });
  const second = tracker.snapshot();
  assert.equal(second.stages, first.stages, 'the same list: nothing changed');
  tracker.upsertStage({ id: 'b', status: 'running', rawStatus: 'RUNNING' });
  const third = tracker.snapshot();
  assert.notEqual(third.stages, first.stages);
  assert.equal(third.stages[0], first.stages[0], 'stage a is the same object');
  assert.deepEqual([third.stages[1]?.status, third.stages[1]?.name, third.stages[1]?.attempt], ['running', 'Random UUID', 1]);
});
