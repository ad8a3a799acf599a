import type { ConnectionStates } from '../../core/connections/states';
import { healthFromError } from '../../core/connections/health';
import { toFlowscopeError } from '../../core/errors';
import type { Run } from '../../core/model';
import type { RunStore } from '../../core/runs/runStore';
import type { Logger } from '../../core/util/log';
import type { MessageKind } from './nodes';
import { messageFor } from './messages';

/** How far a workflow's run list is shown and loaded. */
export interface PageState {
  /** Runs shown (grows with "load more" and with new runs pushing older ones down). */
  shown: number;
  /** The service's cursor for the next page. */
  next?: string;
  /** The first page was read this lifetime. */
  listed: boolean;
  loading?: Promise<void>;
  /** The last load failed: the tree shows this message until a refresh or a good poll. */
  failed?: MessageKind;
}

export interface RunPagesOptions {
  readonly states: ConnectionStates;
  readonly runs: RunStore;
  readonly pageSize: () => number;
  readonly order: (a: Run, b: Run) => number;
  readonly log: Logger;
}

/**
 * The paging of each workflow's run list: what is shown, the cursor of the next page, loading a
 * page and folding in a poll of the newest page. Keyed connection → workflow, so a connection's
 * pages are forgotten in one step.
 */
export class RunPages {
  private readonly pages = new Map<string, Map<string, PageState>>();

  constructor(private readonly options: RunPagesOptions) {}

  get(connection: string, workflowId: string): PageState {
    let byWorkflow = this.pages.get(connection);
    if (!byWorkflow) {
      byWorkflow = new Map();
      this.pages.set(connection, byWorkflow);
    }
    let state = byWorkflow.get(workflowId);
    if (!state) {
      state = { shown: this.options.pageSize(), listed: false };
      byWorkflow.set(workflowId, state);
    }
    return state;
  }

  /** Known runs of a workflow, in the one "newest first" order. */
  runsOf(connection: string, workflowId: string): Run[] {
    return this.options.runs.runsOf(connection, workflowId).sort(this.options.order);
  }

  /** Makes the next read of a workflow's runs (or of every workflow of a connection) go to the service. */
  unlist(connection: string, workflowId?: string): void {
    const targets = workflowId === undefined ? [...(this.pages.get(connection)?.values() ?? [])] : [this.get(connection, workflowId)];
    for (const state of targets) {
      state.listed = false;
      state.next = undefined;
      state.failed = undefined;
    }
  }

  forget(connection: string): void {
    this.pages.delete(connection);
  }

  clear(): void {
    this.pages.clear();
  }

  /** Loads the first page once (concurrent reads share it). */
  async ensureListed(connection: string, workflowId: string): Promise<void> {
    const state = this.get(connection, workflowId);
    if (state.listed || state.failed) return;
    state.loading ??= this.load(connection, workflowId, undefined).finally(() => (state.loading = undefined));
    await state.loading;
  }

  /** Shows one more page, fetching it when the known runs are all shown. */
  async loadMore(connection: string, workflowId: string): Promise<void> {
    const state = this.get(connection, workflowId);
    state.shown += this.options.pageSize();
    if (this.runsOf(connection, workflowId).length < state.shown && state.next) await this.load(connection, workflowId, state.next);
  }

  /**
   * Reads the newest page for the poller. Resolves true when runs appeared; `changedView` is
   * called when a shown failure cleared.
   */
  async pollNewest(connection: string, workflowId: string, signal: AbortSignal, changedView: () => void): Promise<boolean> {
    const { states, runs } = this.options;
    const backend = states.backend(connection);
    if (!backend?.capabilities.listRuns || states.isHeldBack(connection)) return false;
    const known = new Set(runs.runsOf(connection, workflowId).map((r) => r.id));
    const page = await backend.listRuns(workflowId, { limit: this.options.pageSize() }, withLifetime(signal, states.signal(connection)));
    const fresh = page.runs.filter((run) => !known.has(run.id));
    runs.ingest(connection, page.runs.map((run) => (run.workflowId ? run : { ...run, workflowId })));
    const state = this.get(connection, workflowId);
    if (!state.listed) {
      state.listed = true;
      state.next = page.next;
    }
    // New runs push older ones down: show them without hiding what the user was looking at.
    state.shown += fresh.length;
    if (state.failed) {
      state.failed = undefined;
      changedView();
    }
    states.reportOk(connection);
    return fresh.length > 0;
  }

  private async load(connection: string, workflowId: string, cursor: string | undefined): Promise<void> {
    const { states, runs } = this.options;
    const state = this.get(connection, workflowId);
    if (states.isHeldBack(connection)) return;
    try {
      const backend = await states.resolve(connection);
      if (!backend) return;
      const page = await backend.listRuns(workflowId, { limit: this.options.pageSize(), cursor }, states.signal(connection));
      runs.ingest(connection, page.runs.map((run) => (run.workflowId ? run : { ...run, workflowId })));
      state.next = page.next;
      state.listed = true;
      state.failed = undefined;
      states.reportOk(connection);
    } catch (error) {
      const typed = toFlowscopeError(error);
      if (typed.reason === 'aborted') return;
      // Our own bug shows as such; the connection's health is left alone (see ConnectionStates.report).
      state.failed = typed.reason === 'internal' ? 'internal' : (messageFor(healthFromError(typed, Date.now())) ?? 'error');
      states.report(connection, typed);
    }
  }
}

/** The poller's signal, also aborted when the connection's lifetime ends. */
function withLifetime(signal: AbortSignal, lifetime: AbortSignal | undefined): AbortSignal {
  return lifetime ? AbortSignal.any([signal, lifetime]) : signal;
}
