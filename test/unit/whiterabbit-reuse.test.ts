/**
 * A followed White Rabbit run reuses what it read before: `FrameReader` and `DetailReader` hand
 * back the very objects of entries and records repeated word for word, and `LiveRun` skips those
 * it has applied already. The shortcut must never change what the run shows. Here random
 * sequences of stream frames (seed 000 lines 98-118) and detail reads (lines 34-64), over a few
 * stages whose fields repeat often, are applied twice: once through the readers, once read afresh
 * each time (new objects, nothing to reuse). After every step the two runs must be equal.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { DetailReader } from '../../src/core/adapters/whiterabbit/detailReader';
import { FrameReader } from '../../src/core/adapters/whiterabbit/frameReader';
import { LiveRun } from '../../src/core/adapters/whiterabbit/liveRun';
import { toRun } from '../../src/core/adapters/whiterabbit/map';
import * as wire from '../../src/core/adapters/whiterabbit/wire';
import type { Logger } from '../../src/core/util/log';

const RUN = '5a4d0b01-0001-4000-8000-00000000e001';
const IDS = ['a', 'b', 'c', 'd'];
const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

const inFlight = fc.record({ status: fc.constantFrom('CREATED', 'RUNNING'), attempt: fc.constantFrom(1, 2), module: fc.constantFrom('API_CALL', 'RANDOM_UUID') });
const record = fc.record({
  status: fc.constantFrom('CREATED', 'RUNNING', 'COMPLETED', 'FAILED'),
  attempt: fc.constantFrom(1, 2),
  output: fc.constantFrom(null, { v: 1 }, { v: 2 }),
  updatedAt: fc.constantFrom('2026-04-20T10:00:05Z', '2026-04-20T10:00:06Z'),
});

/** A frame lists some stages in flight, in the order of IDS; a detail lists them all. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('frame' as const), status: fc.constantFrom('EXECUTING', 'EXECUTING', 'COMPLETED'), listed: fc.array(fc.option(inFlight, { nil: undefined }), { minLength: 4, maxLength: 4 }) }),
  // The service may list the records in another order from one read to the next.
  fc.record({ kind: fc.constant('detail' as const), status: fc.constantFrom('EXECUTING', 'EXECUTING', 'FAILED'), records: fc.array(record, { minLength: 4, maxLength: 4 }), rotate: fc.constantFrom(0, 0, 1, 3) }),
);
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

function text(s: Step): string {
  if (s.kind === 'frame') {
    const stages = IDS.flatMap((id, i) => {
      const st = s.listed[i];
      return st ? [{ id, module: st.module, status: st.status, executionEventId: null, executionAttempt: st.attempt }] : [];
    });
    return JSON.stringify({ id: RUN, status: s.status, output: { pendingStageCount: stages.length, failedStageCount: 0, nonTerminalStages: stages }, timestamp: '2026-04-20T10:00:07Z' });
  }
  const runStages = IDS.map((id, i) => {
    const r = s.records[i] as (typeof s.records)[number];
    return { id, module: 'API_CALL', status: r.status, output: r.output, error: r.status === 'FAILED' ? { message: 'boom' } : null, creditUsage: 1, executionEventId: null, executionDispatchedAt: '2026-04-20T10:00:01Z', executionAttempt: r.attempt, updatedAt: r.updatedAt };
  });
  const listed = [...runStages.slice(s.rotate), ...runStages.slice(0, s.rotate)];
  return JSON.stringify({ id: RUN, status: s.status, pendingStageCount: 1, failedStageCount: 0, totalUsage: 3, createdAt: '2026-04-20T10:00:00Z', updatedAt: '2026-04-20T10:00:08Z', runStages: listed });
}

it('a run fed the readers’ reused objects shows, after every step, what a run fed fresh objects shows', () => {
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
      const reused = { run: new LiveRun(RUN, 'wf'), frames: new FrameReader(quiet, 'reused'), details: new DetailReader() };
      const fresh = { run: new LiveRun(RUN, 'wf'), lastFrame: '' };
      for (const [n, s] of steps.entries()) {
        const data = text(s);
        if (s.kind === 'frame') {
          const event = reused.frames.read({ event: 'message', data });
          if (event && event !== 'repeat') reused.run.applyEvent(event);
          // Read afresh: a new reader each time parses every entry into new objects. A frame
          // repeating the last word for word is not applied, as FrameReader documents.
          if (data !== fresh.lastFrame) {
            const again = new FrameReader(quiet, 'fresh').read({ event: 'message', data });
            if (again && again !== 'repeat') fresh.run.applyEvent(again);
            fresh.lastFrame = data;
          }
        } else {
          const whole = (): wire.RunDetail => wire.RunDetail.parse(JSON.parse(data));
          reused.run.applyDetail(reused.details.read(data, whole, 'wf'));
          fresh.run.applyDetail(toRun(whole(), 'wf'));
        }
        assert.deepEqual(reused.run.snapshot(), fresh.run.snapshot(), `after step ${n + 1}`);
      }
    }),
    { numRuns: 500 },
  );
});

it('a detail read with a malformed record is read whole, so it fails with the error a single read reports', () => {
  const reader = new DetailReader();
  const good = text({ kind: 'detail', status: 'EXECUTING', rotate: 0, records: IDS.map(() => ({ status: 'RUNNING', attempt: 1, output: null, updatedAt: '2026-04-20T10:00:05Z' })) });
  // `status` must be a string (seed 000 line 55).
  const bad = good.replace('"id":"b","module":"API_CALL","status":"RUNNING"', '"id":"b","module":"API_CALL","status":7');
  assert.notEqual(bad, good);
  const wholeReads: string[] = [];
  const read = (data: string) =>
    reader.read(
      data,
      () => {
        wholeReads.push(data === good ? 'good' : 'bad');
        return wire.RunDetail.parse(JSON.parse(data));
      },
      'wf',
    );
  assert.equal(read(good).stages.length, 4);
  assert.throws(() => read(bad), /"path": \[\s*"runStages",\s*1,\s*"status"\s*\]/);
  assert.equal(read(good).stages[1]?.status, 'running');
  assert.deepEqual(wholeReads, ['bad'], 'only the malformed read is parsed whole');
});
