import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSandbox } from '../../src/sandbox/server';
import type { Sandbox } from '../../src/sandbox/server';
import { pb } from './helpers/sandbox-harness';
import { runCli } from './helpers/cli-run';
import type { CliResult } from './helpers/cli-run';

// `graph push --create` follows the seeds' basic flow on Powabase ("create a workflow, define
// its graph, then execute"): POST /api/workflows, then PUT /api/workflows/{id}/graph
// (api-contracts.md B.2), with the sandbox as the server.

const CLI = join(__dirname, '../../src/cli/main.ts');
let sandbox: Sandbox;
let dir: string;
let config: string;

function cli(args: string[]): Promise<CliResult> {
  return runCli(CLI, ['--config', config, '--connection', 'pb', ...args], { nodeArgs: ['--import', 'tsx'], timeoutMs: 60_000 });
}

/** A fresh pull also carries the edge ids the server generated (the file gave none). */
function withoutEdgeIds(file: unknown): unknown {
  const f = file as { edges: Array<Record<string, unknown>> };
  return { ...f, edges: f.edges.map(({ id: _id, ...e }) => e) };
}

const FILE = {
  name: 'Owl report',
  description: 'Writes a short report about owls.',
  variables: { topic: { type: 'string', default: 'owls', description: 'What to write about' } },
  blocks: [
    { id: 'start', type: 'starter', name: 'Start' },
    { id: 'write', type: 'agent', name: 'Writer' },
    { id: 'reply', type: 'response', name: 'Reply' },
  ],
  edges: [
    { source: 'start', target: 'write' },
    { source: 'write', target: 'reply' },
  ],
};

before(async () => {
  sandbox = await startSandbox({ port: 0, timeScale: 0.05, heartbeatMs: 200 });
  dir = await mkdtemp(join(tmpdir(), 'flowscope-create-'));
  config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({ connections: [{ name: 'pb', kind: 'powabase', baseUrl: sandbox.info.url, ...sandbox.info.powabase }] }));
});

after(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

test('graph push --create makes the workflow, pushes its graph and binds the file; a pull gives the same file back', async () => {
  const file = join(dir, 'owls.workflow.json');
  await writeFile(file, `${JSON.stringify(FILE, null, 2)}\n`);
  const created = await cli(['graph', 'push', file, '--create', '--yes']);
  assert.equal(created.code, 0, created.stderr);
  const id = created.stdout.trim();
  assert.match(id, /^[0-9a-f-]{36}$/);
  const bound = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  assert.deepEqual(bound, { ...FILE, binding: { connection: 'pb', workflowId: id } });

  const server = (await pb(sandbox, 'GET', `/api/workflows/${id}`)).json as Record<string, unknown>;
  assert.deepEqual([server.name, server.description, server.variables], [FILE.name, FILE.description, FILE.variables]);
  assert.deepEqual((server.blocks as Array<{ id: string; name: string }>).map((b) => [b.id, b.name]), [['start', 'Start'], ['write', 'Writer'], ['reply', 'Reply']]);

  const pulledFile = join(dir, 'pulled.workflow.json');
  const pulled = await cli(['graph', 'pull', id, '--out', pulledFile]);
  assert.equal(pulled.code, 0, pulled.stderr);
  assert.deepEqual(withoutEdgeIds(JSON.parse(await readFile(pulledFile, 'utf8'))), bound);
  const same = await cli(['graph', 'pull', id, '--out', file]);
  assert.match(same.stderr, /already matches the server; nothing written/);
});

test('push sends a changed name, description and inputs with PATCH, so a pull gives the same file back', async () => {
  const file = join(dir, 'meta.workflow.json');
  await writeFile(file, `${JSON.stringify({ ...FILE, name: 'Meta before' }, null, 2)}\n`);
  const created = await cli(['graph', 'push', file, '--create', '--yes']);
  assert.equal(created.code, 0, created.stderr);
  const id = created.stdout.trim();
  const edited = { ...FILE, name: 'Meta after', description: 'Now about bats.', variables: { topic: { type: 'string', default: 'bats' } }, binding: { connection: 'pb', workflowId: id } };
  await writeFile(file, `${JSON.stringify(edited, null, 2)}\n`);
  const pushed = await cli(['graph', 'push', file, '--yes']);
  assert.equal(pushed.code, 0, pushed.stderr);
  assert.match(pushed.stderr, /updated the workflow's name, description, variables/);
  const pulledFile = join(dir, 'meta-pulled.workflow.json');
  assert.equal((await cli(['graph', 'pull', id, '--out', pulledFile])).code, 0);
  assert.deepEqual(withoutEdgeIds(JSON.parse(await readFile(pulledFile, 'utf8'))), edited);
  const again = await cli(['graph', 'push', file, '--yes']);
  assert.match(again.stderr, /already has this graph/, 'nothing left to change');
});

test('--create refuses a bound file and sends nothing', async () => {
  const before = ((await pb(sandbox, 'GET', '/api/workflows?limit=100')).json as { total: number }).total;
  const file = join(dir, 'bound.workflow.json');
  await writeFile(file, JSON.stringify({ ...FILE, binding: { connection: 'pb', workflowId: 'some-id' } }));
  const refused = await cli(['graph', 'push', file, '--create', '--yes']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /already bound to pb\/some-id/);
  assert.equal(((await pb(sandbox, 'GET', '/api/workflows?limit=100')).json as { total: number }).total, before);
});
