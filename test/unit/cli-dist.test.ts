/**
 * The built command line, as users run it: `node dist/cli.js` against `node dist/sandbox.js`,
 * both bundles from `npm run build` (cli.test.ts runs the sources through tsx; this one catches
 * what only the bundle can get wrong: a missing external, a build-time define, the shebang).
 *
 * Needs `npm run build` first (`npm test` builds before the unit suite).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { runCli } from './helpers/cli-run';
import type { CliResult } from './helpers/cli-run';

const DIST = join(__dirname, '../../dist');
const CLI = join(DIST, 'cli.js');
const SANDBOX = join(DIST, 'sandbox.js');
const SAMPLES = join(__dirname, '../../samples');

let sandbox: ChildProcess;
let dir: string;
let config: string;

function cli(args: string[]): Promise<CliResult> {
  return runCli(CLI, args, { timeoutMs: 60_000 });
}

/** Starts dist/sandbox.js and reads its one JSON line of connection info (src/sandbox/main.ts). */
async function startBuiltSandbox(): Promise<{ url: string; powabase: { apiKey: string } }> {
  sandbox = spawn(process.execPath, [SANDBOX, '--port', '0', '--time-scale', '0.05'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<never>((_, reject) => sandbox.once('exit', (code) => reject(new Error(`dist/sandbox.js exited with ${code} before printing its info`))));
  const firstLine = (async () => {
    for await (const line of createInterface({ input: sandbox.stdout as NodeJS.ReadableStream })) return line;
    throw new Error('dist/sandbox.js closed its output without printing its info');
  })();
  return JSON.parse(await Promise.race([firstLine, exited])) as { url: string; powabase: { apiKey: string } };
}

before(async () => {
  for (const file of [CLI, SANDBOX]) assert.ok(existsSync(file), `${file} is missing: run \`npm run build\` first`);
  const info = await startBuiltSandbox();
  dir = await mkdtemp(join(tmpdir(), 'flowscope-cli-dist-'));
  config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({ connections: [{ name: 'pb', kind: 'powabase', baseUrl: info.url, apiKey: info.powabase.apiKey }] }));
});

after(async () => {
  if (sandbox && sandbox.exitCode === null) {
    const gone = new Promise((resolve) => sandbox.once('exit', resolve));
    sandbox.kill('SIGTERM');
    await gone;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('dist/cli.js: a command line without --config is a usage error (exit 2)', async () => {
  const r = await cli(['workflows']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--config/);
});

test('dist/cli.js: graph validate accepts a valid file (exit 0) and reports a broken one (exit 2)', async () => {
  const ok = await cli(['graph', 'validate', join(SAMPLES, 'linear.workflow.json')]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const broken = await cli(['graph', 'validate', join(SAMPLES, 'broken.workflow.json')]);
  assert.equal(broken.code, 2, broken.stdout + broken.stderr);
  assert.match(broken.stdout, /:17:36 error cycle: Cycle: fetch → gate → think → fetch\. A workflow graph must not loop\./);
});

test('dist/cli.js: trigger --wait --json follows a run on the built sandbox to completed (exit 0)', async () => {
  const listed = await cli(['--config', config, '--json', 'workflows']);
  assert.equal(listed.code, 0, listed.stderr);
  const workflows = listed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; name: string });
  const linear = workflows.find((w) => /\(linear\)/.test(w.name));
  assert.ok(linear, `no linear sample among: ${workflows.map((w) => w.name).join(', ')}`);

  const run = await cli(['--config', config, '--json', 'trigger', linear.id, '--input', 'topic=built cli', '--wait']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: string });
  assert.equal(lines[lines.length - 1]?.status, 'completed');
});
