import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault } from './faults';

/** Default cap on request bodies; larger bodies get 413 in the face's error shape. */
export const BODY_CAP = 1024 * 1024;

/** Thrown by handlers; the face turns it into its own error body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** A face-specific body that replaces the face's default error shape. */
    readonly body?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  path: string;
  params: Record<string, string>;
  /** The fault injected for this request, if any (already handled for status/delay/html). */
  fault: Fault | null;
  /** Aborts when the server closes, so long waits (sync execute, waitForMs) end with it. */
  signal: AbortSignal;
  body(cap?: number): Promise<Buffer>;
}

/** Reads the whole body, failing with 413 as soon as it exceeds `cap` (the rest is not buffered). */
export function readBody(req: IncomingMessage, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > cap) {
      req.resume();
      reject(new HttpError(413, `Request body exceeds ${cap} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > cap) {
        failed = true;
        reject(new HttpError(413, `Request body exceeds ${cap} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
      failed = true;
    });
  });
}

/** Parses a JSON body; an empty body is `undefined`. Bad JSON is a 400. */
export function parseJson(buf: Buffer): unknown {
  const text = buf.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

export function sendHtml(res: ServerResponse, status: number, title: string, message: string, headers: Record<string, string> = {}): void {
  // Werkzeug's default error page, which Powabase returns when a Flask abort() has no JSON handler.
  const html = `<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>${message}</p>\n`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), ...headers });
  res.end(html);
}

export function isLoopback(req: IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1' || a.startsWith('127.');
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

type Handler = (ctx: Ctx) => Promise<void> | void;

/** A tiny method+path router: `:name` segments become params. */
export class Router {
  private readonly routes: { method: string; re: RegExp; names: string[]; handler: Handler }[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const re = new RegExp(
      '^' +
        pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, n: string) => {
          names.push(n);
          return '([^/]+)';
        }) +
        '/?$',
    );
    this.routes.push({ method, re, names, handler });
    return this;
  }

  /** Returns the handler, 'method' when the path exists for another method, or undefined. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | 'method' | undefined {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => {
        params[n] = safeDecode(m[i + 1] ?? '');
      });
      return { handler: r.handler, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
