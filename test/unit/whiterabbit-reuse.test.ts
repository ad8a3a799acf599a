/**
 * A followed White Rabbit run reuses what it read before: `FrameReader` hands back the very
 * object of an in-flight entry repeated word for word, and `LiveRun` skips an entry it has
 * applied already, unless a detail read wrote its stage since. The shortcut must never change
 * what the run shows. Here random sequences of stream frames (seed 000 lines 98-118) and detail
 * reads (lines 34-64), over a few stages whose fields repeat often, are applied twice: frames
 * once through one reader, once read afresh each time (new objects, nothing to reuse). After
 * every step the two runs must be equal.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
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
  fc.record({ kind: fc.constant('detail' as const), status: fc.constantFrom('EXECUTING', 'EXECUTING', 'FAILED'), records: fc.array(record, { minLength: 4, maxLength: 4 }) }),
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
  return JSON.stringify({ id: RUN, status: s.status, pendingStageCount: 1, failedStageCount: 0, totalUsage: 3, createdAt: '2026-04-20T10:00:00Z', updatedAt: '2026-04-20T10:00:08Z', runStages });
}

it('a run fed the readers’ reused objects shows, after every step, what a run fed fresh objects shows', () => {
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
      const reused = { run: new LiveRun(RUN, 'wf'), frames: new FrameReader(quiet, 'reused') };
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
          const detail = (): wire.RunDetail => wire.RunDetail.parse(JSON.parse(data));
          reused.run.applyDetail(toRun(detail(), 'wf'));
          fresh.run.applyDetail(toRun(detail(), 'wf'));
        }
        assert.deepEqual(reused.run.snapshot(), fresh.run.snapshot(), `after step ${n + 1}`);
      }
    }),
    { numRuns: 500 },
  );
});

