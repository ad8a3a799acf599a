// Push and pull never lose a local edit: the CLI's `graph pull` over a file with local edits
// keeps the exact previous bytes in `<file>.bak` and replaces the file atomically (a failure at
// any step leaves the file as it was); `graph push` never touches the local file.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import { createBackend } from '../../src/core/adapters/registry';
import type { Backend } from '../../src/core/backend';
import { FlowscopeError } from '../../src/core/errors';
import type { GraphFile } from '../../src/core/graph/graphFile';
import { commands } from '../../src/cli/commands';
import type { CommandOptions } from '../../src/cli/commands';
import { startSandbox } from '../../src/sandbox/server';
import type { Sandbox } from '../../src/sandbox/server';
import { SAMPLES } from './helpers/sandbox-harness';
import { installProcessGuard } from './helpers/hostile-guard';

const guard = installProcessGuard();

let sb: Sandbox;
let dir: string;
let backend: Backend;

before(async () => {
  sb = await startSandbox({ port: 0, timeScale: 0.02 });
  dir = mkdtempSync(join(tmpdir(), 'flowscope-data-'));
  backend = createBackend({ name: 'pb', kind: 'powabase', baseUrl: sb.url }, { apiKey: sb.info.powabase.apiKey });
});
after(async () => {
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => mock.restoreAll());

async function graph(args: string[], options: CommandOptions, over: Backend = backend): Promise<{ code: number; err: string[]; out: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const command = commands.graph;
  assert.ok(command);
  const code = await command.run({ args, options, backend: over, signal: new AbortController().signal, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/** A local edit the way people make them: a renamed block, CRLF line ends, non-ASCII text. */
function editLocally(text: string): string {
  const file = JSON.parse(text) as GraphFile;
  const [first] = file.blocks;
  assert.ok(first);
  const edited = { ...file, description: 'édité localement — ne pas perdre ✓', blocks: [{ ...first, name: 'Renamed here' }, ...file.blocks.slice(1)] };
  return `${JSON.stringify(edited, null, 2).replace(/\n/g, '\r\n')}\r\n`;
}

function leftovers(): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.tmp'));
}

describe('CLI graph pull over local edits', () => {
  it('keeps the exact previous bytes in <file>.bak, writes the server graph, leaves no temp file', async () => {
    const file = join(dir, 'linear.workflow.json');
    const first = await graph(['pull', SAMPLES.powabase.linear], { out: file });
    assert.equal(first.code, 0, first.err.join('\n'));
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('linear')), ['linear.workflow.json'], 'no .bak for a new file');

    const edited = editLocally(readFileSync(file, 'utf8'));
    writeFileSync(file, edited, 'utf8');
    const before = readFileSync(file);
    const second = await graph(['pull', SAMPLES.powabase.linear], { out: file });
    assert.equal(second.code, 0, second.err.join('\n'));
    assert.ok(second.err.some((l) => l.includes(`${file}.bak`)), 'the user is told where the previous content is');
    assert.ok(readFileSync(`${file}.bak`).equals(before), 'the .bak holds exactly the previous bytes');
    const pulled = JSON.parse(readFileSync(file, 'utf8')) as GraphFile;
    assert.notEqual(pulled.blocks[0]?.name, 'Renamed here', 'the file now holds the server graph');
    assert.equal(pulled.description, 'édité localement — ne pas perdre ✓', 'file-only fields (no server counterpart) are kept');
    assert.deepEqual(leftovers(), []);

    // Pulling again changes nothing and writes nothing: the backup of the edit stays.
    const bakBefore = readFileSync(`${file}.bak`);
    const fileBefore = readFileSync(file);
    const third = await graph(['pull', SAMPLES.powabase.linear], { out: file });
    assert.equal(third.code, 0);
    assert.ok(third.err.some((l) => /already matches/.test(l)));
    assert.ok(readFileSync(file).equals(fileBefore));
    assert.ok(readFileSync(`${file}.bak`).equals(bakBefore));
  });

  it('a rename that fails leaves the file exactly as it was (and its backup written)', async () => {
    const file = join(dir, 'fanout.workflow.json');
    await graph(['pull', SAMPLES.powabase.fanout], { out: file });
    const edited = editLocally(readFileSync(file, 'utf8'));
    writeFileSync(file, edited, 'utf8');
    const rename = mock.method(fs, 'rename', async () => {
      throw Object.assign(new Error('EXDEV: simulated crash before the rename'), { code: 'EXDEV' });
    });
    await assert.rejects(graph(['pull', SAMPLES.powabase.fanout], { out: file }), /simulated crash/);
    assert.equal(rename.mock.callCount(), 1);
    assert.equal(readFileSync(file, 'utf8'), edited, 'the file is untouched');
    assert.equal(readFileSync(`${file}.bak`, 'utf8'), edited);
    mock.restoreAll();
    for (const f of leftovers()) rmSync(join(dir, f));
  });

  it('a write that fails half-way (disk full) never reaches the file', async () => {
    const file = join(dir, 'retry.workflow.json');
    await graph(['pull', SAMPLES.powabase.retry], { out: file });
    const edited = editLocally(readFileSync(file, 'utf8'));
    writeFileSync(file, edited, 'utf8');
    const real = fs.writeFile;
    mock.method(fs, 'writeFile', async (...args: Parameters<typeof fs.writeFile>) => {
      const [target, data] = args;
      if (String(target).endsWith('.tmp')) {
        // Half the bytes land, then the disk is full.
        await real(target, String(data).slice(0, 40), 'utf8');
        throw Object.assign(new Error('ENOSPC: simulated disk full'), { code: 'ENOSPC' });
      }
      return real(...args);
    });
    await assert.rejects(graph(['pull', SAMPLES.powabase.retry], { out: file }), /disk full/);
    assert.equal(readFileSync(file, 'utf8'), edited, 'the file is untouched');
    mock.restoreAll();
    for (const f of leftovers()) rmSync(join(dir, f));
  });

  it('a backup that cannot be written stops the pull before the file is touched', async () => {
    const file = join(dir, 'condition.workflow.json');
    await graph(['pull', SAMPLES.powabase.condition], { out: file });
    const edited = editLocally(readFileSync(file, 'utf8'));
    writeFileSync(file, edited, 'utf8');
    const real = fs.writeFile;
    mock.method(fs, 'writeFile', async (...args: Parameters<typeof fs.writeFile>) => {
      if (String(args[0]).endsWith('.bak')) throw Object.assign(new Error('EACCES: simulated read-only backup'), { code: 'EACCES' });
      return real(...args);
    });
    await assert.rejects(graph(['pull', SAMPLES.powabase.condition], { out: file }), /read-only backup/);
    assert.equal(readFileSync(file, 'utf8'), edited);
    assert.deepEqual(leftovers(), []);
  });

  it(
    'an edit saved while the pull is in flight is not lost',
    async () => {
      const file = join(dir, 'failing.workflow.json');
      await graph(['pull', SAMPLES.powabase.failing], { out: file });
      const edited = editLocally(readFileSync(file, 'utf8'));
      writeFileSync(file, edited, 'utf8');
      const slow: Backend = Object.assign(Object.create(backend) as Backend, {
        async getGraph(id: string, signal?: AbortSignal) {
          const got = await backend.getGraph?.(id, signal);
          writeFileSync(file, `${edited}\r\n`, 'utf8'); // the user saves once more while we wait
          assert.ok(got);
          return got;
        },
      });
      // The pull must refuse (not crash, not overwrite): the file changed after it was read.
      await assert.rejects(graph(['pull', SAMPLES.powabase.failing], { out: file }, slow), (e: unknown) => {
        assert.ok(FlowscopeError.is(e, 'usage'), String(e));
        assert.match(e.message, /changed while the graph was being pulled; nothing was written\. Run the pull again\./);
        return true;
      });
      assert.equal(readFileSync(file, 'utf8'), `${edited}\r\n`, 'the latest edit is still the file, untouched');
      assert.equal(existsSync(`${file}.bak`), false, 'nothing was written, not even a backup');
      assert.deepEqual(leftovers(), []);
    },
  );
});

describe('CLI graph push', () => {
  it('sends the local edit and never modifies the local file; a pull afterwards finds nothing to change', async () => {
    const file = join(dir, 'push.workflow.json');
    await graph(['pull', SAMPLES.powabase.large], { out: file });
    const edited = editLocally(readFileSync(file, 'utf8'));
    writeFileSync(file, edited, 'utf8');
    const before = readFileSync(file);
    const declined = await graph(['push', file], {});
    assert.equal(declined.code, 2, 'without --yes and without a terminal, nothing is pushed');
    const pushed = await graph(['push', file], { yes: true });
    assert.equal(pushed.code, 0, pushed.err.join('\n'));
    assert.ok(readFileSync(file).equals(before), 'push leaves the file byte for byte');
    const server = await backend.getGraph?.(SAMPLES.powabase.large);
    assert.equal(server?.blocks.find((b) => b.name === 'Renamed here') !== undefined, true, 'the edit reached the server');
    const again = await graph(['pull', SAMPLES.powabase.large], { out: file });
    assert.ok(again.err.some((l) => /already matches/.test(l)), again.err.join('\n'));
    assert.ok(readFileSync(file).equals(before));
    guard.check('push');
  });
});
