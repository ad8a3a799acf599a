// The CLI's Supervity options against a loopback server that answers as Supervity Auto does:
// seed 004 lines 26-40 (multipart execute, named events, `result` without activity runs) and
// line 91 (`GET /:runId` with the activity runs); contracts C.2 for the `envs[NAME]` fields.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { formFields, json, startRoutes } from './helpers/http-routes';
import type { RouteServer } from './helpers/http-routes';
import { svRun } from './helpers/scripted-fixtures';
import { playSse } from './helpers/scripted-sse';
import { runCli } from './helpers/cli-run';
import type { CliResult } from './helpers/cli-run';

const CLI = join(__dirname, '../../src/cli/main.ts');
const BASE = '/api/v1/workflow-runs';
const SECRET = 'tok-3f9c1d7a-never-print';

let server: RouteServer;
let dir: string;
let config: string;

function cli(args: string[]): Promise<CliResult> {
  return runCli(CLI, ['--config', config, ...args], { nodeArgs: ['--import', 'tsx'], timeoutMs: 60_000 });
}

before(async () => {
  server = await startRoutes();
  dir = await mkdtemp(join(tmpdir(), 'flowscope-cli-sv-'));
  config = join(dir, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      connections: [
        { name: 'auto', kind: 'supervity', baseUrl: server.url, org: 'acme', apiKey: 'sv-key-123456', workflowIds: ['wf-1'] },
        { name: 'pb', kind: 'powabase', baseUrl: server.url, apiKey: 'pb-key' },
        { name: 'no-org', kind: 'supervity', baseUrl: server.url, apiKey: 'sv-key-123456', workflowIds: ['wf-1'] },
        { name: 'blank-org', kind: 'supervity', baseUrl: server.url, org: ' ', apiKey: 'sv-key-123456' },
      ],
    }),
  );
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => server.received.splice(0));

test('--env goes out as envs[NAME] fields, and a value the server echoes is masked in every line written', async () => {
  server.on('POST', `${BASE}/execute/stream`, (_req, res) =>
    playSse(res, [
      { frame: { content: { workflowRunId: 'run-1', status: 'running' } }, event: 'workflow-run' },
      // An activity-run without a status is skipped and logged (with --verbose): it echoes the value.
      { frame: { content: { workflowRunId: 'run-1', echo: `API_TOKEN=${SECRET}` } }, event: 'activity-run' },
      { frame: { success: true, workflowRun: { id: 'run-1', status: 'completed' } }, event: 'result' },
    ]),
  );
  server.on('GET', `${BASE}/run-1`, (_req, res) =>
    json(res, 200, { workflowRun: svRun('run-1', 'completed'), activityRuns: [{ stepId: 'call', stepName: 'Call API', status: 'failed', outputs: { error: `rejected ${SECRET}` } }] }),
  );
  const r = await cli(['--connection', 'auto', '--json', '--verbose', 'trigger', 'wf-1', '--input', 'topic=owls', '--env', `API_TOKEN=${SECRET}`, '--env', 'REGION=eu', '--wait']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await formFields(server.last('POST', `${BASE}/execute/stream`)!), [
    ['workflowId', 'wf-1'],
    ['inputs[topic]', 'owls'],
    ['envs[API_TOKEN]', SECRET],
    ['envs[REGION]', 'eu'],
  ]);
  assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET), `the value leaked:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /activity-run event lacks required fields.*API_TOKEN=•••/, 'the echoing frame was logged, masked');
  assert.match(r.stdout, /"error":"rejected •••"/, 'the echoing step error was printed, masked');
});

test('--env on a service without environment overrides, or malformed, exits 2 before sending anything', async () => {
  const pb = await cli(['--connection', 'pb', 'trigger', 'wf-1', '--env', `API_TOKEN=${SECRET}`]);
  assert.deepEqual([pb.code, pb.stderr.trim()], [2, 'flowscope: Powabase takes no environment overrides: --env is for Supervity Auto connections.']);
  const cases: Array<[string[], string]> = [
    [['--env', `=${SECRET}`], 'flowscope: --env expects NAME=VALUE, with a name before the "=".'],
    [['--env', SECRET], 'flowscope: --env expects NAME=VALUE, with a name before the "=".'],
    [['--env', `A[B]=${SECRET}`], 'flowscope: --env: The name "A[B]" may not contain brackets or spaces.'],
    [['--env', 'A=1', '--env', `A=${SECRET}`], 'flowscope: --env: A is given twice.'],
  ];
  for (const [extra, message] of cases) {
    const r = await cli(['--connection', 'auto', 'trigger', 'wf-1', ...extra]);
    assert.deepEqual([r.code, r.stderr.trim()], [2, message]);
  }
  assert.equal(server.received.length, 0);
});

test('a Supervity connection without an organisation is refused with the fix, before any request', async () => {
  const path = config;
  for (const name of ['no-org', 'blank-org']) {
    const r = await cli(['--connection', name, 'workflows']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr.trim(),
      `flowscope: Connection "${name}" has no organisation: Supervity Auto needs your organisation key on every request (the x-active-org header). Add "org": "<your organisation key>" to it in ${path}.`,
    );
  }
  assert.equal(server.received.length, 0);
});
