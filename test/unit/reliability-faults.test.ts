// Fault matrix: every way a stream or a read can fail, for each of the three APIs, driven through
// the RunStore and the tree model against the real sandbox. For each case: the run ends in the
// state the server holds, the trigger went out exactly once, the tree shows that final state, and
// nothing escapes to the process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FlowscopeError } from '../../src/core/errors';
import type { Run } from '../../src/core/model';
import { startSandbox } from '../../src/sandbox/server';
import type { Sandbox } from '../../src/sandbox/server';
import { SAMPLES_OF } from './helpers/sandbox-harness';
import { installProcessGuard } from './helpers/hostile-guard';
import type { ApiName, Rig } from './helpers/hostile-sandbox';
import {
  control,
  describeFailures,
  essence,
  eventually,
  pendingFaults,
  queueFault,
  rig,
  sandboxRuns,
  settled,
} from './helpers/hostile-sandbox';

const guard = installProcessGuard();

const DEPS = { pollMinMs: 40, pollMaxMs: 150, timeoutMs: 4_000, streamIdleMs: 400 };

interface ApiCase {
  readonly api: ApiName;
  /** Data events of the `linear` sample's stream (terminal one included), measured on the sandbox. */
  readonly events: number;
  /** Path prefix of the stream that follows a run started here. */
  readonly stream: (workflowId: string) => string;
  /** Path prefix of the REST reads used to reconcile after a drop (never the trigger). */
  readonly reads: (workflowId: string) => string;
  /** Path prefix of the trigger request itself. */
  readonly trigger: (workflowId: string) => string;
  /** The engine status each API reports a sample's final state as. */
  readonly finalStatus: (engine: string) => string;
}

const APIS: readonly ApiCase[] = [
  {
    api: 'wr',
    events: 5,
    // The run id is unknown before the trigger; the stream is the first request under this prefix.
    stream: () => '/v1/sdk/workflows/executions/',
    reads: () => '/v1/sdk/workflows/executions/',
    trigger: (wf) => `/v1/sdk/workflows/${wf}`,
    finalStatus: (engine) => engine,
  },
  {
    api: 'pb',
    events: 33,
    stream: (wf) => `/api/workflows/${wf}/execute/`,
    reads: (wf) => `/api/workflows/${wf}/executions`,
    trigger: (wf) => `/api/workflows/${wf}/execute/`,
    // Powabase reports a run whose block failed as completed, with errors.
    finalStatus: (engine) => (engine === 'failed' ? 'completed_with_errors' : engine),
  },
  {
    api: 'sv',
    // The stream of Supervity's linear sample, "Invoice intake" (src/sandbox/samples/supervity.ts).
    events: 29,
    stream: () => '/api/v1/workflow-runs/execute',
    reads: () => '/api/v1/workflow-runs/',
    trigger: () => '/api/v1/workflow-runs/execute',
    finalStatus: (engine) => engine,
  },
];

interface FaultCase {
  readonly name: string;
  readonly workflowId?: string;
  readonly faults: (api: ApiCase, workflowId: string) => ReadonlyArray<readonly [prefix: string, spec: string, count: number]>;
  /** The stream cannot have ended properly: recovery must have read the run through REST. */
  readonly mustReconcile?: boolean;
}

function dropCases(api: ApiCase): FaultCase[] {
  const phases: Array<[string, number]> = [
    ['before the first event', 0],
    ['after one event', 1],
    ['mid-run', Math.floor(api.events / 2)],
    ['right before the terminal event', api.events - 1],
  ];
  return phases.map(([phase, n]) => ({
    name: `stream dropped ${phase} (drop-after=${n})`,
    mustReconcile: true,
    faults: (a, wf) => [[a.stream(wf), `drop-after=${n}`, 1]],
  }));
}

function matrix(api: ApiCase): FaultCase[] {
  return [
    ...dropCases(api),
    // Powabase sends no keepalive and its run lives on the stream (routes/workflows.py,
    // `_sync_stream`): silence is a long block, and Flowscope never drops it before 600 s.
    ...(api.api === 'pb'
      ? []
      : [{ name: 'silent stream (no event, no ping): the watchdog reconciles', mustReconcile: true, faults: (a: ApiCase, wf: string) => [[a.stream(wf), 'silent', 1] as const] }]),
    { name: 'malformed frame after one event, then the rest', faults: (a, wf) => [[a.stream(wf), 'malformed-after=1', 1]] },
    {
      name: 'malformed frame mid-run on a failing workflow',
      workflowId: SAMPLES_OF[api.api].failing,
      faults: (a, wf) => [[a.stream(wf), `malformed-after=2`, 1]],
    },
    {
      name: 'drop, then 503 on the reconciling reads',
      faults: (a, wf) => [
        [a.stream(wf), 'drop-after=1', 1],
        [a.reads(wf), 'status=503', 2],
      ],
    },
    {
      name: 'drop, then HTML 500 error pages on the reconciling reads',
      faults: (a, wf) => [
        [a.stream(wf), 'drop-after=1', 1],
        [a.reads(wf), 'html', 2],
      ],
    },
    {
      name: 'drop, then 429 with Retry-After on a reconciling read',
      faults: (a, wf) => [
        [a.stream(wf), 'drop-after=1', 1],
        [a.reads(wf), 'status=429;retry-after=1', 1],
      ],
    },
    {
      name: 'slow answers (delay-ms) on the reconciling reads',
      faults: (a, wf) => [
        [a.stream(wf), 'drop-after=2', 1],
        [a.reads(wf), 'delay-ms=300', 2],
      ],
    },
  ];
}

/** Follows the id of the one run started here, across Powabase's provisional → real id swap. */
function startedId(r: Rig): () => string | undefined {
  let id: string | undefined;
  r.runs.onDidChange((change) => {
    if (change.startedHere) id = change.run.id;
  });
  return () => id;
}

async function runCase(sb: Sandbox, api: ApiCase, c: FaultCase): Promise<void> {
  const wf = c.workflowId ?? SAMPLES_OF[api.api].linear;
  const r = rig(sb, api.api, DEPS);
  try {
    await r.open(wf);
    r.explorer.setVisible(true);
    r.explorer.expandedNode(r.explorer.workflowNode(api.api, wf));
    const id = startedId(r);
    const before = (await sandboxRuns(sb, wf)).length;
    for (const [prefix, spec, count] of c.faults(api, wf)) await queueFault(sb, prefix, spec, count);

    const readsBefore = r.connections.reads;
    const first = await r.runs.trigger(api.api, wf, {});
    const final = await settled(r, id);
    if (c.mustReconcile) assert.ok(r.connections.reads > readsBefore, 'the run was reconciled through REST');

    // Exactly one run was started, and it is this one.
    const after = await sandboxRuns(sb, wf);
    assert.equal(after.length, before + 1, 'the trigger went out exactly once');
    const server = after.find((run) => run.id === final.id);
    assert.ok(server, `the store's run ${final.id} is the sandbox's new run`);
    assert.equal(final.status, api.finalStatus(server.status), 'the store ends in the server\'s final state');
    if (api.api !== 'pb') assert.equal(first.id, final.id, 'the run keeps its id');
    assert.doesNotMatch(final.id, /^pending:/);

    // The store agrees with an authoritative read through the adapter.
    const backend = await r.backend();
    const read: Run = await backend.getRun({ id: final.id, workflowId: wf });
    assert.deepEqual(essence(final), essence(read), 'the store holds what a fresh read says');

    // The tree shows it once, terminal, with the right status, and the connection is healthy.
    const shown = r.explorer.runsOf(api.api, wf).filter((run) => run.id === final.id || run.id.startsWith('pending:'));
    assert.equal(shown.length, 1, 'one node for the run, no provisional leftover');
    const node = await r.runNode(wf, final.id);
    const item = r.explorer.item(node);
    assert.match(item.description ?? '', new RegExp(final.status === 'completed_with_errors' ? 'completed with errors' : final.status));
    assert.doesNotMatch(item.description ?? '', /\blive\b/);
    assert.deepEqual(r.failures, [], `no stream failure was reported: ${describeFailures(r.failures)}`);
    assert.notEqual(r.explorer.health(api.api).state, 'error');
    assert.equal(await pendingFaults(sb), 0, 'every injected fault was hit');
    guard.check(c.name);
  } finally {
    r.dispose();
    await control(sb, 'DELETE', '/__sandbox/faults');
  }
}

// One sandbox per API, so queued faults of one API never meet another's requests; the three
// APIs run side by side, the cases of one API one after another.
describe('fault matrix through the RunStore and the tree', { concurrency: 3 }, () => {
  for (const api of APIS) {
    describe(api.api, { concurrency: 1 }, () => {
      let sb: Sandbox;
      before(async () => {
        sb = await startSandbox({ port: 0, timeScale: 0.05, heartbeatMs: 100 });
      });
      after(() => sb.close());
      for (const c of matrix(api)) it(c.name, () => runCase(sb, api, c));

      it('401, 403 and 404 come back typed, show on the connection, and start nothing', async () => {
        const wf = SAMPLES_OF[api.api].linear;
        const before = (await sandboxRuns(sb)).length;
        for (const [status, reason, health] of [
          [401, 'auth', 'auth'],
          [403, 'forbidden', 'auth'],
          [404, 'notFound', 'error'],
        ] as const) {
          const r = rig(sb, api.api, DEPS);
          try {
            await r.open(wf);
            await queueFault(sb, api.trigger(wf), `status=${status}`, 1);
            const error = await r.runs.trigger(api.api, wf, {}).then(
              () => assert.fail(`HTTP ${status} on the trigger must reject`),
              (e: unknown) => e,
            );
            assert.ok(error instanceof FlowscopeError, String(error));
            assert.equal(error.reason, reason);
            assert.equal(error.status, status);
            r.explorer.report(api.api, error);
            assert.equal(r.explorer.health(api.api).state, health);
            const [root] = await r.explorer.children();
            assert.ok(root);
            assert.match(r.explorer.item(root).description ?? '', health === 'auth' ? /authentication failed|access denied/ : /· error$/);
          } finally {
            r.dispose();
          }
        }
        assert.equal((await sandboxRuns(sb)).length, before, 'no run was started by a rejected trigger');

        // A real bad key: the tree says so on the connection, without any trigger.
        const bad = rig(sb, api.api, DEPS, api.api === 'wr' ? { apiKey: 'wr_live_not_a_key' } : { apiKey: 'not-a-key' });
        try {
          const [root] = await bad.explorer.children();
          assert.ok(root);
          const children = await bad.explorer.children(root);
          assert.equal(bad.explorer.health(api.api).state, 'auth');
          assert.ok(children.some((n) => n.kind === 'message' && n.message === 'auth'), 'an auth message node is shown');
        } finally {
          bad.dispose();
        }
        guard.check('401/403/404');
      });

      it('a 401 on the reads that follow a running run ends the follow with one typed auth failure, shown on the connection', async () => {
        const wf = SAMPLES_OF[api.api].linear;
        const r = rig(sb, api.api, { ...DEPS, maxReconnects: 2 });
        try {
          await r.open(wf);
          const id = startedId(r);
          const before = (await sandboxRuns(sb, wf)).length;
          await queueFault(sb, api.stream(wf), 'drop-after=1', 1);
          await queueFault(sb, api.reads(wf), 'status=401', 50);
          await r.runs.trigger(api.api, wf, {}).catch(() => undefined);
          await eventually(() => r.failures.length > 0 && r.runs.liveRuns().length === 0, 'the follow to fail and end');
          assert.equal(r.failures.length, 1, describeFailures(r.failures));
          const failure = r.failures[0];
          assert.ok(failure?.error instanceof FlowscopeError);
          assert.equal(failure.error.reason, 'auth', 'the failure says what is wrong: the key, not the stream');
          assert.equal(failure.runId, id(), 'the failure names the run');
          assert.equal(r.explorer.health(api.api).state, 'auth', 'the connection shows it');
          const [root] = await r.explorer.children();
          assert.ok(root);
          assert.match(r.explorer.item(root).description ?? '', /authentication failed/);
          assert.equal((await sandboxRuns(sb, wf)).length, before + 1, 'the trigger went out exactly once');
          guard.check('401 mid-run');
        } finally {
          r.dispose();
          await control(sb, 'DELETE', '/__sandbox/faults');
        }
      });
    });
  }
});
