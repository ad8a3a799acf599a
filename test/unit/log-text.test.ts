import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLogText, logLinesOf, startedLine } from '../../src/shared/logText';

/**
 * Run logs as readable text (issue 13: Show Run Logs and the details pane). The entries have the
 * shape of Powabase's `block_logs` as the adapter reads them (api-contracts.md, GET
 * /api/workflows/{id}/executions/{eid}/logs: no times of their own; the run's stages give them).
 */

const ENTRIES = [
  { stageId: 'start', stageName: 'Start', status: 'success', durationMs: 12, output: { topic: 'owls' } },
  { stageId: 'fetch', stageName: 'Fetch quote', status: 'error', durationMs: 1340, error: 'upstream answered 503\nretry later', output: { error: 'x' } },
  { stageId: 'respond', status: 'skipped' },
];
const STAGES = [
  { id: 'start', name: 'Start', startedAt: '2026-12-01T13:03:12.400Z' },
  { id: 'fetch', name: 'Fetch quote', startedAt: '2026-12-01T13:03:13.000Z', endedAt: '2026-12-01T13:03:14.340Z' },
  { id: 'respond', name: 'Respond' },
];

test('(unit) stage logs read as time, stage, level and message, in the zone asked for, aligned', () => {
  const text = formatLogText(['Run 4f3a9c2e · Regional quotes · completed', startedLine('2026-12-01T13:03:12.400Z', { timeZone: 'Europe/Paris' }) ?? ''], logLinesOf(ENTRIES, STAGES), {
    timeZone: 'Europe/Paris',
  });
  assert.equal(
    text,
    [
      'Run 4f3a9c2e · Regional quotes · completed',
      'Started 2026-12-01 14:03:12 (UTC+01:00)',
      '',
      '14:03:12  Start        INFO   success in 12 ms',
      '                              output: {"topic":"owls"}',
      '14:03:13  Fetch quote  ERROR  error in 1.3 s: upstream answered 503',
      '                              retry later',
      '--:--:--  Respond      WARN   skipped',
      '',
    ].join('\n'),
  );
});

test('(unit) the same instant in another zone shows that zone’s clock', () => {
  const lines = logLinesOf([ENTRIES[0]!], STAGES);
  assert.equal(formatLogText([], lines, { timeZone: 'Asia/Tokyo' }).split('\n')[0], '22:03:12  Start  INFO   success in 12 ms');
  assert.equal(startedLine('2026-12-01T13:03:12.400Z', { timeZone: 'UTC' }), 'Started 2026-12-01 13:03:12 (UTC)');
});

test('(unit) long stage names are cut to keep one column; long outputs are cut; no entries says so', () => {
  const lines = logLinesOf([{ stageId: 'x', stageName: 'A very long stage name that goes on and on', status: 'success', output: 'y'.repeat(300) }]);
  const [first, second] = formatLogText([], lines, { timeZone: 'UTC' }).split('\n');
  assert.equal(first, '--:--:--  A very long stage name that…  INFO   success');
  assert.equal(second, `${' '.repeat(47)}output: ${'y'.repeat(239)}…`);
  assert.equal(formatLogText(['Run 1'], []), 'Run 1\n\nNo log entries.\n');
  assert.equal(startedLine('not a time'), undefined);
});
