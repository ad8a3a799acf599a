import assert from 'node:assert/strict';
import { test } from 'node:test';
import { neighbourOf, nodeAt, segmentMeets, visibleNodes, worldBox } from '../../src/webview/render/scene';

// Three nodes (200 × 60 each): a at the origin, b to its right, c under a.
const xs = new Float64Array([0, 272, 0]);
const ys = new Float64Array([0, 0, 80]);

test('(unit) the world box of a view: pan and zoom undone, with a margin in screen pixels', () => {
  assert.deepEqual(worldBox({ x: 10, y: 20, k: 1 }, 800, 600), { x0: -10, y0: -20, x1: 790, y1: 580 });
  assert.deepEqual(worldBox({ x: -100, y: 50, k: 0.5 }, 400, 300, 10), { x0: 180, y0: -120, x1: 1020, y1: 520 });
});

test('(unit) only the nodes that meet the view are drawn', () => {
  const out = new Int32Array(3);
  assert.equal(visibleNodes(xs, ys, { x0: 250, y0: -10, x1: 600, y1: 50 }, out), 1);
  assert.deepEqual([...out.subarray(0, 1)], [1]);
  assert.equal(visibleNodes(xs, ys, { x0: -50, y0: 70, x1: 10, y1: 90 }, out), 1);
  assert.deepEqual([...out.subarray(0, 1)], [2]);
  assert.equal(visibleNodes(xs, ys, { x0: 210, y0: 65, x1: 260, y1: 75 }, out), 0);
  // A node that starts left of (or above) the view but reaches into it is drawn.
  assert.equal(visibleNodes(xs, ys, { x0: 150, y0: 10, x1: 160, y1: 20 }, out), 1);
  assert.deepEqual([...out.subarray(0, 1)], [0]);
});

test('(unit) a click hits the node painted under it, and the gap between nodes hits nothing', () => {
  assert.equal(nodeAt(xs, ys, 300, 30), 1);
  assert.equal(nodeAt(xs, ys, 10, 100), 2);
  assert.equal(nodeAt(xs, ys, 230, 30), -1);
});

test('(unit) arrow keys go to the nearest node ahead, none past the edge', () => {
  assert.equal(neighbourOf(xs, ys, 0, 1, 0), 1);
  assert.equal(neighbourOf(xs, ys, 0, 0, 1), 2);
  assert.equal(neighbourOf(xs, ys, 1, -1, 0), 0);
  assert.equal(neighbourOf(xs, ys, 0, -1, 0), -1);
});

test('(unit) an edge is culled only when its bounding box misses the view', () => {
  const view = { x0: 0, y0: 0, x1: 100, y1: 100 };
  assert.equal(segmentMeets(-50, 50, 150, 60, view), true);
  assert.equal(segmentMeets(120, 0, 200, 90, view), false);
});
