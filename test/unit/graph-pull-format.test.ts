// Pull keeps the file's own formatting (issue 13): its line endings, its indentation, its key
// order and the text of every block and edge the server did not change. Against the real
// sandbox (its Powabase face serves the graph, as the contracts' "Powabase: GET/PUT graph" say).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBackend } from '../../src/core/adapters/registry';
import type { Backend } from '../../src/core/backend';
import { writeGraphFileText } from '../../src/core/graph/fileText';
import { localEdits } from '../../src/core/graph/localEdits';
import { pullGraphFile } from '../../src/core/graph/pullPlan';
import { pushGraphFile } from '../../src/core/graph/pushPlan';
import type { Graph } from '../../src/core/graph/schema';
import { startSandbox } from '../../src/sandbox/server';
import type { Sandbox } from '../../src/sandbox/server';

let sandbox: Sandbox;
let powabase: Backend;
let id: string;

before(async () => {
  sandbox = await startSandbox({ port: 0, timeScale: 0.02 });
  powabase = createBackend({ name: 'sandbox-pb', kind: 'powabase', baseUrl: sandbox.info.url }, { apiKey: sandbox.info.powabase.apiKey });
  id = sandbox.info.powabase.workflowIds[5] ?? '';
  assert.ok(id);
});

after(async () => {
  await sandbox.close();
});

const accept = async (): Promise<boolean> => true;

/** A file written by hand: tabs, CRLF, one-line blocks and edges, `binding` first, `name` after it. */
function handWritten(workflowId: string, workDuration: number): string {
  return [
    '{',
    `\t"binding": {"connection": "sandbox-pb", "workflowId": "${workflowId}"},`,
    '\t"name": "Format keeper",',
    '\t"blocks": [',
    '\t\t{"id": "start", "type": "starter", "name": "Start"},',
    `\t\t{"id": "work", "type": "code", "name": "Work", "position": {"x": 240, "y": 0}, "config": {"durationMs": ${workDuration}}},`,
    '\t\t{"id": "done", "type": "response", "name": "Done", "position": {"x": 480, "y": 0}}',
    '\t],',
    '\t"edges": [',
    '\t\t{"source": "start", "target": "work"},',
    '\t\t{"source": "work", "target": "done"}',
    '\t]',
    '}',
    '',
  ].join('\r\n');
}

describe('pull keeps the file as it is written', () => {
  it('push then pull gives back the same file, byte for byte', async () => {
    const text = handWritten(id, 10);
    const pushed = await pushGraphFile({ text, backend: powabase, workflowId: id, confirm: accept });
    assert.equal(pushed.status, 'pushed', JSON.stringify(pushed));
    const pulled = await pullGraphFile({ backend: powabase, connection: 'sandbox-pb', workflowId: id, localText: text });
    assert.equal(pulled.status, 'unchanged');
    // Even written out, the server's graph gives back the very same bytes.
    assert.ok(pulled.status === 'unchanged');
    assert.equal(writeGraphFileText(JSON.parse(text) as Record<string, unknown>, text), text);
  });

  it('a server-side change rewrites only that block, in the file\'s style', async () => {
    const mine = handWritten(id, 10);
    // Someone else changes one block on the server (another workspace's push).
    const theirs = handWritten(id, 99);
    assert.equal((await pushGraphFile({ text: theirs, backend: powabase, workflowId: id, confirm: accept })).status, 'pushed');
    const pulled = await pullGraphFile({ backend: powabase, connection: 'sandbox-pb', workflowId: id, localText: mine });
    assert.equal(pulled.status, 'changed');
    assert.ok(pulled.status === 'changed');
    assert.equal(
      pulled.text,
      [
        '{',
        `\t"binding": {"connection": "sandbox-pb", "workflowId": "${id}"},`,
        '\t"name": "Format keeper",',
        '\t"blocks": [',
        '\t\t{"id": "start", "type": "starter", "name": "Start"},',
        '\t\t{',
        '\t\t\t"id": "work",',
        '\t\t\t"type": "code",',
        '\t\t\t"name": "Work",',
        '\t\t\t"position": {',
        '\t\t\t\t"x": 240,',
        '\t\t\t\t"y": 0',
        '\t\t\t},',
        '\t\t\t"config": {',
        '\t\t\t\t"durationMs": 99',
        '\t\t\t}',
        '\t\t},',
        '\t\t{"id": "done", "type": "response", "name": "Done", "position": {"x": 480, "y": 0}}',
        '\t],',
        '\t"edges": [',
        '\t\t{"source": "start", "target": "work"},',
        '\t\t{"source": "work", "target": "done"}',
        '\t]',
        '}',
        '',
      ].join('\r\n'),
    );
  });
});

describe('local edits are judged by content, not by the dirty flag', () => {
  const synced: Graph = {
    blocks: [
      { id: 'start', type: 'starter', name: 'Start' },
      { id: 'done', type: 'response', name: 'Done' },
    ],
    edges: [{ source: 'start', target: 'done' }],
  };
  const file = (name: string): string =>
    JSON.stringify({ blocks: [{ id: 'start', type: 'starter', name: 'Start' }, { id: 'done', type: 'response', name }], edges: [{ source: 'start', target: 'done' }] }, null, 2);

  it('the graph last synced: nothing to lose', () => {
    assert.equal(localEdits(file('Done'), synced, 'powabase'), 'none');
  });
  it('a saved edit the server does not have', () => {
    assert.equal(localEdits(file('Done!'), synced, 'powabase'), 'edited');
  });
  it('never synced from here: the server may not have it', () => {
    assert.equal(localEdits(file('Done'), undefined, 'powabase'), 'untracked');
  });
  it('half-typed JSON is at risk too', () => {
    assert.equal(localEdits('{ "blocks": [ {"id": "start", ', synced, 'powabase'), 'unreadable');
  });
});
