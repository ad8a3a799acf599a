import { FlowscopeError } from './errors';
import type { SseMessage } from './sseParser';
import { SseParser } from './sseParser';
import { abortedError } from './util/abort';

export type { SseMessage } from './sseParser';

export interface SseReadOptions {
  readonly signal?: AbortSignal;
  /**
   * How long the stream may stay completely silent (no event, no ping comment) before it is
   * considered dead. A silent socket never errors by itself, so without this a half-open
   * connection would leave a run looking "running" forever.
   */
  readonly idleTimeoutMs?: number;
  /** The largest frame accepted; a bigger one ends the stream with a protocol error. */
  readonly maxFrameBytes?: number;
  /** Called on `:comment` lines and `data: :ping` heartbeats. */
  readonly onHeartbeat?: () => void;
  /** Called for lines the parser rejects; the stream goes on. */
  readonly onMalformed?: (why: string) => void;
  /** The idle watchdog's timers (default: the real ones); tests pass a clock they move by hand. */
  readonly timers?: Timers;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Default cap on one frame: far above any real event, far below a memory problem. */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

/**
 * Reads Server-Sent Events from a byte stream, one batch per chunk read: every message the chunk
 * completed, in order. Consumers loop over a batch synchronously, so a chunk of a thousand small
 * events costs one step of this async generator, not a thousand (the per-event async step was
 * the cost that kept ingest at a fifth of the wire's speed). Decoding is incremental, so a chunk
 * boundary inside a UTF-8 character or between CR and LF changes nothing; multi-line data,
 * comments, named events and a final frame without its blank line are handled. Heartbeats
 * (`:ping` comments and `data: :ping`) are reported through `onHeartbeat`, never yielded.
 */
export async function* readSseBatches(body: AsyncIterable<Uint8Array>, options: SseReadOptions = {}): AsyncGenerator<readonly SseMessage[]> {
  const parser = new SseParser({
    maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    onHeartbeat: options.onHeartbeat,
    onMalformed: options.onMalformed,
  });
  const iterator = body[Symbol.asyncIterator]();
  const idle = new IdleWatch(options.idleTimeoutMs, options.signal, options.timers ?? REAL_TIMERS);
  let reading = false;
  try {
    for (;;) {
      reading = true;
      const next = await idle.race(iterator.next());
      reading = false;
      if (next.done) break;
      const batch: SseMessage[] = [];
      parser.push(next.value, batch);
      if (batch.length > 0) yield batch;
    }
    const last: SseMessage[] = [];
    parser.end(last);
    if (last.length > 0) yield last;
  } finally {
    idle.dispose();
    // Stop reading: releases the socket when the consumer leaves early or the watchdog fired.
    // When the watchdog or the signal won the race, a read is still pending, and an async
    // iterator's return() waits for it: on a silent socket, forever. Destroy a Node stream
    // first (that settles the read), and never wait on return() behind a pending read.
    if (reading) {
      const destroy = (body as { destroy?: unknown }).destroy;
      if (typeof destroy === 'function') (destroy as () => void).call(body);
      void iterator.return?.().catch(() => undefined);
    } else {
      await iterator.return?.().catch(() => undefined);
    }
  }
}

/** One message at a time, for consumers that await between messages anyway. */
export async function* readSse(body: AsyncIterable<Uint8Array>, options: SseReadOptions = {}): AsyncGenerator<SseMessage> {
  for await (const batch of readSseBatches(body, options)) yield* batch;
}

/**
 * Races reads against a silence timer and the caller's AbortSignal. One promise per read, settled
 * by whichever comes first: the read, the timer (armed for this read only) or the signal. This
 * replaced a Promise.race of the read with a fresh guard promise, a `finally` and a new timer
 * callback per read, which cost more than the parsing of a chunk of small events.
 */
class IdleWatch {
  private reject?: (e: unknown) => void;
  private timer?: unknown;
  private readonly onAbort = (): void => this.reject?.(abortedError());
  private readonly onSilence = (): void =>
    this.reject?.(new FlowscopeError('timeout', `The stream was silent for ${Math.round(this.timeoutMs! / 1000)} s (no event, no heartbeat).`));

  constructor(
    private readonly timeoutMs: number | undefined,
    private readonly signal: AbortSignal | undefined,
    private readonly timers: Timers,
  ) {
    signal?.addEventListener('abort', this.onAbort);
  }

  race<T>(read: Promise<T>): Promise<T> {
    if (this.signal?.aborted) {
      // The read was already started: it fails too (the body is aborted); that is expected, not unhandled.
      read.catch(() => undefined);
      return Promise.reject(abortedError());
    }
    return new Promise<T>((resolve, reject) => {
      this.reject = reject;
      if (this.timeoutMs !== undefined) this.timer = this.timers.setTimeout(this.onSilence, this.timeoutMs);
      // A read that settles after the timer or the signal won is ignored (a settled promise stays
      // as it is), and its failure is handled here, never left unhandled.
      read.then(
        (value) => {
          this.settled();
          resolve(value);
        },
        (error: unknown) => {
          this.settled();
          reject(error);
        },
      );
    });
  }

  dispose(): void {
    this.settled();
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  private settled(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.reject = undefined;
  }
}
