import type { ConnectionStates } from '../../core/connections/states';
import { RunListPoller } from '../../core/polling/runListPoller';
import type { Disposable } from '../../core/util/disposable';
import type { Logger } from '../../core/util/log';
import type { RunPages } from './runPages';

export interface PollTarget {
  readonly connection: string;
  readonly workflowId: string;
}

export interface RunListPollingOptions {
  readonly states: ConnectionStates;
  readonly pages: RunPages;
  /** Intervals, read per tick so a changed setting applies without a reload. */
  readonly minMs: number | (() => number);
  readonly maxMs: number | (() => number);
  /** The workflows on screen whose service lists runs. */
  readonly targets: () => readonly PollTarget[];
  /** A workflow's row must re-render (a shown failure cleared). */
  readonly changed: (connection: string, workflowId: string) => void;
  readonly log: Logger;
}

/**
 * Polls the run lists of the workflows on screen for what no stream tells (runs started
 * elsewhere), only while the view is visible and the window focused. Failures go to the
 * connection's health.
 */
export class RunListPolling implements Disposable {
  private visible = false;
  private focused = true;
  private readonly poller: RunListPoller<PollTarget>;

  constructor(options: RunListPollingOptions) {
    this.poller = new RunListPoller<PollTarget>({
      minMs: options.minMs,
      maxMs: options.maxMs,
      isActive: () => this.visible && this.focused,
      targets: options.targets,
      poll: (t, signal) => options.pages.pollNewest(t.connection, t.workflowId, signal, () => options.changed(t.connection, t.workflowId)),
      onError: (t, error) => options.states.report(t.connection, error),
      log: options.log,
    });
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.poller.wake();
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
    this.poller.wake();
  }

  /** Re-reads the gate and the targets. */
  wake(): void {
    this.poller.wake();
  }

  /** Something was started or refreshed here: poll soon. */
  bump(): void {
    this.poller.bump();
  }

  get ticks(): number {
    return this.poller.ticks;
  }

  dispose(): void {
    this.poller.dispose();
  }
}
