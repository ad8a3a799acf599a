import { isTerminalRun } from '../../core/model';
import type { RunStore } from '../../core/runs/runStore';
import type { Disposable } from '../../core/util/disposable';
import type { Logger } from '../../core/util/log';
import type { RunPages } from './runPages';
import type { WatchTarget } from './runWatches';
import { RunWatches } from './runWatches';

export interface OpenWorkflow {
  readonly connection: string;
  readonly workflowId: string;
}

/**
 * What the tree has on screen: expanded workflows (connection → workflow ids) of expanded
 * connections while the view is visible. It streams exactly the non-terminal runs shown there;
 * the store shares one stream per run among all its watchers (graph panels too) and keeps runs
 * started here live regardless.
 */
export class OnScreen implements Disposable {
  private readonly expanded = new Map<string, Set<string>>();
  private readonly collapsedConnections = new Set<string>();
  private readonly watches: RunWatches;
  private visible = false;
  private queued = false;
  private disposed = false;

  constructor(
    runs: RunStore,
    private readonly pages: RunPages,
    log: Logger,
  ) {
    this.watches = new RunWatches(runs, log);
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.reconcile();
  }

  expandWorkflow(connection: string, workflowId: string): void {
    let set = this.expanded.get(connection);
    if (!set) {
      set = new Set();
      this.expanded.set(connection, set);
    }
    set.add(workflowId);
    this.collapsedConnections.delete(connection);
  }

  collapseWorkflow(connection: string, workflowId: string): void {
    this.expanded.get(connection)?.delete(workflowId);
  }

  expandConnection(connection: string): void {
    this.collapsedConnections.delete(connection);
  }

  collapseConnection(connection: string): void {
    this.collapsedConnections.add(connection);
  }

  /** A removed connection: nothing of it is on screen any more. */
  forget(connection: string): void {
    this.expanded.delete(connection);
    this.collapsedConnections.delete(connection);
    this.watches.releaseConnection(connection);
  }

  /** Expanded workflows whose connection is expanded too. */
  openWorkflows(): OpenWorkflow[] {
    const out: OpenWorkflow[] = [];
    for (const [connection, workflowIds] of this.expanded) {
      if (this.collapsedConnections.has(connection)) continue;
      for (const workflowId of workflowIds) out.push({ connection, workflowId });
    }
    return out;
  }

  /** Streams exactly the runs on screen. */
  reconcile(): void {
    const desired: WatchTarget[] = [];
    if (this.visible && !this.disposed) {
      for (const { connection, workflowId } of this.openWorkflows()) {
        const shown = this.pages.get(connection, workflowId).shown;
        for (const run of this.pages.runsOf(connection, workflowId).slice(0, shown)) {
          if (!isTerminalRun(run.status)) desired.push({ connection, runId: run.id, workflowId });
        }
      }
    }
    this.watches.reconcile(desired);
  }

  /** Reconciles once after the current burst of changes. */
  queueReconcile(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      this.reconcile();
    });
  }

  /** Runs streamed because they are visible (tests and the log read it). */
  watched(): string[] {
    return this.watches.keys();
  }

  dispose(): void {
    this.disposed = true;
    this.watches.dispose();
  }
}
