/**
 * A clock that moves only when a test says so, for code that takes `setTimeout`/`clearTimeout`
 * as a parameter (the SSE watchdog, the explorer's poller). A test where time is the subject
 * advances it explicitly instead of sleeping, so the check holds however loaded the machine is.
 */
export interface ManualTimers {
  setTimeout(callback: () => void, ms: number): number;
  clearTimeout(handle: unknown): void;
  /** Moves the clock on by `ms`, firing (in due order) every timer that falls due meanwhile. */
  advance(ms: number): void;
  /** The delays of the timers currently pending, in the order they were set. */
  pending(): number[];
  /** How many timers have been set so far. */
  readonly armed: number;
  /** Resolves once more than `count` timers have been set in total (an event, not a wait for time). */
  armedMoreThan(count: number): Promise<void>;
}

interface Timer {
  readonly id: number;
  readonly due: number;
  readonly delay: number;
  readonly callback: () => void;
}

export function manualTimers(): ManualTimers {
  let now = 0;
  let nextId = 1;
  let armed = 0;
  const timers = new Map<number, Timer>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const timerApi: ManualTimers = {
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { id, due: now + ms, delay: ms, callback });
      armed++;
      for (const w of waiters.splice(0)) {
        if (armed > w.count) w.resolve();
        else waiters.push(w);
      }
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const next = [...timers.values()].filter((t) => t.due <= until).sort((a, b) => a.due - b.due || a.id - b.id)[0];
        if (!next) break;
        timers.delete(next.id);
        now = next.due;
        next.callback();
      }
      now = until;
    },
    pending: () => [...timers.values()].sort((a, b) => a.id - b.id).map((t) => t.delay),
    get armed() {
      return armed;
    },
    armedMoreThan(count) {
      if (armed > count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
  };
  return timerApi;
}
