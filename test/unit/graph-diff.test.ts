import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffGraphs, normalizedGraphText, summaryLine, summaryLines } from '../../src/core/graph/diff';
import { reconcile } from '../../src/core/graph/pullPlan';
import type { Graph } from '../../src/core/graph/schema';
import { freeBlockId, mintWebhook, webhookBlock } from '../../src/core/graph/webhook';
import { validateGraphText } from '../../src/core/graph/validate';

const local: Graph = {
  blocks: [
    { id: 'start', type: 'starter' },
    { id: 'work', type: 'function', config: { durationMs: 100 } },
    { id: 'respond', type: 'response' },
  ],
  edges: [
    { source: 'start', target: 'work' },
    { source: 'work', target: 'respond' },
  ],
};

/** What Powabase answers after a PUT of `local`: defaults spelled out, types resolved, edge ids minted. */
const serverEcho: Graph = {
  blocks: [
    { id: 'respond', type: 'response', name: 'respond', position: { x: 0, y: 0 }, config: {}, enabled: true },
    { id: 'start', type: 'starter', name: 'start', position: { x: 0, y: 0 }, config: {}, enabled: true },
    { id: 'work', type: 'code', name: 'work', position: { x: 0, y: 0 }, config: { durationMs: 100 }, enabled: true },
  ],
  edges: [
    { id: 'f6b0c3de-1', source: 'work', target: 'respond', sourceHandle: 'output', targetHandle: 'input', condition: null },
    { id: 'f6b0c3de-2', source: 'start', target: 'work', sourceHandle: 'output', targetHandle: 'input', condition: null },
  ],
};

test('a graph echoed back with server defaults is not a change', () => {
  const summary = diffGraphs(serverEcho, local);
  assert.equal(summary.total, 0);
  assert.equal(summaryLine(summary), 'no changes');
  assert.equal(normalizedGraphText(serverEcho), normalizedGraphText(local));
});

test('counts added, removed and changed blocks and edges', () => {
  const edited: Graph = {
    blocks: [
      { id: 'start', type: 'starter' },
      { id: 'work', type: 'code', name: 'Work', config: { durationMs: 200 } },
      { id: 'check', type: 'condition', config: { route: 'ok' } },
      { id: 'respond', type: 'response' },
    ],
    edges: [
      { source: 'start', target: 'work' },
      { source: 'work', target: 'check' },
      { source: 'check', target: 'respond', condition: 'ok' },
    ],
  };
  const s = diffGraphs(serverEcho, edited);
  assert.deepEqual(s.blocksAdded, ['check']);
  assert.deepEqual(s.blocksRemoved, []);
  assert.deepEqual(s.blocksChanged, [{ id: 'work', fields: ['config', 'name'] }]);
  assert.deepEqual(s.edgesAdded, ['work → check', 'check → respond [ok]']);
  assert.deepEqual(s.edgesRemoved, ['work → respond']);
  assert.equal(s.total, 5);
  assert.equal(summaryLine(s), 'blocks +1 −0 ~1, edges +2 −1');
  assert.deepEqual(summaryLines(s), [
    '+ block check',
    '~ block work (config, name)',
    '+ edge work → check',
    '+ edge check → respond [ok]',
    '− edge work → respond',
  ]);
});

test('a block id or edge label with a newline stays on its own line (no fake change above a prompt)', () => {
  const hostile: Graph = {
    blocks: [...serverEcho.blocks, { id: 'x\n+ block looks-harmless\r\n', type: 'code' }],
    edges: [...serverEcho.edges, { source: 'start', target: 'respond', condition: 'ok\n− edge nothing' }],
  };
  assert.deepEqual(summaryLines(diffGraphs(serverEcho, hostile)), [
    '+ block x + block looks-harmless',
    '+ edge start → respond [ok − edge nothing]',
  ]);
});

test('parallel edges count as a multiset; an unknown baseline makes everything new', () => {
  const twice: Graph = { blocks: local.blocks, edges: [...local.edges, { source: 'start', target: 'work' }] };
  assert.deepEqual(diffGraphs(local, twice).edgesAdded, ['start → work']);
  assert.deepEqual(diffGraphs(twice, local).edgesRemoved, ['start → work']);
  const fresh = diffGraphs(undefined, local);
  assert.deepEqual(fresh.blocksAdded, ['start', 'work', 'respond']);
  assert.equal(fresh.total, 5);
});

test('the normalized text is stable: sorted blocks, fixed key order, sorted config keys', () => {
  const a: Graph = { blocks: [{ id: 'b', type: 'code', config: { z: 1, a: { y: 2, x: 1 } } }, { id: 'a', type: 'starter' }], edges: [] };
  const b: Graph = { blocks: [{ config: { a: { x: 1, y: 2 }, z: 1 }, type: 'code', id: 'b' }, { type: 'starter', id: 'a' }], edges: [] };
  assert.equal(normalizedGraphText(a), normalizedGraphText(b));
  const text = normalizedGraphText(a);
  assert.ok(text.indexOf('"id": "a"') < text.indexOf('"id": "b"'));
  assert.match(text, /"id": "b",\n\s+"type": "code",\n\s+"name": "b",\n\s+"position"/);
  assert.match(text, /"a": \{\n\s+"x": 1,\n\s+"y": 2\n\s+\},\n\s+"z": 1/);
});

test('reconcile writes the server graph the way the file wrote it', () => {
  const pulled = reconcile(serverEcho, local);
  assert.deepEqual(pulled, local);
  // A block only on the server keeps its meaningful fields but not the defaults.
  const more: Graph = { ...serverEcho, blocks: [...serverEcho.blocks, { id: 'extra', type: 'agent', name: 'Extra', position: { x: 5, y: 6 }, config: {}, enabled: true }] };
  const withExtra = reconcile(more, local);
  assert.deepEqual(withExtra.blocks[3], { id: 'extra', type: 'agent', name: 'Extra', position: { x: 5, y: 6 } });
  assert.equal(diffGraphs(more, withExtra).total, 0);
});

test('minted webhooks are UUID + 256-bit base64url secrets and validate cleanly', () => {
  const a = mintWebhook();
  const b = mintWebhook();
  assert.match(a.webhookId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(a.webhookSecret, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(a.webhookSecret, 'base64url').length, 32);
  assert.notEqual(a.webhookId, b.webhookId);
  assert.notEqual(a.webhookSecret, b.webhookSecret);
  const graph = {
    blocks: [webhookBlock('hook', a), { id: 'respond', type: 'response' }],
    edges: [{ source: 'hook', target: 'respond' }],
  };
  assert.deepEqual(validateGraphText(JSON.stringify(graph, null, 2)), []);
});

test('free block ids', () => {
  assert.equal(freeBlockId([], 'webhook'), 'webhook');
  assert.equal(freeBlockId(['webhook', 'webhook-2'], 'webhook'), 'webhook-3');
});
