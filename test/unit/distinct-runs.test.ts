// Issue 13: "a run is listed once and counted once: the status bar's live count and its picker
// count distinct runs". The counting is a pure function; no server is involved.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Run } from '../../src/core/model';
import { distinctRuns } from '../../src/core/runs/distinctRuns';

const run = (id: string, status: Run['status'] = 'running'): Run => ({ id, workflowId: 'w', status, rawStatus: status.toUpperCase(), stages: [] });

describe('distinctRuns (the status bar live count and its picker)', () => {
  it('counts a run reported twice on one connection once, keeping the first report', () => {
    const first = { connection: 'sv', run: run('r1') };
    const again = { connection: 'sv', run: run('r1', 'completed') };
    const other = { connection: 'sv', run: run('r2') };
    const out = distinctRuns([first, other, again]);
    assert.equal(out.length, 2);
    assert.equal(out[0], first);
    assert.equal(out[1], other);
  });

  it('counts equal run ids on two connections as two runs', () => {
    const out = distinctRuns([
      { connection: 'sandbox', run: run('r1') },
      { connection: 'prod', run: run('r1') },
    ]);
    assert.deepEqual(
      out.map((e) => `${e.connection}:${e.run.id}`),
      ['sandbox:r1', 'prod:r1'],
    );
  });

  it('counts nothing in an empty list', () => {
    assert.deepEqual(distinctRuns([]), []);
  });
});
