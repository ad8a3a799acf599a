import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitView, wheelFactor } from '../../src/webview/render/zoom';

/**
 * Fit and wheel zoom of the graph panel (issue 13, "The graph panel"). Node boxes are 200 × 60
 * with gaps of 72 across and 20 down (layout/quickLayout.ts); labels are 13 world pixels, so a
 * zoom under 11/13 ≈ 0.846 draws them under 11 screen pixels.
 */

const PANEL = { width: 848, height: 448 }; // 800 × 400 inside Fit's 24 px margins

test('(unit) a graph that fits readably is shown whole, centred, never enlarged past 100%', () => {
  // 3 blocks in a row: 3 × 200 + 2 × 72 = 744 wide, 60 high.
  assert.deepEqual(fitView({ width: 744, height: 60 }, PANEL), { k: 1, x: 52, y: 194 });
  // 900 × 300 fits whole at 800 / 900 = 0.889, above the readable 0.846.
  const t = fitView({ width: 900, height: 300 }, PANEL);
  assert.equal(t.k.toFixed(4), '0.8889');
  assert.equal(t.x, 24);
});

test('(unit) an 8-block chain is read at full size from its start, not shrunk to 6 px text', () => {
  // 8 × 200 + 7 × 72 = 2104 wide: whole, it would be drawn at 0.38 (5 px labels).
  assert.deepEqual(fitView({ width: 2104, height: 60 }, PANEL, { x: 0, y: 0, w: 200, h: 60 }), { k: 1, x: 24, y: 194 });
});

test('(unit) a graph taller than the panel but a few panels large: readable labels, start at the left, centred on it', () => {
  // 10 rows (780 high) × 4 layers (1016 wide): breadth fits only at 400 / 780 = 0.51.
  const t = fitView({ width: 1016, height: 780 }, PANEL, { x: 0, y: 360, w: 200, h: 60 });
  assert.equal(t.k, 11 / 13);
  assert.equal(t.x, 24);
  // The start's middle (world y 390) at the panel's middle (224): 224 - 390 × 11/13 = -106.0.
  assert.equal(t.y.toFixed(1), '-106.0');
  // A start at the very top does not leave a gap above the graph.
  assert.equal(fitView({ width: 1016, height: 780 }, PANEL, { x: 0, y: 0, w: 200, h: 60 }).y, 24);
});

test('(unit) a large graph is shown whole, as a shape, at Fit', () => {
  // 40 layers × 30 rows: 10,808 × 2,380; whole at 800 / 10808 = 0.074.
  const t = fitView({ width: 10_808, height: 2_380 }, PANEL, { x: 0, y: 1160, w: 200, h: 60 });
  assert.equal(t.k.toFixed(4), '0.0740');
  assert.equal(t.x, 24);
});

test('(unit) a wheel notch zooms about 10%, whatever unit the browser reports it in; a pinch zooms smoothly', () => {
  assert.equal(wheelFactor(-100, 0, false).toFixed(4), '1.1000');
  assert.equal(wheelFactor(100, 0, false).toFixed(4), '0.9091');
  assert.equal(wheelFactor(-3, 1, false).toFixed(4), '1.1000');
  assert.equal(wheelFactor(-1, 2, false).toFixed(4), '1.1000');
  assert.equal(wheelFactor(-200, 0, true).toFixed(4), '1.2100');
  assert.equal(wheelFactor(-5, 0, true).toFixed(4), '1.0513');
  assert.equal(wheelFactor(0, 0, false), 1);
});
