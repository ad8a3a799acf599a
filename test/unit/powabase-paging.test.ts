// Unbounded paging (issue 18): a Powabase server decides `total` and how full its pages are, so a
// hostile one could keep `listWorkflows` requesting forever. The purpose-built server answers
// `GET /api/workflows?limit&offset` in the shape of api-contracts.md (Powabase, "List workflows":
// `{ workflows, total, limit, offset }`); the real adapter, explorer and CLI read it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PowabaseBackend } from '../../src/core/adapters/powabase/adapter';
import { RunStore } from '../../src/core/runs/runStore';
import { Explorer } from '../../src/extension/tree/viewModel';
import type { Behaviour, HostileServer } from './helpers/hostile-server';
import { startHostileServer } from './helpers/hostile-server';
import { TestConnections } from './helpers/explorer-harness';

let hostile: HostileServer;

before(async () => {
  hostile = await startHostileServer();
});
after(() => hostile.close());

/** Answers each list request from `page(offset, limit)`. */
function serve(page: (offset: number, limit: number) => { ids: string[]; total?: number }): void {
  hostile.hits.length = 0;
  const behaviour: Behaviour = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const { ids, total } = page(offset, limit);
    const body = JSON.stringify({ workflows: ids.map((id) => ({ id, name: `name ${id}` })), total, limit, offset });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  };
  hostile.route((method, path) => (method === 'GET' && path === '/api/workflows' ? behaviour : undefined));
}

const ids = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => `wf-${from + i}`);
const backend = (): PowabaseBackend => new PowabaseBackend({ name: 'evil', kind: 'powabase', baseUrl: hostile.url }, { apiKey: 'k' }, { timeoutMs: 5_000 });

describe('Powabase listWorkflows is bounded', () => {
  it('the reported attack: total 1e15 and the same full page every time ends after one request', async () => {
    serve(() => ({ ids: ids(0, 100), total: 1e15 }));
    const list = await backend().listWorkflows();
    assert.equal(list.length, 100);
    assert.deepEqual(list.truncated, { shown: 100, reason: 'implausibleTotal' });
    assert.equal(hostile.hits.length, 1);
  });

  it('a repeated page ends the list (credible total, the server ignores offset)', async () => {
    serve(() => ({ ids: ids(0, 100), total: 300 }));
    const list = await backend().listWorkflows();
    assert.equal(list.length, 100);
    assert.deepEqual(list.truncated, { shown: 100, reason: 'repeatedPage' });
    assert.equal(hostile.hits.length, 2);
  });

  it('fresh full pages without a total stop at 50 pages and 5,000 workflows', async () => {
    serve((offset, limit) => ({ ids: ids(offset, limit) }));
    const list = await backend().listWorkflows();
    assert.equal(list.length, 5_000);
    assert.deepEqual(list.truncated, { shown: 5_000, reason: 'limit' });
    assert.equal(hostile.hits.length, 50);
  });

  it('an oversized page is kept to 5,000 items', async () => {
    serve(() => ({ ids: ids(0, 6_000), total: 6_000 }));
    const list = await backend().listWorkflows();
    assert.equal(list.length, 5_000);
    assert.deepEqual(list.truncated, { shown: 5_000, reason: 'limit' });
  });

  it('an honest list is read whole, without a truncation mark', async () => {
    serve((offset) => ({ ids: ids(offset, Math.min(100, 250 - offset)), total: 250 }));
    const list = await backend().listWorkflows();
    assert.equal(list.length, 250);
    assert.equal(list.at(-1)?.id, 'wf-249');
    assert.equal(list.truncated, undefined);
    assert.equal(hostile.hits.length, 3);
  });
});

describe('a cut-short list is said so', () => {
  it('the tree adds a warning row under the connection', async () => {
    serve(() => ({ ids: ids(0, 100), total: 1e15 }));
    const connections = new TestConnections();
    connections.add({ name: 'evil', kind: 'powabase', baseUrl: hostile.url }, { apiKey: 'k' });
    const runs = new RunStore({ backendFor: (name) => connections.backend(name) });
    const explorer = new Explorer({ connections, runs, pageSize: () => 5, pollMinMs: 60_000, pollMaxMs: 120_000 });
    try {
      const [conn] = await explorer.children();
      assert.ok(conn);
      const children = await explorer.children(conn);
      assert.equal(children.filter((c) => c.kind === 'workflow').length, 100);
      const note = children.find((c) => c.kind === 'message');
      assert.ok(note, 'a message row');
      const item = explorer.item(note);
      assert.equal(item.label, 'Only the first 100 workflows are shown');
      assert.equal(item.tooltip, 'The service announced a total that cannot be right\\, so Flowscope stopped reading the list\\.');
    } finally {
      explorer.dispose();
      runs.dispose();
    }
  });

  it('the CLI prints a note on stderr, keeping stdout one workflow per line', async () => {
    serve(() => ({ ids: ids(0, 3), total: 1e15 }));
    const dir = await mkdtemp(join(tmpdir(), 'flowscope-paging-'));
    try {
      const config = join(dir, 'config.json');
      await writeFile(config, JSON.stringify({ connections: [{ name: 'evil', kind: 'powabase', baseUrl: hostile.url, apiKey: 'k' }] }));
      const cli = join(import.meta.dirname, '../../src/cli/main.ts');
      const r = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
        execFile(process.execPath, ['--import', 'tsx', cli, '--config', config, '--json', 'workflows'], { timeout: 60_000 }, (error, stdout, stderr) =>
          error ? reject(error) : resolve({ stdout, stderr }),
        ),
      );
      assert.equal(r.stdout.trim().split('\n').length, 3);
      assert.equal(r.stderr, 'note: only the first 3 workflows are listed: the service announced a total that cannot be right.\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
