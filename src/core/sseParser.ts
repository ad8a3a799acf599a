import { createParser } from 'eventsource-parser';
import type { EventSourceParser } from 'eventsource-parser';
import { FlowscopeError } from './errors';

export interface SseMessage {
  /** The `event:` name, `message` when the frame had none. */
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

export interface SseParserOptions {
  /** The largest frame accepted; past it the stream fails with a typed protocol error. */
  readonly maxFrameBytes: number;
  /** Called on `:comment` lines and `data: :ping` heartbeats. */
  readonly onHeartbeat?: () => void;
  /** Called for lines the parser rejects; the stream goes on. */
  readonly onMalformed?: (why: string) => void;
}

/**
 * Turns byte chunks into batches of messages: every message a chunk completes is appended to the
 * caller's array in one synchronous call, so a consumer loops over a chunk's thousand small events
 * without an async step per event (that step, not the parsing, was what kept ingest at a fifth of
 * the wire's speed). Framing is eventsource-parser's; decoding is incremental, so a UTF-8
 * character or a CRLF cut between chunks changes nothing.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  private out: SseMessage[] = [];
  private failure: FlowscopeError | undefined;

  constructor(private readonly options: SseParserOptions) {
    this.parser = createParser({
      maxBufferSize: options.maxFrameBytes,
      onEvent: (msg) => {
        // `data: :ping` is White Rabbit's documented heartbeat (contracts A.6), never an event.
        if (msg.data.length <= 16 && msg.data.trim() === ':ping') return options.onHeartbeat?.();
        this.out.push(msg.id ? { event: msg.event || 'message', data: msg.data, id: msg.id } : { event: msg.event || 'message', data: msg.data });
      },
      onComment: () => options.onHeartbeat?.(),
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') {
          this.failure = new FlowscopeError('protocol', `The server sent a stream frame larger than ${Math.round(options.maxFrameBytes / 1024)} KiB; the stream was closed.`);
        } else options.onMalformed?.(error.message);
      },
    });
  }

  /** Parses one chunk; complete messages are appended to `out`. Throws past the frame size cap. */
  push(chunk: Uint8Array, out: SseMessage[]): void {
    this.feed(this.decoder.decode(chunk, { stream: true }), out);
  }

  /** The stream ended: a last frame without its blank line still counts. */
  end(out: SseMessage[]): void {
    this.feed(`${this.decoder.decode()}\n\n`, out);
  }

  private feed(text: string, out: SseMessage[]): void {
    this.out = out;
    this.parser.feed(text);
    if (this.failure) throw this.failure;
  }
}
