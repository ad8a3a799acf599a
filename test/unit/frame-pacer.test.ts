// The graph panel's patch pacing (src/core/util/framePacer.ts) on an injected clock: time is the
// subject here, so no real timer runs and nothing depends on the machine's speed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FramePacer } from '../../src/core/util/framePacer';
import type { PacerClock } from '../../src/core/util/framePacer';

/** A clock whose time moves only when the test says; due timers run in order as it moves. */
class ManualClock implements PacerClock {
  private time = 0;
  private readonly timers: Array<{ at: number; callback: () => void; id: number }> = [];
  private nextId = 1;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    const i = this.timers.findIndex((t) => t.id === handle);
    if (i >= 0) this.timers.splice(i, 1);
  }

  advanceTo(time: number): void {
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const due = this.timers[0];
      if (!due || due.at > time) break;
      this.timers.shift();
      this.time = due.at;
      due.callback();
    }
    this.time = time;
  }
}

function paced(frameMs = 16): { clock: ManualClock; runs: number[]; pacer: FramePacer } {
  const clock = new ManualClock();
  const runs: number[] = [];
  const pacer = new FramePacer(() => runs.push(clock.now()), frameMs, clock);
  return { clock, runs, pacer };
}

test('a lone change is patched at once; changes later in the same frame wait for the next frame, folded into one patch', () => {
  const { clock, runs, pacer } = paced();
  clock.advanceTo(3);
  pacer.schedule();
  assert.deepEqual(runs, [3]);
  clock.advanceTo(5);
  pacer.schedule();
  clock.advanceTo(9);
  pacer.schedule();
  assert.deepEqual(runs, [3], 'nothing more in the frame that already had its patch');
  clock.advanceTo(40);
  assert.deepEqual(runs, [3, 16], 'one patch at the start of the next frame for both changes');
});

test('a steady stream of 10,000 changes a second gets one patch per frame, none waiting more than a frame', () => {
  const { clock, runs, pacer } = paced();
  const requests: number[] = [];
  // One change every 0.1 ms for one second.
  for (let i = 1; i <= 10_000; i++) {
    clock.advanceTo(i / 10);
    requests.push(clock.now());
    pacer.schedule();
  }
  clock.advanceTo(1_100);
  // Frames 0 to 62 (16 ms each) cover the second; frame 63 carries the changes made after frame 62's patch.
  assert.equal(runs.length, 64, 'one patch per frame, not one per change');
  const frames = runs.map((t) => Math.floor(t / 16));
  assert.equal(new Set(frames).size, runs.length, 'never two patches in one frame');
  // Every change is covered by the first patch at or after it; none waits longer than a frame.
  let worst = 0;
  let next = 0;
  for (const at of requests) {
    while ((runs[next] ?? Infinity) < at) next++;
    worst = Math.max(worst, (runs[next] ?? Infinity) - at);
  }
  assert.ok(worst <= 16, `the longest wait was ${worst} ms`);
});

test('after dispose nothing runs, and a pending patch is dropped', () => {
  const { clock, runs, pacer } = paced();
  clock.advanceTo(1);
  pacer.schedule();
  clock.advanceTo(2);
  pacer.schedule();
  pacer.dispose();
  clock.advanceTo(100);
  pacer.schedule();
  assert.deepEqual(runs, [1]);
});
