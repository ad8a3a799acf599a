import type { ViewTransform } from './scene';
import type { StartBox } from './zoom';
import { fitView, wheelFactor } from './zoom';

export type { ViewTransform } from './scene';

/**
 * Pan and zoom of the graph: owns the view transform and tells `onChange` (GraphView repaints its
 * canvas in the next frame and moves its proxies with one CSS transform). A drag pans wherever it
 * starts, on a node too (a press without movement stays a click, which selects); the wheel zooms
 * around the pointer, about 10% a notch; keyboard zoom and fit are driven by main.ts.
 */

/** A press that moves less than this many pixels is a click, not a drag. */
export const DRAG_SLOP = 4;

const MIN_K = 0.05;
const MAX_K = 3;

export class Viewport {
  private t: ViewTransform = { x: 0, y: 0, k: 1 };
  private drag: { id: number; x: number; y: number; moved: boolean } | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly onChange: (t: ViewTransform) => void,
  ) {
    container.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = container.getBoundingClientRect();
      this.zoomAt(wheelFactor(e.deltaY, e.deltaMode, e.ctrlKey), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    container.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || (e.target instanceof Element && e.target.closest('.minimap'))) return;
      this.drag = { id: e.pointerId, x: e.clientX, y: e.clientY, moved: false };
    });
    container.addEventListener('pointermove', (e) => {
      const drag = this.drag;
      if (!drag || e.pointerId !== drag.id) return;
      // Not a drag until it moves past the slop: the pointer is captured (and the node under it
      // stops getting the events) only then, so a plain click on a node still reaches it.
      if (!drag.moved && Math.hypot(e.clientX - drag.x, e.clientY - drag.y) < DRAG_SLOP) return;
      if (!drag.moved) {
        container.setPointerCapture(e.pointerId);
        container.classList.add('panning');
      }
      this.panBy(e.clientX - drag.x, e.clientY - drag.y);
      this.drag = { ...drag, x: e.clientX, y: e.clientY, moved: true };
    });
    const end = (e: PointerEvent): void => {
      if (this.drag?.id !== e.pointerId) return;
      this.drag = undefined;
      container.classList.remove('panning');
    };
    container.addEventListener('pointerup', end);
    container.addEventListener('pointercancel', end);
  }

  get transform(): ViewTransform {
    return this.t;
  }

  set(t: ViewTransform): void {
    this.t = { x: t.x, y: t.y, k: clamp(t.k) };
    this.onChange(this.t);
  }

  panBy(dx: number, dy: number): void {
    this.set({ ...this.t, x: this.t.x + dx, y: this.t.y + dy });
  }

  zoomAt(factor: number, cx: number, cy: number): void {
    const k = clamp(this.t.k * factor);
    const f = k / this.t.k;
    this.set({ k, x: cx - (cx - this.t.x) * f, y: cy - (cy - this.t.y) * f });
  }

  /** Centres the view on a world point (the minimap's jump). */
  centreOn(wx: number, wy: number): void {
    this.set({ ...this.t, x: this.container.clientWidth / 2 - wx * this.t.k, y: this.container.clientHeight / 2 - wy * this.t.k });
  }

  zoomCentre(factor: number): void {
    this.zoomAt(factor, this.container.clientWidth / 2, this.container.clientHeight / 2);
  }

  /** Fits the graph as zoom.ts's fitView decides; `start` is the block the flow starts at. */
  fit(width: number, height: number, start?: StartBox): void {
    this.set(fitView({ width, height }, { width: this.container.clientWidth, height: this.container.clientHeight }, start));
  }

  /** Pans the least needed to show a world-space box. */
  reveal(box: { x: number; y: number; w: number; h: number }): void {
    const pad = 32;
    const { x, y, k } = this.t;
    const left = box.x * k + x;
    const top = box.y * k + y;
    const right = left + box.w * k;
    const bottom = top + box.h * k;
    let dx = 0;
    let dy = 0;
    if (left < pad) dx = pad - left;
    else if (right > this.container.clientWidth - pad) dx = this.container.clientWidth - pad - right;
    if (top < pad) dy = pad - top;
    else if (bottom > this.container.clientHeight - pad) dy = this.container.clientHeight - pad - bottom;
    if (dx || dy) this.panBy(dx, dy);
  }
}

function clamp(k: number): number {
  return Math.min(MAX_K, Math.max(MIN_K, Number.isFinite(k) ? k : 1));
}
