import type { GraphViewModel, NodeState } from '../../shared/protocol';
import type { ViewState } from '../state';
import { AttemptHistory, buildTimeline } from './model';
import { TimelineView } from './view';

/** While a stage runs its bar grows: redrawn this often (a second is the axis's finest step). */
const TICK_MS = 1_000;
/**
 * Live changes reach the timeline within this delay, batched: rebuilding 5,000 rows costs a few
 * milliseconds, which must not land in the frame that shows the graph's own change.
 */
const BATCH_MS = 120;

/**
 * Keeps the timeline in step with the graph: fed the same reduced state after every snapshot and
 * patch, remembers attempts as they change, rebuilds at most every BATCH_MS (and every second while
 * something runs), and only while it is shown. Shown when the panel has run data
 * (some stage has started), unless the user hid it with the Timeline button.
 */
export class TimelinePanel {
  private readonly view: TimelineView;
  private readonly history = new AttemptHistory();
  private graph: GraphViewModel | undefined;
  private states: ReadonlyMap<string, NodeState> = new Map();
  private hiddenByUser = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    parent: HTMLElement,
    private readonly toggle: HTMLButtonElement,
    onSelect: (id: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.view = new TimelineView(parent, onSelect);
    this.view.element.hidden = true;
    toggle.hidden = true;
    toggle.setAttribute('aria-pressed', 'false');
    toggle.addEventListener('click', () => {
      this.hiddenByUser = !this.view.element.hidden;
      this.refresh();
    });
  }

  /** The state after a snapshot or patch; `changed` lists the stages whose state changed (all, for a snapshot). */
  apply(before: ViewState, after: ViewState, changed: Iterable<string>): void {
    if (after.graphKey !== before.graphKey) this.history.clear();
    const at = this.now();
    for (const id of changed) this.history.observe(id, before.states.get(id), after.states.get(id), at);
    this.graph = after.graph;
    this.states = after.states;
    this.refresh();
  }

  select(id: string | undefined): void {
    this.view.select(id);
  }

  private refresh(): void {
    let started = false;
    let running = false;
    for (const s of this.states.values()) {
      if (s.startedAt === undefined) continue;
      started = true;
      if (s.status === 'running' || s.status === 'waiting' || s.status === 'queued') running = true;
    }
    this.toggle.hidden = !started;
    const shown = started && !this.hiddenByUser;
    this.toggle.setAttribute('aria-pressed', String(shown));
    this.view.element.hidden = !shown;
    if (shown && running && !this.ticker) this.ticker = setInterval(() => this.schedule(), TICK_MS);
    if ((!shown || !running) && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    if (shown) this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.graph && !this.view.element.hidden) this.view.update(buildTimeline(this.graph, this.states, this.history, this.now()));
    }, BATCH_MS);
  }
}
