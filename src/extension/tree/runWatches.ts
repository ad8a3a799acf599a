import type { RunStore } from '../../core/runs/runStore';
import type { Disposable } from '../../core/util/disposable';
import type { Logger } from '../../core/util/log';

export interface WatchTarget {
  readonly connection: string;
  readonly runId: string;
  readonly workflowId: string;
}

/**
 * The runs the tree keeps live, as a set reconciled against what is on screen: watches for runs
 * that appeared are opened, those for runs that left are released. The store shares one stream
 * per run among all its watchers, so the tree and graph panels never open two.
 */
export class RunWatches implements Disposable {
  private readonly watches = new Map<string, Disposable>();

  constructor(
    private readonly runs: RunStore,
    private readonly log: Logger,
  ) {}

  /** Makes the watched set exactly `desired` (keyed by connection and run id). */
  reconcile(desired: readonly WatchTarget[]): void {
    const wanted = new Map(desired.map((t) => [keyOf(t.connection, t.runId), t]));
    for (const [key, watch] of [...this.watches]) {
      if (!wanted.has(key)) {
        watch.dispose();
        this.watches.delete(key);
      }
    }
    for (const [key, want] of wanted) {
      if (this.watches.has(key)) continue;
      this.log.debug(`streaming run ${want.runId} of ${want.connection} (visible)`);
      this.watches.set(key, this.runs.watch(want.connection, { id: want.runId, workflowId: want.workflowId }));
    }
  }

  /** Releases every watch of a connection (removed, or its settings changed). */
  releaseConnection(connection: string): void {
    for (const [key, watch] of [...this.watches]) {
      if (key.startsWith(`${connection}\u0000`)) {
        watch.dispose();
        this.watches.delete(key);
      }
    }
  }

  keys(): string[] {
    return [...this.watches.keys()];
  }

  dispose(): void {
    for (const watch of this.watches.values()) watch.dispose();
    this.watches.clear();
  }
}

function keyOf(connection: string, runId: string): string {
  return `${connection}\u0000${runId}`;
}
