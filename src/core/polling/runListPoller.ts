import { toFlowscopeError } from '../errors';
import type { FlowscopeError } from '../errors';
import { backoffDelay } from '../util/abort';
import type { Disposable } from '../util/disposable';
import type { Timers } from '../sse';
import type { Logger } from '../util/log';
import { silentLogger } from '../util/log';

export interface PollerOptions<T> {
  /** Fastest interval, used right after something changed or after `bump()`; read per tick so a setting applies at once. */
  readonly minMs: number | (() => number);
  /** Slowest interval, reached by doubling while nothing changes; read per tick too. */
  readonly maxMs: number | (() => number);
  /** The host's gate: the view is visible and the window focused. */
  readonly isActive: () => boolean;
  /** What to poll now (e.g. the expanded workflows of connections that list runs). */
  readonly targets: () => readonly T[];
  /** Polls one target; resolves true when something new was seen. */
  readonly poll: (target: T, signal: AbortSignal) => Promise<boolean>;
  readonly onError?: (target: T, error: FlowscopeError) => void;
  readonly log?: Logger;
  readonly random?: () => number;
  /** The timers between ticks (default: the real ones); tests pass a clock they move by hand. */
  readonly timers?: Timers;
}

const REAL_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Polls what no stream tells us (new runs, runs started elsewhere). One tick at a time: the next
 * is scheduled only after the previous settled, so slow responses never pile up. The interval
 * doubles while nothing changes, drops back to `minMs` when something does, backs off on errors
 * and never comes sooner than a server's Retry-After. Nothing runs while the gate is closed.
 */
export class RunListPoller<T> implements Disposable {
  private timer: unknown;
  private inFlight: AbortController | undefined;
  private idleTicks = 0;
  private failures = 0;
  private disposed = false;
  private readonly log: Logger;
  /** Counts ticks; tests and the log use it. */
  ticks = 0;

  constructor(private readonly options: PollerOptions<T>) {
    this.log = options.log ?? silentLogger;
  }

  /** Re-reads the gate: starts polling soon when it opened, stops when it closed. */
  wake(): void {
    if (this.disposed) return;
    if (!this.options.isActive()) {
      this.clearTimer();
      return;
    }
    if (!this.timer && !this.inFlight) this.schedule(0);
  }

  /** Something happened here (a trigger, a refresh): poll soon and fast again. */
  bump(): void {
    this.idleTicks = 0;
    if (this.disposed || !this.options.isActive() || this.inFlight) return;
    this.clearTimer();
    this.schedule(Math.min(this.minMs, 500));
  }

  private get minMs(): number {
    const { minMs } = this.options;
    return typeof minMs === 'function' ? minMs() : minMs;
  }

  private get maxMs(): number {
    const { maxMs } = this.options;
    return typeof maxMs === 'function' ? maxMs() : maxMs;
  }

  get running(): boolean {
    return this.timer !== undefined || this.inFlight !== undefined;
  }

  private schedule(ms: number): void {
    this.clearTimer();
    this.timer = (this.options.timers ?? REAL_TIMERS).setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, ms);
    // A pending poll must never keep a process (tests, CLI) alive on its own.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async tick(): Promise<void> {
    if (this.disposed || !this.options.isActive()) return;
    const targets = this.options.targets();
    if (targets.length === 0) return; // Woken again when a target appears.
    this.ticks++;
    const controller = new AbortController();
    this.inFlight = controller;
    let changed = false;
    let failed = false;
    let waitAtLeast = 0;
    for (const target of targets) {
      if (controller.signal.aborted) break;
      try {
        changed = (await this.options.poll(target, controller.signal)) || changed;
      } catch (error) {
        const typed = toFlowscopeError(error);
        if (typed.reason === 'aborted') break;
        failed = true;
        if (typed.retryAfterMs !== undefined) waitAtLeast = Math.max(waitAtLeast, typed.retryAfterMs);
        this.log.debug(`poll failed (${typed.reason}): ${typed.message}`);
        this.options.onError?.(target, typed);
      }
    }
    if (this.inFlight === controller) this.inFlight = undefined;
    if (this.disposed) return;
    let delay: number;
    if (failed) {
      this.failures++;
      delay = backoffDelay(this.failures, this.minMs, this.maxMs, this.options.random);
    } else {
      this.failures = 0;
      this.idleTicks = changed ? 0 : this.idleTicks + 1;
      delay = Math.min(this.maxMs, this.minMs * 2 ** this.idleTicks);
    }
    delay = Math.max(delay, waitAtLeast);
    if (this.options.isActive()) this.schedule(delay);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) (this.options.timers ?? REAL_TIMERS).clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    this.inFlight?.abort();
    this.inFlight = undefined;
  }
}
