import type { EdgeView, GraphViewModel, NodeState } from '../../shared/protocol';
import { NODE_STATUSES } from '../../shared/protocol';
import type { Layout } from '../layout/types';
import { isEdgeTaken } from '../state';
import { metaLine } from './nodeText';
import { Minimap } from './minimap';
import { CanvasLayers } from './layers';
import type { PaintModel } from './painter';
import { ProxyLayer, buildProxy, placeProxy, styleProxy } from './proxies';
import type { ViewTransform } from './scene';
import { LABEL_FONT, NODE_H, NODE_W, TEXT_K, neighbourOf, nodeAt, visibleNodes, worldBox } from './scene';
import { ThemeReader } from './theme';

export { NODE_H, NODE_W } from './scene';

/** Up to this many nodes every node has its DOM proxy, wherever the view is (cheap at this size). */
const ALL_PROXIES_MAX = 300;
/** A big graph has proxies for the readable nodes on screen, up to this many. */
const PROXY_CAP = 600;
/** Proxies follow the view once it has rested this long: moving it costs no DOM work. */
const PROXY_REST_MS = 120;

const STATUS_INDEX = new Map(NODE_STATUSES.map((s, i) => [s, i]));

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

interface Model extends PaintModel {
  readonly metas: string[];
  selected: number;
  /** Edges touching node i are incident[incidentStart[i] .. incidentStart[i + 1]). */
  readonly incidentStart: Int32Array;
  readonly incident: Int32Array;
  /** 1 for a node at an end of an edge on a cycle: drawn with the problem border. */
  readonly onCycle: Uint8Array;
}

/**
 * The graph on a canvas, with DOM proxies for focus and screen readers (see proxies.ts).
 *
 * Chosen by measurement over the former renderer (one absolutely positioned HTML element per node
 * over one SVG of edges): at 5,000 nodes that was ~35,000 elements for Chromium to restyle on
 * every status change (52 ms to the painted frame) and to re-raster on zoom. Here a status change
 * updates a few typed-array entries and the next animation frame redraws that node (render/layers.ts); see
 * bench/results.md for the side-by-side figures.
 */
export class GraphView {
  private readonly layers: CanvasLayers;
  /** Holds the proxies; moved by one CSS transform, like the canvas's drawing. */
  private readonly world: HTMLDivElement;
  private readonly proxies: ProxyLayer;
  private readonly minimap: Minimap;
  private readonly theme: ThemeReader;
  private graph: GraphViewModel | undefined;
  private layout: Layout | undefined;
  private model: Model = emptyModel();
  private states: ReadonlyMap<string, NodeState> = new Map();
  private readonly indexOf = new Map<string, number>();
  private t: ViewTransform = { x: 0, y: 0, k: 1 };
  private width = 0;
  private height = 0;
  private proxyTimer: ReturnType<typeof setTimeout> | undefined;
  private focused = -1;

  constructor(
    private readonly container: HTMLElement,
    centreOn: (wx: number, wy: number) => void,
  ) {
    this.world = document.createElement('div');
    this.world.className = 'world';
    this.proxies = new ProxyLayer(this.world);
    this.theme = new ThemeReader(container);
    this.minimap = new Minimap(container, () => this.theme.palette, centreOn);
    container.prepend(this.world);
    this.layers = new CanvasLayers(container, () => this.model, () => this.theme.palette);
    this.theme.watch(() => {
      this.minimap.repaintNow();
      this.layers.everything();
    });
    new ResizeObserver(() => this.resize()).observe(container);
  }

  get size(): { width: number; height: number } {
    return { width: this.layout?.width ?? 0, height: this.layout?.height ?? 0 };
  }

  has(id: string): boolean {
    return this.indexOf.has(id);
  }

  /** A new structure: rebuilds the flat model and the proxies. */
  setGraph(graph: GraphViewModel, layout: Layout, states: ReadonlyMap<string, NodeState>): void {
    this.graph = graph;
    this.indexOf.clear();
    graph.nodes.forEach((n, i) => this.indexOf.set(n.id, i));
    const edges = connectedEdges(graph);
    const n = graph.nodes.length;
    const degree = new Int32Array(n + 1);
    for (const { s, t } of edges) {
      degree[s]!++;
      if (t !== s) degree[t]!++;
    }
    const incidentStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) incidentStart[i + 1] = incidentStart[i]! + degree[i]!;
    const fill = incidentStart.slice(0, n);
    const incident = new Int32Array(incidentStart[n] ?? 0);
    edges.forEach(({ s, t }, e) => {
      incident[fill[s]!++] = e;
      if (t !== s) incident[fill[t]!++] = e;
    });
    this.model = {
      xs: layout.xs,
      ys: layout.ys,
      edgeS: Int32Array.from(edges, (e) => e.s),
      edgeT: Int32Array.from(edges, (e) => e.t),
      routes: layout.routes,
      edgeLabels: edges.map((e) => e.edge.label),
      taken: new Uint8Array(edges.length),
      cycle: Uint8Array.from(edges, (e) => (e.edge.cycle ? 1 : 0)),
      status: new Uint8Array(n),
      problems: new Uint8Array(n),
      labels: graph.nodes.map((x) => x.label),
      kinds: graph.nodes.map((x) => x.kind),
      metas: new Array<string>(n).fill(''),
      selected: -1,
      incidentStart,
      incident,
      onCycle: cycleEnds(n, edges),
    };
    // For tests and tools reading the canvas's state: how many edges are drawn as on a cycle.
    this.container.dataset.cycleEdges = String(this.model.cycle.reduce((sum, c) => sum + c, 0));
    this.focused = -1;
    this.proxies.clear();
    this.layout = layout;
    this.restyleAll(states);
    this.minimap.setGraph(layout.xs, layout.ys, this.model.status, layout.width, layout.height);
    this.syncProxies();
  }

  applyLayout(layout: Layout): void {
    this.layout = layout;
    this.model = { ...this.model, xs: layout.xs, ys: layout.ys, routes: layout.routes };
    for (const i of this.proxyIndexes()) {
      const el = this.proxies.get(i);
      if (el) placeProxy(el, layout.xs[i] ?? 0, layout.ys[i] ?? 0);
    }
    this.minimap.setGraph(layout.xs, layout.ys, this.model.status, layout.width, layout.height);
    this.syncProxies();
    this.layers.everything();
  }

  restyleAll(states: ReadonlyMap<string, NodeState>): void {
    this.states = states;
    for (let i = 0; i < this.model.status.length; i++) this.restyleIndex(i);
    for (let e = 0; e < this.model.edgeS.length; e++) this.restyleEdge(e);
    this.minimap.invalidate();
    this.layers.everything();
  }

  /** Applies changed states to these nodes only (and their edges); the canvas repaints in the next frame. */
  restyle(ids: readonly string[], states: ReadonlyMap<string, NodeState>): void {
    this.states = states;
    const m = this.model;
    for (const id of ids) {
      const i = this.indexOf.get(id);
      if (i === undefined) continue;
      this.restyleIndex(i);
      this.layers.nodeChanged(i);
      for (let j = m.incidentStart[i]!; j < m.incidentStart[i + 1]!; j++) {
        const e = m.incident[j]!;
        const before = m.taken[e];
        this.restyleEdge(e);
        if (m.taken[e] !== before) this.layers.edgeChanged(e, m.taken[e] === 1);
      }
    }
    this.minimap.invalidate();
  }

  select(id: string | undefined): void {
    const previous = this.model.selected;
    this.model.selected = id === undefined ? -1 : (this.indexOf.get(id) ?? -1);
    for (const i of [previous, this.model.selected]) if (i >= 0) this.restyleIndex(i);
    this.syncProxies();
    this.layers.allNodes();
  }

  /** The view moved (pan, zoom, fit). */
  setTransform(t: ViewTransform): void {
    // The label size on screen, for tests and tools that read the canvas's state (only when it changes: panning writes nothing).
    if (t.k !== this.t.k || this.container.dataset.labelPx === undefined) this.container.dataset.labelPx = (LABEL_FONT * t.k).toFixed(1);
    this.t = t;
    this.world.style.transform = `translate(${t.x}px, ${t.y}px) scale(${t.k})`;
    this.minimap.showView(t, this.width, this.height);
    this.layers.view(t);
    if ((this.graph?.nodes.length ?? 0) > ALL_PROXIES_MAX) {
      clearTimeout(this.proxyTimer);
      this.proxyTimer = setTimeout(() => this.syncProxies(), PROXY_REST_MS);
    }
  }

  /** The node's proxy element, made if it had none; it stays while the node has focus. */
  focusElement(id: string): HTMLElement | undefined {
    const i = this.indexOf.get(id);
    if (i === undefined) return undefined;
    this.focused = i;
    this.syncProxies();
    return this.proxies.get(i);
  }

  /** The node's proxy element if it has one now. */
  proxyOf(id: string): HTMLElement | undefined {
    const i = this.indexOf.get(id);
    return i === undefined ? undefined : this.proxies.get(i);
  }

  /** The node a proxy element (or its child) belongs to. */
  idAt(target: EventTarget | null): string | undefined {
    const node = target instanceof Element ? target.closest<HTMLElement>('.node') : null;
    const i = node?.dataset.index === undefined ? undefined : Number(node.dataset.index);
    return i === undefined ? undefined : this.graph?.nodes[i]?.id;
  }

  /** The node painted under a client (viewport) point. */
  idAtPoint(clientX: number, clientY: number): string | undefined {
    const r = this.container.getBoundingClientRect();
    const i = nodeAt(this.model.xs, this.model.ys, (clientX - r.left - this.t.x) / this.t.k, (clientY - r.top - this.t.y) / this.t.k);
    return i < 0 ? undefined : this.graph?.nodes[i]?.id;
  }

  /** Box of a node in world coordinates. */
  boxOf(id: string): { x: number; y: number; w: number; h: number } | undefined {
    const i = this.indexOf.get(id);
    if (i === undefined || !this.layout) return undefined;
    return { x: this.layout.xs[i] ?? 0, y: this.layout.ys[i] ?? 0, w: NODE_W, h: NODE_H };
  }

  /** The nearest node from `fromId` in a direction, for arrow-key navigation. */
  neighbour(fromId: string, dx: number, dy: number): string | undefined {
    const from = this.indexOf.get(fromId);
    if (from === undefined) return undefined;
    const i = neighbourOf(this.model.xs, this.model.ys, from, dx, dy);
    return i < 0 ? undefined : this.graph?.nodes[i]?.id;
  }

  /** The box of the block the flow starts at (the leftmost; the first of those in the graph's order), for Fit. */
  startBox(): { x: number; y: number; w: number; h: number } | undefined {
    const xs = this.model.xs;
    let best = -1;
    for (let i = 0; i < xs.length; i++) if (best < 0 || (xs[i] as number) < (xs[best] as number)) best = i;
    return best < 0 ? undefined : { x: xs[best] as number, y: this.model.ys[best] as number, w: NODE_W, h: NODE_H };
  }

  firstNodeId(): string | undefined {
    return this.graph?.nodes[0]?.id;
  }

  private resize(): void {
    this.width = this.container.clientWidth;
    this.height = this.container.clientHeight;
    this.layers.resize(this.width, this.height);
    this.minimap.showView(this.t, this.width, this.height);
    this.syncProxies();
  }

  private restyleIndex(i: number): void {
    const node = this.graph?.nodes[i];
    if (!node) return;
    const state = this.states.get(node.id);
    const m = this.model;
    m.status[i] = STATUS_INDEX.get(state?.status ?? 'idle') ?? 0;
    m.problems[i] = state?.problems || m.onCycle[i] ? 1 : 0;
    m.metas[i] = metaLine(state);
    const el = this.proxies.get(i);
    if (el) styleProxy(el, node, state, i === m.selected);
  }

  private restyleEdge(e: number): void {
    const m = this.model;
    const nodes = this.graph?.nodes;
    if (!nodes) return;
    m.taken[e] = isEdgeTaken(this.states.get(nodes[m.edgeS[e]!]?.id ?? ''), this.states.get(nodes[m.edgeT[e]!]?.id ?? '')) ? 1 : 0;
  }

  private proxyIndexes(): number[] {
    const n = this.graph?.nodes.length ?? 0;
    if (n <= ALL_PROXIES_MAX) return Array.from({ length: n }, (_, i) => i);
    const out: number[] = [];
    if (this.t.k >= TEXT_K && this.width > 0) {
      const seen = new Int32Array(n);
      const count = visibleNodes(this.model.xs, this.model.ys, worldBox(this.t, this.width, this.height), seen);
      if (count <= PROXY_CAP) for (let j = 0; j < count; j++) out.push(seen[j]!);
    }
    for (const pinned of [this.focused, this.model.selected]) if (pinned >= 0 && !out.includes(pinned)) out.push(pinned);
    return out.sort((a, b) => a - b);
  }

  private syncProxies(): void {
    const graph = this.graph;
    const layout = this.layout;
    if (!graph || !layout) return;
    this.proxies.sync(this.proxyIndexes(), (i) => {
      const node = graph.nodes[i]!;
      const el = buildProxy(i, node, layout.xs[i] ?? 0, layout.ys[i] ?? 0);
      styleProxy(el, node, this.states.get(node.id), i === this.model.selected);
      return el;
    });
  }
}

function cycleEnds(n: number, edges: ReturnType<typeof connectedEdges>): Uint8Array {
  const on = new Uint8Array(n);
  for (const { edge, s, t } of edges) if (edge.cycle) on[s] = on[t] = 1;
  return on;
}

function emptyModel(): Model {
  return {
    xs: new Float64Array(0),
    ys: new Float64Array(0),
    edgeS: new Int32Array(0),
    edgeT: new Int32Array(0),
    routes: [],
    edgeLabels: [],
    taken: new Uint8Array(0),
    cycle: new Uint8Array(0),
    status: new Uint8Array(0),
    problems: new Uint8Array(0),
    labels: [],
    kinds: [],
    metas: [],
    selected: -1,
    incidentStart: new Int32Array(1),
    incident: new Int32Array(0),
    onCycle: new Uint8Array(0),
  };
}
