import type { PaintModel, Size } from './painter';
import { Painter } from './painter';
import type { ViewTransform } from './scene';
import { visibleNodes, worldBox } from './scene';
import type { Palette } from './theme';

/** Overscan on each side of the view, in CSS pixels: a short pan never uncovers unpainted canvas. */
const MARGIN = 128;
/**
 * Above this many nodes in view a full repaint costs more than a frame (Chromium rasterizes
 * canvas in software in a webview without GPU; bench/graph-render.mjs), so while the view moves
 * the last picture is moved and scaled by the compositor, and repainted once the view rests.
 */
const HEAVY_NODES = 400;
const REST_MS = 90;

/**
 * The two canvases of the graph (edges under nodes) and when to paint them: fully after the view
 * moved or the structure changed, incrementally after status changes, always inside an animation
 * frame so a change is on screen in the next one.
 */
export class CanvasLayers {
  private readonly edges: HTMLCanvasElement;
  private readonly nodes: HTMLCanvasElement;
  private readonly edgeCtx: CanvasRenderingContext2D;
  private readonly nodeCtx: CanvasRenderingContext2D;
  private readonly painter = new Painter();
  private size: Size = { width: 0, height: 0, margin: MARGIN, dpr: 1 };
  /** The transform of the last full paint: what the canvases' pixels show. */
  private painted: ViewTransform | undefined;
  private target: ViewTransform = { x: 0, y: 0, k: 1 };
  private fullEdges = true;
  private fullNodes = true;
  private readonly dirty = new Set<number>();
  private readonly taken = new Set<number>();
  private frame = 0;
  private restTimer: ReturnType<typeof setTimeout> | undefined;
  private scratch = new Int32Array(0);

  constructor(
    parent: HTMLElement,
    private readonly model: () => PaintModel,
    private readonly palette: () => Palette,
  ) {
    this.edges = canvas('graph-canvas graph-edges');
    this.nodes = canvas('graph-canvas graph-nodes');
    const e = this.edges.getContext('2d', { alpha: false });
    const n = this.nodes.getContext('2d');
    if (!e || !n) throw new Error('this webview cannot draw on a canvas');
    this.edgeCtx = e;
    this.nodeCtx = n;
    parent.prepend(this.edges, this.nodes);
  }

  /** The view's CSS size changed: resize and repaint now (resizing cleared the canvases). */
  resize(width: number, height: number): void {
    const dpr = window.devicePixelRatio || 1;
    this.size = { width, height, margin: MARGIN, dpr };
    for (const c of [this.edges, this.nodes]) {
      c.width = Math.max(1, Math.round((width + 2 * MARGIN) * dpr));
      c.height = Math.max(1, Math.round((height + 2 * MARGIN) * dpr));
      c.style.width = `${width + 2 * MARGIN}px`;
      c.style.height = `${height + 2 * MARGIN}px`;
    }
    this.everything();
    this.flush();
  }

  /** The view moved. */
  view(t: ViewTransform): void {
    this.target = t;
    clearTimeout(this.restTimer);
    if (this.painted && this.heavy(t)) {
      // Move the last picture now; paint it properly once the view has rested.
      this.composite(t);
      this.restTimer = setTimeout(() => this.everything(), REST_MS);
      return;
    }
    this.everything();
  }

  /** Repaint all (structure, layout, theme or selection changed). */
  everything(): void {
    this.fullEdges = this.fullNodes = true;
    this.schedule();
  }

  /** Repaint all nodes but not the edges (the selection moved). */
  allNodes(): void {
    this.fullNodes = true;
    this.schedule();
  }

  nodeChanged(i: number): void {
    this.dirty.add(i);
    this.schedule();
  }

  /** An edge's taken state changed: newly taken ones are drawn over; an edge no longer taken needs the edges repainted. */
  edgeChanged(e: number, nowTaken: boolean): void {
    if (nowTaken) this.taken.add(e);
    else this.fullEdges = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.flush();
    });
  }

  private flush(): void {
    const m = this.model();
    const palette = this.palette();
    if (this.fullEdges || this.fullNodes) {
      // A full paint is always at the current view; the compositor's stand-in transform goes.
      if (this.painted !== this.target) {
        this.fullEdges = this.fullNodes = true;
        this.painted = this.target;
        this.composite(this.target);
      }
      if (this.fullEdges) this.painter.paintEdges(this.edgeCtx, m, this.target, this.size, palette);
      if (this.fullNodes) this.painter.paintNodes(this.nodeCtx, m, this.target, this.size, palette);
      // What was pending incrementally is in the full paint of its layer; the other layer still needs it.
      if (this.fullEdges) this.taken.clear();
      if (this.fullNodes) this.dirty.clear();
      this.fullEdges = this.fullNodes = false;
    }
    if ((this.dirty.size || this.taken.size) && this.painted) {
      this.painter.redraw(this.edgeCtx, this.nodeCtx, m, [...this.dirty], [...this.taken], this.painted, this.size, palette);
    }
    this.dirty.clear();
    this.taken.clear();
  }

  /** Shows the canvases painted at `painted` as they would look at `t`, by a CSS transform alone. */
  private composite(t: ViewTransform): void {
    const p = this.painted ?? t;
    const s = t.k / p.k;
    const tx = s * (-MARGIN - p.x) + t.x + MARGIN;
    const ty = s * (-MARGIN - p.y) + t.y + MARGIN;
    const transform = p === t ? '' : `translate(${tx}px, ${ty}px) scale(${s})`;
    this.edges.style.transform = transform;
    this.nodes.style.transform = transform;
  }

  private heavy(t: ViewTransform): boolean {
    const m = this.model();
    if (m.xs.length <= HEAVY_NODES) return false;
    if (this.scratch.length < m.xs.length) this.scratch = new Int32Array(m.xs.length);
    return visibleNodes(m.xs, m.ys, worldBox(t, this.size.width, this.size.height, MARGIN), this.scratch) > HEAVY_NODES;
  }
}

function canvas(className: string): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.className = className;
  // A picture only: the DOM proxies and the container's label speak for it.
  c.setAttribute('aria-hidden', 'true');
  return c;
}
