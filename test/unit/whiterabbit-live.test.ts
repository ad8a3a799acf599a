// White Rabbit's live run against a purpose-built loopback server that answers as the seeds say
// (helpers/wr-scripted.ts names the seed lines of each shape). The stream only tells which stages
// are still in flight; a stage that leaves that list may have failed. These tests hold each detail
// read until the script answers it, so they can show what the adapter, the run store and the CLI
// display between a stage leaving the list and its outcome being read.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { commands } from '../../src/cli/commands';
import type { CommandOptions } from '../../src/cli/commands';
import { exitCodeFor } from '../../src/cli/exitCodes';
import { WhiteRabbitBackend } from '../../src/core/adapters/whiterabbit/adapter';
import type { AdapterDeps } from '../../src/core/adapters/deps';
import { FlowscopeError } from '../../src/core/errors';
import type { Run } from '../../src/core/model';
import { RunStore } from '../../src/core/runs/runStore';
import { json } from './helpers/http-routes';
import { DETAIL_PATH, Observed, RUN, runDetail, SEED, startScriptedWhiteRabbit, STREAM_PATH, streamEvent, TRIGGER_PATH, WF } from './helpers/wr-scripted';
import type { ScriptedWhiteRabbit, StageSpec } from './helpers/wr-scripted';

// `label`: the name a viewer shows, the module in words (stages carry no component name, seed 000 lines 53-62).
const A = { id: 'stage-a', module: 'GET_EVM_ACCOUNT_BALANCE', label: 'Get EVM account balance' } as const;
const B = { id: 'stage-b', module: 'API_CALL', label: 'API call' } as const;
const C = { id: 'stage-c', module: 'RANDOM_UUID', label: 'Random UUID' } as const;
/** A guard so a broken behaviour fails the test instead of hanging it (no assertion on time). */
const GUARD = { timeout: 30_000 };
const stage = (s: { id: string; module: string }, status: StageSpec['status'], error?: unknown): StageSpec => ({ id: s.id, module: s.module, status, ...(error ? { error } : {}) });

/** What a viewer shows of a run: its status, message, counts and each stage's status by name. */
interface View {
  readonly status: string;
  readonly error?: string;
  readonly stages: ReadonlyMap<string, string>;
  readonly pending?: number;
  readonly failed?: number;
  readonly usage?: number;
}

function viewOf(run: Run): View {
  return {
    status: run.status,
    error: run.error,
    stages: new Map(run.stages.map((s) => [s.name, s.status])),
    pending: run.stageCounts?.pending,
    failed: run.stageCounts?.failed,
    usage: run.totalUsage,
  };
}

let server: ScriptedWhiteRabbit;
before(async () => {
  server = await startScriptedWhiteRabbit();
});
after(async () => {
  await server.close();
});
afterEach(() => {
  server.routes.received.length = 0;
});

function backend(deps: AdapterDeps = {}): WhiteRabbitBackend {
  return new WhiteRabbitBackend(
    { name: 'wr', kind: 'whiterabbit', baseUrl: server.url, workflowIds: [WF] },
    { apiKey: 'ws_test', apiSecret: SEED },
    { streamIdleMs: 30_000, pollMinMs: 1, pollMaxMs: 5, ...deps },
  );
}

/**
 * Stage A fails while B and C still run. The frame that drops A from `nonTerminalStages` also
 * raises `failedStageCount` but cannot say which stage failed. B and C leave in two more frames
 * while the first detail read is still out; that read (taken before they ended) still shows them
 * running, and the two endings are folded into one more read.
 */
async function playOneStageFails(seen: Observed<View>): Promise<void> {
  const stream = await server.stream();
  stream.write(streamEvent('EXECUTING', [stage(A, 'RUNNING'), stage(B, 'RUNNING'), stage(C, 'RUNNING')], { pending: 3, failed: 0, usage: 0 }));
  await seen.until((v) => [A, B, C].every((s) => v.stages.get(s.label) === 'running'));

  stream.write(streamEvent('EXECUTING', [stage(B, 'RUNNING'), stage(C, 'RUNNING')], { pending: 2, failed: 1, usage: 3 }));
  const first = await server.nextDetail();
  await seen.until((v) => v.stages.get(A.label) === 'finishing');

  stream.write(streamEvent('EXECUTING', [stage(C, 'RUNNING')], { pending: 1, failed: 1, usage: 6 }));
  await seen.until((v) => v.stages.get(B.label) === 'finishing');
  stream.write(streamEvent('EXECUTING', [], { pending: 0, failed: 1, usage: 9 }));
  await seen.until((v) => v.stages.get(C.label) === 'finishing');

  first.answer(runDetail('EXECUTING', [stage(A, 'FAILED', { message: 'insufficient funds' }), stage(B, 'RUNNING'), stage(C, 'RUNNING')], 9));
  const afterFirst = await seen.until((v) => v.stages.get(A.label) === 'failed');
  assert.equal(afterFirst.stages.get(B.label), 'finishing', 'a read older than the frame that let B go does not bring it back to running');

  const second = await server.nextDetail();
  second.answer(runDetail('EXECUTING', [stage(A, 'FAILED', { message: 'insufficient funds' }), stage(B, 'COMPLETED'), stage(C, 'COMPLETED')], 9));
  await seen.until((v) => v.stages.get(B.label) === 'completed' && v.stages.get(C.label) === 'completed');

  stream.write(streamEvent('FAILED', [], { pending: 0, failed: 1, usage: 9 }));
  stream.end();
  const last = await server.nextDetail();
  last.answer(runDetail('FAILED', [stage(A, 'FAILED', { message: 'insufficient funds' }), stage(B, 'COMPLETED'), stage(C, 'COMPLETED')], 9));
}

function assertNeverCompleted(seen: Observed<View>): void {
  const wrong = seen.all.findIndex((v) => v.stages.get(A.label) === 'completed');
  assert.equal(wrong, -1, `the failed stage showed as completed in update ${wrong}`);
}

function assertReadsCoalesced(): void {
  // A leaves (with failedStageCount rising): one read. B and C leave while it is out: one more
  // read, not two. Then one at the end of the run.
  assert.equal(server.detailReads(), 3);
  assert.equal(server.routes.count('GET', STREAM_PATH), 1);
}

describe('White Rabbit: a stage leaving nonTerminalStages is finishing until the detail tells how it ended', GUARD, () => {
  it('the adapter never yields the failed stage as completed, reads coalesce, and the run carries its failure', async () => {
    const seen = new Observed<View>();
    const following = (async () => {
      for await (const run of backend().trigger(WF, {})) seen.push(viewOf(run));
    })();
    await playOneStageFails(seen);
    await following;

    assertNeverCompleted(seen);
    assertReadsCoalesced();
    const end = seen.all.at(-1);
    assert.deepEqual(end, {
      status: 'failed',
      error: '1 stage failed: Get EVM account balance: insufficient funds',
      stages: new Map([
        ['Get EVM account balance', 'failed'],
        ['API call', 'completed'],
        ['Random UUID', 'completed'],
      ]),
      pending: 0,
      failed: 1,
      usage: 9,
    });
    // The public SDK's trigger body (contracts A.2): `{}`, signed as sent.
    assert.equal(server.routes.last('POST', TRIGGER_PATH)?.body.toString('utf8'), '{}');
  });

  it('the run store never reports it completed to its listeners', async () => {
    const store = new RunStore({ backendFor: () => backend() });
    const seen = new Observed<View>();
    store.onDidChange((change) => seen.push(viewOf(change.run)));
    await store.trigger('wr', WF, {});
    await playOneStageFails(seen);
    const end = await seen.until((v) => v.status === 'failed' && v.stages.get(C.label) === 'completed');
    store.dispose();

    assertNeverCompleted(seen);
    assertReadsCoalesced();
    assert.equal(end.error, '1 stage failed: Get EVM account balance: insufficient funds');
  });

  it('`trigger --wait --json` never prints it completed and ends with exit code 1', async () => {
    const seen = new Observed<View>();
    const out: string[] = [];
    const toView = (line: string): View => {
      const j = JSON.parse(line) as { status: string; error?: string; stages: { name: string; status: string }[]; pendingStageCount?: number; failedStageCount?: number; totalUsage?: number };
      return { status: j.status, error: j.error, stages: new Map(j.stages.map((s) => [s.name, s.status])), pending: j.pendingStageCount, failed: j.failedStageCount, usage: j.totalUsage };
    };
    const code = runCli({ json: true, wait: true }, (line) => {
      out.push(line);
      seen.push(toView(line));
    });
    await playOneStageFails(seen);
    assert.equal(await code, 1);

    assertNeverCompleted(seen);
    assertReadsCoalesced();
    const end = toView(out.at(-1) ?? '{}');
    assert.equal(end.status, 'failed');
    assert.equal(end.error, '1 stage failed: Get EVM account balance: insufficient funds');
    assert.deepEqual([end.pending, end.failed, end.usage], [0, 1, 9]);
  });

  it('the human view prints the stage finishing then failed, never with a check mark, and sums up the counts', async () => {
    const seen = new Observed<View>();
    const lines: string[] = [];
    const stages = new Map<string, string>();
    let status = '';
    const code = runCli({ wait: true }, undefined, (line) => {
      lines.push(line);
      const run = /^\S+ run \S+ {2}(\w+)/.exec(line);
      if (run) status = run[1] ?? '';
      const st = /^ {2}\S+ (.+?) {2}(\w+)/.exec(line);
      if (st) stages.set(st[1] ?? '', st[2] ?? '');
      seen.push({ status, stages: new Map(stages) });
    });
    await playOneStageFails(seen);
    assert.equal(await code, 1);

    assertNeverCompleted(seen);
    assert.ok(lines.includes('  … Get EVM account balance  finishing'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.startsWith('  ✓ Get EVM account balance')), lines.join('\n'));
    assert.equal(lines.at(-1), '✗ failed: 2 stage(s) completed, 1 failed, 9 credit(s) used — 1 stage failed: Get EVM account balance: insufficient funds');
  });
});

function runCli(options: CommandOptions, out?: (line: string) => void, err?: (line: string) => void): Promise<number> {
  const command = commands.trigger;
  assert.ok(command);
  return command.run({
    args: [WF],
    options,
    backend: backend(),
    signal: new AbortController().signal,
    out: out ?? (() => undefined),
    err: err ?? (() => undefined),
  });
}

describe('White Rabbit: run inputs', GUARD, () => {
  it('the CLI refuses --input and --inputs-file with exit code 2, a reason, and nothing sent', async () => {
    for (const options of [{ input: ['topic=owls'] }, { 'inputs-file': '/nonexistent/inputs.json' }] satisfies CommandOptions[]) {
      const error = await runCli({ ...options, wait: true }).then(
        () => assert.fail('expected a refusal'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof FlowscopeError);
      assert.equal(exitCodeFor(error), 2);
      assert.equal(
        error.message,
        'White Rabbit\'s trigger endpoint takes no run inputs (the public SDK sends an empty body), so --input and --inputs-file cannot be used with connection "wr". Nothing was sent. Set the data in the workflow\'s own configuration and trigger without them.',
      );
    }
    assert.equal(server.routes.received.length, 0);
  });

  it('the adapter refuses inputs instead of dropping them, before any request', async () => {
    const error = await (async () => {
      for await (const _ of backend().trigger(WF, { topic: 'owls' })) assert.fail('nothing is yielded');
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof FlowscopeError && error.reason === 'unsupported', String(error));
    assert.equal(server.routes.received.length, 0);
    assert.equal(backend().capabilities.triggerInputs, false);
  });
});

describe('White Rabbit: stages per run are capped', GUARD, () => {
  it('a stream that keeps adding stages ends with a protocol error past 10,000, without reconnecting', async () => {
    const stageCounts: number[] = [];
    const following = (async () => {
      for await (const run of backend({ maxReconnects: 5 }).follow({ id: RUN, workflowId: WF })) stageCounts.push(run.stages.length);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    const stream = await server.stream();
    // Every frame lists 1,000 more stages, all still running (none leaves, so nothing is read);
    // the eleventh frame would pass the cap.
    const inFlight: StageSpec[] = [];
    for (let frame = 0; frame < 11; frame++) {
      for (let i = 0; i < 1_000; i++) inFlight.push(stage({ id: `s${frame}-${i}`, module: 'RANDOM_UUID' }, 'RUNNING'));
      stream.write(streamEvent('EXECUTING', inFlight, { pending: inFlight.length, failed: 0, usage: 0 }));
    }
    const error = await following;
    assert.ok(error instanceof FlowscopeError, String(error));
    assert.equal(error.reason, 'protocol');
    assert.equal(
      error.message,
      `White Rabbit run ${RUN} reported more than 10,000 stages; Flowscope stopped following it (the limit protects this window from a runaway stream). Look at the run in the White Rabbit dashboard.`,
    );
    assert.deepEqual(stageCounts, [1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000]);
    assert.equal(server.routes.count('GET', STREAM_PATH), 1, 'not reconnected');
    assert.equal(server.routes.count('GET', DETAIL_PATH), 0);
  });
});

// A component execution's stream closes itself on COMPLETED or FAILED (seed 001 line 31) and sends
// `ExecutionStreamEvent`s (seed 001 lines 55-63); the REST record has the execute answer's shape
// (seed 001 line 169). One that ends early is read through REST and re-subscribed (seed 002 line 192).
describe('White Rabbit: a component stream that ends without a terminal event', GUARD, () => {
  const EXEC = '3f7a1b2c-0000-4000-8000-000000000001';
  const EXEC_PATH = `/v1/sdk/components/executions/${EXEC}`;
  const event = (status: string): unknown => ({ id: EXEC, status, output: status === 'COMPLETED' ? { uuid: 'u-1' } : null, error: null, timestamp: '2026-04-20T10:00:05Z' });
  const record = (status: string): unknown => ({ ...(event(status) as object), module: 'RANDOM_UUID', completed: status === 'COMPLETED', totalUsage: 0, createdAt: '2026-04-20T10:00:00Z', updatedAt: '2026-04-20T10:00:05Z' });

  function follow(delays: number[]): Promise<unknown> {
    const sleep = async (ms: number): Promise<void> => void delays.push(ms);
    const statuses: string[] = [];
    return (async () => {
      for await (const e of backend({ maxReconnects: 3, pollMinMs: 100, pollMaxMs: 1_000, sleep }).followComponent(EXEC)) statuses.push(e.status);
      return statuses;
    })().catch((e: unknown) => e);
  }

  function assertBackedOffThenGaveUp(outcome: unknown, delays: number[], why: string): void {
    assert.ok(outcome instanceof FlowscopeError, String(outcome));
    assert.equal(outcome.reason, 'network');
    assert.equal(outcome.message, `White Rabbit component execution ${EXEC}: the stream ended 4 times in a row without news (${why}); gave up following it.`);
    assert.equal(server.routes.count('GET', `${EXEC_PATH}/stream`), 4, 'opened once, then re-opened up to the limit of 3');
    assert.equal(server.routes.count('GET', EXEC_PATH), 3, 'each early end is reconciled through REST');
    // Full-jitter exponential backoff from 100 ms: each delay within [ceiling/2, ceiling].
    assert.equal(delays.length, 3);
    const [d0 = 0, d1 = 0, d2 = 0] = delays;
    assert.ok(d0 >= 50 && d0 <= 100, `first delay ${d0}`);
    assert.ok(d1 >= 100 && d1 <= 200, `second delay ${d1}`);
    assert.ok(d2 >= 200 && d2 <= 400, `third delay ${d2}`);
  }

  it('ending cleanly, again and again, backs off and counts against the reconnect limit', async () => {
    server.routes.on('GET', `${EXEC_PATH}/stream`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify(event('EXECUTING'))}\n\n`);
    });
    server.routes.on('GET', EXEC_PATH, (_req, res) => json(res, 200, record('EXECUTING')));
    const delays: number[] = [];
    assertBackedOffThenGaveUp(await follow(delays), delays, 'the stream ended before the execution did');
  });

  it('breaking off, again and again, does the same', async () => {
    server.routes.on('GET', `${EXEC_PATH}/stream`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify(event('EXECUTING'))}\n\n`, () => res.socket?.destroy());
    });
    server.routes.on('GET', EXEC_PATH, (_req, res) => json(res, 200, record('EXECUTING')));
    const delays: number[] = [];
    // undici's word for a socket closed in the middle of a chunked body.
    assertBackedOffThenGaveUp(await follow(delays), delays, 'other side closed');
  });

  it('re-subscribing after one early end reaches the terminal event', async () => {
    let opens = 0;
    server.routes.on('GET', `${EXEC_PATH}/stream`, (_req, res) => {
      opens++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify(event(opens === 1 ? 'EXECUTING' : 'COMPLETED'))}\n\n`);
    });
    server.routes.on('GET', EXEC_PATH, (_req, res) => json(res, 200, record('EXECUTING')));
    const delays: number[] = [];
    assert.deepEqual(await follow(delays), ['EXECUTING', 'EXECUTING', 'COMPLETED']);
    assert.equal(delays.length, 1);
  });
});

describe('White Rabbit: a run stream that keeps ending without news', GUARD, () => {
  // A hostile or broken server: every connection repeats the same EXECUTING frame and closes
  // (seed 000 line 70 has the stream close only after a terminal status). The run ends, in the
  // detail, on its 10th read.
  it('is re-opened up to the reconnect limit, then followed by polling to its true end', async () => {
    const frame = streamEvent('EXECUTING', [stage(A, 'RUNNING')], { pending: 1, failed: 0, usage: 0 });
    server.routes.on('GET', STREAM_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify(frame)}\n\n`);
    });
    let reads = 0;
    server.routes.on('GET', DETAIL_PATH, (_req, res) => {
      reads++;
      json(res, 200, reads < 10 ? runDetail('EXECUTING', [stage(A, 'RUNNING')]) : runDetail('COMPLETED', [stage(A, 'COMPLETED')]));
    });
    const statuses: string[] = [];
    for await (const run of backend({ maxReconnects: 3 }).follow({ id: RUN, workflowId: WF })) statuses.push(run.status);
    assert.equal(server.routes.count('GET', STREAM_PATH), 4, 'opened once, then re-opened 3 times (the limit), then never again');
    assert.equal(reads, 10);
    assert.equal(statuses.at(-1), 'completed');
  });
});
