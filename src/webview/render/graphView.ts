import type { EdgeView, GraphViewModel, NodeState } from '../../shared/protocol';
import { isEdgeTaken } from '../state';
import type { Layout } from '../layout/types';
import { STATUS_GLYPH, metaLine } from './format';

export const NODE_W = 200;
export const NODE_H = 60;
const SVG_NS = 'http://www.w3.org/2000/svg';

/** The edges whose both ends exist, with their node indexes: the order layouts and routes use. */
export function connectedEdges(graph: GraphViewModel): Array<{ readonly edge: EdgeView; readonly s: number; readonly t: number }> {
  const index = new Map<string, number>();
  graph.nodes.forEach((n, i) => index.set(n.id, i));
  const out: Array<{ edge: EdgeView; s: number; t: number }> = [];
  for (const edge of graph.edges) {
    const s = index.get(edge.source);
    const t = index.get(edge.target);
    if (s !== undefined && t !== undefined) out.push({ edge, s, t });
  }
  return out;
}

interface NodeElements {
  readonly root: HTMLDivElement;
  readonly glyph: HTMLSpanElement;
  readonly meta: HTMLSpanElement;
  /** Indexes of edges touching the node, to restyle them with it. */
  readonly edges: number[];
}

/**
 * Draws the graph as absolutely positioned HTML nodes over one SVG of edges, all inside a
 * "world" element that the viewport moves with a single CSS transform.
 *
 * Security: every server-provided string (names, types, conditions, streamed text) reaches the
 * DOM through `textContent`, `title` or `aria-label` (all plain text), never `innerHTML`, so a
 * stage named `<img src=x onerror=…>` shows exactly those characters. Node ids are never used as
 * element ids or selectors; elements are found through the `index` maps below.
 *
 * Performance: nodes are built once per structure into a fragment. A status change restyles one
 * node (its class and two text nodes) and its incident edges, found by index: O(degree), no
 * re-render (see bench/graph-render.mjs).
 */
export class GraphView {
  readonly world: HTMLDivElement;
  private readonly svg: SVGSVGElement;
  private readonly edgeLayer: SVGGElement;
  private readonly labelLayer: HTMLDivElement;
  private readonly nodeLayer: HTMLDivElement;
  private graph: GraphViewModel | undefined;
  private nodes: NodeElements[] = [];
  private paths: SVGPathElement[] = [];
  private labels: Array<HTMLDivElement | undefined> = [];
  private edgeEnds: Array<readonly [number, number]> = [];
  private readonly indexOf = new Map<string, number>();
  private states: ReadonlyMap<string, NodeState> = new Map();
  private layout: Layout | undefined;
  private selected: string | undefined;

  constructor(container: HTMLElement) {
    this.world = el('div', 'world');
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.classList.add('edges');
    const defs = document.createElementNS(SVG_NS, 'defs');
    for (const [id, cls] of [
      ['arrow', 'arrow'],
      ['arrow-taken', 'arrow taken'],
    ] as const) {
      const marker = document.createElementNS(SVG_NS, 'marker');
      marker.setAttribute('id', id);
      marker.setAttribute('viewBox', '0 0 10 10');
      marker.setAttribute('refX', '10');
      marker.setAttribute('refY', '5');
      marker.setAttribute('markerWidth', '7');
      marker.setAttribute('markerHeight', '7');
      marker.setAttribute('orient', 'auto-start-reverse');
      const tip = document.createElementNS(SVG_NS, 'path');
      tip.setAttribute('d', 'M 0 0 L 10 5 L 0 10 z');
      tip.setAttribute('class', cls);
      marker.append(tip);
      defs.append(marker);
    }
    this.edgeLayer = document.createElementNS(SVG_NS, 'g');
    this.svg.append(defs, this.edgeLayer);
    this.labelLayer = el('div', 'edge-labels');
    this.nodeLayer = el('div', 'nodes');
    this.world.append(this.svg, this.labelLayer, this.nodeLayer);
    container.append(this.world);
  }

  get size(): { width: number; height: number } {
    return { width: this.layout?.width ?? 0, height: this.layout?.height ?? 0 };
  }

  /** Builds every element for a new structure. */
  setGraph(graph: GraphViewModel, layout: Layout, states: ReadonlyMap<string, NodeState>): void {
    this.graph = graph;
    this.states = states;
    this.indexOf.clear();
    graph.nodes.forEach((n, i) => this.indexOf.set(n.id, i));
    const nodeFrag = document.createDocumentFragment();
    this.nodes = graph.nodes.map((node, i) => {
      const root = el('div', 'node');
      root.tabIndex = -1;
      root.setAttribute('role', 'button');
      root.dataset.index = String(i);
      const glyph = el('span', 'glyph');
      glyph.setAttribute('aria-hidden', 'true');
      const label = el('span', 'label');
      label.textContent = node.label;
      const kind = el('span', 'kind');
      kind.textContent = node.kind;
      const meta = el('span', 'meta');
      root.title = `${node.label}\n${node.kind}`;
      root.append(glyph, label, kind, meta);
      nodeFrag.append(root);
      return { root, glyph, meta, edges: [] };
    });
    this.edgeEnds = [];
    const edgeFrag = document.createDocumentFragment();
    const labelFrag = document.createDocumentFragment();
    this.paths = [];
    this.labels = [];
    connectedEdges(graph).forEach(({ edge, s, t }) => {
      const e = this.edgeEnds.length;
      this.edgeEnds.push([s, t]);
      this.nodes[s]?.edges.push(e);
      if (t !== s) this.nodes[t]?.edges.push(e);
      const path = document.createElementNS(SVG_NS, 'path');
      path.setAttribute('class', 'edge');
      edgeFrag.append(path);
      this.paths.push(path);
      if (edge.label) {
        const label = el('div', 'edge-label');
        label.textContent = edge.label;
        labelFrag.append(label);
        this.labels.push(label);
      } else this.labels.push(undefined);
    });
    this.nodeLayer.replaceChildren(nodeFrag);
    this.edgeLayer.replaceChildren(edgeFrag);
    this.labelLayer.replaceChildren(labelFrag);
    this.applyLayout(layout);
    this.restyleAll(states);
  }

  applyLayout(layout: Layout): void {
    this.layout = layout;
    this.svg.setAttribute('width', String(layout.width + 20));
    this.svg.setAttribute('height', String(layout.height + 20));
    this.nodes.forEach((n, i) => {
      // CSSOM writes are not inline style markup: the CSP's style-src does not (and need not) allow them.
      n.root.style.transform = `translate(${layout.xs[i] ?? 0}px, ${layout.ys[i] ?? 0}px)`;
    });
    this.edgeEnds.forEach(([s, t], e) => {
      const route = layout.routes[e];
      const path = this.paths[e];
      if (!path) return;
      let mx: number;
      let my: number;
      if (route && route.length >= 4) {
        let d = `M${route[0]} ${route[1]}`;
        for (let k = 2; k + 1 < route.length; k += 2) d += ` L${route[k]} ${route[k + 1]}`;
        path.setAttribute('d', d);
        const mid = Math.floor(route.length / 4) * 2;
        mx = route[mid] ?? 0;
        my = route[mid + 1] ?? 0;
      } else {
        const x1 = (layout.xs[s] ?? 0) + NODE_W;
        const y1 = (layout.ys[s] ?? 0) + NODE_H / 2;
        const x2 = layout.xs[t] ?? 0;
        const y2 = (layout.ys[t] ?? 0) + NODE_H / 2;
        const c = Math.max(30, Math.abs(x2 - x1) / 2);
        path.setAttribute('d', `M${x1} ${y1} C${x1 + c} ${y1} ${x2 - c} ${y2} ${x2} ${y2}`);
        mx = (x1 + x2) / 2;
        my = (y1 + y2) / 2;
      }
      const label = this.labels[e];
      if (label) label.style.transform = `translate(${mx}px, ${my}px) translate(-50%, -50%)`;
    });
  }

  restyleAll(states: ReadonlyMap<string, NodeState>): void {
    this.states = states;
    for (let i = 0; i < this.nodes.length; i++) this.restyleIndex(i, false);
    for (let e = 0; e < this.edgeEnds.length; e++) this.restyleEdge(e);
  }

  /** Applies changed states to these nodes only (and their edges). */
  restyle(ids: readonly string[], states: ReadonlyMap<string, NodeState>): void {
    this.states = states;
    for (const id of ids) {
      const i = this.indexOf.get(id);
      if (i !== undefined) this.restyleIndex(i, true);
    }
  }

  select(id: string | undefined): void {
    const previous = this.selected;
    this.selected = id;
    for (const x of [previous, id]) {
      const i = x === undefined ? undefined : this.indexOf.get(x);
      if (i !== undefined) this.restyleIndex(i, false);
    }
  }

  elementOf(id: string): HTMLDivElement | undefined {
    const i = this.indexOf.get(id);
    return i === undefined ? undefined : this.nodes[i]?.root;
  }

  idAt(target: EventTarget | null): string | undefined {
    const node = target instanceof Element ? target.closest<HTMLElement>('.node') : null;
    const i = node?.dataset.index === undefined ? undefined : Number(node.dataset.index);
    return i === undefined ? undefined : this.graph?.nodes[i]?.id;
  }

  /** Box of a node in world coordinates. */
  boxOf(id: string): { x: number; y: number; w: number; h: number } | undefined {
    const i = this.indexOf.get(id);
    if (i === undefined || !this.layout) return undefined;
    return { x: this.layout.xs[i] ?? 0, y: this.layout.ys[i] ?? 0, w: NODE_W, h: NODE_H };
  }

  /** The nearest node from `fromId` in a direction, for arrow-key navigation. */
  neighbour(fromId: string, dx: number, dy: number): string | undefined {
    const from = this.boxOf(fromId);
    if (!from || !this.layout || !this.graph) return undefined;
    let best: string | undefined;
    let bestScore = Infinity;
    const cx = from.x + NODE_W / 2;
    const cy = from.y + NODE_H / 2;
    for (let i = 0; i < this.graph.nodes.length; i++) {
      const ox = (this.layout.xs[i] ?? 0) + NODE_W / 2 - cx;
      const oy = (this.layout.ys[i] ?? 0) + NODE_H / 2 - cy;
      const along = ox * dx + oy * dy;
      if (along <= 1) continue;
      const across = Math.abs(ox * dy - oy * dx);
      const score = along + 2 * across;
      if (score < bestScore) {
        bestScore = score;
        best = this.graph.nodes[i]?.id;
      }
    }
    return best;
  }

  firstNodeId(): string | undefined {
    return this.graph?.nodes[0]?.id;
  }

  private restyleIndex(i: number, withEdges: boolean): void {
    const n = this.nodes[i];
    const node = this.graph?.nodes[i];
    if (!n || !node) return;
    const state = this.states.get(node.id);
    const status = state?.status ?? 'idle';
    n.root.className = `node status-${status}${state?.problems ? ' has-problems' : ''}${node.id === this.selected ? ' selected' : ''}`;
    n.glyph.textContent = state?.problems && status === 'idle' ? '⚠' : STATUS_GLYPH[status];
    const meta = metaLine(state);
    if (n.meta.textContent !== meta) n.meta.textContent = meta;
    n.root.setAttribute('aria-label', `${node.label}, ${node.kind}, ${status}${meta ? `, ${meta}` : ''}`);
    if (withEdges) for (const e of n.edges) this.restyleEdge(e);
  }

  private restyleEdge(e: number): void {
    const ends = this.edgeEnds[e];
    const path = this.paths[e];
    const graph = this.graph;
    if (!ends || !path || !graph) return;
    const taken = isEdgeTaken(this.states.get(graph.nodes[ends[0]]?.id ?? ''), this.states.get(graph.nodes[ends[1]]?.id ?? ''));
    path.setAttribute('class', taken ? 'edge taken' : 'edge');
    path.setAttribute('marker-end', taken ? 'url(#arrow-taken)' : 'url(#arrow)');
    this.labels[e]?.classList.toggle('taken', taken);
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  return element;
}
