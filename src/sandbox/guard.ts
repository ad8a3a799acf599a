import type { IncomingMessage } from 'node:http';
import { header } from './http';

/**
 * What keeps a web page in the user's browser away from the sandbox. The browser is a loopback
 * peer like any other, so "loopback only" is not enough:
 *  - DNS rebinding: a page on `evil.example` re-points its name at 127.0.0.1 and reads the
 *    sandbox as its own origin. The request then carries `Host: evil.example:<port>`, so every
 *    face refuses a Host that does not name the address the connection arrived on.
 *  - Cross-site "simple" requests: a page can POST `text/plain` anywhere without a preflight.
 *    Control routes refuse anything a browser marks as its own (an `Origin` or a `Sec-Fetch-Site`
 *    header) and take POST bodies only as `application/json`, which no simple request can send.
 * Flowscope's own clients (extension, CLI, tests, `npm start`) are Node processes that call
 * `http://127.0.0.1:<port>` and send none of those headers.
 */

/**
 * Why the request's `Host` is refused, or undefined when it names this server: `localhost` or the
 * address the connection arrived on (or the address the server was bound to), with the port the
 * connection arrived on. IP literals cannot be rebound, names other than `localhost` can.
 */
export function hostRefusal(req: IncomingMessage, boundHost: string): string | undefined {
  const raw = header(req, 'host');
  const port = req.socket.localPort;
  if (!raw || port === undefined) return 'The request has no Host header; the sandbox answers only requests addressed to it.';
  const parsed = splitHost(raw);
  const portOk = parsed !== undefined && (parsed.port ?? '80') === String(port);
  const local = plainAddress(req.socket.localAddress ?? '');
  const names = new Set([plainAddress(boundHost), local]);
  if (isLoopbackAddress(local)) names.add('localhost');
  if (portOk && names.has(parsed.hostname)) return undefined;
  return `Host "${raw.slice(0, 100)}" is not this sandbox (use http://127.0.0.1:${port} or http://localhost:${port}); other names are refused against DNS rebinding.`;
}

/** Why a control request is refused (a browser made it, or its body is not declared JSON), or undefined. */
export function controlRefusal(req: IncomingMessage, method: string): { status: number; message: string } | undefined {
  if (header(req, 'origin') !== undefined || header(req, 'sec-fetch-site') !== undefined) {
    return { status: 403, message: 'Control routes refuse requests made by a web page (Origin or Sec-Fetch-Site header).' };
  }
  if (method === 'POST') {
    const type = (header(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') return { status: 415, message: 'Control POSTs take a JSON body only: send Content-Type: application/json.' };
  }
  return undefined;
}

/** `host[:port]` or `[v6][:port]`, lower-cased; undefined when it is not that shape. */
function splitHost(raw: string): { hostname: string; port?: string } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(raw.trim());
  if (!m?.[1]) return undefined;
  return { hostname: plainAddress(m[1]), port: m[2] };
}

/** Lower-cases and drops IPv6 brackets and the IPv4-mapped prefix, so addresses compare as text. */
function plainAddress(address: string): string {
  return address
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}

function isLoopbackAddress(address: string): boolean {
  return address === '::1' || address.startsWith('127.');
}
