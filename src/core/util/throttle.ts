import type { Disposable } from './disposable';

/**
 * Leading-edge throttle: the first call after a quiet spell runs at once, so a lone event is
 * never held back by the window; calls during a burst are merged into one run per window.
 */
export class Throttle implements Disposable {
  private lastRunAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly windowMs: number,
    private readonly action: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  schedule(): void {
    if (this.timer || this.disposed) return;
    const wait = this.lastRunAt + this.windowMs - this.now();
    if (wait <= 0) return this.fire();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, wait);
  }

  private fire(): void {
    if (this.disposed) return;
    this.lastRunAt = this.now();
    this.action();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
