import type { Disposable } from './disposable';

/** One display frame at 60 Hz, the rate VS Code's webviews paint at. */
export const FRAME_MS = 1000 / 60;

/** The clock a pacer reads and the timer it sets; tests pass their own. */
export interface PacerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: PacerClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Runs an action at most once per display frame, and never later than the start of the next
 * frame. Time is cut into frames of `frameMs` from the clock's zero; the first request in a frame
 * that has not run the action yet runs it at once (a lone change is never held back), later
 * requests in that frame are folded into one run at the next frame's start. So a burst of
 * thousands of changes a second costs one patch per frame, and no change waits more than one frame.
 */
export class FramePacer implements Disposable {
  /** The frame the action last ran in. */
  private lastFrame = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private disposed = false;

  constructor(
    private readonly action: () => void,
    private readonly frameMs: number = FRAME_MS,
    private readonly clock: PacerClock = systemClock,
  ) {}

  schedule(): void {
    if (this.timer !== undefined || this.disposed) return;
    const now = this.clock.now();
    const frame = Math.floor(now / this.frameMs);
    if (frame > this.lastFrame) return this.run(frame);
    const nextFrameAt = (frame + 1) * this.frameMs;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.run(Math.floor(this.clock.now() / this.frameMs));
    }, Math.max(0, nextFrameAt - now));
  }

  private run(frame: number): void {
    if (this.disposed) return;
    // A timer that fires a little early still counts as the next frame: never twice in one.
    this.lastFrame = Math.max(frame, this.lastFrame + 1);
    this.action();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
