// The server restarting in the middle of a run, and a client clock off White Rabbit's signature
// window: the store recovers by itself, the run keeps its id and ends in the server's final
// state, and the trigger goes out exactly once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isTerminalRun } from '../../src/core/model';
import { startSandbox } from '../../src/sandbox/server';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/server';
import { SAMPLES_OF } from './helpers/sandbox-harness';
import { installProcessGuard } from './helpers/hostile-guard';
import type { ApiName, Seen } from './helpers/hostile-sandbox';
import { describeFailures, essence, eventually, recordingDispatcher, rig, sandboxRuns, settled } from './helpers/hostile-sandbox';

const guard = installProcessGuard();
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const FINAL: Readonly<Record<ApiName, (engine: string) => string>> = {
  wr: (s) => s,
  pb: (s) => (s === 'failed' ? 'completed_with_errors' : s),
  sv: (s) => s,
};

describe('the server restarts in the middle of a run', { concurrency: 3 }, () => {
  for (const api of ['wr', 'pb', 'sv'] as const) {
    it(`${api}: the store rides through the restart and ends in the server's final state`, { timeout: 30_000 }, async () => {
      const stateDir = mkdtempSync(join(tmpdir(), `flowscope-restart-${api}-`));
      dirs.push(stateDir);
      // The long sample (~60 s at full scale) runs ~6 s here: room enough on a loaded machine to
      // see it mid-run before the restart (at 0.02 it once ended before the first poll saw it).
      const options: SandboxOptions = { port: 0, stateDir, timeScale: 0.1, heartbeatMs: 100 };
      let sb: Sandbox = await startSandbox(options);
      const port = Number(new URL(sb.url).port);
      const r = rig(sb, api, { pollMinMs: 40, pollMaxMs: 150, timeoutMs: 3_000, streamIdleMs: 1_000, maxReconnects: 20 });
      try {
        await r.open(SAMPLES_OF[api].long);
        let id: string | undefined;
        r.runs.onDidChange((change) => {
          if (change.startedHere) id = change.run.id;
        });
        const before = (await sandboxRuns(sb, SAMPLES_OF[api].long)).length;
        const first = await r.runs.trigger(api, SAMPLES_OF[api].long, {});

        // Mid-run: some stages done, the run still going.
        await eventually(() => {
          const run = r.runs.get(api, id ?? '');
          return run !== undefined && !run.id.startsWith('pending:') && run.stages.some((s) => s.status === 'completed');
        }, 'a stage to complete');
        const midRun = r.runs.get(api, id ?? '');
        assert.ok(midRun && !isTerminalRun(midRun.status), `still running at the restart: ${midRun?.status}`);
        const runId = midRun.id;

        await sb.close();
        // Down long enough for the client to notice (reads fail), then back on the same port and state.
        await new Promise((resolve) => setTimeout(resolve, 250));
        assert.ok(r.runs.isLive(api, runId), 'the store keeps following while the server is down');
        sb = await startSandbox({ ...options, port });

        const final = await settled(r, () => id, 15_000);
        assert.equal(final.id, runId, 'the run keeps its id across the restart');
        if (api !== 'pb') assert.equal(first.id, runId);
        const runs = await sandboxRuns(sb, SAMPLES_OF[api].long);
        assert.equal(runs.length, before + 1, 'the trigger went out exactly once');
        const server = runs.find((run) => run.id === runId);
        assert.ok(server, 'the sandbox still has the run after the restart');
        assert.equal(final.status, FINAL[api](server.status));
        assert.equal(final.status, 'completed', 'the resumed run finished');
        const read = await (await r.backend()).getRun({ id: runId, workflowId: SAMPLES_OF[api].long });
        assert.deepEqual(essence(final), essence(read), 'the store holds what a fresh read says');
        assert.deepEqual(r.failures, [], `no stream failure was reported: ${describeFailures(r.failures)}`);
        const node = await r.runNode(SAMPLES_OF[api].long, runId);
        assert.match(r.explorer.item(node).description ?? '', /^completed\b/);
        guard.check(`${api} restart`);
      } finally {
        r.dispose();
        await sb.close();
      }
    });
  }
});

describe('White Rabbit clock skew against the ±30 s signature window', { concurrency: 1 }, () => {
  let sb: Sandbox | undefined;
  after(() => sb?.close());
  const sandbox = async (): Promise<Sandbox> => (sb ??= await startSandbox({ port: 0, timeScale: 0.05, heartbeatMs: 100 }));

  for (const [label, skewMs, expected401] of [
    ['two minutes slow', -120_000, 1],
    ['two minutes fast', 120_000, 1],
    ['twenty seconds slow', -20_000, 0],
    ['twenty seconds fast', 20_000, 0],
  ] as const) {
    it(`${label}: ${expected401 ? 'one 401, then corrected' : 'no 401 at all'}, exactly one run`, async () => {
      const s = await sandbox();
      const seen: Seen[] = [];
      const r = rig(s, 'wr', { now: () => Date.now() + skewMs, dispatcher: recordingDispatcher(seen), pollMinMs: 40, pollMaxMs: 150, streamIdleMs: 1_000 });
      try {
        let id: string | undefined;
        r.runs.onDidChange((change) => {
          if (change.startedHere) id = change.run.id;
        });
        await r.backend();
        const before = (await sandboxRuns(s, SAMPLES_OF.wr.linear)).length;
        await r.runs.trigger('wr', SAMPLES_OF.wr.linear, {});
        const final = await settled(r, () => id);
        assert.equal(final.status, 'completed');
        assert.equal((await sandboxRuns(s, SAMPLES_OF.wr.linear)).length, before + 1, 'exactly one run');
        const unauthorized = seen.filter((x) => x.status === 401);
        assert.equal(unauthorized.length, expected401, `401s: ${JSON.stringify(unauthorized)}`);
        if (expected401) {
          assert.equal(unauthorized[0]?.method, 'POST', 'the 401 was the trigger, which was then re-signed once');
          assert.equal(seen.filter((x) => x.method === 'POST').length, 2, 'the rejected trigger and its one corrected retry');
        } else {
          assert.equal(seen.filter((x) => x.method === 'POST').length, 1);
        }
        assert.ok(seen.every((x) => x.status < 400 || x.status === 401), JSON.stringify(seen));
        guard.check(label);
      } finally {
        r.dispose();
      }
    });
  }
});
