// Sandbox connections made before each sandbox face had its own samples: their workflow lists move
// to the face's samples on the next sandbox start (src/extension/commands/sandboxIds.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withCurrentSampleIds } from '../../src/extension/commands/sandboxIds';

const WR_SAMPLES = ['5a4d0b01-0001-4000-8000-000000000101', '5a4d0b01-0006-4000-8000-000000000106'];

describe('sandbox connections keep up with the per-face samples', () => {
  it('replaces the retired shared sample ids with the face\'s samples, keeping ids the user added', () => {
    const before = {
      name: 'Sandbox · White Rabbit',
      kind: 'whiterabbit' as const,
      sandbox: true,
      workflowIds: ['5a4d0b00-0001-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', '5a4d0b00-0007-4000-8000-000000000007'],
    };
    assert.deepEqual(withCurrentSampleIds(before, WR_SAMPLES), {
      name: 'Sandbox · White Rabbit',
      kind: 'whiterabbit',
      sandbox: true,
      workflowIds: ['aaaaaaaa-0000-4000-8000-000000000001', '5a4d0b01-0001-4000-8000-000000000101', '5a4d0b01-0006-4000-8000-000000000106'],
    });
  });

  it('leaves current lists, real services and lists the user already cleaned alone (same object)', () => {
    const current = { kind: 'supervity' as const, sandbox: true, workflowIds: ['5a4d0b03-0001-4000-8000-000000000301'] };
    assert.equal(withCurrentSampleIds(current, WR_SAMPLES), current);
    const real = { kind: 'whiterabbit' as const, workflowIds: ['5a4d0b00-0001-4000-8000-000000000001'] };
    assert.equal(withCurrentSampleIds(real, WR_SAMPLES), real, 'only sandbox connections follow the sandbox');
    const none = { kind: 'whiterabbit' as const, sandbox: true };
    assert.equal(withCurrentSampleIds(none, WR_SAMPLES), none);
  });
});
