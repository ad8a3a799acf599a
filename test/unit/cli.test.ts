import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { SAMPLE_IDS } from '../../src/sandbox/samples';
import { startSandbox } from '../../src/sandbox/server';
import type { Sandbox } from '../../src/sandbox/server';
import { runCli } from './helpers/cli-run';
import type { CliResult } from './helpers/cli-run';

const CLI = join(__dirname, '../../src/cli/main.ts');
let sandbox: Sandbox;
let dir: string;
let config: string;

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  // Each call compiles the CLI through tsx: on a loaded 2-core machine that alone can take tens of
  // seconds, so the limit is only a guard against a hang (below the suite's 300 s per test).
  return runCli(CLI, args, { nodeArgs: ['--import', 'tsx'], env, timeoutMs: 240_000 });
}

interface Line {
  runId: string;
  status: string;
  stages: Array<{ id: string; name: string; status: string }>;
}

function lines(stdout: string): Line[] {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

before(async () => {
  sandbox = await startSandbox({ port: 0, timeScale: 0.05, heartbeatMs: 200 });
  dir = await mkdtemp(join(tmpdir(), 'flowscope-cli-'));
  config = join(dir, 'config.json');
  const { info } = sandbox;
  await writeFile(
    config,
    JSON.stringify({
      connections: [
        { name: 'wr', kind: 'whiterabbit', baseUrl: info.url, ...info.whiterabbit },
        { name: 'pb', kind: 'powabase', baseUrl: info.url, ...info.powabase },
        { name: 'sv', kind: 'supervity', baseUrl: info.url, ...info.supervity },
        { name: 'nokey', kind: 'powabase', baseUrl: info.url },
      ],
    }),
  );
});
after(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

/** Each connection's face: its samples are its own (src/sandbox/samples/<face>.ts). */
const FACE = { wr: 'whiterabbit', pb: 'powabase', sv: 'supervity' } as const;

for (const connection of ['wr', 'pb', 'sv'] as const) {
  test(`trigger --wait --json follows a run to completion on ${connection}, one line per change`, async () => {
    // White Rabbit takes no run inputs: the CLI refuses --input there (whiterabbit-live.test.ts).
    const inputs = connection === 'wr' ? [] : ['--input', 'topic=owls'];
    const r = await cli(['--config', config, '--connection', connection, '--json', 'trigger', SAMPLE_IDS[FACE[connection]].fanout, ...inputs, '--wait']);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.ok(out.length >= 3, `several states, got ${out.length}`);
    const end = out.at(-1)!;
    assert.equal(end.status, 'completed');
    assert.ok(end.runId && !end.runId.startsWith('pending:'));
    assert.ok(out.some((l) => l.stages.some((s) => s.status === 'running')), 'a stage was seen running');
    for (const l of out) for (const s of l.stages) assert.ok(s.id && s.name && s.status);
    for (let i = 1; i < out.length; i++) assert.notDeepEqual(out[i], out[i - 1], 'each line is a change');

    const detail = await cli(['--config', config, '--connection', connection, '--json', 'run', end.runId, '--workflow', SAMPLE_IDS[FACE[connection]].fanout]);
    assert.equal(detail.code, 0, detail.stderr);
    assert.equal(lines(detail.stdout)[0]?.status, 'completed');
  });
}

test('watch --json follows a run started elsewhere to its end (White Rabbit and Supervity)', async () => {
  for (const connection of ['wr', 'sv'] as const) {
    const started = await cli(['--config', config, '--connection', connection, 'trigger', SAMPLE_IDS[FACE[connection]].linear]);
    assert.equal(started.code, 0, started.stderr);
    const runId = started.stdout.trim();
    const watched = await cli(['--config', config, '--connection', connection, '--json', 'watch', runId]);
    assert.equal(watched.code, 0, watched.stderr);
    assert.equal(lines(watched.stdout).at(-1)?.status, 'completed');
  }
});

test('a failed run exits 1; the human view names the failed stage', async () => {
  const r = await cli(['--config', config, '--connection', 'pb', 'trigger', SAMPLE_IDS.powabase.failing, '--wait']);
  assert.equal(r.code, 1, r.stderr);
  // The sample's third block fails on both attempts (src/sandbox/samples/powabase.ts, failing).
  assert.match(r.stderr, /\n {2}✗ Call upstream \(broken\) {2}failed {2}\d+ ms {2}— upstream returned 502 Bad Gateway\n/);
});

test('cancel a long Supervity run: exit 0 and the run ends cancelled', async () => {
  // The sample that waits for approval never ends on its own, however slow the machine.
  const started = await cli(['--config', config, '--connection', 'sv', 'trigger', SAMPLE_IDS.supervity.approval]);
  assert.equal(started.code, 0, started.stderr);
  const runId = started.stdout.trim();
  assert.match(runId, /^[0-9a-f-]{36}$/, `trigger printed ${JSON.stringify(started.stdout)}`);
  const cancelled = await cli(['--config', config, '--connection', 'sv', 'cancel', runId, '--reason', 'testing']);
  assert.equal(cancelled.code, 0, cancelled.stderr);
  assert.match(cancelled.stdout, new RegExp(`${runId}\\s+cancelled`));
  const watched = await cli(['--config', config, '--connection', 'sv', '--json', 'watch', runId]);
  assert.equal(watched.code, 1);
  assert.equal(lines(watched.stdout).at(-1)?.status, 'cancelled');
});

test('exit codes: 2 usage, 3 authentication, 4 network; errors are one clear line', async () => {
  const usage = await cli(['--config', config, 'frobnicate']);
  assert.equal(usage.code, 2);
  const cancelWr = await cli(['--config', config, '--connection', 'wr', 'cancel', 'x']);
  assert.equal(cancelWr.code, 2);
  assert.match(cancelWr.stderr, /no cancel endpoint/);
  // White Rabbit's trigger takes no inputs: refused with the reason, and no run is started.
  const runCount = async (): Promise<number> => ((await (await request(`${sandbox.url}/__sandbox/state`)).body.json()) as { runs: unknown[] }).runs.length;
  const runsBefore = await runCount();
  const inputsWr = await cli(['--config', config, '--connection', 'wr', 'trigger', SAMPLE_IDS.whiterabbit.linear, '--input', 'topic=owls']);
  assert.equal(inputsWr.code, 2, inputsWr.stderr);
  assert.match(inputsWr.stderr, /White Rabbit's trigger endpoint takes no run inputs/);
  assert.equal(await runCount(), runsBefore);
  const noKey = await cli(['--config', config, '--connection', 'nokey', 'workflows']);
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /FLOWSCOPE_NOKEY_API_KEY/);
  const badKey = await cli(['--config', config, '--connection', 'nokey', 'workflows'], { FLOWSCOPE_NOKEY_API_KEY: 'wrong' });
  assert.equal(badKey.code, 3, badKey.stderr);
  assert.equal(badKey.stderr.trim().split('\n').length, 1);
  const unreachable = join(dir, 'down.json');
  await writeFile(unreachable, JSON.stringify({ connections: [{ name: 'x', kind: 'powabase', baseUrl: 'http://127.0.0.1:9', apiKey: 'k' }] }));
  const down = await cli(['--config', unreachable, 'workflows']);
  assert.equal(down.code, 4, down.stderr);
  assert.match(down.stderr, /Cannot reach Powabase/);
});

test('workflows and runs list through the APIs that have them', async () => {
  const wf = await cli(['--config', config, '--connection', 'pb', 'workflows']);
  assert.equal(wf.code, 0, wf.stderr);
  assert.match(wf.stdout, new RegExp(SAMPLE_IDS.powabase.linear));
  const runs = await cli(['--config', config, '--connection', 'sv', '--json', 'runs', SAMPLE_IDS.supervity.fanout]);
  assert.equal(runs.code, 0, runs.stderr);
  assert.ok(lines(runs.stdout).length >= 1);
});

test('graph validate reports each problem with its position; graph pull then push round-trips on Powabase', async () => {
  const broken = join(dir, 'broken.workflow.json');
  await writeFile(
    broken,
    JSON.stringify({ blocks: [{ id: 'a', type: 'starter' }, { id: 'a', type: 'response' }], edges: [{ source: 'a', target: 'ghost' }] }, null, 2),
  );
  const invalid = await cli(['graph', 'validate', broken]);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stdout, /broken\.workflow\.json:\d+:\d+ error duplicate-block-id/);
  assert.match(invalid.stdout, /missing-block/);

  const file = join(dir, 'pulled.workflow.json');
  const pulled = await cli(['--config', config, '--connection', 'pb', 'graph', 'pull', SAMPLE_IDS.powabase.condition, '--out', file]);
  assert.equal(pulled.code, 0, pulled.stderr);
  const valid = await cli(['graph', 'validate', file]);
  assert.equal(valid.code, 0, valid.stdout);
  // An edit makes the round trip: unconfirmed it is not pushed; with --yes it is, and the server
  // then holds exactly the file (a second push has nothing to send, a pull nothing to write).
  const edited = JSON.parse(await readFile(file, 'utf8')) as { blocks: Array<{ id: string; type: string; name?: string }> };
  const renamed = edited.blocks.find((b) => b.type !== 'starter') ?? edited.blocks[0];
  assert.ok(renamed);
  renamed.name = 'Renamed by the CLI round trip';
  await writeFile(file, `${JSON.stringify(edited, null, 2)}\n`);
  const declined = await cli(['--config', config, '--connection', 'pb', 'graph', 'push', file]);
  assert.equal(declined.code, 2, declined.stderr);
  assert.match(declined.stderr, /not pushed \(confirm with --yes\)/);
  const pushed = await cli(['--config', config, '--connection', 'pb', 'graph', 'push', file, '--yes']);
  assert.equal(pushed.code, 0, pushed.stderr);
  const again = await cli(['--config', config, '--connection', 'pb', 'graph', 'push', file]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /the server already has this graph; nothing pushed/);
  const repulled = await cli(['--config', config, '--connection', 'pb', 'graph', 'pull', SAMPLE_IDS.powabase.condition, '--out', file]);
  assert.equal(repulled.code, 0, repulled.stderr);
  assert.match(repulled.stderr, /already matches the server; nothing written/);
  assert.match(await readFile(file, 'utf8'), /"Renamed by the CLI round trip"/);
});
