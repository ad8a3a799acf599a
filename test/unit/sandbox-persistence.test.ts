import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SandboxInfo } from '../../src/sandbox/server';
import { dataFrames, json, pb, pbHeaders, raw, SAMPLES, sse, startTestSandbox, sv, waitUntil, wr, wrHeaders } from './helpers/sandbox-harness';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
  dirs.push(d);
  return d;
};

/** Every record file must parse; temp files may be left by a kill but never a partial record. */
function assertAllFilesParse(dir: string): number {
  let n = 0;
  for (const kind of ['workflows', 'runs', 'components']) {
    let names: string[] = [];
    try {
      names = readdirSync(join(dir, kind));
    } catch {
      continue;
    }
    for (const name of names.filter((f) => f.endsWith('.json'))) {
      JSON.parse(readFileSync(join(dir, kind, name), 'utf8'));
      n++;
    }
  }
  JSON.parse(readFileSync(join(dir, 'credentials.json'), 'utf8'));
  return n;
}

describe('sandbox: persistence', () => {
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('keeps credentials, workflows, runs and minted keys across a restart', async () => {
    const dir = tempDir();
    const a = await startTestSandbox({ stateDir: dir });
    const created = (await pb(a, 'POST', '/api/workflows', { name: 'Persisted', variables: { v: { type: 'string', default: 'd' } } })).json as { id: string };
    const exec = (await pb(a, 'POST', `/api/workflows/${SAMPLES.powabase.retry}/execute`, {})).json as { execution_id: string };
    await pb(a, 'DELETE', `/api/workflows/${SAMPLES.powabase.fanout}`);
    const key = (await raw(`${a.url}/__sandbox/whiterabbit/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ allowedWorkflowIds: [SAMPLES.whiterabbit.linear] }) })).json as { apiKey: string; apiSecret: string };
    const infoA = a.info;
    await a.close();

    const b = await startTestSandbox({ stateDir: dir });
    try {
      // Only Powabase's connection loses the deleted sample; the other faces' samples are their own.
      assert.deepEqual({ ...b.info, url: '' }, { ...infoA, url: '', powabase: { ...infoA.powabase, workflowIds: infoA.powabase.workflowIds.filter((id) => id !== SAMPLES.powabase.fanout) } });
      const wf = (await pb(b, 'GET', `/api/workflows/${created.id}`)).json as { name: string; variables: unknown };
      assert.equal(wf.name, 'Persisted');
      assert.deepEqual(wf.variables, { v: { type: 'string', default: 'd' } });
      assert.equal((await pb(b, 'GET', `/api/workflows/${SAMPLES.powabase.fanout}`)).status, 404, 'a deleted sample stays deleted');
      const logs = (await pb(b, 'GET', `/api/workflows/${SAMPLES.powabase.retry}/executions/${exec.execution_id}/logs`)).json as { block_logs: unknown[] };
      assert.equal(logs.block_logs.length, 4);
      assert.equal((await wr(b, 'POST', `/v1/sdk/workflows/${SAMPLES.whiterabbit.linear}`, {}, key)).status, 200);
      assert.equal((await wr(b, 'POST', `/v1/sdk/workflows/${SAMPLES.whiterabbit.retry}`, {}, key)).status, 403);
    } finally {
      await b.close();
    }
  });

  it('resumes a run that was in flight at shutdown and finishes it', async () => {
    const dir = tempDir();
    const a = await startTestSandbox({ stateDir: dir });
    const { runId } = (await wr(a, 'POST', `/v1/sdk/workflows/${SAMPLES.whiterabbit.long}`, {})).json as { runId: string };
    await waitUntil(async () => ((await wr(a, 'GET', `/v1/sdk/workflows/executions/${runId}`)).json as { runStages: { status: string }[] }).runStages.filter((s) => s.status === 'COMPLETED').length >= 2);
    await a.close();

    const b = await startTestSandbox({ stateDir: dir });
    try {
      const before = (await wr(b, 'GET', `/v1/sdk/workflows/executions/${runId}`)).json as { status: string; runStages: { status: string }[] };
      assert.equal(before.status, 'EXECUTING');
      assert.ok(before.runStages.filter((s) => s.status === 'COMPLETED').length >= 2, 'finished stages stay finished');
      const path = `/v1/sdk/workflows/executions/${runId}/stream`;
      const res = await sse(b.url + path, { headers: wrHeaders(b.info.whiterabbit, 'GET', path) }, { timeoutMs: 15_000 });
      assert.equal(json(dataFrames(res).at(-1)).status, 'COMPLETED');
    } finally {
      await b.close();
    }
  });

  it('migrates a state dir of the shared-samples version: faces assigned, old samples and their runs dropped', async () => {
    // Written by hand in the shape the previous version stored (records without `face`; one set
    // of samples, ids 5a4d0b00-…, shared by all faces; sandbox.json without `layout`).
    const dir = tempDir();
    const at = '2026-11-01T10:00:00.000Z';
    const wfFields = { description: null, variables: {}, version: 1, color: null, created_at: at, updated_at: at, state: 'internal', schedule_config: null, webhook_armed_until: null };
    const graph = { blocks: [{ id: 'start', type: 'starter', name: 'Start', position: { x: 0, y: 0 }, config: {}, enabled: true }], edges: [] };
    const runFields = { jobId: 'bull-1001', inputs: {}, envs: {}, graph, createdAt: at, updatedAt: at, startedAt: at, output: null, error: null, engineError: null, cancelRequestedAt: null, cancelReason: null, nextOrder: 2 };
    const block = { blockId: 'start', type: 'starter', name: 'Start', module: 'ON_API_CALLED', activityRunId: 'a1', attempt: 1, input: {}, output: {}, error: null, startedAt: at, updatedAt: at, durationMs: 5, executionOrder: 1, creditUsage: 0 };
    const legacySample = '5a4d0b00-0006-4000-8000-000000000006';
    const mine = '0d0e0f00-0000-4000-8000-000000000001';
    mkdirSync(join(dir, 'workflows'));
    mkdirSync(join(dir, 'runs'));
    writeFileSync(join(dir, 'sandbox.json'), JSON.stringify({ samplesSeeded: true }));
    writeFileSync(join(dir, 'workflows', `${legacySample}.json`), JSON.stringify({ id: legacySample, name: 'Nightly batch (long run, ~60 s)', ...wfFields, ...graph }));
    writeFileSync(join(dir, 'workflows', `${mine}.json`), JSON.stringify({ id: mine, name: 'Mine', ...wfFields, ...graph }));
    // In flight when the old version stopped: it must not be resumed under any face.
    writeFileSync(join(dir, 'runs', 'run-legacy.json'), JSON.stringify({ id: 'run-legacy', workflowId: legacySample, workflowName: 'Nightly batch (long run, ~60 s)', origin: 'whiterabbit', status: 'running', completedAt: null, blocks: { start: { ...block, status: 'running' } }, ...runFields }));
    // Started through Supervity on a workflow created through Powabase: it follows its workflow.
    writeFileSync(join(dir, 'runs', 'run-mine.json'), JSON.stringify({ id: 'run-mine', workflowId: mine, workflowName: 'Mine', origin: 'supervity', status: 'completed', completedAt: at, blocks: { start: { ...block, status: 'completed', completedAt: at } }, ...runFields }));

    const logs: string[] = [];
    const b = await startTestSandbox({ stateDir: dir, log: (l) => logs.push(l) });
    try {
      assert.ok(logs.includes('state: dropped 1 run(s) of the retired shared samples (each API has its own samples now)'), logs.join('\n'));
      assert.equal((await pb(b, 'GET', `/api/workflows/${legacySample}`)).status, 404, 'the shared sample is gone');
      assert.equal((await wr(b, 'GET', '/v1/sdk/workflows/executions/run-legacy')).status, 404, 'and so is its run');
      const list = (await pb(b, 'GET', '/api/workflows?q=Mine')).json as { workflows: { id: string; execution_count: number }[] };
      assert.deepEqual(list.workflows.map((w) => [w.id, w.execution_count]), [[mine, 1]], 'the user\'s workflow is Powabase\'s, with its run');
      const history = (await pb(b, 'GET', `/api/workflows/${mine}/executions`)).json as { executions: { id: string; status: string }[] };
      assert.deepEqual(history.executions.map((e) => [e.id, e.status]), [['run-mine', 'completed']]);
      assert.equal((await sv(b, 'GET', '/api/v1/workflow-runs/run-mine')).status, 404, 'no longer visible where it was started');
      // Each face got its own samples, seeded once.
      assert.deepEqual(b.info.whiterabbit.workflowIds, Object.values(SAMPLES.whiterabbit));
      assert.deepEqual(b.info.supervity.workflowIds, Object.values(SAMPLES.supervity));
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')), { samplesSeeded: true, layout: 2 });
    } finally {
      await b.close();
    }
    const onDisk = (kind: string): string[] => readdirSync(join(dir, kind)).filter((f) => f.endsWith('.json'));
    assert.ok(!onDisk('workflows').includes(`${legacySample}.json`));
    assert.deepEqual(onDisk('runs'), ['run-mine.json']);
    assert.equal((JSON.parse(readFileSync(join(dir, 'workflows', `${mine}.json`), 'utf8')) as { face: string }).face, 'powabase');
  });

  it('skips corrupt files and removes leftover temp files without crashing', async () => {
    const dir = tempDir();
    const a = await startTestSandbox({ stateDir: dir });
    await a.close();
    writeFileSync(join(dir, 'runs', 'broken.json'), '{"id": "broken", "sta');
    writeFileSync(join(dir, 'workflows', '.x.json.abcd.tmp'), '{"half');
    const logs: string[] = [];
    const b = await startTestSandbox({ stateDir: dir, log: (l) => logs.push(l) });
    try {
      assert.ok(logs.some((l) => l.includes('corrupt')));
      assert.ok(!readdirSync(join(dir, 'workflows')).some((f) => f.endsWith('.tmp')));
      assert.equal((await pb(b, 'GET', '/api/workflows')).status, 200);
    } finally {
      await b.close();
    }
  });

  it('survives SIGKILL at random moments during heavy activity', async () => {
    const dir = tempDir();
    const spawnSandbox = async (): Promise<{ child: ChildProcess; info: SandboxInfo }> => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/main.ts', '--port', '0', '--state', dir, '--time-scale', '0.02', '--execute-limit', '1000', '--quiet'], {
        cwd: join(__dirname, '..', '..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const info = await new Promise<SandboxInfo>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout?.on('data', (c: Buffer) => {
          out += c.toString();
          const nl = out.indexOf('\n');
          if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as SandboxInfo);
        });
        child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
        child.on('exit', (code) => reject(new Error(`sandbox exited ${code}: ${err}`)));
      });
      return { child, info };
    };
    const fire = (info: SandboxInfo): void => {
      const sb = { url: info.url, info, close: async () => undefined };
      for (const wfId of [SAMPLES.powabase.large, SAMPLES.powabase.fanout, SAMPLES.powabase.linear]) {
        void raw(`${info.url}/api/workflows/${wfId}/execute`, { method: 'POST', headers: pbHeaders(sb), body: '{}' }).catch(() => undefined);
      }
      void raw(`${info.url}/api/workflows`, { method: 'POST', headers: pbHeaders(sb), body: JSON.stringify({ name: `wf-${Date.now()}` }) }).catch(() => undefined);
    };

    for (let round = 0; round < 4; round++) {
      const { child, info } = await spawnSandbox();
      fire(info);
      await new Promise((r) => setTimeout(r, 80 + Math.random() * 400));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      assertAllFilesParse(dir);
    }

    const { child, info } = await spawnSandbox();
    try {
      assert.ok(assertAllFilesParse(dir) >= 7);
      const onDisk = readdirSync(join(dir, 'workflows'));
      for (const id of Object.values(SAMPLES).flatMap((ids) => Object.values(ids))) assert.ok(onDisk.includes(`${id}.json`), `sample ${id} survived`);
      const sb = { url: info.url, info, close: async () => undefined };
      fire(info);
      // Every run that was interrupted resumes and reaches a terminal state.
      await waitUntil(async () => {
        const state = (await raw(`${info.url}/__sandbox/state`)).json as { runs: { status: string }[] };
        return state.runs.length > 0 && state.runs.every((r) => ['completed', 'failed', 'cancelled'].includes(r.status));
      }, 20_000, 200);
      assert.equal((await pb(sb, 'GET', '/api/workflows')).status, 200);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    assertAllFilesParse(dir);
  });
});
