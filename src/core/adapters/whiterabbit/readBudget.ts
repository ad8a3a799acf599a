import { abortedError } from '../../util/abort';

/** Between two detail reads of one run, at least this long (see `CoalescedRead`). */
export const MIN_READ_GAP_MS = 250;
/**
 * Run-detail reads one connection makes per second at most, all its followed runs together. A
 * read of a 200-stage run is 50–75 KB of JSON, parsed, checked and mapped: about a millisecond of
 * CPU. Each run's gap grows with the number of runs followed, so ten runs still see a stage's
 * outcome within 250 ms, a hundred within a second, a thousand within ten; the client's cost for
 * reads stays bounded however many runs it follows. The stream itself is never slowed.
 */
export const MAX_READS_PER_SECOND = 100;
/**
 * Detail reads one connection has in flight at most. More wait here, before they are signed:
 * queued in the HTTP pool instead, a read signed on entry could wait past the 30 s validity of its
 * signature (seed 000; contracts A.1) when a thousand runs are followed, and be refused; a follow
 * whose reconciling read is refused that way gives up on its run.
 */
export const MAX_READS_IN_FLIGHT = 16;

/** The gap between two detail reads of one run while `follows` runs are followed on its connection. */
export function readGapMs(follows: number): number {
  return Math.max(MIN_READ_GAP_MS, Math.ceil((follows * 1000) / MAX_READS_PER_SECOND));
}

/** The detail-read budget of one connection: how many runs it follows, and the reads in flight. */
export class ReadBudget {
  private follows = 0;
  private inFlight = 0;
  private readonly waiting: Array<{ readonly start: () => void }> = [];

  constructor(private readonly maxInFlight = MAX_READS_IN_FLIGHT) {}

  /** Counts a follow until the returned function is called. */
  follow(): () => void {
    this.follows++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.follows--;
    };
  }

  /** The gap between two reads of one run now. */
  gapMs(): number {
    return readGapMs(this.follows);
  }

  /**
   * Runs `read` once fewer than the maximum are in flight, in arrival order except that an
   * `urgent` read (a run's end) goes to the head of the queue: it would otherwise wait behind up
   * to one read per followed run. Rejects as aborted if `signal` aborts first.
   */
  async read<T>(read: () => Promise<T>, signal?: AbortSignal, urgent = false): Promise<T> {
    await this.slot(signal, urgent);
    try {
      return await read();
    } finally {
      this.release();
    }
  }

  private slot(signal: AbortSignal | undefined, urgent: boolean): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortedError());
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(abortedError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (urgent) this.waiting.unshift(waiter);
      else this.waiting.push(waiter);
    });
  }

  /** Hands the slot to the next waiter, or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.inFlight--;
  }
}
