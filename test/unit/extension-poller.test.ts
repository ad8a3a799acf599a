// The run-list poller: gated by the host, serialised, backing off while idle, honouring Retry-After.
// Its timers run on a clock the tests move by hand (helpers/manual-timers.ts): the delays it
// chooses are checked as numbers, and nothing depends on how fast the machine is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowscopeError } from '../../src/core/errors';
import { RunListPoller } from '../../src/core/polling/runListPoller';
import { manualTimers } from './helpers/manual-timers';

/** A promise the test settles when it chooses (a poll that is still in flight until then). */
function deferred(): { promise: Promise<boolean>; resolve: (changed: boolean) => void } {
  let resolve!: (changed: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  return { promise, resolve };
}

describe('RunListPoller', () => {
  it('polls only while active, one tick at a time, slowing down while nothing changes', async () => {
    const timers = manualTimers();
    let active = false;
    const polls: string[] = [];
    let inFlight: ReturnType<typeof deferred> | undefined;
    const poller = new RunListPoller({
      minMs: 20,
      maxMs: 160,
      isActive: () => active,
      targets: () => ['a', 'b'],
      poll: (target) => {
        polls.push(target);
        inFlight = deferred();
        return inFlight.promise;
      },
      timers,
    });
    /** Ends the poll in flight (nothing changed) and waits until the next thing is scheduled or polled. */
    const finishPoll = async (): Promise<void> => {
      const armed = timers.armed;
      const count = polls.length;
      inFlight?.resolve(false);
      while (timers.armed === armed && polls.length === count) await new Promise((r) => setImmediate(r));
    };

    poller.wake();
    assert.deepEqual(timers.pending(), [], 'closed gate: nothing scheduled');
    timers.advance(1_000);
    assert.deepEqual(polls, [], 'closed gate: no polls');

    active = true;
    poller.wake();
    assert.deepEqual(timers.pending(), [0], 'an opened gate polls at once');
    const delays: number[] = [];
    for (let tick = 0; tick < 5; tick++) {
      timers.advance(timers.pending()[0] ?? -1);
      assert.deepEqual(polls.slice(-1), ['a'], `tick ${tick} starts with the first target`);
      // While a poll is in flight nothing else is scheduled, however much time passes.
      assert.deepEqual(timers.pending(), [], 'never overlaps');
      timers.advance(10_000);
      assert.deepEqual(polls.slice(-1), ['a']);
      await finishPoll(); // a → b
      assert.deepEqual(polls.slice(-1), ['b']);
      await finishPoll(); // b → the next tick is scheduled
      delays.push(...timers.pending());
    }
    // Doubling from minMs while nothing changes, capped at maxMs.
    assert.deepEqual(delays, [40, 80, 160, 160, 160]);
    assert.equal(polls.length, 10);

    active = false;
    poller.wake();
    assert.deepEqual(timers.pending(), [], 'stops when the gate closes');
    timers.advance(10_000);
    assert.equal(polls.length, 10);
    poller.dispose();
  });

  it('waits Retry-After after a rate limit, reports the error, and stops when disposed', async () => {
    const timers = manualTimers();
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
      timers,
    });
    poller.wake();
    timers.advance(0);
    await timers.armedMoreThan(1);
    assert.equal(calls, 1);
    assert.deepEqual(errors, ['rateLimited']);
    // The backoff alone would be at most 40 ms: Retry-After wins.
    assert.deepEqual(timers.pending(), [300]);
    timers.advance(299);
    assert.equal(calls, 1, 'no poll before Retry-After');
    timers.advance(1);
    assert.equal(calls, 2);
    await timers.armedMoreThan(2);
    // Something changed: back to the fastest interval.
    assert.deepEqual(timers.pending(), [10]);
    poller.dispose();
    assert.deepEqual(timers.pending(), [], 'nothing scheduled after dispose');
    timers.advance(10_000);
    assert.equal(calls, 2, 'nothing after dispose');
  });
});
