// How White Rabbit stream frames are read (src/core/adapters/whiterabbit/frameReader.ts): an
// in-flight stage that repeats one the previous frame listed is not checked by zod again, so these
// tests show that a stage repeated with any field changed is read afresh, and that a malformed
// stage still costs its whole frame, even under an id seen before; a frame repeated word for word
// is not applied again. Against the purpose-built
// loopback server of helpers/wr-scripted.ts; frames are `RunStreamEvent`s (seed 000 lines 98-118).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WhiteRabbitBackend } from '../../src/core/adapters/whiterabbit/adapter';
import type { Run } from '../../src/core/model';
import type { Logger } from '../../src/core/util/log';
import { Observed, RUN, SEED, startScriptedWhiteRabbit, WF } from './helpers/wr-scripted';
import type { ScriptedWhiteRabbit } from './helpers/wr-scripted';

/** A guard so a broken behaviour fails the test instead of hanging it (no assertion on time). */
const GUARD = { timeout: 30_000 };

/** One entry of `nonTerminalStages` (seed 000 lines 106-112). */
const inFlight = (id: string, module: unknown, status: unknown, executionAttempt: unknown = 1) => ({ id, module, status, executionEventId: null, executionAttempt });

/** A `RunStreamEvent` of a run still executing, with these stages in flight. */
const frame = (stages: readonly unknown[]) => ({
  id: RUN,
  status: 'EXECUTING',
  output: { totalUsage: 0, pendingStageCount: stages.length, failedStageCount: 0, cancelRequestedAt: null, cancelReason: null, nonTerminalStages: stages },
  timestamp: '2026-04-20T10:00:05Z',
});

let server: ScriptedWhiteRabbit;
before(async () => {
  server = await startScriptedWhiteRabbit();
});
after(async () => {
  await server.close();
});

/** Follows the scripted run, pushing each state it yields, until `stop` aborts. */
function follow(log: Logger, seen: Observed<Run>, stop: AbortController): Promise<void> {
  const backend = new WhiteRabbitBackend({ name: 'wr', kind: 'whiterabbit', baseUrl: server.url, workflowIds: [WF] }, { apiKey: 'ws_test', apiSecret: SEED }, { log, streamIdleMs: 30_000 });
  return (async () => {
    try {
      for await (const run of backend.follow({ id: RUN, workflowId: WF }, { signal: stop.signal })) seen.push(run);
    } catch (error) {
      if (!stop.signal.aborted) throw error;
    }
  })();
}

const stageOf = (run: Run, id: string) => run.stages.find((s) => s.id === id);
const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('White Rabbit stream frames: repeated stages are not checked twice, changed ones always are', GUARD, () => {
  it('a stage listed again with its attempt or its module changed takes the new values', async () => {
    const seen = new Observed<Run>();
    const stop = new AbortController();
    const following = follow(quiet, seen, stop);
    const stream = await server.stream();
    stream.write(frame([inFlight('a', 'GET_EVM_ACCOUNT_BALANCE', 'RUNNING', 1)]));
    await seen.until((r) => stageOf(r, 'a')?.attempt === 1);
    stream.write(frame([inFlight('a', 'GET_EVM_ACCOUNT_BALANCE', 'RUNNING', 2)]));
    stream.write(frame([inFlight('a', 'API_CALL', 'RUNNING', 2)]));
    // A last frame that only adds a stage: once it shows, every frame before it was read.
    stream.write(frame([inFlight('a', 'API_CALL', 'RUNNING', 2), inFlight('z', 'RANDOM_UUID', 'CREATED')]));
    const last = await seen.until((r) => stageOf(r, 'z') !== undefined);
    stop.abort();
    await following;

    assert.deepEqual(
      seen.all.map((r) => [stageOf(r, 'a')?.attempt, stageOf(r, 'a')?.name, stageOf(r, 'z')?.status]),
      [
        [1, 'Get EVM account balance', undefined],
        [2, 'Get EVM account balance', undefined],
        [2, 'API call', undefined],
        [2, 'API call', 'queued'],
      ],
    );
    assert.equal(stageOf(last, 'a')?.type, 'API_CALL');
  });

  it('a malformed stage skips its whole frame, even under an id an earlier frame listed', async () => {
    const warnings: string[] = [];
    const seen = new Observed<Run>();
    const stop = new AbortController();
    const following = follow({ ...quiet, warn: (m) => warnings.push(m) }, seen, stop);
    const stream = await server.stream();
    stream.write(frame([inFlight('a', 'API_CALL', 'RUNNING')]));
    await seen.until((r) => stageOf(r, 'a')?.status === 'running');
    // `status` must be a string (seed 000 line 110): this frame, and the stage b it brings, are dropped.
    stream.write(frame([inFlight('a', 'API_CALL', 7), inFlight('b', 'RANDOM_UUID', 'CREATED')]));
    // So is one whose repeated stage lost a field's type.
    stream.write(frame([inFlight('a', 'API_CALL', 'RUNNING', '1'), inFlight('b', 'RANDOM_UUID', 'CREATED')]));
    stream.write(frame([inFlight('a', 'API_CALL', 'RUNNING'), inFlight('z', 'RANDOM_UUID', 'CREATED')]));
    await seen.until((r) => stageOf(r, 'z') !== undefined);
    stop.abort();
    await following;

    assert.equal(seen.all.filter((r) => stageOf(r, 'b') !== undefined).length, 0, 'stage b came only in malformed frames');
    const skipped = `White Rabbit run ${RUN}: skipped a "message" frame with an unexpected shape: Invalid input: expected`;
    assert.deepEqual(warnings, [`${skipped} string, received number`, `${skipped} number, received string`]);
  });
});

describe('White Rabbit stream frames: a frame repeated word for word', GUARD, () => {
  it('changes nothing, not even a stage a detail read found started since the frame was first sent', async () => {
    const seen = new Observed<Run>();
    const stop = new AbortController();
    const following = follow(quiet, seen, stop);
    const stream = await server.stream();
    stream.write(frame([inFlight('a', 'API_CALL', 'RUNNING'), inFlight('b', 'API_CALL', 'RUNNING')]));
    await seen.until((r) => stageOf(r, 'b')?.status === 'running');
    // Stage a left the in-flight list: the client reads the detail, which also shows x started.
    const older = frame([inFlight('b', 'API_CALL', 'RUNNING')]);
    stream.write(older);
    (await server.nextDetail()).answer(
      detail([
        { id: 'a', status: 'COMPLETED', output: { v: 1 }, updatedAt: '2026-04-20T10:00:05Z' },
        { id: 'b', status: 'RUNNING', output: null, updatedAt: '2026-04-20T10:00:04Z' },
        { id: 'x', status: 'RUNNING', output: null, updatedAt: '2026-04-20T10:00:06Z' },
      ]),
    );
    await seen.until((r) => stageOf(r, 'x')?.status === 'running');
    // The same frame again: applied, it would take x (not in its list) for ended, "finishing".
    stream.write(older);
    // A last frame that adds a stage: once it shows, the repeat before it was read.
    stream.write(frame([inFlight('b', 'API_CALL', 'RUNNING'), inFlight('x', 'API_CALL', 'RUNNING'), inFlight('z', 'RANDOM_UUID', 'CREATED')]));
    await seen.until((r) => stageOf(r, 'z') !== undefined);
    stop.abort();
    await following;

    assert.deepEqual(
      seen.all.map((r) => [stageOf(r, 'a')?.status, stageOf(r, 'x')?.status]),
      [
        ['running', undefined],
        ['finishing', undefined],
        ['completed', 'running'],
        ['completed', 'running'],
      ],
    );
  });
});

describe('White Rabbit stream frames: an entry repeated unchanged', GUARD, () => {
  it('is applied again after a detail read wrote its stage: the stream stays the truth for stages in flight', async () => {
    const seen = new Observed<Run>();
    const stop = new AbortController();
    const following = follow(quiet, seen, stop);
    const stream = await server.stream();
    stream.write(frame([inFlight('a', 'API_CALL', 'RUNNING', 1), inFlight('b', 'API_CALL', 'RUNNING')]));
    await seen.until((r) => stageOf(r, 'b')?.status === 'running');
    // b left the list: the detail read that follows says a is on its second attempt.
    stream.write(frame([inFlight('a', 'API_CALL', 'RUNNING', 1)]));
    (await server.nextDetail()).answer(
      detail([
        { id: 'a', status: 'RUNNING', output: null, updatedAt: '2026-04-20T10:00:06Z', executionAttempt: 2 },
        { id: 'b', status: 'COMPLETED', output: { v: 1 }, updatedAt: '2026-04-20T10:00:06Z' },
      ]),
    );
    await seen.until((r) => stageOf(r, 'a')?.attempt === 2);
    // The next frame lists a again in the very words of the last one: its attempt is the stream's.
    stream.write(frame([inFlight('a', 'API_CALL', 'RUNNING', 1), inFlight('z', 'RANDOM_UUID', 'CREATED')]));
    const last = await seen.until((r) => stageOf(r, 'z') !== undefined);
    stop.abort();
    await following;

    assert.deepEqual(
      seen.all.map((r) => [stageOf(r, 'a')?.attempt, stageOf(r, 'b')?.status]),
      [
        [1, 'running'],
        [1, 'finishing'],
        [2, 'completed'],
        [1, 'completed'],
      ],
    );
    assert.equal(stageOf(last, 'a')?.status, 'running');
  });
});

/** A `WorkflowRunDetail` (seed 000 lines 45-64) of an executing run with these stage records. */
const detail = (stages: ReadonlyArray<{ id: string; status: string; output: unknown; updatedAt: string; executionAttempt?: number }>) => ({
  id: RUN,
  status: 'EXECUTING',
  pendingStageCount: 1,
  failedStageCount: 0,
  totalUsage: 3,
  createdAt: '2026-04-20T10:00:00Z',
  updatedAt: '2026-04-20T10:00:08Z',
  runStages: stages.map((s) => ({ module: 'API_CALL', error: null, creditUsage: 3, executionAttempt: 1, ...s })),
});

describe('White Rabbit detail reads: a settled stage read again', GUARD, () => {
  it('takes the new record when the service stamped it again (updatedAt, seed 000 line 61)', async () => {
    const seen = new Observed<Run>();
    const stop = new AbortController();
    const following = follow(quiet, seen, stop);
    const stream = await server.stream();
    stream.write(frame([inFlight('a', 'API_CALL', 'RUNNING'), inFlight('b', 'API_CALL', 'RUNNING'), inFlight('c', 'API_CALL', 'RUNNING')]));
    await seen.until((r) => stageOf(r, 'c')?.status === 'running');
    stream.write(frame([inFlight('b', 'API_CALL', 'RUNNING'), inFlight('c', 'API_CALL', 'RUNNING')]));
    (await server.nextDetail()).answer(
      detail([
        { id: 'a', status: 'COMPLETED', output: { v: 1 }, updatedAt: '2026-04-20T10:00:05Z' },
        { id: 'b', status: 'RUNNING', output: null, updatedAt: '2026-04-20T10:00:04Z' },
        { id: 'c', status: 'RUNNING', output: null, updatedAt: '2026-04-20T10:00:04Z' },
      ]),
    );
    await seen.until((r) => stageOf(r, 'a')?.status === 'completed');
    stream.write(frame([inFlight('c', 'API_CALL', 'RUNNING')]));
    (await server.nextDetail()).answer(
      detail([
        { id: 'a', status: 'COMPLETED', output: { v: 2 }, updatedAt: '2026-04-20T10:00:06Z' },
        { id: 'b', status: 'COMPLETED', output: { v: 1 }, updatedAt: '2026-04-20T10:00:06Z' },
        { id: 'c', status: 'RUNNING', output: null, updatedAt: '2026-04-20T10:00:04Z' },
      ]),
    );
    const later = await seen.until((r) => stageOf(r, 'b')?.status === 'completed');
    stop.abort();
    await following;

    assert.deepEqual(stageOf(later, 'a')?.output, { v: 2 });
    assert.equal(stageOf(later, 'a')?.endedAt, '2026-04-20T10:00:06Z');
  });
});
