// The run-list poller: gated by the host, serialised, backing off while idle, honouring Retry-After.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowscopeError } from '../../src/core/errors';
import { RunListPoller } from '../../src/core/polling/runListPoller';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RunListPoller', () => {
  it('polls only while active, one tick at a time, slowing down while nothing changes', async () => {
    let active = false;
    let concurrent = 0;
    let maxConcurrent = 0;
    const at: number[] = [];
    const poller = new RunListPoller({
      minMs: 20,
      maxMs: 160,
      isActive: () => active,
      targets: () => ['a', 'b'],
      poll: async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        at.push(Date.now());
        await sleep(15);
        concurrent--;
        return false;
      },
    });
    poller.wake();
    await sleep(80);
    assert.equal(at.length, 0, 'closed gate: no polls');
    active = true;
    poller.wake();
    await sleep(500);
    active = false;
    poller.wake();
    const count = at.length;
    await sleep(250);
    assert.equal(at.length, count, 'stops when the gate closes');
    assert.equal(maxConcurrent, 1, 'never overlaps');
    const ticks = at.filter((_, i) => i % 2 === 0);
    const gaps = ticks.slice(1).map((t, i) => t - (ticks[i] as number));
    assert.ok(gaps.length >= 3, `several ticks: ${gaps.join(',')}`);
    assert.ok((gaps.at(-1) ?? 0) > (gaps[0] ?? 0), `backs off while idle: ${gaps.join(',')}`);
    poller.dispose();
  });

  it('waits at least Retry-After after a rate limit and reports the error', async () => {
    let calls = 0;
    const errors: string[] = [];
    const poller = new RunListPoller({
      minMs: 10,
      maxMs: 40,
      isActive: () => true,
      targets: () => ['a'],
      poll: async () => {
        calls++;
        if (calls === 1) throw new FlowscopeError('rateLimited', 'slow down', { retryAfterMs: 300 });
        return true;
      },
      onError: (_t, e) => errors.push(e.reason),
      random: () => 0.5,
    });
    poller.wake();
    await sleep(200);
    assert.equal(calls, 1, 'no poll before Retry-After');
    await sleep(250);
    assert.ok(calls >= 2);
    assert.deepEqual(errors, ['rateLimited']);
    poller.dispose();
    const after = calls;
    await sleep(100);
    assert.equal(calls, after, 'nothing after dispose');
  });
});
