import type { ServerResponse } from 'node:http';
import type { Fault } from './faults';

/** Per-client buffered bytes beyond which a stream is cut: a reader that stopped reading can't grow memory. */
const MAX_BUFFERED = 4 * 1024 * 1024;

export interface SseOptions {
  /** Heartbeat interval; undefined for a stream that sends none (Powabase). */
  heartbeatMs?: number;
  /** The heartbeat frame, e.g. `:ping\n\n` or a named `ping` event. */
  ping?: string;
  /** A frame whose data is not valid JSON, in this stream's framing (for `malformed-after`). */
  malformed: string;
  fault: Fault | null;
}

/**
 * One open SSE response. It counts events so injected faults can act after N of them, owns its
 * heartbeat timer, and is tracked in a registry so the server can end every stream on close().
 */
export class SseStream {
  private events = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private ended = false;
  private readonly closeHandlers: (() => void)[] = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly opts: SseOptions,
    private readonly registry: Set<SseStream>,
    extraHeaders: Record<string, string> = {},
  ) {
    registry.add(this);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...extraHeaders,
    });
    res.flushHeaders();
    res.on('close', () => this.cleanup());
    if (opts.fault?.dropAfter === 0) this.drop();
    if (opts.heartbeatMs && opts.ping) {
      const ping = opts.ping;
      this.heartbeat = setInterval(() => {
        if (!this.opts.fault?.silent) this.write(ping);
      }, opts.heartbeatMs);
    }
  }

  get closed(): boolean {
    return this.ended;
  }

  onClose(fn: () => void): void {
    if (this.ended) fn();
    else this.closeHandlers.push(fn);
  }

  /** Sends one event frame (already formatted), applying any injected stream fault. */
  send(frame: string): void {
    if (this.ended) return;
    const f = this.opts.fault;
    if (f?.silent) return;
    if (f?.dropAfter !== undefined && this.events >= f.dropAfter) return; // already being dropped
    if (f?.malformedAfter !== undefined && this.events === f.malformedAfter) this.write(this.opts.malformed);
    this.events += 1;
    this.write(frame);
    if (f?.dropAfter !== undefined && this.events >= f.dropAfter) this.drop();
  }

  /** Cuts the connection without finishing the chunked body, once what was written has been flushed. */
  private drop(): void {
    this.res.write('', () => this.res.destroy());
  }

  /** Ends the stream after a terminal event. A `silent` stream stays open, as a hung server would. */
  end(): void {
    if (this.ended || this.opts.fault?.silent) return;
    this.res.end();
    this.cleanup();
  }

  /** Ends the stream regardless of faults (server shutdown). */
  terminate(): void {
    if (this.ended) return;
    this.res.end();
    this.res.destroy();
    this.cleanup();
  }

  private write(text: string): void {
    if (this.ended) return;
    if (this.res.writableLength > MAX_BUFFERED) {
      this.res.destroy();
      return;
    }
    this.res.write(text);
  }

  private cleanup(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.registry.delete(this);
    for (const fn of this.closeHandlers.splice(0)) {
      try {
        fn();
      } catch {
        // Unsubscribing must never throw into the socket's close path.
      }
    }
  }
}

/** An unnamed frame: `data: <json>\n\n`. */
export function dataFrame(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** A named frame: `event: <name>\ndata: <json>\n\n`. */
export function namedFrame(event: string, value: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(value)}\n\n`;
}
