import type { ViewTransform } from './scene';

export type { ViewTransform } from './scene';

/**
 * Pan and zoom of the graph: owns the view transform and tells `onChange` (GraphView repaints its
 * canvas in the next frame and moves its proxies with one CSS transform). Drag pans, the wheel
 * zooms around the pointer; keyboard zoom and fit are driven by main.ts.
 */

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
      this.zoomAt(Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.0015)), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    container.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || (e.target instanceof Element && e.target.closest('.node, .minimap'))) return;
      this.drag = { id: e.pointerId, x: e.clientX, y: e.clientY, moved: false };
      container.setPointerCapture(e.pointerId);
      container.classList.add('panning');
    });
    container.addEventListener('pointermove', (e) => {
      if (!this.drag || e.pointerId !== this.drag.id) return;
      this.panBy(e.clientX - this.drag.x, e.clientY - this.drag.y);
      this.drag = { ...this.drag, x: e.clientX, y: e.clientY, moved: true };
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

  fit(width: number, height: number): void {
    const pad = 24;
    const cw = Math.max(1, this.container.clientWidth - 2 * pad);
    const ch = Math.max(1, this.container.clientHeight - 2 * pad);
    const k = clamp(Math.min(1, cw / Math.max(1, width), ch / Math.max(1, height)));
    this.set({ k, x: pad + (cw - width * k) / 2, y: pad + (ch - height * k) / 2 });
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
