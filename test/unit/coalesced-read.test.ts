import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoalescedRead } from '../../src/core/adapters/whiterabbit/runStream';
import type { Run } from '../../src/core/model';

/**
 * The run-detail reads of a White Rabbit follow: at most one in flight, the requests made
 * meanwhile folded into one more read, which waits out a gap after the last read unless the run
 * ended. The reads and the gap are scripted here (no server, no clock): each read and each pause
 * waits until the test lets it go, so the order of events is the only thing checked.
 */
function scripted(signal?: AbortSignal, minGapMs: number | (() => number) = 250, now?: () => number) {
  const reads: Array<(run: Run) => void> = [];
  const pauses: Array<{ ms: number; end: () => void }> = [];
  const applied: string[] = [];
  /** Each read's `urgent` flag, in order: the budget queues an urgent read first. */
  const urgency: boolean[] = [];
  const reader = new CoalescedRead(
    (urgent) => {
      urgency.push(urgent);
      return new Promise<Run>((resolve) => reads.push(resolve));
    },
    (run) => applied.push(run.id),
    (error) => assert.fail(`no read fails here: ${String(error)}`),
    {
      minGapMs,
      // As `sleep`: ends when let go, or rejects when its signal aborts (an urgent request).
      pause: (ms, signal) =>
        new Promise<void>((end, woken) => {
          pauses.push({ ms, end });
          signal.addEventListener('abort', () => woken(new Error('woken')), { once: true });
        }),
      ...(signal ? { signal } : {}),
      ...(now ? { now } : {}),
    },
  );
  const run = (id: string): Run => ({ id, status: 'running', rawStatus: 'EXECUTING', stages: [] });
  return { reader, reads, pauses, applied, urgency, run };
}

/** Lets pending promise callbacks run (no timers involved). */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('CoalescedRead: one read in flight, the next after a gap', () => {
  it('requests during a read and during the gap become one read, started only when the gap ends', async () => {
    const { reader, reads, pauses, applied, run } = scripted();
    reader.request();
    assert.equal(reads.length, 1);
    reader.request();
    reader.request();
    reads[0]?.(run('first'));
    await turn();
    assert.deepEqual(applied, ['first']);
    assert.equal(pauses.length, 1, 'a gap follows the read when another was asked for');
    assert.equal(pauses[0]?.ms, 250);
    reader.request();
    await turn();
    assert.equal(reads.length, 1, 'no read starts during the gap');
    pauses[0]?.end();
    await turn();
    assert.equal(reads.length, 2, 'the requests folded into one read after the gap');
    reads[1]?.(run('second'));
    await reader.settled();
    assert.deepEqual(applied, ['first', 'second']);
    assert.equal(pauses.length, 1, 'no gap when nothing more was asked for');
  });

  it('an urgent request (the run ended) cuts the gap short, and its read is marked urgent', async () => {
    const { reader, reads, pauses, applied, urgency, run } = scripted();
    reader.request();
    reader.request();
    reads[0]?.(run('first'));
    await turn();
    assert.equal(pauses.length, 1);
    reader.request(true);
    await turn();
    assert.equal(reads.length, 2, 'the final read starts without waiting for the gap');
    reads[1]?.(run('final'));
    await reader.settled();
    assert.deepEqual(applied, ['first', 'final']);
    assert.deepEqual(urgency, [false, true]);
  });

  it('an urgent request while a read is out reads again at once, with no gap, marked urgent', async () => {
    const { reader, reads, pauses, urgency, run } = scripted();
    reader.request();
    reader.request(true);
    reads[0]?.(run('first'));
    await turn();
    assert.equal(pauses.length, 0);
    assert.equal(reads.length, 2);
    reads[1]?.(run('final'));
    await reader.settled();
    assert.deepEqual(urgency, [false, true]);
  });

  it('the follow ending during the gap ends it: the read asked for meanwhile is not made', async () => {
    const follow = new AbortController();
    const { reader, reads, pauses, applied, run } = scripted(follow.signal);
    reader.request();
    reader.request();
    reads[0]?.(run('first'));
    await turn();
    assert.equal(pauses.length, 1);
    follow.abort();
    await reader.settled();
    assert.equal(reads.length, 1, 'no read after the follow ended');
    assert.deepEqual(applied, ['first']);
  });

  it('a gap given as a function is asked afresh before each pause (the connection widens it as runs are followed)', async () => {
    const gaps = [1000, 260];
    const { reader, reads, pauses, run } = scripted(undefined, () => gaps.shift() ?? 250);
    reader.request();
    reader.request();
    reads[0]?.(run('first'));
    await turn();
    pauses[0]?.end();
    await turn();
    reader.request();
    reads[1]?.(run('second'));
    await turn();
    pauses[1]?.end();
    await turn();
    reads[2]?.(run('third'));
    await reader.settled();
    assert.deepEqual(pauses.map((p) => p.ms), [1000, 260]);
  });

  it('a request after a quiet spell waits what is left of the gap since the last read, unless urgent', async () => {
    let clock = 1000;
    const { reader, reads, pauses, applied, run } = scripted(undefined, 250, () => clock);
    reader.request();
    reads[0]?.(run('first'));
    await reader.settled();
    clock = 1100;
    reader.request();
    await turn();
    assert.equal(reads.length, 1, 'no read yet: 100 ms after the last one');
    assert.deepEqual(pauses.map((p) => p.ms), [150]);
    pauses[0]?.end();
    await turn();
    reads[1]?.(run('second'));
    await reader.settled();
    clock = 1500;
    reader.request();
    await turn();
    assert.equal(reads.length, 3, 'the gap has passed: read at once');
    reads[2]?.(run('third'));
    await reader.settled();
    clock = 1510;
    reader.request(true);
    await turn();
    assert.equal(reads.length, 4, 'the run ended: read at once');
    reads[3]?.(run('final'));
    await reader.settled();
    assert.equal(pauses.length, 1);
    assert.deepEqual(applied, ['first', 'second', 'third', 'final']);
  });
});
