import type { GraphViewModel, NodeState, NodeStatus } from '../../shared/protocol';

/**
 * The run timeline's model, pure (no DOM, no clock of its own: `now` is passed in), so it is
 * tested in plain Node (test/unit/timeline-model.test.ts). It is fed the same snapshot and patch
 * states as the graph.
 */

/** One attempt of a stage, as a span of time. */
export interface Segment {
  readonly attempt: number;
  readonly start: number;
  readonly end: number;
  readonly status: NodeStatus;
}

export interface TimelineRow {
  readonly id: string;
  readonly label: string;
  readonly status: NodeStatus;
  /** From the first known attempt's start to the current attempt's end (or `now` while it runs). */
  readonly start: number;
  readonly end: number;
  readonly running: boolean;
  /**
   * The current attempt's duration: the stage's own `durationMs` once it has ended (the figure the
   * details pane shows), else the time it has been running.
   */
  readonly durationMs: number;
  readonly attempt: number;
  /** Earlier attempts first; the last one is the current attempt. */
  readonly segments: readonly Segment[];
  /** On the chain of stages that decided when the run ended (see `criticalPath`). */
  readonly critical: boolean;
}

export interface Timeline {
  /** Started stages, by start time (ties in graph order). */
  readonly rows: readonly TimelineRow[];
  readonly start: number;
  readonly end: number;
  /** Stages in the graph, started or not. */
  readonly total: number;
}

/** Statuses in which a stage's current attempt is still going: its bar grows to `now`. */
const OPEN: ReadonlySet<NodeStatus> = new Set(['queued', 'running', 'waiting']);

/**
 * Earlier attempts of each stage, remembered from the changes seen: a status patch carries only the
 * current attempt, so when a stage's attempt number goes up, the attempt that ended is kept here.
 * A panel opened after the retries (a snapshot only) shows the current attempt alone.
 */
export class AttemptHistory {
  private readonly done = new Map<string, Segment[]>();

  /** Records the change of one stage from `before` to `after`, seen at time `at`. */
  observe(id: string, before: NodeState | undefined, after: NodeState | undefined, at: number): void {
    const was = before?.attempt ?? 1;
    const now = after?.attempt ?? 1;
    // Not started (again), or back to a lower attempt: a new run of the stage, its past forgotten.
    if (after?.startedAt === undefined || now < was) {
      this.done.delete(id);
      return;
    }
    if (now === was || before?.startedAt === undefined) return;
    // The previous attempt ended when the next began, if the service restarts the clock per attempt.
    const end = after.startedAt > before.startedAt ? after.startedAt : (before.endedAt ?? at);
    const status: NodeStatus = before.status === 'running' || before.status === 'waiting' || before.status === 'queued' ? 'failed' : before.status;
    const list = this.done.get(id) ?? [];
    list.push({ attempt: was, start: before.startedAt, end: Math.max(before.startedAt, end), status });
    this.done.set(id, list);
  }

  of(id: string): readonly Segment[] {
    return this.done.get(id) ?? [];
  }

  clear(): void {
    this.done.clear();
  }
}

export function buildTimeline(graph: GraphViewModel, states: ReadonlyMap<string, NodeState>, history: AttemptHistory, now: number): Timeline {
  const rows: Array<Omit<TimelineRow, 'critical'> & { order: number }> = [];
  graph.nodes.forEach((node, order) => {
    const state = states.get(node.id);
    if (state?.startedAt === undefined) return;
    const running = OPEN.has(state.status);
    const start = state.startedAt;
    const end = running ? Math.max(start, now) : state.durationMs !== undefined ? start + state.durationMs : Math.max(start, state.endedAt ?? now);
    const attempt = state.attempt ?? 1;
    const earlier = history.of(node.id).filter((s) => s.attempt < attempt);
    const segments = [...earlier, { attempt, start, end, status: state.status }];
    rows.push({
      id: node.id,
      label: node.label,
      status: state.status,
      start: Math.min(start, ...earlier.map((s) => s.start)),
      end,
      running,
      // The stage's own figure when it has one, not recomputed from the bar: the details pane shows exactly this.
      durationMs: !running && state.durationMs !== undefined ? state.durationMs : end - start,
      attempt,
      segments,
      order,
    });
  });
  rows.sort((a, b) => a.start - b.start || a.order - b.order);
  const critical = criticalPath(graph, rows);
  return {
    rows: rows.map(({ order: _order, ...row }) => ({ ...row, critical: critical.has(row.id) })),
    start: rows.length ? Math.min(...rows.map((r) => r.start)) : now,
    end: rows.length ? Math.max(...rows.map((r) => r.end)) : now,
    total: graph.nodes.length,
  };
}

/**
 * The critical path: from the stage that ended last, back through the graph, each step to the
 * predecessor that finished last before it started — the one it was waiting for. Shortening any
 * stage on it would have ended the run sooner; shortening any other would not.
 */
export function criticalPath(graph: GraphViewModel, rows: ReadonlyArray<Pick<TimelineRow, 'id' | 'start' | 'end'>>): Set<string> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const preds = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (e.source === e.target) continue;
    const list = preds.get(e.target) ?? [];
    list.push(e.source);
    preds.set(e.target, list);
  }
  const path = new Set<string>();
  let current = rows.reduce<Pick<TimelineRow, 'id' | 'start' | 'end'> | undefined>((last, r) => (!last || r.end > last.end ? r : last), undefined);
  while (current && !path.has(current.id)) {
    path.add(current.id);
    const here: Pick<TimelineRow, 'id' | 'start' | 'end'> = current;
    let next: Pick<TimelineRow, 'id' | 'start' | 'end'> | undefined;
    for (const p of preds.get(here.id) ?? []) {
      const r = byId.get(p);
      if (r && r.end <= here.end && (!next || r.end > next.end)) next = r;
    }
    current = next;
  }
  return path;
}

/** Steps the time axis may use, from a second to a day. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400].map((s) => s * 1000);

/** Times of the axis ticks between `start` and `end` for an axis `widthPx` wide, one at most every `minGapPx`. */
export function axisTicks(start: number, end: number, widthPx: number, minGapPx = 90): { readonly step: number; readonly ticks: readonly number[] } {
  const span = Math.max(1, end - start);
  const most = Math.max(1, Math.floor(widthPx / minGapPx));
  const step = STEPS.find((s) => span / s <= most) ?? STEPS[STEPS.length - 1]!;
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(t);
  return { step, ticks };
}

/** How a tick's time is written: seconds only while the step is under a minute. */
export function tickFormat(step: number): Intl.DateTimeFormatOptions {
  return step < 60_000 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' };
}
