import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphViewModel, NodeState } from '../../src/shared/protocol';
import { AttemptHistory, axisTicks, buildTimeline, tickFormat } from '../../src/webview/timeline/model';

/** a fans out to b and c, which join in d; e never starts. */
const graph: GraphViewModel = {
  origin: 'server',
  nodes: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, label: id.toUpperCase(), kind: 'code' })),
  edges: [
    { id: 'ab', source: 'a', target: 'b' },
    { id: 'ac', source: 'a', target: 'c' },
    { id: 'bd', source: 'b', target: 'd' },
    { id: 'cd', source: 'c', target: 'd' },
  ],
};

function states(entries: Record<string, NodeState>): Map<string, NodeState> {
  return new Map(Object.entries(entries));
}

test('(unit) one row per started stage, by start time, running bars reach now, the critical path follows what each stage waited for', () => {
  const live = states({
    a: { status: 'completed', startedAt: 1_000, durationMs: 2_000 },
    // b and c start together: graph order breaks the tie.
    c: { status: 'completed', startedAt: 3_000, durationMs: 1_000 },
    b: { status: 'completed', startedAt: 3_000, durationMs: 5_000 },
    d: { status: 'running', startedAt: 8_000 },
  });
  const t = buildTimeline(graph, live, new AttemptHistory(), 10_000);
  assert.deepEqual(
    t.rows.map((r) => [r.id, r.start, r.end, r.durationMs, r.running, r.critical]),
    [
      ['a', 1_000, 3_000, 2_000, false, true],
      ['b', 3_000, 8_000, 5_000, false, true],
      ['c', 3_000, 4_000, 1_000, false, false],
      ['d', 8_000, 10_000, 2_000, true, true],
    ],
  );
  assert.equal(t.start, 1_000);
  assert.equal(t.end, 10_000);
  assert.equal(t.total, 5);
  // Later, d has ended: its bar stops at its own duration, whatever the clock says.
  const later = buildTimeline(graph, new Map([...live, ['d', { status: 'completed', startedAt: 8_000, durationMs: 500 }]]), new AttemptHistory(), 60_000);
  assert.deepEqual(later.rows.at(-1), { id: 'd', label: 'D', status: 'completed', start: 8_000, end: 8_500, running: false, durationMs: 500, attempt: 1, segments: [{ attempt: 1, start: 8_000, end: 8_500, status: 'completed' }], critical: true });
});

test('(unit) a bar is as long as the duration the details pane shows, even when the end time disagrees', () => {
  const t = buildTimeline(graph, states({ a: { status: 'completed', startedAt: 0, endedAt: 1_600, durationMs: 1_500 } }), new AttemptHistory(), 9_000);
  assert.deepEqual([t.rows[0]?.end, t.rows[0]?.durationMs], [1_500, 1_500]);
  // Exactly the same figure, not one recomputed from epoch times (which would lose digits).
  const exact = buildTimeline(graph, states({ a: { status: 'completed', startedAt: 1_767_225_600_000, durationMs: 1_234.5678 } }), new AttemptHistory(), 0);
  assert.equal(exact.rows[0]?.durationMs, 1_234.5678);
  // Without a duration, the end time decides.
  const u = buildTimeline(graph, states({ a: { status: 'failed', startedAt: 0, endedAt: 1_600 } }), new AttemptHistory(), 9_000);
  assert.deepEqual([u.rows[0]?.end, u.rows[0]?.durationMs], [1_600, 1_600]);
});

test('(unit) retries seen live become earlier segments of the bar; a new run of the stage forgets them', () => {
  const history = new AttemptHistory();
  // A service that restarts the clock per attempt: attempt 1 ended when attempt 2 began.
  history.observe('a', { status: 'running', attempt: 1, startedAt: 1_000 }, { status: 'running', attempt: 2, startedAt: 4_000 }, 4_100);
  // A service that keeps the first start: attempt 2 ended at its reported end.
  history.observe('a', { status: 'failed', attempt: 2, startedAt: 4_000, endedAt: 5_000 }, { status: 'running', attempt: 3, startedAt: 4_000 }, 5_200);
  const t = buildTimeline(graph, states({ a: { status: 'running', attempt: 3, startedAt: 4_000 } }), history, 7_000);
  assert.deepEqual(t.rows[0]?.segments, [
    { attempt: 1, start: 1_000, end: 4_000, status: 'failed' },
    { attempt: 2, start: 4_000, end: 5_000, status: 'failed' },
    { attempt: 3, start: 4_000, end: 7_000, status: 'running' },
  ]);
  assert.deepEqual([t.rows[0]?.start, t.rows[0]?.end, t.rows[0]?.attempt], [1_000, 7_000, 3]);

  // Queued again without a start (the panel now follows a new run): not started, so no past either.
  history.observe('a', { status: 'running', attempt: 3, startedAt: 4_000 }, { status: 'queued', attempt: 3 }, 8_000);
  assert.deepEqual(history.of('a'), []);
});

test('(unit) the time axis picks a round step that leaves room for its labels, in the user’s format', () => {
  assert.deepEqual(axisTicks(0, 60_000, 700), { step: 10_000, ticks: [0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000] });
  // Exactly as many steps as fit: 60 s over 540 px is 6 labels of 90 px.
  assert.deepEqual(axisTicks(0, 60_000, 540).step, 10_000);
  assert.deepEqual(axisTicks(1_500, 4_000, 900), { step: 1_000, ticks: [2_000, 3_000, 4_000] });
  assert.deepEqual(axisTicks(0, 3 * 3_600_000, 400), { step: 3_600_000, ticks: [0, 3_600_000, 7_200_000, 10_800_000] });
  assert.deepEqual(tickFormat(10_000), { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  assert.deepEqual(tickFormat(300_000), { hour: '2-digit', minute: '2-digit' });
});
