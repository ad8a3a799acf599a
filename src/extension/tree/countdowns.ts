import type { ConnectionStates } from '../../core/connections/states';
import type { Disposable } from '../../core/util/disposable';

export type CountdownRow = { readonly connection: string } | { readonly connection: string; readonly workflowId: string };

export interface CountdownsOptions {
  readonly states: ConnectionStates;
  readonly now: () => number;
  /** Rows whose countdown text moved on (a rate-limited connection, an armed workflow). */
  readonly changed: (rows: readonly CountdownRow[]) => void;
}

/**
 * One ticker for the tree's countdowns (a rate limit's retry, an armed Powabase webhook). It
 * runs only while one is left; a rate limit that falls due starts a new lifetime of its connection
 * so the next read tries again.
 */
export class Countdowns implements Disposable {
  /** Armed workflows: connection → workflow id → epoch ms. */
  private readonly armed = new Map<string, Map<string, number>>();
  private ticker: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  constructor(private readonly options: CountdownsOptions) {}

  arm(connection: string, workflowId: string, until: number): void {
    let byWorkflow = this.armed.get(connection);
    if (!byWorkflow) {
      byWorkflow = new Map();
      this.armed.set(connection, byWorkflow);
    }
    byWorkflow.set(workflowId, until);
    this.start();
  }

  armedUntil(connection: string, workflowId: string): number | undefined {
    return this.armed.get(connection)?.get(workflowId);
  }

  start(): void {
    if (this.ticker || this.disposed) return;
    this.ticker = setInterval(() => this.tick(), 1_000);
    (this.ticker as { unref?: () => void }).unref?.();
  }

  private tick(): void {
    const now = this.options.now();
    const rows: CountdownRow[] = [];
    for (const connection of this.options.states.rateLimited()) {
      // Due: a fresh lifetime, so the next read tries again.
      if ((this.options.states.health(connection).retryAt ?? 0) <= now) this.options.states.reset(connection);
      rows.push({ connection });
    }
    for (const [connection, byWorkflow] of this.armed) {
      for (const [workflowId, until] of [...byWorkflow]) {
        if (until <= now) byWorkflow.delete(workflowId);
        rows.push({ connection, workflowId });
      }
      if (byWorkflow.size === 0) this.armed.delete(connection);
    }
    if (rows.length) this.options.changed(rows);
    else this.stop();
  }

  private stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }
}
