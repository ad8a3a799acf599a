import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SandboxInfo } from '../../src/sandbox/server';
import { dataFrames, json, pb, pbHeaders, raw, SAMPLES, sse, startTestSandbox, waitUntil, wr, wrHeaders } from './helpers/sandbox-harness';

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
    const exec = (await pb(a, 'POST', `/api/workflows/${SAMPLES.retry}/execute`, {})).json as { execution_id: string };
    await pb(a, 'DELETE', `/api/workflows/${SAMPLES.fanout}`);
    const key = (await raw(`${a.url}/__sandbox/whiterabbit/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ allowedWorkflowIds: [SAMPLES.linear] }) })).json as { apiKey: string; apiSecret: string };
    const infoA = a.info;
    await a.close();

    const b = await startTestSandbox({ stateDir: dir });
    try {
      assert.deepEqual({ ...b.info, url: '' }, { ...infoA, url: '', whiterabbit: { ...infoA.whiterabbit, workflowIds: infoA.whiterabbit.workflowIds.filter((id) => id !== SAMPLES.fanout) }, powabase: { ...infoA.powabase, workflowIds: infoA.powabase.workflowIds.filter((id) => id !== SAMPLES.fanout) }, supervity: { ...infoA.supervity, workflowIds: infoA.supervity.workflowIds.filter((id) => id !== SAMPLES.fanout) } });
      const wf = (await pb(b, 'GET', `/api/workflows/${created.id}`)).json as { name: string; variables: unknown };
      assert.equal(wf.name, 'Persisted');
      assert.deepEqual(wf.variables, { v: { type: 'string', default: 'd' } });
      assert.equal((await pb(b, 'GET', `/api/workflows/${SAMPLES.fanout}`)).status, 404, 'a deleted sample stays deleted');
      const logs = (await pb(b, 'GET', `/api/workflows/${SAMPLES.retry}/executions/${exec.execution_id}/logs`)).json as { block_logs: unknown[] };
      assert.equal(logs.block_logs.length, 4);
      assert.equal((await wr(b, 'POST', `/v1/sdk/workflows/${SAMPLES.linear}`, {}, key)).status, 200);
      assert.equal((await wr(b, 'POST', `/v1/sdk/workflows/${SAMPLES.retry}`, {}, key)).status, 403);
    } finally {
      await b.close();
    }
  });

  it('resumes a run that was in flight at shutdown and finishes it', async () => {
    const dir = tempDir();
    const a = await startTestSandbox({ stateDir: dir });
    const { runId } = (await wr(a, 'POST', `/v1/sdk/workflows/${SAMPLES.long}`, {})).json as { runId: string };
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
      for (const wfId of [SAMPLES.large, SAMPLES.fanout, SAMPLES.linear]) {
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
      for (const id of Object.values(SAMPLES)) assert.ok(onDisk.includes(`${id}.json`), `sample ${id} survived`);
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
