import './webview.css';
import type { GraphViewModel, HostToWebview, NodeDetails, PanelHeader } from '../shared/protocol';
import { onMessage, post, uiState, updateUi } from './host';
import { LayoutClient } from './layout/client';
import type { Layout } from './layout/types';
import { DetailsPane } from './render/details';
import { EmptyStateView } from './render/emptyState';
import { GraphView, NODE_H, NODE_W, connectedEdges } from './render/graphView';
import { DRAG_SLOP, Viewport } from './render/viewport';
import type { Effect, ViewState } from './state';
import { initialState, reduce } from './state';
import { TimelinePanel } from './timeline/panel';

/**
 * The graph panel's webview program. The host owns the truth and sends a versioned snapshot and
 * patches (see src/shared/protocol.ts); this side lays out, draws, and reports what the user did.
 */

const ORIGIN_TEXT = {
  server: 'Graph served by the service',
  file: 'Graph from the bound workspace file',
  stages: 'Built from the run’s stages, in the order they ran',
  preview: 'Live preview of the graph file',
} as const;

/** Where the drawing comes from, truthfully: an empty stage drawing comes from nothing yet. */
function originText(graph: GraphViewModel, h: PanelHeader | undefined): string | undefined {
  if (graph.origin === 'stages' && graph.nodes.length === 0) return h?.empty ? 'No graph yet' : undefined;
  if (graph.origin === 'file' && h?.sourceFile) return `${ORIGIN_TEXT.file} ${h.sourceFile}`;
  return ORIGIN_TEXT[graph.origin];
}

// ---- skeleton (static; no data goes in here) ----
const app = document.getElementById('app') ?? document.body;
const header = make('header', 'bar');
const titles = make('div', 'titles');
const title = make('h1', 'title');
const runStatus = make('span', 'run-status');
const subtitle = make('span', 'subtitle');
titles.append(title, runStatus, subtitle);
const tools = make('div', 'tools');
const zoomOut = tool('−', 'Zoom out (-)');
const zoomIn = tool('+', 'Zoom in (+)');
const fitButton = tool('Fit', 'Fit the graph (F)');
const timelineButton = tool('Timeline', 'Show or hide the run timeline');
tools.append(timelineButton, zoomOut, zoomIn, fitButton);
header.append(titles, tools);
const notice = make('div', 'notice');
notice.hidden = true;
notice.setAttribute('role', 'status');
const body = make('div', 'body');
const graphEl = make('div', 'graph');
graphEl.tabIndex = 0;
graphEl.setAttribute('aria-label', 'Workflow graph. Arrow keys move between blocks, Enter shows details, F fits, plus and minus zoom.');
const aside = make('aside', 'details');
aside.hidden = true;
aside.setAttribute('aria-label', 'Block details');
// The graph and, under it, the run's timeline share the column left of the details pane.
const column = make('div', 'graph-column');
column.append(graphEl);
body.append(column, aside);
const footer = make('div', 'footer');
footer.setAttribute('aria-live', 'polite');
app.replaceChildren(header, notice, body, footer);

// ---- parts ----
const view = new GraphView(graphEl, (wx, wy) => {
  viewTouched = true;
  viewport.centreOn(wx, wy);
});
let viewTouched = false;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
const viewport = new Viewport(graphEl, (t) => {
  view.setTransform(t);
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => updateUi({ view: t }), 300);
});
graphEl.addEventListener('pointerdown', () => (viewTouched = true));
// Until the user moves the view, it stays fitted as the panel changes size; the selected node
// stays in sight whatever the size (the details pane opening beside the graph narrows it).
new ResizeObserver(() => {
  if (drawnKey === undefined) return;
  if (!viewTouched) fitNow();
  revealSelected();
}).observe(graphEl);
graphEl.addEventListener('wheel', () => (viewTouched = true), { passive: true });
const details = new DetailsPane(aside, {
  reveal: (nodeId) => post({ type: 'revealBlock', nodeId }),
  copyOutput: (nodeId) => post({ type: 'copyOutput', nodeId }),
  close: () => select(undefined),
});
const emptyState = new EmptyStateView(graphEl, (action) => post({ type: 'nextStep', action }));
const layouts = new LayoutClient((message) => showNotice(message));
const timeline = new TimelinePanel(column, timelineButton, (id) => {
  focusNode(id);
  select(id);
});

let state: ViewState = initialState;
let drawnKey: string | undefined;
let pendingKey: string | undefined;
let selected: string | undefined = uiState().selected;
let focused: string | undefined;
let restoredView = false;

onMessage((message: HostToWebview) => {
  switch (message.type) {
    case 'snapshot':
    case 'patch': {
      const before = state;
      const r = reduce(state, message);
      state = r.state;
      // The timeline first: showing it narrows the graph, which a first fit must see.
      if (state !== before) timeline.apply(before, state, message.type === 'patch' ? message.changes.map((c) => c.id) : new Set([...before.states.keys(), ...state.states.keys()]));
      r.effects.forEach(apply);
      break;
    }
    case 'details':
      if (message.nodeId === selected) showDetails(message.details);
      break;
    case 'error':
      showNotice(message.message);
      break;
  }
});

function apply(effect: Effect): void {
  switch (effect.kind) {
    case 'relayout':
      relayout();
      break;
    case 'restyleAll':
      if (drawnKey === state.graphKey) view.restyleAll(state.states);
      break;
    case 'restyle':
      if (drawnKey === state.graphKey) view.restyle(effect.ids, state.states);
      break;
    case 'header':
      renderHeader();
      break;
    case 'resync':
      post({ type: 'resync', haveVersion: effect.haveVersion });
      break;
  }
}

function relayout(): void {
  const graph = state.graph;
  const key = state.graphKey;
  if (!graph || key === undefined) return;
  if (state.persist && JSON.stringify(state.persist) !== JSON.stringify(uiState().panel)) updateUi({ panel: state.persist });
  pendingKey = key;
  performance.mark('flowscope:layout-start');
  footer.textContent = graph.nodes.length > 0 ? `Laying out ${graph.nodes.length} blocks…` : '';
  const edges = connectedEdges(graph).map(({ s, t }) => [s, t] as const);
  layouts.layout({ nodeWidth: NODE_W, nodeHeight: NODE_H, nodes: graph.nodes.map((n) => n.id), edges }, (layout, phase) => {
    // By key, not by identity: a snapshot of the same structure (the panel shown again) brings a
    // new graph object, and must not make the final layout be dropped (stuck "refining layout…").
    if (pendingKey !== key || state.graphKey !== key) return;
    draw(key, layout, phase);
  });
}

function draw(key: string, layout: Layout, phase: 'quick' | 'final'): void {
  const graph = state.graph;
  if (!graph) return;
  if (drawnKey !== key) {
    view.setGraph(graph, layout, state.states);
    drawnKey = key;
    performance.mark('flowscope:drawn');
    const saved = uiState().view;
    if (!restoredView && saved) viewport.set(saved);
    else if (!viewTouched) fitNow();
    restoredView = true;
    if (selected && view.has(selected)) select(selected);
    else if (selected) select(undefined);
    // rAF runs before that frame's paint; a task queued from it runs after: the benchmark reads this mark.
    requestAnimationFrame(() => setTimeout(() => performance.mark('flowscope:painted'), 0));
  } else {
    view.applyLayout(layout);
    if (!viewTouched) fitNow();
  }
  if (graph.nodes.length === 0) footer.textContent = '';
  else footer.textContent = phase === 'quick' ? `${graph.nodes.length} blocks · refining layout…` : `${graph.nodes.length} blocks, ${graph.edges.length} edges`;
}

function renderHeader(): void {
  const h = state.header;
  title.textContent = h?.title ?? '';
  subtitle.textContent = [h?.subtitle, state.graph ? originText(state.graph, h) : undefined].filter(Boolean).join(' · ');
  emptyState.show(h?.empty);
  runStatus.textContent = h?.runStatus?.replace(/_/g, ' ') ?? '';
  runStatus.className = `run-status${h?.runStatus ? ` run-${h.runStatus}` : ''}`;
  runStatus.hidden = !h?.runStatus;
  if (h?.notice) showNotice(h.notice);
  else notice.hidden = true;
}

function showNotice(text: string): void {
  notice.textContent = text;
  notice.hidden = false;
}

function select(id: string | undefined): void {
  selected = id;
  view.select(id);
  timeline.select(id);
  updateUi({ selected: id });
  post({ type: 'select', nodeId: id ?? null });
  if (id === undefined) {
    details.hide();
    return;
  }
  const label = state.graph?.nodes.find((n) => n.id === id)?.label ?? id;
  details.showLoading(label);
  // The pane narrows the graph (the ResizeObserver above reveals it then); a pane already open
  // does not, so reveal it here too once the layout has settled.
  requestAnimationFrame(revealSelected);
}

function revealSelected(): void {
  const box = selected === undefined ? undefined : view.boxOf(selected);
  if (box) viewport.reveal(box);
}

function showDetails(d: NodeDetails | undefined): void {
  if (d) details.show(d);
  else details.hide();
}

function focusNode(id: string): void {
  const previous = focused === undefined ? undefined : view.proxyOf(focused);
  const next = view.focusElement(id);
  if (!next) return;
  // Roving tabindex: only the focused node is in the tab order, not 5,000 of them.
  if (previous && previous !== next) previous.tabIndex = -1;
  next.tabIndex = 0;
  next.focus({ preventScroll: true });
  focused = id;
  const box = view.boxOf(id);
  if (box) viewport.reveal(box);
}

// ---- input ----
// A click selects the node under it: its proxy when it has one, else the node the canvas painted
// there. A click that ends a drag (a pan) selects nothing.
let downAt: { x: number; y: number } | undefined;
graphEl.addEventListener('pointerdown', (e) => (downAt = { x: e.clientX, y: e.clientY }));
graphEl.addEventListener('click', (e) => {
  if (downAt && Math.hypot(e.clientX - downAt.x, e.clientY - downAt.y) >= DRAG_SLOP) return;
  if (e.target instanceof Element && e.target.closest('.minimap')) return;
  const id = view.idAt(e.target) ?? view.idAtPoint(e.clientX, e.clientY);
  if (id !== undefined) {
    focusNode(id);
    select(id);
  }
});
graphEl.addEventListener('focusin', (e) => {
  const id = view.idAt(e.target);
  if (id !== undefined) focused = id;
});
graphEl.addEventListener('keydown', (e) => {
  const dir = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] }[e.key];
  if (dir) {
    e.preventDefault();
    const from = focused ?? selected;
    const to = from === undefined ? view.firstNodeId() : (view.neighbour(from, dir[0] ?? 0, dir[1] ?? 0) ?? from);
    if (to !== undefined) focusNode(to);
    return;
  }
  switch (e.key) {
    case 'Enter':
    case ' ':
      if (focused !== undefined) {
        e.preventDefault();
        select(focused);
      }
      break;
    case 'Escape':
      if (selected !== undefined) select(undefined);
      break;
    case 'f':
    case 'F':
      fit();
      break;
    case '+':
    case '=':
      viewport.zoomCentre(1.25);
      break;
    case '-':
    case '_':
      viewport.zoomCentre(0.8);
      break;
    case '0':
      viewport.set({ ...viewport.transform, k: 1 });
      break;
  }
});
zoomIn.addEventListener('click', () => viewport.zoomCentre(1.25));
zoomOut.addEventListener('click', () => viewport.zoomCentre(0.8));
fitButton.addEventListener('click', fit);

function fit(): void {
  viewTouched = false;
  fitNow();
  revealSelected();
}

function fitNow(): void {
  viewport.fit(view.size.width, view.size.height, view.startBox());
}

function make<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  return e;
}

function tool(text: string, label: string): HTMLButtonElement {
  const b = make('button', 'tool');
  b.type = 'button';
  b.textContent = text;
  b.title = label;
  b.setAttribute('aria-label', label);
  return b;
}

post({ type: 'ready' });
