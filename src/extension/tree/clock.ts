import type { Disposable } from '../../core/util/disposable';
import { toDisposable } from '../../core/util/disposable';

/** Calls `tick` every `ms` until disposed. Tests pass their own to step time by hand. */
export type Every = (ms: number, tick: () => void) => Disposable;

export const realEvery: Every = (ms, tick) => {
  const handle = setInterval(tick, ms);
  // A ticking row must never keep a process (tests, CLI) alive on its own.
  (handle as { unref?: () => void }).unref?.();
  return toDisposable(() => clearInterval(handle));
};

/** How often running durations move on, and how many of those ticks make a relative-time refresh. */
export const TICK_MS = 1_000;
export const RELATIVE_EVERY_TICKS = 30;

export interface RowClockOptions {
  readonly every: Every;
  /** Rows on screen whose text changes with time: running runs (every tick), all runs (relative times). */
  readonly rows: (includeEnded: boolean) => void;
}

/**
 * Keeps time-dependent row text true while the view is visible: running durations every second,
 * "2 min ago" every 30 s. It names the rows that changed, never the whole tree, and stops while
 * the view is hidden.
 */
export class RowClock implements Disposable {
  private running: Disposable | undefined;
  private ticks = 0;

  constructor(private readonly options: RowClockOptions) {}

  setVisible(visible: boolean): void {
    if (visible && !this.running) {
      this.running = this.options.every(TICK_MS, () => {
        this.ticks++;
        this.options.rows(this.ticks % RELATIVE_EVERY_TICKS === 0);
      });
    } else if (!visible) this.dispose();
  }

  dispose(): void {
    this.running?.dispose();
    this.running = undefined;
  }
}
