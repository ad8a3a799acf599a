import type { ViewTransform } from './scene';
import { LABEL_FONT } from './scene';

/**
 * Where Fit puts the graph, and how far a wheel notch zooms: pure functions of sizes and deltas,
 * so they are tested without a browser (test/unit/webview-zoom.test.ts).
 */

/** Labels are drawn at LABEL_FONT world pixels: below this zoom they are under 11 screen pixels. */
export const READABLE_K = 11 / LABEL_FONT;
/**
 * A graph whose readable view covers at most this many panels is shown readable and scrolled;
 * a bigger one is shown whole, as a shape, and read by zooming in.
 */
const READABLE_SCREENS = 4;
/** Room left around the graph at Fit, in screen pixels. */
export const FIT_PAD = 24;
/** One wheel notch (Chromium: deltaY 100 pixels) zooms by this factor. */
export const WHEEL_STEP = 1.1;

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface StartBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/**
 * The view at Fit. The layout flows left to right, so its breadth is its height:
 * 1. the whole graph when its labels stay readable (≥ 11 px);
 * 2. else its whole breadth, as large as fits (up to 100%), from its start at the left edge, to
 *    scroll along the flow (an 8-block chain is read at full size, not at 6 px);
 * 3. else, when the readable view is a few panels large, labels at the readable size, the start
 *    block at the left edge and centred vertically;
 * 4. else (a large graph) the whole graph, which shows its shape; zooming in shows the labels.
 */
export function fitView(content: Size, panel: Size, start?: StartBox): ViewTransform {
  const cw = Math.max(1, panel.width - 2 * FIT_PAD);
  const ch = Math.max(1, panel.height - 2 * FIT_PAD);
  const w = Math.max(1, content.width);
  const h = Math.max(1, content.height);
  const whole = Math.min(1, cw / w, ch / h);
  const centred = (k: number): ViewTransform => ({ k, x: FIT_PAD + (cw - w * k) / 2, y: FIT_PAD + (ch - h * k) / 2 });
  if (whole >= READABLE_K) return centred(whole);
  const breadth = Math.min(1, ch / h);
  if (breadth >= READABLE_K) return { k: breadth, x: FIT_PAD, y: FIT_PAD + (ch - h * breadth) / 2 };
  const k = READABLE_K;
  if (w * h * k * k > READABLE_SCREENS * cw * ch) return centred(whole);
  const startMid = start ? start.y + start.h / 2 : h / 2;
  // Centre the start vertically, without leaving empty space above the graph's top or below its bottom.
  const y = Math.min(FIT_PAD, Math.max(FIT_PAD + ch - h * k, FIT_PAD + ch / 2 - startMid * k));
  return { k, x: FIT_PAD, y };
}

/**
 * The zoom factor of one wheel event: WHEEL_STEP per notch of a mouse wheel, whatever unit the
 * browser reports it in; a trackpad's pinch (Ctrl + small deltas) zooms smoothly in proportion.
 */
export function wheelFactor(deltaY: number, deltaMode: number, ctrlKey: boolean): number {
  if (!Number.isFinite(deltaY) || deltaY === 0) return 1;
  if (ctrlKey && deltaMode === 0 && Math.abs(deltaY) < 50) return Math.exp(-deltaY * 0.01);
  // deltaMode 0: pixels (100 a notch in Chromium), 1: lines (3 a notch), 2: pages.
  const notches = deltaMode === 1 ? deltaY / 3 : deltaMode === 2 ? deltaY : deltaY / 100;
  return WHEEL_STEP ** -notches;
}
