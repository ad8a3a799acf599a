// The features bundle, authoring and the panels are started through onceUntilSuccess: one start
// shared by every caller, kept once it succeeded, forgotten (so tried again) when it failed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onceUntilSuccess } from '../../src/core/util/once';

describe('onceUntilSuccess', () => {
  it('runs one start for concurrent callers and never again after it succeeded', async () => {
    let starts = 0;
    const load = onceUntilSuccess(async () => `loaded #${++starts}`);
    assert.deepEqual(await Promise.all([load(), load()]), ['loaded #1', 'loaded #1']);
    assert.equal(await load(), 'loaded #1');
    assert.equal(starts, 1);
  });

  it('starts again after a failure, which every caller of that run saw', async () => {
    let starts = 0;
    const load = onceUntilSuccess(async () => {
      starts += 1;
      if (starts === 1) throw new Error('first start failed');
      return `loaded #${starts}`;
    });
    const [a, b] = await Promise.allSettled([load(), load()]);
    assert.deepEqual([a.status, b.status], ['rejected', 'rejected']);
    assert.equal(await load(), 'loaded #2');
    assert.equal(await load(), 'loaded #2');
    assert.equal(starts, 2);
  });
});
