import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Response } from 'undici';

/** One request as the server received it: raw body bytes, parsed query. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export type Route = (req: Received, res: ServerResponse) => void | Promise<void>;

export interface RouteServer {
  readonly url: string;
  readonly received: Received[];
  /** Sets (or replaces) the answer of `METHOD /path` (path without query). */
  on(method: string, path: string, route: Route): void;
  /** How many times `METHOD /path` was requested. */
  count(method: string, path: string): number;
  last(method: string, path: string): Received | undefined;
  close(): Promise<void>;
}

/**
 * A loopback server answering scripted routes; anything unscripted is a 404 that names the
 * route, so a test failing on an unexpected request says which one.
 */
export async function startRoutes(): Promise<RouteServer> {
  const routes = new Map<string, Route>();
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const r: Received = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks) };
      received.push(r);
      const route = routes.get(`${r.method} ${r.path}`);
      if (!route) return json(res, 404, { error: `unscripted route ${r.method} ${r.path}` });
      Promise.resolve(route(r, res)).catch((error: unknown) => res.destroy(error instanceof Error ? error : new Error(String(error))));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const matching = (method: string, path: string) => received.filter((r) => r.method === method && r.path === path);
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    on: (method, path, route) => void routes.set(`${method} ${path}`, route),
    count: (method, path) => matching(method, path).length,
    last: (method, path) => matching(method, path).at(-1),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function text(res: ServerResponse, status: number, body: string, contentType = 'text/plain', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** A Werkzeug-style HTML error page, as Flask's `abort()` renders it. */
export function werkzeugPage(status: number, title: string, description: string): string {
  return `<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>${description}</p>\n`;
}

/** Parses a multipart body with undici's own parser, as the real service would see its fields. */
export async function formFields(req: Received): Promise<[string, string][]> {
  const form = await new Response(req.body, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
  const out: [string, string][] = [];
  for (const [k, v] of form.entries()) out.push([k, typeof v === 'string' ? v : `<file ${v.name}>`]);
  return out;
}

export function bodyJson(req: Received): unknown {
  return JSON.parse(req.body.toString('utf8'));
}
