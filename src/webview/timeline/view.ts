import { formatDuration } from '../../shared/format';
import type { Timeline, TimelineRow } from './model';
import { axisTicks, tickFormat } from './model';

const ROW_H = 22;
/** Rows drawn beyond the visible ones, so a short scroll shows no gap. */
const OVERSCAN = 8;

/**
 * The run's timeline beside the graph: one row per started stage, its bar from start to end (or
 * now), one segment per attempt, coloured by status; the critical path marked; a time axis in the
 * user's locale. Rows are virtualised: only those in view exist in the DOM, so 5,000 stages cost
 * what 40 do, and a live update touches only visible rows.
 *
 * Server strings (stage names) reach the DOM only through `textContent` and `aria-label`.
 * Keyboard: the list is one tab stop; Up/Down move through the stages (aria-activedescendant),
 * Enter selects the stage in the graph and shows its details.
 */
export class TimelineView {
  readonly element: HTMLElement;
  private readonly axis: HTMLDivElement;
  private readonly scroller: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly summary: HTMLDivElement;
  private timeline: Timeline | undefined;
  private selected: string | undefined;
  private active = -1;
  private frame = 0;
  private readonly format = new Map<number, Intl.DateTimeFormat>();

  constructor(
    parent: HTMLElement,
    private readonly onSelect: (id: string) => void,
  ) {
    this.element = el('section', 'timeline');
    this.element.setAttribute('aria-label', 'Run timeline');
    this.summary = el('div', 'timeline-summary');
    this.axis = el('div', 'timeline-axis');
    this.axis.setAttribute('aria-hidden', 'true');
    this.scroller = el('div', 'timeline-rows');
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute('role', 'listbox');
    this.scroller.setAttribute('aria-label', 'Stages by start time. Up and down arrows move between stages, Enter selects one in the graph.');
    this.spacer = el('div', 'timeline-spacer');
    this.scroller.append(this.spacer);
    this.element.append(this.summary, this.axis, this.scroller);
    parent.append(this.element);
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    this.scroller.addEventListener('click', (e) => {
      const row = e.target instanceof Element ? e.target.closest<HTMLElement>('.timeline-row') : null;
      const id = row ? this.timeline?.rows[Number(row.dataset.index)]?.id : undefined;
      if (id !== undefined) this.onSelect(id);
    });
    this.scroller.addEventListener('keydown', (e) => this.key(e));
  }

  update(timeline: Timeline): void {
    this.timeline = timeline;
    this.schedule();
  }

  /** Marks the stage selected in the graph, and scrolls its row into view. */
  select(id: string | undefined): void {
    this.selected = id;
    const index = id === undefined ? -1 : (this.timeline?.rows.findIndex((r) => r.id === id) ?? -1);
    if (index >= 0) {
      this.active = index;
      this.reveal(index);
    }
    this.schedule();
  }

  private key(e: KeyboardEvent): void {
    const rows = this.timeline?.rows ?? [];
    if (!rows.length) return;
    const move = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10, Home: -Infinity, End: Infinity }[e.key];
    if (move !== undefined) {
      e.preventDefault();
      this.active = Math.max(0, Math.min(rows.length - 1, (this.active < 0 ? 0 : this.active) + move));
      this.reveal(this.active);
      this.schedule();
    } else if ((e.key === 'Enter' || e.key === ' ') && this.active >= 0) {
      e.preventDefault();
      const id = rows[this.active]?.id;
      if (id !== undefined) this.onSelect(id);
    }
  }

  private reveal(index: number): void {
    const top = index * ROW_H;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + ROW_H > this.scroller.scrollTop + this.scroller.clientHeight) this.scroller.scrollTop = top + ROW_H - this.scroller.clientHeight;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const t = this.timeline;
    const rows = t?.rows ?? [];
    this.spacer.style.height = `${rows.length * ROW_H}px`;
    const slowest = rows.reduce<TimelineRow | undefined>((a, r) => (!a || r.durationMs > a.durationMs ? r : a), undefined);
    this.summary.textContent = t
      ? `${rows.length} of ${t.total} stages started · ${formatDuration(t.end - t.start) ?? '0 ms'}${slowest ? ` · slowest: ${slowest.label} (${formatDuration(slowest.durationMs) ?? '?'})` : ''} · ◆ critical path`
      : '';
    if (!t) return;
    this.renderAxis(t);
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_H) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((this.scroller.scrollTop + this.scroller.clientHeight) / ROW_H) + OVERSCAN);
    const span = Math.max(1, t.end - t.start);
    const made: HTMLElement[] = [];
    for (let i = first; i < last; i++) made.push(this.row(rows[i] as TimelineRow, i, t.start, span));
    this.spacer.replaceChildren(...made);
    const activeRow = this.active >= first && this.active < last ? `timeline-row-${this.active}` : '';
    if (activeRow) this.scroller.setAttribute('aria-activedescendant', activeRow);
    else this.scroller.removeAttribute('aria-activedescendant');
  }

  private row(r: TimelineRow, index: number, t0: number, span: number): HTMLElement {
    const row = el('div', `timeline-row status-${r.status}${r.critical ? ' critical' : ''}${r.id === this.selected ? ' selected' : ''}${index === this.active ? ' active' : ''}`);
    row.id = `timeline-row-${index}`;
    row.dataset.index = String(index);
    row.setAttribute('role', 'option');
    row.setAttribute('aria-selected', r.id === this.selected ? 'true' : 'false');
    row.style.transform = `translateY(${index * ROW_H}px)`;
    const duration = formatDuration(r.durationMs);
    const attempts = r.attempt > 1 ? `attempt ${r.attempt}` : '';
    row.setAttribute('aria-label', [r.label, r.status, duration, attempts, r.critical ? 'on the critical path' : ''].filter(Boolean).join(', '));
    const name = el('span', 'timeline-name');
    name.textContent = r.label;
    name.title = r.label;
    const track = el('div', 'timeline-track');
    for (const s of r.segments) {
      const seg = el('div', `timeline-seg status-${s.status}`);
      seg.style.left = `${((s.start - t0) / span) * 100}%`;
      seg.style.width = `max(2px, ${((s.end - s.start) / span) * 100}%)`;
      track.append(seg);
    }
    const label = el('span', 'timeline-duration');
    label.textContent = [duration, attempts].filter(Boolean).join(' · ');
    label.style.left = `${((r.end - t0) / span) * 100}%`;
    track.append(label);
    row.append(name, track);
    return row;
  }

  private renderAxis(t: Timeline): void {
    const width = Math.max(1, this.axis.clientWidth - cssPx(this.axis, '--timeline-name-width') - cssPx(this.axis, '--timeline-tail'));
    const { step, ticks } = axisTicks(t.start, t.end, width);
    let fmt = this.format.get(step);
    // `undefined` locale: the user's, as VS Code's webview reports it.
    if (!fmt) this.format.set(step, (fmt = new Intl.DateTimeFormat(undefined, tickFormat(step))));
    const span = Math.max(1, t.end - t.start);
    this.axis.replaceChildren(
      ...ticks.map((tick) => {
        const mark = el('span', 'timeline-tick');
        mark.textContent = fmt.format(tick);
        mark.style.left = `calc(var(--timeline-name-width) + (100% - var(--timeline-name-width) - var(--timeline-tail)) * ${(tick - t.start) / span})`;
        return mark;
      }),
    );
  }
}

function cssPx(element: HTMLElement, variable: string): number {
  return parseFloat(getComputedStyle(element).getPropertyValue(variable)) || 0;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  return e;
}
