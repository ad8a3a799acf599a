import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Run, Stage } from '../../src/core/model';
import { parseWebviewMessage } from '../../src/shared/protocol';
import { STATUS_GLYPH, metaLine } from '../../src/webview/render/nodeText';
import { problemsByBlock, parseGraphText } from '../../src/extension/panels/graphText';
import { diffStates, graphFromStages, graphKeyOf, graphViewOf, nodeDetailsOf, nodeStatesOf } from '../../src/extension/panels/viewModel';

function stage(id: string, status: Stage['status'], extra: Partial<Stage> = {}): Stage {
  return { id, name: id.toUpperCase(), status, rawStatus: status, ...extra };
}

function runOf(stages: Stage[]): Run {
  return { id: 'r1', workflowId: 'w', status: 'running', rawStatus: 'running', stages };
}

test('(unit) without a graph, the stages are chained in the order they ran', () => {
  const run = runOf([
    stage('c', 'running', { startedAt: '2026-01-01T00:00:03Z' }),
    stage('a', 'completed', { startedAt: '2026-01-01T00:00:01Z' }),
    stage('b', 'completed', { order: 2 }),
    stage('z', 'completed', { order: 1 }),
  ]);
  const g = graphFromStages(run);
  assert.deepEqual(g.blocks.map((b) => b.id), ['z', 'b', 'a', 'c']);
  assert.deepEqual(g.edges.map((e) => `${e.source}>${e.target}`), ['z>b', 'b>a', 'a>c']);
  assert.deepEqual(graphFromStages(undefined), { blocks: [], edges: [] });
});

test('(unit) nodes show the stage matched by id or by name, with attempt, duration and the tail of streamed text', () => {
  const view = graphViewOf(
    {
      blocks: [
        { id: 'fetch', type: 'general_api', name: 'Fetch' },
        { id: 'x', type: 'agent', name: 'Summarise', config: { module: 'llm.summarise' } },
        { id: 'idle', type: 'code' },
      ],
      edges: [{ source: 'fetch', target: 'x', condition: 'ok' }],
    },
    'file',
  );
  assert.equal(view.nodes[1]?.kind, 'agent · llm.summarise');
  assert.equal(view.edges[0]?.label, 'ok');
  const run = runOf([
    stage('fetch', 'completed', { attempt: 2, startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:01.500Z' }),
    { id: 'other-id', name: 'Summarise', status: 'running', rawStatus: 'RUNNING', text: `${'x'.repeat(100)}  end` },
  ]);
  const states = nodeStatesOf(view, run);
  // Times go to the webview as ms since the epoch (the timeline's bars): 2026-01-01T00:00:00Z is 1767225600000.
  assert.deepEqual(states.fetch, { status: 'completed', attempt: 2, durationMs: 1500, startedAt: 1767225600000, endedAt: 1767225601500 });
  assert.equal(states.x?.status, 'running');
  assert.ok(states.x?.text?.endsWith('x end') && states.x.text.length <= 81);
  assert.equal(states.idle, undefined);
});

test('(unit) a White Rabbit stage whose outcome is not read yet reaches the graph as finishing, with its own glyph', () => {
  const view = graphFromStages(runOf([stage('a', 'finishing', { rawStatus: '' }), stage('b', 'completed')]));
  const states = nodeStatesOf(graphViewOf(view, 'stages'), runOf([stage('a', 'finishing', { rawStatus: '' }), stage('b', 'completed')]));
  assert.deepEqual(states, { a: { status: 'finishing' }, b: { status: 'completed' } });
  assert.equal(STATUS_GLYPH.finishing, '◑');
  assert.notEqual(STATUS_GLYPH.finishing, STATUS_GLYPH.completed);
});

test('(unit) a node words its duration as the tree and the CLI do (the one shared format)', () => {
  assert.equal(metaLine({ status: 'completed', durationMs: 850 }), '850 ms');
  assert.equal(metaLine({ status: 'completed', durationMs: 12_300 }), '12 s');
  assert.equal(metaLine({ status: 'failed', durationMs: 185_000, attempt: 2 }), 'attempt 2 · 3m 05s');
  assert.equal(metaLine({ status: 'queued' }), '');
});

test('(unit) diffStates lists exactly the nodes that changed, including removals', () => {
  const before = { a: { status: 'running' as const }, b: { status: 'queued' as const }, c: { status: 'completed' as const } };
  const after = { a: { status: 'running' as const }, b: { status: 'running' as const, attempt: 1 } };
  assert.deepEqual(diffStates(before, after), [
    { id: 'b', state: { status: 'running', attempt: 1 } },
    { id: 'c', state: undefined },
  ]);
  // A stage that ended (same status in the store, new end time) is a change too: the timeline's bar stops there.
  assert.deepEqual(diffStates({ a: { status: 'running', startedAt: 1000 } }, { a: { status: 'running', startedAt: 1000, endedAt: 2500 } }), [
    { id: 'a', state: { status: 'running', startedAt: 1000, endedAt: 2500 } },
  ]);
});

test('(unit) the graph key changes with the structure and labels, not with statuses', () => {
  const g = { blocks: [{ id: 'a', type: 'code' }, { id: 'b', type: 'code' }], edges: [{ source: 'a', target: 'b' }] };
  const k = graphKeyOf(graphViewOf(g, 'server'));
  assert.equal(graphKeyOf(graphViewOf(structuredClone(g), 'server')), k);
  assert.notEqual(graphKeyOf(graphViewOf({ ...g, edges: [] }, 'server')), k);
  assert.notEqual(graphKeyOf(graphViewOf({ ...g, blocks: [{ id: 'a', type: 'code', name: 'A' }, g.blocks[1]!] }, 'server')), k);
});

test('(unit) details carry formatted JSON, errors, logs of that stage, and the copy action only with an output', () => {
  const view = graphViewOf({ blocks: [{ id: 'a', type: 'code' }], edges: [] }, 'server');
  const s = stage('a', 'failed', { input: { q: 1 }, output: { ok: false }, error: 'boom', startedAt: '2026-01-01T10:00:05Z' });
  const logs = [{ stageId: 'a', status: 'failed', durationMs: 40, error: 'boom' }, { stageId: 'b', status: 'ok' }];
  const d = nodeDetailsOf({ nodeId: 'a', view, stage: s, canReveal: false, logs, timeZone: 'UTC' });
  assert.equal(d?.input, '{\n  "q": 1\n}');
  assert.equal(d?.error, 'boom');
  assert.equal(d?.canCopyOutput, true);
  // Readable lines (time, stage, level, message) of this stage only, as Show Run Logs writes them.
  assert.equal(d?.logs, '10:00:05  A  ERROR  failed in 40 ms: boom\n');
  assert.equal(nodeDetailsOf({ nodeId: 'a', view, canReveal: true })?.canCopyOutput, false);
  assert.equal(nodeDetailsOf({ nodeId: 'nope', view, canReveal: true }), undefined);
});

test('(unit) hostile names stay data: the view model passes them through untouched for textContent rendering', () => {
  const hostile = '<img src=x onerror=alert(1)></script>';
  const view = graphViewOf({ blocks: [{ id: 'a', type: hostile, name: hostile }], edges: [] }, 'server');
  assert.equal(view.nodes[0]?.label, hostile);
  assert.equal(view.nodes[0]?.kind, hostile);
});

test('(unit) graph text: valid text gives a graph and block spans; invalid text gives no graph but keeps spans', () => {
  const text = '{\n  "blocks": [\n    { "id": "a", "type": "starter" },\n    { "id": "b", "type": "code", "config": { "x": 1 } }\n  ],\n  "edges": [{ "source": "a", "target": "b" }]\n}';
  const ok = parseGraphText(text);
  assert.equal(ok.graph?.blocks.length, 2);
  assert.deepEqual(ok.spans.map((s) => s.id), ['a', 'b']);
  assert.equal(text.slice(ok.spans[1]!.idOffset, ok.spans[1]!.idOffset + ok.spans[1]!.idLength), '"b"');
  const broken = parseGraphText(text.replace('"edges"', '"edges" oops'));
  assert.equal(broken.graph, undefined);
  assert.ok(broken.error);
  assert.equal(parseGraphText('{"blocks": [{"id": 3}], "edges": []}').graph, undefined);

  const inB = text.indexOf('"x"');
  const problems = problemsByBlock(ok.spans, [
    { offset: inB, message: 'bad config' },
    { offset: text.indexOf('"edges"'), message: 'Block "a" is unreachable' },
  ]);
  assert.deepEqual(problems.get('b'), ['bad config']);
  assert.deepEqual(problems.get('a'), ['Block "a" is unreachable']);
  const states = nodeStatesOf(graphViewOf(ok.graph!, 'preview'), undefined, problems);
  assert.deepEqual(states.b, { status: 'idle', problems: 1 });
});

test('(unit) messages from the webview are validated before use', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'select', nodeId: 'a' }), { type: 'select', nodeId: 'a' });
  assert.deepEqual(parseWebviewMessage({ type: 'select', nodeId: null }), { type: 'select', nodeId: null });
  assert.deepEqual(parseWebviewMessage({ type: 'resync', haveVersion: 3 }), { type: 'resync', haveVersion: 3 });
  // The empty panel's next steps: only the two the host knows.
  assert.deepEqual(parseWebviewMessage({ type: 'nextStep', action: 'bindFile' }), { type: 'nextStep', action: 'bindFile' });
  for (const bad of [
    { type: 'nextStep', action: 'runCommand' },
    { type: 'nextStep' },
    null,
    'ready',
    { type: 'eval', code: '1' },
    { type: 'copyOutput' },
    { type: 'copyOutput', nodeId: 7 },
    { type: 'revealBlock', nodeId: 'x'.repeat(5000) },
    { type: 'resync', haveVersion: 1.5 },
  ]) {
    assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad)?.slice(0, 60));
  }
});
