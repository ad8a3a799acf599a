// Test helpers for the sandbox conformance tests: raw HTTP only (undici), so the tests pin the wire
// contract rather than any client library's interpretation of it.
import { createPrivateKey, sign } from 'node:crypto';
import { fetch, FormData, request } from 'undici';
import { SAMPLE_IDS } from '../../../src/sandbox/samples';
import { startSandbox } from '../../../src/sandbox/server';
import type { Sandbox, SandboxOptions } from '../../../src/sandbox/server';

/**
 * The sample workflows' fixed ids, per face (`SAMPLES.powabase.linear`): each face has its own
 * samples, and another face's ids are unknown to it.
 */
export const SAMPLES = SAMPLE_IDS;

/** The samples of the face each test connection talks to (`wr`, `pb`, `sv`, as explorer-harness names them). */
export const SAMPLES_OF = { wr: SAMPLE_IDS.whiterabbit, pb: SAMPLE_IDS.powabase, sv: SAMPLE_IDS.supervity } as const;

export async function startTestSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ timeScale: 0.05, heartbeatMs: 200, ...opts });
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

async function toReply(res: Awaited<ReturnType<typeof request>>): Promise<Reply> {
  const text = await res.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

export async function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  const res = await request(url, { method: (init.method ?? 'GET') as 'GET', headers: init.headers, body: init.body });
  return toReply(res);
}

/** Signs exactly as White Rabbit's documented helper: METHOD|PATH|TIMESTAMP|BODY (`{}` when bodiless). */
export function wrHeaders(key: { apiKey: string; apiSecret: string }, method: string, path: string, body?: string, skewSeconds = 0): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000) + skewSeconds);
  const pk = createPrivateKey({ key: Buffer.from(key.apiSecret, 'base64'), format: 'der', type: 'pkcs8' });
  const sig = sign(null, Buffer.from(`${method}|${path}|${ts}|${body ?? '{}'}`, 'utf8'), pk).toString('base64');
  const h: Record<string, string> = { 'x-api-key': key.apiKey, 'x-sdk-timestamp': ts, 'x-sdk-signature': sig };
  if (body !== undefined) h['content-type'] = 'application/json';
  return h;
}

export async function wr(sb: Sandbox, method: string, path: string, body?: unknown, key: { apiKey: string; apiSecret: string } = sb.info.whiterabbit, extra: Record<string, string> = {}): Promise<Reply> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return raw(sb.url + path, { method, headers: { ...wrHeaders(key, method, path.split('?')[0] as string, text), ...extra }, body: text });
}

export function pbHeaders(sb: Sandbox): Record<string, string> {
  return { apikey: sb.info.powabase.apiKey, authorization: `Bearer ${sb.info.powabase.apiKey}`, 'content-type': 'application/json' };
}

export async function pb(sb: Sandbox, method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Reply> {
  return raw(sb.url + path, { method, headers: { ...pbHeaders(sb), ...extra }, body: body === undefined ? undefined : JSON.stringify(body) });
}

export function svHeaders(sb: Sandbox): Record<string, string> {
  return { authorization: `Bearer ${sb.info.supervity.apiKey}`, 'x-source': 'external', 'x-active-org': sb.info.supervity.org };
}

export async function sv(sb: Sandbox, method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Reply> {
  const headers = { ...svHeaders(sb), ...extra };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return raw(sb.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** A multipart body with one field per input (the verified-working Supervity encoding). */
export function svForm(workflowId: string, inputs: Record<string, string> = {}, extra: [string, string][] = []): FormData {
  const fd = new FormData();
  fd.append('workflowId', workflowId);
  for (const [k, v] of Object.entries(inputs)) fd.append(`inputs[${k}]`, v);
  for (const [k, v] of extra) fd.append(k, v);
  return fd;
}

export interface SseFrame {
  event?: string;
  data?: string;
  comment?: string;
}

export interface SseResult {
  status: number;
  headers: Headers;
  frames: SseFrame[];
  /** How the stream ended: server closed it cleanly, the connection broke, or we stopped waiting. */
  end: 'eof' | 'error' | 'timeout' | 'stopped';
}

/** Parses SSE frames (comments, event, multi-line data) from a fetch body until EOF, error, timeout or `stop`. */
export async function sse(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | FormData } = {},
  opts: { timeoutMs?: number; stop?: (frames: SseFrame[]) => boolean } = {},
): Promise<SseResult> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs ?? 10_000);
  const frames: SseFrame[] = [];
  let end: SseResult['end'] = 'eof';
  const res = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body, signal: ctl.signal });
  try {
    if (!res.body) return { status: res.status, headers: res.headers, frames, end };
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk as Uint8Array, { stream: true });
        let idx: number;
        while ((idx = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, idx);
          buf = buf.slice(idx + 2);
          const frame: SseFrame = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) frame.comment = line.slice(1);
            else if (line.startsWith('event:')) frame.event = line.slice(6).trim();
            else if (line.startsWith('data:')) frame.data = frame.data === undefined ? line.slice(5).trimStart() : `${frame.data}\n${line.slice(5).trimStart()}`;
          }
          frames.push(frame);
        }
        if (opts.stop?.(frames)) {
          end = 'stopped';
          ctl.abort();
          break;
        }
      }
    } catch {
      end = ctl.signal.aborted ? (end === 'stopped' ? 'stopped' : 'timeout') : 'error';
    }
    return { status: res.status, headers: res.headers, frames, end };
  } finally {
    clearTimeout(timer);
  }
}

export function json(frame: SseFrame | undefined): Record<string, unknown> {
  return JSON.parse(frame?.data ?? 'null') as Record<string, unknown>;
}

export const dataFrames = (r: SseResult): SseFrame[] => r.frames.filter((f) => f.data !== undefined);

export async function waitUntil(fn: () => Promise<boolean> | boolean, timeoutMs = 10_000, stepMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error('waitUntil timed out');
}
