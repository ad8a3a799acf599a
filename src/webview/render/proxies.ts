import type { NodeState, NodeStatus, NodeView } from '../../shared/protocol';
import { STATUS_GLYPH, metaLine } from './nodeText';

/**
 * The DOM side of the graph: one transparent element per node *that needs one*, laid exactly over
 * the node the canvas painted. These elements carry what a canvas cannot: keyboard focus (roving
 * tabindex), the accessible name a screen reader reads, the tooltip, and a click target. The
 * canvas does all the drawing, so a status change touches at most one of these elements and
 * Chromium never restyles thousands of them (the cost of the former all-DOM renderer).
 *
 * Which nodes get one is GraphView's choice (all of a small graph; the readable ones on screen of
 * a big graph; always the focused and the selected one).
 *
 * Server strings reach these elements only through `textContent`, `title` and `aria-label`.
 */
export class ProxyLayer {
  readonly element: HTMLDivElement;
  private readonly byIndex = new Map<number, HTMLDivElement>();

  constructor(parent: HTMLElement) {
    this.element = document.createElement('div');
    this.element.className = 'nodes';
    parent.append(this.element);
  }

  get(index: number): HTMLDivElement | undefined {
    return this.byIndex.get(index);
  }

  clear(): void {
    this.byIndex.clear();
    this.element.replaceChildren();
  }

  /**
   * Makes the set of proxies exactly `wanted` (in that order, so DOM order follows the graph's
   * node order). Existing elements are kept, so the focused one keeps its focus.
   */
  sync(wanted: readonly number[], build: (index: number) => HTMLDivElement): void {
    const keep = new Set(wanted);
    for (const [i, el] of this.byIndex) {
      if (!keep.has(i) && el !== document.activeElement) {
        el.remove();
        this.byIndex.delete(i);
      }
    }
    let previous: Element | null = null;
    for (const i of wanted) {
      let el = this.byIndex.get(i);
      if (!el) {
        el = build(i);
        this.byIndex.set(i, el);
      }
      const expected: Element | null = previous ? previous.nextElementSibling : this.element.firstElementChild;
      if (expected !== el) {
        if (previous) previous.after(el);
        else this.element.prepend(el);
      }
      previous = el;
    }
  }
}

/** A new proxy element for node `index`. */
export function buildProxy(index: number, node: NodeView, x: number, y: number): HTMLDivElement {
  const root = document.createElement('div');
  root.className = 'node';
  root.tabIndex = -1;
  root.setAttribute('role', 'button');
  root.dataset.index = String(index);
  const glyph = span('glyph');
  glyph.setAttribute('aria-hidden', 'true');
  const label = span('label');
  label.textContent = node.label;
  const kind = span('kind');
  kind.textContent = node.kind;
  root.title = `${node.label}\n${node.kind}`;
  root.append(glyph, label, kind, span('meta'));
  // CSSOM writes are not inline style markup: the CSP's style-src does not (and need not) allow them.
  root.style.transform = `translate(${x}px, ${y}px)`;
  return root;
}

/** Brings a proxy's state in line with the node's: class (read by tests and CSS), glyph, meta line, accessible name. */
export function styleProxy(root: HTMLElement, node: NodeView, state: NodeState | undefined, selected: boolean): void {
  const status: NodeStatus = state?.status ?? 'idle';
  const className = `node status-${status}${state?.problems ? ' has-problems' : ''}${selected ? ' selected' : ''}`;
  if (root.className !== className) root.className = className;
  const glyph = root.firstElementChild;
  const meta = root.lastElementChild;
  const glyphText = state?.problems && status === 'idle' ? '⚠' : STATUS_GLYPH[status];
  if (glyph && glyph.textContent !== glyphText) glyph.textContent = glyphText;
  const metaText = metaLine(state);
  if (meta && meta.textContent !== metaText) meta.textContent = metaText;
  root.setAttribute('aria-label', `${node.label}, ${node.kind}, ${status}${metaText ? `, ${metaText}` : ''}`);
  root.setAttribute('aria-pressed', selected ? 'true' : 'false');
}

export function placeProxy(root: HTMLElement, x: number, y: number): void {
  root.style.transform = `translate(${x}px, ${y}px)`;
}

function span(className: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = className;
  return s;
}
