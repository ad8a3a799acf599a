// A hostile server against the real `flowscope` process (issue 18): whatever it puts in block ids,
// edge labels, validation messages, stream frames or `--json` values, no raw terminal control
// reaches stdout or stderr, because every line goes through the CLI's one writer. The routes
// follow the Powabase and White Rabbit shapes in /work/shared/reference/api-contracts.md (workflow
// detail with blocks/edges, PUT graph answering 400 VALIDATION_ERROR, the execution stream).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PowabaseBackend } from '../../src/core/adapters/powabase/adapter';
import { pushGraphFile, pushQuestion } from '../../src/core/graph/pushPlan';
import type { Behaviour, HostileServer } from './helpers/hostile-server';
import { json, sse, startHostileServer } from './helpers/hostile-server';
import { runCli } from './helpers/cli-run';
import type { CliResult } from './helpers/cli-run';

const CLI = join(import.meta.dirname, '../../src/cli/main.ts');
/** What a terminal acts on: C0 controls but tab and newline, DEL, C1 controls, bidi overrides and isolates. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const WF = 'wf-1';
const RUN_ID = '7c0ffee0-0000-4000-8000-000000000001';
const KEY = 'pb-service-role-key-0123456789';
const WR_KEY = 'wr-workspace-key-9876543210';
/** An erase-screen, cursor-home, a fake line and a title change: what would rewrite the diff above the prompt. */
const ERASE = '\u001b[2J\u001b[H+ block harmless\u001b]0;pwned\u0007';

let hostile: HostileServer;
let dir: string;
let config: string;

before(async () => {
  hostile = await startHostileServer();
  dir = await mkdtemp(join(tmpdir(), 'flowscope-cli-hostile-'));
  config = join(dir, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      connections: [
        { name: 'pb', kind: 'powabase', baseUrl: hostile.url, apiKey: KEY },
        { name: 'wr', kind: 'whiterabbit', baseUrl: hostile.url, apiKey: WR_KEY, apiSecret: 'a1'.repeat(32), workflowIds: [WF] },
      ],
    }),
  );
});
after(async () => {
  await hostile.close();
  await rm(dir, { recursive: true, force: true });
});

function routes(table: Record<string, Behaviour>): void {
  hostile.route((method, path) => table[`${method} ${path}`]);
}

function cli(args: string[]): Promise<CliResult> {
  return runCli(CLI, ['--config', config, ...args], { nodeArgs: ['--import', 'tsx'], timeoutMs: 60_000 });
}

function assertInert(r: { stdout: string; stderr: string }): void {
  for (const [name, text] of [
    ['stdout', r.stdout],
    ['stderr', r.stderr],
  ] as const) {
    const at = text.search(CONTROL);
    assert.equal(at, -1, `${name} holds a raw control at ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))}`);
  }
}

/** A Powabase workflow whose blocks and edges carry terminal sequences. */
function hostileDetail(): Record<string, unknown> {
  return {
    id: WF,
    name: 'wf',
    blocks: [
      { id: 'start', type: 'starter' },
      { id: `evil${ERASE}`, type: 'agent' },
      { id: 'end', type: 'response' },
    ],
    edges: [
      { source: 'start', target: `evil${ERASE}` },
      { source: `evil${ERASE}`, target: 'end', condition: `label\u009b31m\u202eflipped` },
    ],
  };
}

const LOCAL = {
  binding: { connection: 'pb', workflowId: WF },
  blocks: [
    { id: 'start', type: 'starter' },
    { id: 'end', type: 'response' },
  ],
  edges: [{ source: 'start', target: 'end' }],
};

describe('every line the CLI writes is neutralised', () => {
  it('graph pull --out: the diff summary of hostile block ids and edge labels', async () => {
    routes({ [`GET /api/workflows/${WF}`]: json(200, hostileDetail()) });
    const out = join(dir, 'pulled.workflow.json');
    await writeFile(out, JSON.stringify(LOCAL, null, 2));
    const r = await cli(['graph', 'pull', WF, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\+ block evil\\u001b\[2J\\u001b\[H\+ block harmless\\u001b\]0;pwned\\u0007/);
    assertInert(r);
  });

  it('graph push: the review diff before the prompt and the server diagnostics of a rejected push', async () => {
    routes({
      [`GET /api/workflows/${WF}`]: json(200, hostileDetail()),
      [`PUT /api/workflows/${WF}/graph`]: json(400, { error: 'VALIDATION_ERROR', message: `Unknown block type: ${ERASE}` }),
    });
    const file = join(dir, 'push.workflow.json');
    await writeFile(file, JSON.stringify(LOCAL, null, 2));
    const r = await cli(['graph', 'push', file, '--yes']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /− block evil\\u001b\[2J/, 'the review names the removed block, defanged');
    assert.match(r.stderr, /The server rejected the graph: Powabase: Unknown block type: \\u001b\[2J/);
    assertInert(r);
  });

  it('--verbose: frame logs are neutralised and an echoed key is redacted', async () => {
    routes({
      [`POST /v1/sdk/workflows/${WF}`]: json(200, { runId: RUN_ID, jobId: '1' }),
      [`GET /v1/sdk/workflows/executions/${RUN_ID}/stream`]: sse([
        `data: not json \u001b]0;pwned\u0007 ${WR_KEY} \u009b2J\n\n`,
        `data: ${JSON.stringify({ id: RUN_ID, status: 'COMPLETED' })}\n\n`,
      ]),
      [`GET /v1/sdk/workflows/executions/${RUN_ID}`]: json(200, { id: RUN_ID, status: 'COMPLETED', createdAt: '2025-01-01T00:00:00Z', runStages: [] }),
    });
    const r = await cli(['--connection', 'wr', '--verbose', 'trigger', WF, '--wait']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /not JSON \(not json \\u001b\]0;pwned\\u0007 ••• /);
    assert.doesNotMatch(r.stderr, new RegExp(WR_KEY));
    assertInert(r);
  });

  it('--verbose never prints the API key a server echoes', async () => {
    routes({ 'GET /api/workflows': json(200, { workflows: [], total: 0 }), [`GET /api/workflows/${WF}`]: json(500, { message: `bad key ${KEY}` }) });
    const r = await cli(['--connection', 'pb', '--verbose', 'graph', 'pull', WF]);
    assert.equal(r.code, 4);
    assert.doesNotMatch(r.stderr, new RegExp(KEY));
  });

  it('--json: C1 controls and bidi overrides (which JSON.stringify leaves raw) are escaped, and the values parse back unchanged', async () => {
    const names = ['csi\u009b31mred', 'invoice\u202egpj.exe', 'del\u007f', 'isolate\u2066x\u2069'];
    routes({ 'GET /api/workflows': json(200, { workflows: names.map((name, i) => ({ id: `wf-${i}`, name })), total: names.length }) });
    const r = await cli(['--connection', 'pb', '--json', 'workflows']);
    assert.equal(r.code, 0, r.stderr);
    assertInert(r);
    const parsed = r.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { name: string }).name);
    assert.deepEqual(parsed, names);
  });
});

describe('the push confirmation', () => {
  it("names the connection and the workflow id the push writes to, never the file's own name", async () => {
    routes({ [`GET /api/workflows/${WF}`]: json(200, { id: WF, name: 'server name', blocks: LOCAL.blocks, edges: [] }) });
    const backend = new PowabaseBackend({ name: 'prod', kind: 'powabase', baseUrl: hostile.url }, { apiKey: KEY });
    // A repository controls `name`: here it pretends the push goes to a harmless sandbox.
    const text = JSON.stringify({ ...LOCAL, name: 'sandbox copy (safe to overwrite)' });
    const questions: string[] = [];
    const outcome = await pushGraphFile({ text, backend, workflowId: WF, confirm: async (review) => (questions.push(pushQuestion(review, 'prod')), false) });
    assert.equal(outcome.status, 'declined');
    // Two changes: the graph's, and the workflow's name, which the push sets to the file's with PATCH.
    assert.deepEqual(questions, ['Push 2 change(s) to workflow wf-1 on connection "prod"?']);
  });
});
