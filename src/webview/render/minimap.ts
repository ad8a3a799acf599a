import type { NodeStatus } from '../../shared/protocol';
import { NODE_STATUSES } from '../../shared/protocol';
import type { ViewTransform } from './scene';
import { NODE_H, NODE_W } from './scene';
import type { Palette } from './theme';

/** Graphs from this many nodes get the overview: below it the whole graph fits readably. */
export const MINIMAP_MIN_NODES = 60;
const MAX_W = 200;
const MAX_H = 130;
/** Status changes repaint the overview at most this often: it is a glance, not the live view. */
const REPAINT_MS = 250;

/**
 * The overview in the graph's corner: every node as a status-coloured dot and a frame showing what
 * the main view shows. Clicking or dragging in it moves the main view there. It is a pointer aid
 * (keyboard users have F to fit and the arrow keys), so it is hidden from screen readers.
 */
export class Minimap {
  readonly element: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly frame: HTMLDivElement;
  private scale = 1;
  private width = 0;
  private height = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private source: { xs: Float64Array; ys: Float64Array; status: Uint8Array; w: number; h: number } | undefined;

  constructor(
    parent: HTMLElement,
    private readonly palette: () => Palette,
    private readonly centreOn: (wx: number, wy: number) => void,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'minimap';
    this.element.setAttribute('aria-hidden', 'true');
    this.element.hidden = true;
    this.canvas = document.createElement('canvas');
    this.frame = document.createElement('div');
    this.frame.className = 'minimap-frame';
    this.element.append(this.canvas, this.frame);
    parent.append(this.element);
    const jump = (e: PointerEvent): void => {
      const r = this.canvas.getBoundingClientRect();
      this.centreOn((e.clientX - r.left) / this.scale, (e.clientY - r.top) / this.scale);
    };
    this.element.addEventListener('pointerdown', (e) => {
      e.stopPropagation();
      this.element.setPointerCapture(e.pointerId);
      jump(e);
    });
    this.element.addEventListener('pointermove', (e) => {
      if (this.element.hasPointerCapture(e.pointerId)) jump(e);
    });
  }

  /** A new graph (or layout): shown only from MINIMAP_MIN_NODES. */
  setGraph(xs: Float64Array, ys: Float64Array, status: Uint8Array, w: number, h: number): void {
    this.source = { xs, ys, status, w, h };
    this.element.hidden = xs.length < MINIMAP_MIN_NODES;
    if (this.element.hidden) return;
    this.scale = Math.min(MAX_W / Math.max(1, w), MAX_H / Math.max(1, h));
    this.width = Math.max(20, Math.ceil(w * this.scale));
    this.height = Math.max(20, Math.ceil(h * this.scale));
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = this.width * dpr;
    this.canvas.height = this.height * dpr;
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
    this.repaintNow();
  }

  /** Statuses changed: repaint soon, at most every REPAINT_MS. */
  invalidate(): void {
    if (this.element.hidden || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.repaintNow();
    }, REPAINT_MS);
  }

  /** Moves the frame to what a `vw` × `vh` view shows under `t`. */
  showView(t: ViewTransform, vw: number, vh: number): void {
    if (this.element.hidden) return;
    const s = this.scale / t.k;
    const x = Math.max(0, -t.x * s);
    const y = Math.max(0, -t.y * s);
    const w = Math.min(this.width, (-t.x + vw) * s) - x;
    const h = Math.min(this.height, (-t.y + vh) * s) - y;
    this.frame.style.transform = `translate(${x}px, ${y}px)`;
    this.frame.style.width = `${Math.max(2, w)}px`;
    this.frame.style.height = `${Math.max(2, h)}px`;
  }

  repaintNow(): void {
    const src = this.source;
    const ctx = this.canvas.getContext('2d');
    if (!src || !ctx || this.element.hidden) return;
    const palette = this.palette();
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = palette.background;
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(dpr * this.scale, 0, 0, dpr * this.scale, 0, 0);
    // A node is drawn at least a pixel tall, or a large graph's overview would be blank.
    const minH = 1 / this.scale;
    for (let s = 0; s < NODE_STATUSES.length; s++) {
      ctx.beginPath();
      for (let i = 0; i < src.xs.length; i++) if (src.status[i] === s) ctx.rect(src.xs[i] as number, src.ys[i] as number, NODE_W, Math.max(NODE_H, minH));
      const status = NODE_STATUSES[s] as NodeStatus;
      ctx.fillStyle = status === 'idle' ? palette.nodeBorder : palette.status[status];
      ctx.fill();
    }
  }
}
