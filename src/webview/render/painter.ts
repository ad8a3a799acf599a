import type { NodeStatus } from '../../shared/protocol';
import { NODE_STATUSES } from '../../shared/protocol';
import { STATUS_GLYPH } from './nodeText';
import type { Box, ViewTransform } from './scene';
import { LABEL_FONT, NODE_H, NODE_W, TEXT_K, segmentMeets, visibleNodes, worldBox } from './scene';
import type { Palette } from './theme';

/** What the painter reads: flat arrays indexed by node and edge, kept current by GraphView. */
export interface PaintModel {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly edgeS: Int32Array;
  readonly edgeT: Int32Array;
  /** Per edge, a routed polyline from the layout library, or undefined for the painter's own curve. */
  readonly routes: ReadonlyArray<readonly number[] | undefined>;
  readonly edgeLabels: ReadonlyArray<string | undefined>;
  /** 1 when the run has taken the edge. */
  readonly taken: Uint8Array;
  /** 1 when the edge lies on a cycle (a looping graph file): drawn dashed in the error colour, over the others. */
  readonly cycle: Uint8Array;
  /** Index into NODE_STATUSES. */
  readonly status: Uint8Array;
  /** 1 when the previewed file has diagnostics on the node. */
  readonly problems: Uint8Array;
  readonly labels: readonly string[];
  readonly kinds: readonly string[];
  readonly metas: readonly string[];
  /** Index of the selected node, or -1. */
  readonly selected: number;
}

const SMALL_FONT = 11;
const TEXT_X = 30;
const TEXT_W = NODE_W - TEXT_X - 8;

/**
 * Paints the graph on two stacked 2D canvases: edges below (opaque), nodes above (transparent).
 * A full paint draws only what is on screen; between full paints, a status change redraws just
 * the nodes that changed and the edges it newly took (`redraw`), so its cost does not grow with
 * the graph: Chromium rasterizes only what was drawn since the last frame.
 *
 * Cost is kept to a handful of canvas calls per *kind* of thing rather than per node: boxes are
 * batched into one path per colour, edges into one path per style. Text is drawn only when it is
 * readable (zoom ≥ TEXT_K, which also bounds how many nodes can be on screen). All text reaches
 * the canvas through `fillText`, which draws characters and interprets nothing.
 */
export class Painter {
  private visible = new Int32Array(0);
  private readonly ellipsis = new Map<string, string>();

  paintEdges(ctx: CanvasRenderingContext2D, m: PaintModel, t: ViewTransform, size: Size, palette: Palette): void {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = palette.background;
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    if (m.xs.length === 0) return;
    place(ctx, t, size);
    this.edges(ctx, m, undefined, viewBox(t, size), t.k, palette);
  }

  paintNodes(ctx: CanvasRenderingContext2D, m: PaintModel, t: ViewTransform, size: Size, palette: Palette): void {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    if (m.xs.length === 0) return;
    place(ctx, t, size);
    if (this.visible.length < m.xs.length) this.visible = new Int32Array(m.xs.length);
    const count = visibleNodes(m.xs, m.ys, viewBox(t, size), this.visible);
    this.nodes(ctx, m, this.visible, count, t.k, palette);
  }

  /**
   * Draws over the last full paint (made at transform `t`): nodes `dirty` afresh, and edges
   * `taken` (newly taken: drawn over their untaken look). Nodes never overlap, so clearing a
   * node's box and drawing it again is exact.
   */
  redraw(edges: CanvasRenderingContext2D, nodes: CanvasRenderingContext2D, m: PaintModel, dirty: readonly number[], taken: readonly number[], t: ViewTransform, size: Size, palette: Palette): void {
    if (taken.length > 0) {
      place(edges, t, size);
      this.edges(edges, m, taken, viewBox(t, size), t.k, palette);
    }
    if (dirty.length === 0) return;
    place(nodes, t, size);
    for (const i of dirty) nodes.clearRect(m.xs[i] as number, m.ys[i] as number, NODE_W, NODE_H);
    this.nodes(nodes, m, dirty, dirty.length, t.k, palette);
  }

  private nodes(ctx: CanvasRenderingContext2D, m: PaintModel, list: ArrayLike<number>, count: number, k: number, palette: Palette): void {
    if (k >= TEXT_K) this.nearNodes(ctx, m, list, count, palette);
    else this.farNodes(ctx, m, list, count, palette);
    if (m.selected >= 0) this.selection(ctx, m, k, palette);
  }

  /** Edges `only` (or all), culled to `box`: one path for the untaken ones, one for the taken, one for those on a cycle. */
  private edges(ctx: CanvasRenderingContext2D, m: PaintModel, only: readonly number[] | undefined, box: Box, k: number, palette: Palette): void {
    const near = k >= TEXT_K;
    const px = 1 / k;
    const total = only ? only.length : m.edgeS.length;
    for (const kind of [0, 1, 2] as const) {
      ctx.beginPath();
      const arrows = new Path2D();
      let any = false;
      for (let j = 0; j < total; j++) {
        const e = only ? (only[j] as number) : j;
        if ((m.cycle[e] ? 2 : m.taken[e]) !== kind) continue;
        const s = m.edgeS[e] as number;
        const t = m.edgeT[e] as number;
        const x1 = (m.xs[s] as number) + NODE_W;
        const y1 = (m.ys[s] as number) + NODE_H / 2;
        const x2 = m.xs[t] as number;
        const y2 = (m.ys[t] as number) + NODE_H / 2;
        const route = m.routes[e];
        if (route && route.length >= 4) {
          if (!routeMeets(route, box)) continue;
          ctx.moveTo(route[0] as number, route[1] as number);
          for (let i = 2; i + 1 < route.length; i += 2) ctx.lineTo(route[i] as number, route[i + 1] as number);
          if (near) arrowHead(arrows, route[route.length - 4] as number, route[route.length - 3] as number, route[route.length - 2] as number, route[route.length - 1] as number);
        } else if (x2 < x1) {
          // A back edge (a cycle, before the final layout routes it): a loop under both nodes,
          // so it is not hidden behind the nodes it passes. Rare: not culled.
          const c = 60;
          const dip = NODE_H;
          ctx.moveTo(x1, y1);
          ctx.bezierCurveTo(x1 + c, y1 + dip * 1.5, x2 - c, y2 + dip * 1.5, x2, y2);
          if (near) arrowHead(arrows, x2 - 6, y2 + 6, x2, y2);
        } else {
          // The curve's control points lie within the box of its ends, so that box culls it.
          if (!segmentMeets(x1, y1, x2, y2, box)) continue;
          ctx.moveTo(x1, y1);
          if (near) {
            const c = Math.max(30, Math.abs(x2 - x1) / 2);
            ctx.bezierCurveTo(x1 + c, y1, x2 - c, y2, x2, y2);
            arrowHead(arrows, x2 - 10, y2, x2, y2);
          } else ctx.lineTo(x2, y2);
        }
        any = true;
      }
      if (!any) continue;
      ctx.strokeStyle = kind === 2 ? palette.error : kind === 1 ? palette.edgeTaken : palette.edge;
      ctx.lineWidth = near ? (kind ? 2.6 : 1.2) : (kind ? 2 : 1) * px;
      ctx.setLineDash(kind === 2 ? (near ? [8, 4] : [8 * px, 4 * px]) : []);
      ctx.stroke();
      ctx.setLineDash([]);
      if (near) {
        ctx.fillStyle = ctx.strokeStyle;
        ctx.fill(arrows);
      }
    }
    if (near) this.edgeLabels(ctx, m, only, box, palette);
  }

  private edgeLabels(ctx: CanvasRenderingContext2D, m: PaintModel, only: readonly number[] | undefined, box: Box, palette: Palette): void {
    ctx.font = `${SMALL_FONT}px ${palette.fontFamily}`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    const total = only ? only.length : m.edgeS.length;
    for (let j = 0; j < total; j++) {
      const e = only ? (only[j] as number) : j;
      const text = m.edgeLabels[e];
      if (!text) continue;
      const [mx, my] = edgeMiddle(m, e);
      if (mx < box.x0 || mx > box.x1 || my < box.y0 || my > box.y1) continue;
      const shown = this.fit(ctx, text, 132);
      const w = ctx.measureText(shown).width + 8;
      ctx.fillStyle = palette.background;
      ctx.fillRect(mx - w / 2, my - 8, w, 16);
      ctx.strokeStyle = m.taken[e] ? palette.edgeTaken : palette.nodeBorder;
      ctx.lineWidth = 1;
      ctx.strokeRect(mx - w / 2, my - 8, w, 16);
      ctx.fillStyle = m.taken[e] ? palette.text : palette.muted;
      ctx.fillText(shown, mx, my);
    }
    ctx.textAlign = 'start';
  }

  /** Zoomed out: each node a box filled with its status colour, one path per colour. */
  private farNodes(ctx: CanvasRenderingContext2D, m: PaintModel, list: ArrayLike<number>, count: number, palette: Palette): void {
    for (let s = 0; s < NODE_STATUSES.length; s++) {
      const status = NODE_STATUSES[s] as NodeStatus;
      ctx.beginPath();
      let any = false;
      for (let j = 0; j < count; j++) {
        const i = list[j] as number;
        if (m.status[i] !== s || m.problems[i]) continue;
        ctx.rect(m.xs[i] as number, m.ys[i] as number, NODE_W, NODE_H);
        any = true;
      }
      if (any) {
        ctx.fillStyle = status === 'idle' ? palette.nodeBorder : palette.status[status];
        ctx.fill();
      }
    }
    ctx.beginPath();
    let problems = false;
    for (let j = 0; j < count; j++) {
      const i = list[j] as number;
      if (!m.problems[i]) continue;
      ctx.rect(m.xs[i] as number, m.ys[i] as number, NODE_W, NODE_H);
      problems = true;
    }
    if (problems) {
      ctx.fillStyle = palette.error;
      ctx.fill();
    }
  }

  /** Zoomed in: the full node, as the DOM renderer drew it (box, status bar, glyph, three lines of text). */
  private nearNodes(ctx: CanvasRenderingContext2D, m: PaintModel, list: ArrayLike<number>, count: number, palette: Palette): void {
    const hc = palette.highContrast ? 2 : 1;
    ctx.beginPath();
    for (let j = 0; j < count; j++) {
      const i = list[j] as number;
      ctx.roundRect(m.xs[i] as number, m.ys[i] as number, NODE_W, NODE_H, 4);
    }
    ctx.fillStyle = palette.nodeFill;
    ctx.fill();
    // Borders: the status also shows in the border's style (dashed queued, dotted skipped), not only in colour.
    for (const [dash, colour, pick] of [
      [[], palette.nodeBorder, (i: number) => !m.problems[i] && m.status[i] !== QUEUED && m.status[i] !== SKIPPED && m.status[i] !== FAILED],
      [[5, 3], palette.nodeBorder, (i: number) => !m.problems[i] && m.status[i] === QUEUED],
      [[2, 2], palette.nodeBorder, (i: number) => !m.problems[i] && m.status[i] === SKIPPED],
      [[], palette.error, (i: number) => !!m.problems[i] || m.status[i] === FAILED],
    ] as const) {
      ctx.beginPath();
      let any = false;
      for (let j = 0; j < count; j++) {
        const i = list[j] as number;
        if (!pick(i)) continue;
        ctx.roundRect((m.xs[i] as number) + 0.5, (m.ys[i] as number) + 0.5, NODE_W - 1, NODE_H - 1, 4);
        any = true;
      }
      if (!any) continue;
      ctx.setLineDash([...dash]);
      ctx.strokeStyle = colour;
      ctx.lineWidth = hc;
      ctx.stroke();
    }
    ctx.setLineDash([]);
    for (let s = 0; s < NODE_STATUSES.length; s++) {
      ctx.beginPath();
      let any = false;
      for (let j = 0; j < count; j++) {
        const i = list[j] as number;
        if (m.status[i] !== s) continue;
        ctx.rect(m.xs[i] as number, m.ys[i] as number, 4, NODE_H);
        any = true;
      }
      if (!any) continue;
      const status = NODE_STATUSES[s] as NodeStatus;
      ctx.fillStyle = status === 'idle' ? palette.nodeBorder : palette.status[status];
      ctx.fill();
    }
    this.texts(ctx, m, list, count, palette);
  }

  private texts(ctx: CanvasRenderingContext2D, m: PaintModel, list: ArrayLike<number>, count: number, palette: Palette): void {
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    ctx.font = `14px ${palette.fontFamily}`;
    for (let j = 0; j < count; j++) {
      const i = list[j] as number;
      const status = NODE_STATUSES[m.status[i] as number] as NodeStatus;
      const problem = m.problems[i] && status === 'idle';
      ctx.fillStyle = problem ? palette.warning : status === 'idle' ? palette.muted : palette.status[status];
      ctx.fillText(problem ? '⚠' : STATUS_GLYPH[status], (m.xs[i] as number) + 17, (m.ys[i] as number) + NODE_H / 2);
    }
    ctx.textAlign = 'start';
    ctx.font = `600 ${LABEL_FONT}px ${palette.fontFamily}`;
    ctx.fillStyle = palette.text;
    for (let j = 0; j < count; j++) {
      const i = list[j] as number;
      const x = (m.xs[i] as number) + TEXT_X;
      const y = (m.ys[i] as number) + 15;
      const label = this.fit(ctx, m.labels[i] ?? '', TEXT_W);
      ctx.fillText(label, x, y);
      if (NODE_STATUSES[m.status[i] as number] === 'cancelled') ctx.fillRect(x, y, ctx.measureText(label).width, 1);
    }
    ctx.font = `${SMALL_FONT}px ${palette.fontFamily}`;
    ctx.fillStyle = palette.muted;
    for (let j = 0; j < count; j++) {
      const i = list[j] as number;
      ctx.fillText(this.fit(ctx, m.kinds[i] ?? '', TEXT_W), (m.xs[i] as number) + TEXT_X, (m.ys[i] as number) + 33);
      const meta = m.metas[i];
      if (meta) ctx.fillText(this.fit(ctx, meta, TEXT_W), (m.xs[i] as number) + TEXT_X, (m.ys[i] as number) + 49);
    }
  }

  private selection(ctx: CanvasRenderingContext2D, m: PaintModel, k: number, palette: Palette): void {
    const i = m.selected;
    const px = 1 / k;
    ctx.strokeStyle = palette.focus;
    ctx.lineWidth = 2 * Math.max(1, px);
    const pad = 2 * Math.max(1, px);
    ctx.strokeRect((m.xs[i] as number) - pad, (m.ys[i] as number) - pad, NODE_W + 2 * pad, NODE_H + 2 * pad);
  }

  /** `text` shortened with an ellipsis to fit `max` pixels in the current font (cached: measuring is the costly part). */
  private fit(ctx: CanvasRenderingContext2D, text: string, max: number): string {
    const key = `${ctx.font}\u0000${max}\u0000${text}`;
    const hit = this.ellipsis.get(key);
    if (hit !== undefined) return hit;
    let out = text;
    if (ctx.measureText(text).width > max) {
      let lo = 0;
      let hi = text.length;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (ctx.measureText(`${text.slice(0, mid)}…`).width <= max) lo = mid;
        else hi = mid - 1;
      }
      out = `${text.slice(0, lo)}…`;
    }
    if (this.ellipsis.size > 20_000) this.ellipsis.clear();
    this.ellipsis.set(key, out);
    return out;
  }
}

/** The CSS size of the view, the overscan around it that the canvases also cover, and the pixel ratio. */
export interface Size {
  readonly width: number;
  readonly height: number;
  readonly margin: number;
  readonly dpr: number;
}

/** Sets the drawing transform: world → canvas pixels, for view transform `t`. */
function place(ctx: CanvasRenderingContext2D, t: ViewTransform, size: Size): void {
  const d = size.dpr;
  ctx.setTransform(d * t.k, 0, 0, d * t.k, d * (t.x + size.margin), d * (t.y + size.margin));
}

/** The world box the canvases cover (the view and its overscan). */
function viewBox(t: ViewTransform, size: Size): Box {
  return worldBox(t, size.width, size.height, size.margin + 4);
}

const QUEUED = NODE_STATUSES.indexOf('queued');
const SKIPPED = NODE_STATUSES.indexOf('skipped');
const FAILED = NODE_STATUSES.indexOf('failed');

/** The point where an edge's condition label sits: the middle of its route, or of its two ends. */
export function edgeMiddle(m: Pick<PaintModel, 'xs' | 'ys' | 'edgeS' | 'edgeT' | 'routes'>, e: number): [number, number] {
  const route = m.routes[e];
  if (route && route.length >= 4) {
    const mid = Math.floor(route.length / 4) * 2;
    return [route[mid] as number, route[mid + 1] as number];
  }
  const s = m.edgeS[e] as number;
  const t = m.edgeT[e] as number;
  const x1 = (m.xs[s] as number) + NODE_W;
  const x2 = m.xs[t] as number;
  const y = ((m.ys[s] as number) + (m.ys[t] as number) + NODE_H) / 2;
  // A back edge's loop (see edges()) is lowest half-way: 1.125 × its dip below the ends.
  return [(x1 + x2) / 2, x2 < x1 ? y + 1.125 * NODE_H : y];
}

function routeMeets(route: readonly number[], box: Box): boolean {
  for (let i = 0; i + 3 < route.length; i += 2) {
    if (segmentMeets(route[i] as number, route[i + 1] as number, route[i + 2] as number, route[i + 3] as number, box)) return true;
  }
  return false;
}

function arrowHead(path: Path2D, fx: number, fy: number, x: number, y: number): void {
  const a = Math.atan2(y - fy, x - fx);
  const size = 7;
  path.moveTo(x, y);
  path.lineTo(x - size * Math.cos(a - 0.45), y - size * Math.sin(a - 0.45));
  path.lineTo(x - size * Math.cos(a + 0.45), y - size * Math.sin(a + 0.45));
  path.closePath();
}
