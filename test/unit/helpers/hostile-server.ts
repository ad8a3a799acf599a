// A purpose-built hostile server: it answers the way a broken, compromised or malicious service
// could — gigantic bodies, endless frames, headers trickled byte by byte, redirects to other
// hosts, invalid UTF-8, JSON nested beyond reason, strings crafted for terminals and HTML. Each
// route is a behaviour picked per request; every request is recorded with what was sent back.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostileHit {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** Body bytes this server managed to write before the response ended or the client left. */
  written: number;
  /** The client closed the connection before the response was complete. */
  abandoned: boolean;
}

export type Behaviour = (req: IncomingMessage, res: ServerResponse, hit: HostileHit) => void | Promise<void>;

export interface HostileServer {
  readonly url: string;
  readonly hits: HostileHit[];
  /** Replaces the routing: `route(method, path)` picks the behaviour of each request. */
  route(pick: (method: string, path: string) => Behaviour | undefined): void;
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const hits: HostileHit[] = [];
  let pick: (method: string, path: string) => Behaviour | undefined = () => undefined;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://hostile.invalid').pathname;
    const hit: HostileHit = { method: req.method ?? '', path, headers: req.headers, written: 0, abandoned: false };
    hits.push(hit);
    res.on('close', () => {
      if (!res.writableFinished) hit.abandoned = true;
    });
    req.resume();
    const behaviour = pick(hit.method, path) ?? json(404, { error: 'NOT_FOUND', message: `hostile server has no ${path}` });
    Promise.resolve(behaviour(req, res, hit)).catch(() => res.destroy());
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    route(next) {
      pick = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes `chunk` repeatedly (respecting backpressure) until `total` bytes or the client leaves. */
async function pump(res: ServerResponse, hit: HostileHit, chunk: Buffer, total: number): Promise<boolean> {
  while (hit.written < total) {
    if (res.destroyed) return false;
    const piece = hit.written + chunk.length > total ? chunk.subarray(0, total - hit.written) : chunk;
    hit.written += piece.length;
    if (!res.write(piece)) {
      const drained = await new Promise<boolean>((resolve) => {
        res.once('drain', () => resolve(true));
        res.once('close', () => resolve(false));
      });
      if (!drained) return false;
    }
  }
  return true;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Behaviour {
  return (_req, res, hit) => {
    const text = JSON.stringify(value);
    hit.written = Buffer.byteLength(text);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  };
}

/** Exactly these bytes, whatever they are. */
export function raw(status: number, contentType: string, bytes: Buffer | string): Behaviour {
  return (_req, res, hit) => {
    const body = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    hit.written = body.length;
    res.writeHead(status, { 'content-type': contentType, 'content-length': String(body.length) });
    res.end(body);
  };
}

/**
 * A JSON answer of `bytes` bytes: `{"pad":"aaaa…"}`, streamed in chunks and (optionally)
 * announced with a truthful Content-Length. A client without a size cap buffers all of it.
 */
export function giantJson(bytes: number, options: { status?: number; declareLength?: boolean; contentType?: string } = {}): Behaviour {
  return async (_req, res, hit) => {
    const head = Buffer.from('{"pad":"');
    const tail = Buffer.from('"}');
    res.writeHead(options.status ?? 200, {
      'content-type': options.contentType ?? 'application/json',
      ...(options.declareLength ? { 'content-length': String(bytes) } : {}),
    });
    res.write(head);
    hit.written = head.length;
    if (await pump(res, hit, Buffer.alloc(64 * 1024, 'a'), bytes - tail.length)) res.end(tail);
  };
}

/** An SSE stream whose one frame never ends: `data: xxxx…` with no newline, forever. */
export function endlessFrame(): Behaviour {
  return async (_req, res, hit) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: ');
    await pump(res, hit, Buffer.alloc(64 * 1024, 'x'), Number.MAX_SAFE_INTEGER);
  };
}

/** An SSE stream of exactly these frames (strings or raw bytes), then the end. */
export function sse(frames: ReadonlyArray<string | Buffer>, options: { keepOpen?: boolean } = {}): Behaviour {
  return (_req, res, hit) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const frame of frames) {
      const bytes = typeof frame === 'string' ? Buffer.from(frame, 'utf8') : frame;
      hit.written += bytes.length;
      res.write(bytes);
    }
    if (!options.keepOpen) res.end();
  };
}

/**
 * Slow-loris headers: a status line, then one header byte every `intervalMs`, never finishing
 * the header block. Written to the socket directly, below the HTTP layer.
 */
export function slowHeaders(intervalMs: number): Behaviour {
  return (_req, res, hit) => {
    const socket = res.socket;
    if (!socket) return;
    socket.write('HTTP/1.1 200 OK\r\nX-Slow: ');
    const timer = setInterval(() => {
      if (socket.destroyed) return clearInterval(timer);
      hit.written++;
      socket.write('a');
    }, intervalMs);
    socket.on('close', () => {
      hit.abandoned = true;
      clearInterval(timer);
    });
  };
}

/** Prompt headers, then a JSON body trickled one byte every `intervalMs`, forever. */
export function slowBody(intervalMs: number): Behaviour {
  return (_req, res, hit) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"pad":"');
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      hit.written++;
      res.write('a');
    }, intervalMs);
    res.on('close', () => {
      hit.abandoned = true;
      clearInterval(timer);
    });
  };
}

export function redirect(status: number, location: string): Behaviour {
  return (_req, res) => {
    res.writeHead(status, { location, 'content-type': 'text/html' });
    res.end(`<html><body>Moved to <a href="${location}">${location}</a></body></html>`);
  };
}

/** `depth` nested arrays around a scalar: `[[[…1…]]]`. */
export function deepArrays(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

/** `depth` nested `{"error": …}` objects: what a recursive error-body reader walks into. */
export function deepErrors(depth: number): string {
  return `${'{"error":'.repeat(depth)}"deep"${'}'.repeat(depth)}`;
}

/**
 * Strings a hostile workflow author or server would put where names and messages go: ANSI
 * colour and cursor codes, an OSC 8 hyperlink, an OSC title change, a terminal bell, bidi
 * overrides that reorder what the user reads, and HTML/script.
 */
export const HOSTILE_STRINGS = {
  ansi: 'Stage \u001b[31mRED\u001b[0m \u001b[2J\u001b[H cleared',
  osc8: 'click \u001b]8;;https://evil.invalid/\u0007here\u001b]8;;\u0007',
  title: '\u001b]0;pwned\u0007title',
  bidi: 'invoice\u202egpj.exe',
  html: '<img src=x onerror="alert(1)"><script>alert(2)</script>',
  c1: 'csi\u009b31mred',
} as const;
