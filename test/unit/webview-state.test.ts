import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostToWebview, NodeState } from '../../src/shared/protocol';
import { initialState, isEdgeTaken, reduce } from '../../src/webview/state';
import type { ViewState } from '../../src/webview/state';
import { quickLayout } from '../../src/webview/layout/quickLayout';

type Live = Extract<HostToWebview, { type: 'snapshot' | 'patch' }>;

const graph = {
  origin: 'server' as const,
  nodes: [
    { id: 'a', label: 'A', kind: 'starter' },
    { id: 'b', label: 'B', kind: 'code' },
  ],
  edges: [{ id: 'e', source: 'a', target: 'b' }],
};

function snapshot(version: number, graphKey = 'k1', states: Record<string, NodeState> = { a: { status: 'running' } }): Live {
  return { type: 'snapshot', version, graphKey, graph, states, header: { title: 'T' }, persist: { kind: 'run', connection: 'c', workflowId: 'w' } };
}

function patch(version: number, id: string, state: NodeState | undefined): Live {
  return { type: 'patch', version, changes: [{ id, state }] };
}

function run(messages: Live[], from: ViewState = initialState): { state: ViewState; effects: string[] } {
  let state = from;
  const effects: string[] = [];
  for (const m of messages) {
    const r = reduce(state, m);
    state = r.state;
    effects.push(...r.effects.map((e) => (e.kind === 'resync' ? `resync:${e.haveVersion}` : e.kind === 'restyle' ? `restyle:${e.ids.join(',')}` : e.kind)));
  }
  return { state, effects };
}

test('(unit) a first snapshot lays out and shows the header', () => {
  const { state, effects } = run([snapshot(1)]);
  assert.equal(state.version, 1);
  assert.deepEqual(effects, ['relayout', 'header']);
  assert.equal(state.states.get('a')?.status, 'running');
  assert.equal(state.persist?.kind, 'run');
});

test('(unit) consecutive patches restyle only the nodes they name', () => {
  const { state, effects } = run([snapshot(1), patch(2, 'a', { status: 'completed' }), patch(3, 'b', { status: 'running' })]);
  assert.equal(state.version, 3);
  assert.deepEqual(effects.slice(2), ['restyle:a', 'restyle:b']);
  assert.equal(state.states.get('a')?.status, 'completed');
  assert.equal(state.states.get('b')?.status, 'running');
});

test('(unit) a patch removing a state makes the node idle again', () => {
  const { state } = run([snapshot(1), patch(2, 'a', undefined)]);
  assert.equal(state.states.has('a'), false);
});

test('(unit) a gap in versions asks for a snapshot once and ignores patches until it comes', () => {
  const { state, effects } = run([snapshot(1), patch(3, 'a', { status: 'failed' }), patch(4, 'a', { status: 'failed' })]);
  assert.deepEqual(effects.slice(2), ['resync:1']);
  assert.equal(state.awaitingResync, true);
  assert.equal(state.states.get('a')?.status, 'running', 'nothing applied across the gap');
  const after = run([snapshot(5, 'k1', { a: { status: 'failed' } }), patch(6, 'b', { status: 'queued' })], state);
  assert.equal(after.state.awaitingResync, false);
  assert.deepEqual(after.effects, ['restyleAll', 'header', 'restyle:b']);
  assert.equal(after.state.version, 6);
});

test('(unit) a patch before any snapshot asks for one', () => {
  const { effects } = run([patch(1, 'a', { status: 'running' })]);
  assert.deepEqual(effects, ['resync:-1']);
});

test('(unit) stale patches (older than the snapshot) are dropped silently', () => {
  const { state, effects } = run([snapshot(5), patch(4, 'a', { status: 'failed' }), patch(5, 'a', { status: 'failed' })]);
  assert.deepEqual(effects, ['relayout', 'header']);
  assert.equal(state.states.get('a')?.status, 'running');
});

test('(unit) a snapshot of the same structure restyles; a new structure relayouts', () => {
  assert.deepEqual(run([snapshot(1), snapshot(2)]).effects, ['relayout', 'header', 'restyleAll', 'header']);
  assert.deepEqual(run([snapshot(1), snapshot(2, 'k2')]).effects, ['relayout', 'header', 'relayout', 'header']);
});

test('(unit) a patch carrying a header updates it', () => {
  const { state, effects } = run([snapshot(1), { type: 'patch', version: 2, changes: [], header: { title: 'T', runStatus: 'completed' } }]);
  assert.deepEqual(effects.slice(2), ['restyle:', 'header']);
  assert.equal(state.header?.runStatus, 'completed');
});

test('(unit) an edge is taken once its source completed and its target was reached', () => {
  assert.equal(isEdgeTaken({ status: 'completed' }, { status: 'running' }), true);
  assert.equal(isEdgeTaken({ status: 'completed' }, { status: 'failed' }), true);
  assert.equal(isEdgeTaken({ status: 'completed' }, { status: 'queued' }), false);
  assert.equal(isEdgeTaken({ status: 'completed' }, { status: 'skipped' }), false);
  assert.equal(isEdgeTaken({ status: 'running' }, { status: 'running' }), false);
  assert.equal(isEdgeTaken(undefined, { status: 'running' }), false);
});

test('(unit) the quick layout puts every edge left to right, without overlaps, cycles included', () => {
  const nodes = ['s', 'a', 'b', 'c', 'd'];
  const edges: Array<[number, number]> = [
    [0, 1],
    [0, 2],
    [1, 3],
    [2, 3],
    [3, 4],
    [4, 1], // a cycle must not hang the layering
  ];
  const l = quickLayout({ nodeWidth: 100, nodeHeight: 40, nodes, edges });
  for (const [s, t] of edges.slice(0, 5)) assert.ok(l.xs[s]! < l.xs[t]!, `edge ${s}->${t} goes right`);
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const overlap = Math.abs(l.xs[i]! - l.xs[j]!) < 100 && Math.abs(l.ys[i]! - l.ys[j]!) < 40;
      assert.equal(overlap, false, `${nodes[i]} and ${nodes[j]} overlap`);
    }
  }
  assert.ok(l.width > 0 && l.height >= 40);
});
