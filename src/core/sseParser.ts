import { FlowscopeError } from './errors';

export interface SseMessage {
  /** The `event:` name, `message` when the frame had none. */
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

export interface SseParserOptions {
  /** The largest frame accepted (characters of data, and of a line still waiting for its end). */
  readonly maxFrameBytes: number;
  /** Called on `:comment` lines and `data: :ping` heartbeats. */
  readonly onHeartbeat?: () => void;
  /** Called for lines the parser rejects; the stream goes on. */
  readonly onMalformed?: (why: string) => void;
}

const LF = 10;
const COLON = 58;
const SPACE = 32;

/**
 * The SSE framing rules (WHATWG HTML § 9.2.6), written for throughput: a stream's events are
 * mostly one `data:` line each, read by the thousand per chunk. Each chunk is decoded once
 * (incrementally, so a UTF-8 character cut between chunks is whole again) and lines are found with
 * `indexOf`, which stays in V8's string builtins; a line is a slice of the chunk, not a copy.
 * Comments and heartbeats become no message at all. Lines end at LF, CR or CRLF, also when a CRLF
 * is cut between two chunks. A line still without its end is kept as pieces (joined once it
 * ends), so a large frame arriving in many chunks costs linear time.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  /** The start of a line that has not ended yet, as it arrived. */
  private pieces: string[] = [];
  private pendingChars = 0;
  /** The previous text ended with CR: an LF starting the next one belongs to that line ending. */
  private skipLf = false;
  private data: string | undefined;
  private event = '';
  private id = '';
  private frameChars = 0;

  constructor(private readonly options: SseParserOptions) {}

  /** Parses one chunk; complete messages are appended to `out`. Throws past the frame size cap. */
  push(chunk: Uint8Array, out: SseMessage[]): void {
    this.feed(this.decoder.decode(chunk, { stream: true }), out);
  }

  /** The stream ended: a last line and frame without their terminators still count. */
  end(out: SseMessage[]): void {
    this.feed(this.decoder.decode(), out);
    if (this.pieces.length > 0) this.line(this.takePending(''), 0, -1, out);
    this.dispatch(out);
  }

  private feed(text: string, out: SseMessage[]): void {
    let pos = 0;
    if (this.skipLf && text.length > 0) {
      this.skipLf = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    let lf = text.indexOf('\n', pos);
    let cr = text.indexOf('\r', pos);
    while (lf !== -1 || cr !== -1) {
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === lf && this.data === undefined && this.pieces.length === 0 && text.charCodeAt(lf + 1) === LF && text.startsWith('data:', pos)) {
        // The usual frame, one `data:` line and a blank line, in one step.
        this.addData(text.slice(text.charCodeAt(pos + 5) === SPACE ? pos + 6 : pos + 5, lf));
        this.dispatch(out);
        pos = lf + 2;
        lf = text.indexOf('\n', pos);
        if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
        continue;
      }
      if (this.pieces.length > 0) this.line(this.takePending(text.slice(pos, end)), 0, -1, out);
      else this.line(text, pos, end, out);
      pos = end + 1;
      if (end === cr) {
        if (pos === text.length) this.skipLf = true;
        else if (text.charCodeAt(pos) === LF) pos++;
      }
      // Each search starts where the last one stopped: the whole chunk is scanned once.
      if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
    }
    if (pos < text.length) {
      const rest = text.slice(pos);
      this.pieces.push(rest);
      this.pendingChars += rest.length;
      if (this.pendingChars + this.frameChars > this.options.maxFrameBytes) this.tooLarge();
    }
  }

  private takePending(last: string): string {
    this.pieces.push(last);
    const line = this.pieces.join('');
    this.pieces = [];
    this.pendingChars = 0;
    return line;
  }

  /** The line `text[start, end)` (`end` -1: to the end of `text`), read in place. */
  private line(text: string, start: number, end: number, out: SseMessage[]): void {
    const stop = end === -1 ? text.length : end;
    if (stop === start) return this.dispatch(out);
    const first = text.charCodeAt(start);
    if (first === COLON) return this.options.onHeartbeat?.();
    // The common line, `data: …`, without looking for the colon.
    if (first === 100 && text.startsWith('data:', start)) return this.addData(text.slice(text.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5, stop));
    const line = text.slice(start, stop);
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1);
    switch (field) {
      case 'data':
        return this.addData(value);
      case 'event':
        this.event = value;
        return;
      case 'id':
        // An id with NUL is ignored (the standard's rule).
        if (!value.includes('\u0000')) this.id = value;
        return;
      case 'retry':
        return;
      default:
        this.options.onMalformed?.(`Unknown field "${field.length > 40 ? `${field.slice(0, 40)}…` : field}"`);
    }
  }

  private addData(value: string): void {
    this.data = this.data === undefined ? value : `${this.data}\n${value}`;
    this.frameChars += value.length + 1;
    if (this.frameChars > this.options.maxFrameBytes) this.tooLarge();
  }

  private dispatch(out: SseMessage[]): void {
    const data = this.data;
    if (data !== undefined) {
      // `data: :ping` is White Rabbit's documented heartbeat (contracts A.6), never an event.
      if (data.length <= 16 && data.trim() === ':ping') this.options.onHeartbeat?.();
      else out.push(this.id ? { event: this.event || 'message', data, id: this.id } : { event: this.event || 'message', data });
    }
    this.data = undefined;
    this.event = '';
    this.id = '';
    this.frameChars = 0;
  }

  private tooLarge(): never {
    this.pieces = [];
    throw new FlowscopeError('protocol', `The server sent a stream frame larger than ${Math.round(this.options.maxFrameBytes / 1024)} KiB; the stream was closed.`);
  }
}
