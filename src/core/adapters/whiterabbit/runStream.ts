import type { RunRef } from '../../backend';
import { FlowscopeError } from '../../errors';
import type { Run } from '../../model';
import type { SseMessage } from '../../sse';
import { sleep } from '../../util/abort';
import type { Logger } from '../../util/log';
import { newAbort } from '../common';
import { FrameReader } from './frameReader';
import { LiveRun } from './liveRun';
import { MIN_READ_GAP_MS } from './readBudget';
import { STAGE_LIMIT } from './map';

/** What one stream connection needs from the adapter. */
export interface RunStreamIo {
  /** "White Rabbit run …", for messages. */
  readonly what: string;
  readonly log: Logger;
  /** Opens the run's event stream (signed afresh: timestamps expire in 30 s): batches, one per chunk read. */
  open(signal: AbortSignal): Promise<AsyncIterable<readonly SseMessage[]>>;
  /** Reads the run detail; `urgent` (the run's end) goes ahead of the connection's queued reads. */
  read(signal: AbortSignal, urgent?: boolean): Promise<Run>;
  /** The gap between two detail reads now; MIN_READ_GAP_MS when absent. */
  readGapMs?(): number;
}

type Item = { readonly kind: 'frames'; readonly messages: readonly SseMessage[] } | { readonly kind: 'detail' } | { readonly kind: 'end' } | { readonly kind: 'error'; readonly error: unknown };

/**
 * One connection to a run's stream, yielding the run's state after each change. Frames and
 * detail reads meet in one inbox: a detail read runs beside the stream (at most one in flight,
 * see CoalescedRead) and its outcome is yielded as soon as it lands, between frames.
 */
export async function* streamRun(ref: RunRef, round: number, io: RunStreamIo, signal?: AbortSignal): AsyncGenerator<Run> {
  const local = newAbort(signal);
  const live = new LiveRun(ref.id, ref.workflowId);
  const inbox = new Inbox<Item>();
  const frames = new FrameReader(io.log, io.what);
  const details = new CoalescedRead(
    (urgent) => io.read(local.signal, urgent),
    (run) => {
      live.applyDetail(run);
      void inbox.push({ kind: 'detail' });
    },
    (error) => {
      if (FlowscopeError.is(error, 'aborted')) return;
      if (FlowscopeError.is(error) && error.code === STAGE_LIMIT) return void inbox.push({ kind: 'error', error });
      io.log.debug(`${io.what}: reading the run detail failed (${(error as Error).message}); ended stages stay "finishing" until the next read`);
    },
    { signal: local.signal, ...(io.readGapMs ? { minGapMs: () => io.readGapMs?.() ?? MIN_READ_GAP_MS } : {}) },
  );
  try {
    if (round > 0) live.reset(await io.read(local.signal));
    void pump(await io.open(local.signal), inbox);
    for (;;) {
      const item = await inbox.take();
      if (item.kind === 'end') return;
      if (item.kind === 'error') throw item.error;
      if (item.kind === 'detail') {
        yield live.snapshot();
        continue;
      }
      // The frames of one read: each is its own update, but the batch is one trip through the inbox.
      for (const message of item.messages) {
        const event = frames.read(message);
        // A repeat of the previous frame tells nothing new (see FrameReader): nothing to apply or yield.
        if (!event || event === 'repeat') continue;
        const changed = live.applyEvent(event);
        if (live.terminal) {
          // The stream carries counts and the stages still in flight; the detail has them all.
          details.request(true);
          await details.settled();
          yield live.snapshot();
          return;
        }
        if (changed) details.request();
        yield live.snapshot();
      }
    }
  } finally {
    local.abort();
    inbox.close();
  }
}

/** Feeds frames into the inbox a read at a time: the next is read only once this batch is taken. */
async function pump(batches: AsyncIterable<readonly SseMessage[]>, inbox: Inbox<Item>): Promise<void> {
  try {
    for await (const messages of batches) await inbox.push({ kind: 'frames', messages });
    await inbox.push({ kind: 'end' });
  } catch (error) {
    await inbox.push({ kind: 'error', error });
  }
}

export interface CoalescedReadOptions {
  /**
   * Between two reads, at least this long: a number, or asked before each gap (the connection's
   * `ReadBudget` widens it as more runs are followed). A detail read of a 200-stage run is 50–75 KB
   * of JSON; read back to back, as each stage ending asked, a hundred live runs kept the client
   * busy and its heap full of them. A stage's outcome shows at most this much later; the run's end
   * never waits out the gap, and its read goes first among the reads waiting for one of the
   * connection's slots (`ReadBudget.read`): it waits at most for one read in flight to end.
   */
  readonly minGapMs?: number | (() => number);
  /** Waits `ms` unless `signal` aborts first (`sleep`'s contract); tests pass their own to script the gap. */
  readonly pause?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The follow's lifetime: once it aborts, no read is waited for or started. */
  readonly signal?: AbortSignal;
  /** A monotonic clock in ms (`performance.now` by default); tests pass their own. */
  readonly now?: () => number;
}

/**
 * Reads the run detail on request with at most one read in flight. Requests made while a read
 * runs are folded into one more read after it, so the latest state always wins and a burst of
 * stage endings costs two reads, not one per stage. Every read but an urgent one (the run ended)
 * starts `minGapMs` after the last one ended at the earliest, whether it was asked for during a
 * read or after a quiet spell; requests meanwhile fold into it.
 */
export class CoalescedRead {
  private running: Promise<void> | undefined;
  private again = false;
  private urgent = false;
  private wakeEarly: AbortController | undefined;
  private readonly minGapMs: number | (() => number);
  private readonly pause: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly signal: AbortSignal | undefined;
  private readonly now: () => number;
  /** When the last read ended, by `now`. */
  private lastReadAt: number | undefined;

  constructor(
    /** Reads the detail; `urgent` is true for the read the run's end asked for. */
    private readonly read: (urgent: boolean) => Promise<Run>,
    private readonly apply: (run: Run) => void,
    private readonly fail: (error: unknown) => void,
    options: CoalescedReadOptions = {},
  ) {
    this.minGapMs = options.minGapMs ?? MIN_READ_GAP_MS;
    this.pause = options.pause ?? sleep;
    this.signal = options.signal;
    this.now = options.now ?? (() => performance.now());
    // One listener for the follow's whole life, waking whichever gap is current. (A signal joining
    // the two per gap, a few a second per run, piled up dependents on the follow's long-lived
    // signal: Node 20 keeps them, nodejs/node#55351.)
    this.signal?.addEventListener('abort', () => this.wakeEarly?.abort(), { once: true });
  }

  /** `urgent`: read without waiting out the gap (the run's end). */
  request(urgent = false): void {
    if (urgent) {
      this.urgent = true;
      this.wakeEarly?.abort();
    }
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop();
  }

  /** Resolves once no read is in flight or wanted. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async loop(): Promise<void> {
    try {
      // Asked for after a quiet spell: what is left of the gap since the last read, first. (Without
      // this, stages ending every 300 ms had a run read every 300 ms, whatever the gap.)
      const left = this.lastReadAt === undefined ? 0 : this.gapMs() - (this.now() - this.lastReadAt);
      if (left > 0 && !this.urgent) {
        await this.gap(left);
        if (this.signal?.aborted) return;
      }
      do {
        const urgent = this.urgent;
        this.again = false;
        this.urgent = false;
        try {
          this.apply(await this.read(urgent));
        } catch (error) {
          this.fail(error);
        }
        this.lastReadAt = this.now();
        if (this.again && !this.urgent) await this.gap(this.gapMs());
      } while (this.again && !this.signal?.aborted);
    } finally {
      // Cleared in the same turn as the last `again` check, so no request can fall in between.
      this.running = undefined;
    }
  }

  private gapMs(): number {
    return typeof this.minGapMs === 'number' ? this.minGapMs : this.minGapMs();
  }

  /** The pause before the next read, cut short by an urgent request or the follow's end. */
  private async gap(ms: number): Promise<void> {
    if (this.signal?.aborted) return;
    const wake = (this.wakeEarly = new AbortController());
    try {
      await this.pause(ms, wake.signal);
    } catch {
      // Woken early: the loop reads now, or stops if the follow ended.
    } finally {
      this.wakeEarly = undefined;
    }
  }
}

/** A one-reader queue; `push` resolves when the item is taken (or the inbox closed). */
class Inbox<T> {
  private readonly items: Array<{ readonly item: T; readonly taken: () => void }> = [];
  private wake: (() => void) | undefined;
  private closed = false;

  push(item: T): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((taken) => {
      this.items.push({ item, taken });
      this.wake?.();
      this.wake = undefined;
    });
  }

  async take(): Promise<T> {
    while (this.items.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    const next = this.items.shift() as { item: T; taken: () => void };
    next.taken();
    return next.item;
  }

  /** Releases every waiting producer; later pushes are dropped. */
  close(): void {
    this.closed = true;
    for (const { taken } of this.items.splice(0)) taken();
  }
}
