import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { WhiteRabbitBackend } from '../../src/core/adapters/whiterabbit/adapter';
import { FlowscopeError } from '../../src/core/errors';
import type { Run } from '../../src/core/model';
import { SAMPLE_IDS } from '../../src/sandbox/samples';
import { startSandbox } from '../../src/sandbox/server';
import type { Sandbox } from '../../src/sandbox/server';
import { startRecordingProxy } from './helpers/recording-proxy';

let sandbox: Sandbox;

before(async () => {
  sandbox = await startSandbox({ port: 0, timeScale: 0.05, heartbeatMs: 100 });
});
after(async () => {
  await sandbox.close();
});

function backend(overrides: { apiKey?: string; apiSecret?: string; now?: () => number; streamIdleMs?: number; baseUrl?: string } = {}): WhiteRabbitBackend {
  const { whiterabbit } = sandbox.info;
  return new WhiteRabbitBackend(
    { name: 'wr', kind: 'whiterabbit', baseUrl: overrides.baseUrl ?? sandbox.url, workflowIds: whiterabbit.workflowIds },
    { apiKey: overrides.apiKey ?? whiterabbit.apiKey, apiSecret: overrides.apiSecret ?? whiterabbit.apiSecret },
    { now: overrides.now, streamIdleMs: overrides.streamIdleMs ?? 2_000, pollMinMs: 50, pollMaxMs: 200 },
  );
}

async function last<T>(items: AsyncIterable<T>, seen: T[] = []): Promise<T> {
  for await (const item of items) seen.push(item);
  const end = seen.at(-1);
  assert.ok(end, 'the iteration yielded something');
  return end;
}

async function control(path: string, body: unknown): Promise<unknown> {
  const res = await request(`${sandbox.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return res.body.json();
}

async function faultsQueued(pathPrefix: string): Promise<unknown[]> {
  const res = await request(`${sandbox.url}/__sandbox/faults`);
  const { faults } = (await res.body.json()) as { faults: Array<{ pathPrefix: string }> };
  return faults.filter((f) => f.pathPrefix === pathPrefix);
}

async function runsOf(workflowId: string): Promise<number> {
  const res = await request(`${sandbox.url}/__sandbox/state`);
  const state = (await res.body.json()) as { runs: Array<{ workflowId: string }> };
  return state.runs.filter((r) => r.workflowId === workflowId).length;
}

test('lists the configured workflows (the API cannot list them)', async () => {
  const workflows = await backend().listWorkflows();
  assert.deepEqual(
    workflows.map((w) => w.id),
    sandbox.info.whiterabbit.workflowIds,
  );
});

test('triggers and follows the run live to completion with every stage', async () => {
  const seen: Run[] = [];
  const end = await last(backend().trigger(SAMPLE_IDS.whiterabbit.linear, {}), seen);
  assert.equal(seen[0]?.status, 'queued');
  assert.ok(seen.some((r) => r.status === 'running'), 'saw it running');
  assert.equal(end.status, 'completed');
  assert.equal(end.rawStatus, 'COMPLETED');
  assert.ok(end.stages.length >= 3);
  assert.ok(end.stages.every((s) => s.status === 'completed' || s.status === 'skipped'), JSON.stringify(end.stages.map((s) => s.status)));
  const again = await backend().getRun({ id: end.id });
  assert.equal(again.status, 'completed');
});

test('a failing workflow ends failed with the stage error', async () => {
  const end = await last(backend().trigger(SAMPLE_IDS.whiterabbit.failing, {}));
  assert.equal(end.status, 'failed');
  assert.ok(end.stages.some((s) => s.status === 'failed' && s.error), 'the failed stage carries its error');
});

test('retries show their attempt number', async () => {
  const end = await last(backend().trigger(SAMPLE_IDS.whiterabbit.retry, {}));
  assert.equal(end.status, 'completed');
  assert.ok(end.stages.some((s) => (s.attempt ?? 1) > 1), 'a stage succeeded on a later attempt');
});

test('a clock two minutes slow is corrected from the Date header with one retry', async () => {
  const slow = backend({ now: () => Date.now() - 120_000 });
  const before = await runsOf(SAMPLE_IDS.whiterabbit.linear);
  const end = await last(slow.trigger(SAMPLE_IDS.whiterabbit.linear, {}));
  assert.equal(end.status, 'completed');
  assert.ok(Math.abs(slow.clockOffset - 120_000) < 3_000, `offset ${slow.clockOffset}`);
  assert.equal(await runsOf(SAMPLE_IDS.whiterabbit.linear), before + 1, 'exactly one run was started');
});

test('a wrong secret is an auth error; a key scoped to other workflows is forbidden', async () => {
  const other = (await control('/__sandbox/whiterabbit/keys', { allowedWorkflowIds: [] })) as { apiSecret: string };
  await assert.rejects(
    last(backend({ apiSecret: other.apiSecret }).trigger(SAMPLE_IDS.whiterabbit.linear, {})),
    (e: unknown) => e instanceof FlowscopeError && e.reason === 'auth',
  );
  const scoped = (await control('/__sandbox/whiterabbit/keys', { allowedWorkflowIds: [SAMPLE_IDS.whiterabbit.fanout] })) as { apiKey: string; apiSecret: string };
  await assert.rejects(
    last(backend(scoped).trigger(SAMPLE_IDS.whiterabbit.linear, {})),
    (e: unknown) => e instanceof FlowscopeError && e.reason === 'forbidden',
  );
  const ok = await last(backend(scoped).trigger(SAMPLE_IDS.whiterabbit.fanout, {}));
  assert.equal(ok.status, 'completed');
});

test('a stream dropped mid-run is re-subscribed (re-signed) and ends in the right state, trigger sent once', async () => {
  const prefix = '/v1/sdk/workflows/executions/';
  await control('/__sandbox/faults', { pathPrefix: prefix, fault: 'drop-after=1', count: 2 });
  // The long sample (~3 s at this time scale): the fan-out could end, on a loaded machine, between
  // the drop and the reconnect, and a finished run is read rather than re-subscribed.
  const before = await runsOf(SAMPLE_IDS.whiterabbit.long);
  // The requests pass through a recorder; the injected clock moves one second per reading, so a
  // request signed afresh carries a new timestamp and one whose headers were reused does not.
  const proxy = await startRecordingProxy(sandbox.url, ['x-sdk-timestamp', 'x-sdk-signature']);
  try {
    const start = Date.now();
    let readings = 0;
    const end = await last(backend({ baseUrl: proxy.url, now: () => start + 1000 * readings++ }).trigger(SAMPLE_IDS.whiterabbit.long, {}));
    assert.equal(end.status, 'completed');
    assert.equal(await runsOf(SAMPLE_IDS.whiterabbit.long), before + 1, 'exactly one run was started');
    assert.deepEqual(await faultsQueued(prefix), [], 'both injected drops fired');
    // The drops land on the first stream and on whichever request to the run follows it (the
    // prefix cannot tell the stream from the read): at least one reopened stream.
    const streams = proxy.seen.filter((r) => r.method === 'GET' && r.path.startsWith(prefix) && r.path.endsWith('/stream'));
    assert.ok(streams.length >= 2, `the stream was dropped and reopened (${streams.length} opens)`);
    const stamps = proxy.seen.map((r) => r.headers['x-sdk-timestamp']);
    assert.equal(new Set(stamps).size, stamps.length, `every request, each reconnect included, is signed afresh: ${stamps.join(', ')}`);
    assert.equal(new Set(proxy.seen.map((r) => r.headers['x-sdk-signature'])).size, proxy.seen.length);
  } finally {
    await proxy.close();
  }
});

test('a silent stream trips the watchdog and the run is still followed to its end', async () => {
  await control('/__sandbox/faults', { pathPrefix: '/v1/sdk/workflows/executions/', fault: 'silent', count: 1 });
  const end = await last(backend({ streamIdleMs: 400 }).trigger(SAMPLE_IDS.whiterabbit.linear, {}));
  assert.equal(end.status, 'completed');
  assert.deepEqual(await faultsQueued('/v1/sdk/workflows/executions/'), [], 'the silent stream was served, so the watchdog had something to trip on');
});

test('following a finished run emits its final state at once', async () => {
  const done = await last(backend().trigger(SAMPLE_IDS.whiterabbit.linear, {}));
  const seen: Run[] = [];
  const end = await last(backend().follow({ id: done.id }), seen);
  assert.equal(end.status, 'completed');
  assert.equal(seen.length, 1);
});

test('component catalog, standalone execution with waitForMs, and its stream', async () => {
  const wr = backend();
  const catalog = await wr.listComponents();
  assert.ok(catalog.some((c) => c.module === 'RANDOM_UUID'));
  const exec = await wr.executeComponent({ module: 'RANDOM_UUID', input: {}, config: {}, waitForMs: 5_000 });
  assert.equal(exec.module, 'RANDOM_UUID');
  const end = await last(wr.followComponent(exec.id));
  assert.equal(end.completed, true);
  assert.equal(end.status, 'COMPLETED');
});

test('pushing a graph sends one merged component update per changed block and reports what it cannot do', async () => {
  const wr = backend();
  const previous = {
    blocks: [
      { id: 'a', type: 'starter', name: 'Start', config: { x: 1, gone: true } },
      { id: 'b', type: 'code', name: 'Work', config: { y: 2 } },
    ],
    edges: [{ source: 'a', target: 'b' }],
  };
  const next = {
    blocks: [
      { id: 'a', type: 'starter', name: 'Start', config: { x: 1 } },
      { id: 'b', type: 'code', name: 'Work harder', config: { y: 3 } },
      { id: 'c', type: 'response', name: 'New' },
    ],
    edges: [{ source: 'a', target: 'b' }],
  };
  const state = async (): Promise<Record<string, unknown>[]> =>
    ((await (await request(`${sandbox.url}/__sandbox/state`)).body.json()) as { workflows: Array<{ id: string; blocks: Record<string, unknown>[] }> }).workflows.find(
      (w) => w.id === SAMPLE_IDS.whiterabbit.linear,
    )?.blocks ?? [];
  const blocks = await state();
  const target = blocks[1] as { id: string; config?: Record<string, unknown> };
  const mapped = {
    blocks: previous.blocks.map((b, i) => ({ ...b, id: i === 1 ? target.id : b.id })),
    edges: previous.edges,
  };
  const report = await wr.pushGraph(SAMPLE_IDS.whiterabbit.linear, { ...next, blocks: next.blocks.map((b, i) => ({ ...b, id: i === 1 ? target.id : b.id })) }, mapped);
  assert.equal(report.steps.length, 1, report.steps.join('\n'));
  assert.match(report.steps[0] ?? '', /Work harder/);
  assert.ok(report.notApplied.some((n) => /is new/.test(n)));
  assert.ok(report.notApplied.some((n) => /cannot delete keys/.test(n)));
  const updated = (await state()).find((b) => b.id === target.id) as { name?: string; config?: Record<string, unknown> };
  assert.equal(updated.name, 'Work harder');
  assert.equal(updated.config?.y, 3, 'config merged server-side');
  for (const [k, v] of Object.entries(target.config ?? {})) if (k !== 'y') assert.deepEqual(updated.config?.[k], v, `kept ${k}`);
});
