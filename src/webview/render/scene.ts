/**
 * Geometry of the drawn graph, with no DOM: what is on screen, what is under the pointer, which
 * node is next in a direction. Everything is a linear scan over typed arrays: at 10,000 nodes a
 * scan costs well under a millisecond, less than building and updating a spatial index would.
 */
export const NODE_W = 200;
export const NODE_H = 60;
/** A node's label is painted in this many world pixels (600 weight); the other lines are smaller. */
export const LABEL_FONT = 13;

/**
 * Level of detail: below this zoom a node is a few pixels tall and its text unreadable, so the
 * canvas draws status-coloured boxes and straight edges only (and no DOM proxies exist).
 */
export const TEXT_K = 0.4;

export interface ViewTransform {
  readonly x: number;
  readonly y: number;
  readonly k: number;
}

/** A rectangle in world coordinates. */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** The world rectangle a `width` × `height` screen area shows under transform `t`, grown by `margin` screen pixels. */
export function worldBox(t: ViewTransform, width: number, height: number, margin = 0): Box {
  return { x0: (-t.x - margin) / t.k, y0: (-t.y - margin) / t.k, x1: (width - t.x + margin) / t.k, y1: (height - t.y + margin) / t.k };
}

/** Indexes of the nodes that intersect `box`, written into `out`; returns how many. */
export function visibleNodes(xs: Float64Array, ys: Float64Array, box: Box, out: Int32Array): number {
  let count = 0;
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (x + NODE_W >= box.x0 && x <= box.x1 && y + NODE_H >= box.y0 && y <= box.y1) out[count++] = i;
  }
  return count;
}

/** The node under a world point, or -1. Nodes never overlap, so the first hit is the only one. */
export function nodeAt(xs: Float64Array, ys: Float64Array, wx: number, wy: number): number {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (wx >= x && wx <= x + NODE_W && wy >= y && wy <= y + NODE_H) return i;
  }
  return -1;
}

/**
 * The nearest node from node `from` in direction (dx, dy), for arrow-key navigation: ahead of it,
 * preferring nodes straight in line over nearer ones off to the side. -1 when there is none.
 */
export function neighbourOf(xs: Float64Array, ys: Float64Array, from: number, dx: number, dy: number): number {
  const cx = (xs[from] ?? 0) + NODE_W / 2;
  const cy = (ys[from] ?? 0) + NODE_H / 2;
  let best = -1;
  let bestScore = Infinity;
  for (let i = 0; i < xs.length; i++) {
    const ox = (xs[i] as number) + NODE_W / 2 - cx;
    const oy = (ys[i] as number) + NODE_H / 2 - cy;
    const along = ox * dx + oy * dy;
    if (along <= 1) continue;
    const score = along + 2 * Math.abs(ox * dy - oy * dx);
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/** Whether the segment's bounding box meets `box` (a cheap, conservative cull for edges). */
export function segmentMeets(x1: number, y1: number, x2: number, y2: number, box: Box): boolean {
  return Math.max(x1, x2) >= box.x0 && Math.min(x1, x2) <= box.x1 && Math.max(y1, y2) >= box.y0 && Math.min(y1, y2) <= box.y1;
}
