// The one picker (issue 14): the rows every picker shows, and the cancellation bridge that never
// outlives its task. Pure functions: no server is involved, so none is started.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KnownConnection } from '../../src/core/connections/states';
import type { Run } from '../../src/core/model';
import { Emitter } from '../../src/core/util/emitter';
import { identityTranslate } from '../../src/shared/format';
import { withAbortSignal } from '../../src/extension/pick/abort';
import type { CancellationLike } from '../../src/extension/pick/abort';
import { connectionItems, runItems, workflowItems } from '../../src/extension/pick/items';

/** A cancellation token shaped like VS Code's, counting its live subscriptions. */
class CountingToken implements CancellationLike {
  private readonly emitter = new Emitter<void>();
  isCancellationRequested = false;
  live = 0;
  onCancellationRequested(listener: () => void): { dispose(): void } {
    const sub = this.emitter.event(listener);
    this.live++;
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this.live--;
        sub.dispose();
      },
    };
  }
  cancel(): void {
    this.isCancellationRequested = true;
    this.emitter.fire();
  }
}

describe('picker rows', () => {
  it('connections keep their configured order, with the service and the address', () => {
    const connections: KnownConnection[] = [
      { name: 'prod', kind: 'powabase', baseUrl: 'https://abc.p.powabase.ai' },
      { name: 'Sandbox · White Rabbit', kind: 'whiterabbit', baseUrl: 'http://127.0.0.1:9/wr', sandbox: true },
    ];
    assert.deepEqual(connectionItems(connections, identityTranslate), [
      { label: 'prod', description: 'Powabase', detail: 'https://abc.p.powabase.ai', connection: 'prod' },
      { label: 'Sandbox · White Rabbit', detail: 'Embedded sandbox', connection: 'Sandbox · White Rabbit' },
    ]);
  });

  it('workflows keep the tree order and the tree names; the full id is the detail', () => {
    const items = workflowItems([
      { id: '6f1c0d7e-aaaa-bbbb-cccc-000000000001', name: 'Invoice intake' },
      { id: 'wf-2', name: 'wf-2', state: 'deployed' },
    ]);
    assert.deepEqual(items, [
      { label: 'Invoice intake', detail: '6f1c0d7e-aaaa-bbbb-cccc-000000000001', workflowId: '6f1c0d7e-aaaa-bbbb-cccc-000000000001' },
      { label: 'wf-2', description: 'deployed', detail: 'wf-2', workflowId: 'wf-2' },
    ]);
  });

  it('runs name their workflow as the tree does, falling back to the run\'s own name', () => {
    const run = (id: string, workflowId: string, workflowName?: string): Run => ({ id, workflowId, workflowName, status: 'running', rawStatus: 'RUNNING', stages: [] });
    const items = runItems(
      [
        { connection: 'a', run: run('40528bd1-0000-4000-8000-000000000000', 'w1', 'service name') },
        { connection: 'b', run: run('r2', 'w2', 'from the run') },
      ],
      identityTranslate,
      (connection, workflowId) => (connection === 'a' && workflowId === 'w1' ? 'Tree name' : undefined),
      '$(sync~spin)',
    );
    assert.deepEqual(
      items.map((i) => [i.label, i.description, i.target]),
      [
        ['$(sync~spin) Run 40528bd1', 'a · Tree name', { connection: 'a', runId: '40528bd1-0000-4000-8000-000000000000', workflowId: 'w1' }],
        ['$(sync~spin) Run r2', 'b · from the run', { connection: 'b', runId: 'r2', workflowId: 'w2' }],
      ],
    );
  });
});

describe('withAbortSignal', () => {
  it('disposes its subscription when the task ends without a cancellation', async () => {
    const token = new CountingToken();
    const seen = await withAbortSignal(token, (signal) => {
      assert.equal(token.live, 1);
      return Promise.resolve(signal.aborted);
    });
    assert.equal(seen, false);
    assert.equal(token.live, 0);
  });

  it('disposes it when the task fails', async () => {
    const token = new CountingToken();
    await assert.rejects(withAbortSignal(token, () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(token.live, 0);
  });

  it('aborts the signal and disposes the subscription when the token fires', async () => {
    const token = new CountingToken();
    let release: () => void = () => undefined;
    const task = withAbortSignal(token, (signal) => new Promise<boolean>((resolve) => (release = () => resolve(signal.aborted))));
    token.cancel();
    assert.equal(token.live, 0);
    release();
    assert.equal(await task, true);
  });

  it('hands an aborted signal and subscribes to nothing when already cancelled', async () => {
    const token = new CountingToken();
    token.isCancellationRequested = true;
    assert.equal(await withAbortSignal(token, (signal) => Promise.resolve(signal.aborted)), true);
    assert.equal(token.live, 0);
  });
});
