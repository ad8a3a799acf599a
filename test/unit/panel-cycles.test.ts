import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markCycles } from '../../src/extension/panels/cycles';
import type { GraphViewModel } from '../../src/shared/protocol';

/** The preview draws a looping graph file with its cycle highlighted (issue 13, "The graph panel"). */

function graph(nodes: string[], edges: Array<[string, string]>): GraphViewModel {
  return {
    origin: 'preview',
    nodes: nodes.map((id) => ({ id, label: id.toUpperCase(), kind: 'code' })),
    edges: edges.map(([source, target], i) => ({ id: `e${i}`, source, target })),
  };
}

const cycleFlags = (view: GraphViewModel): string[] => view.edges.map((e) => `${e.source}->${e.target}${e.cycle ? ' cycle' : ''}`);

test('(unit) the edges of a loop are marked, the edges into and out of it are not, and its blocks are named', () => {
  const { view, labels } = markCycles(graph(['start', 'fetch', 'gate', 'think', 'respond'], [['start', 'fetch'], ['fetch', 'gate'], ['gate', 'think'], ['think', 'fetch'], ['gate', 'respond']]));
  assert.deepEqual(cycleFlags(view), ['start->fetch', 'fetch->gate cycle', 'gate->think cycle', 'think->fetch cycle', 'gate->respond']);
  assert.deepEqual(labels, ['FETCH', 'GATE', 'THINK']);
});

test('(unit) two separate loops joined by an edge: the joining edge is not on a cycle; a self-loop is', () => {
  const { view, labels } = markCycles(graph(['a', 'b', 'c', 'd', 'e'], [['a', 'b'], ['b', 'a'], ['b', 'c'], ['c', 'd'], ['d', 'c'], ['e', 'e']]));
  assert.deepEqual(cycleFlags(view), ['a->b cycle', 'b->a cycle', 'b->c', 'c->d cycle', 'd->c cycle', 'e->e cycle']);
  assert.deepEqual(labels, ['A', 'B', 'C', 'D', 'E']);
});

test('(unit) a graph without a loop is returned as it was', () => {
  const g = graph(['a', 'b', 'c'], [['a', 'b'], ['a', 'c'], ['b', 'c'], ['a', 'missing']]);
  const { view, labels } = markCycles(g);
  assert.equal(view, g);
  assert.deepEqual(labels, []);
});

test('(unit) a 20,000-block chain closed into one loop is handled without deep recursion', () => {
  const ids = Array.from({ length: 20_000 }, (_, i) => `n${i}`);
  const edges = ids.map((id, i): [string, string] => [id, ids[(i + 1) % ids.length]!]);
  const { view, labels } = markCycles(graph(ids, edges));
  assert.equal(view.edges.filter((e) => e.cycle).length, 20_000);
  assert.equal(labels.length, 20_000);
});
