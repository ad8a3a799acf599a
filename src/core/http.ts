import type { Dispatcher, FormData } from 'undici';
import type * as UndiciModule from 'undici';
import type * as z from 'zod';
import { FlowscopeError, isAbortError, reasonForStatus } from './errors';
import { parseErrorBody } from './errorBody';
import { parseJson } from './json';
import { hasDotSegment } from './urlPath';
import { backoffDelay, sleep } from './util/abort';
import type { Logger } from './util/log';
import { silentLogger } from './util/log';
import { formatZodIssues } from './wire';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestSpec {
  readonly method: HttpMethod;
  /** Path below the base URL, starting with `/`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Serialized once with JSON.stringify; those exact bytes are sent (and signed, for White Rabbit). */
  readonly json?: unknown;
  readonly form?: FormData;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Whether the request may be sent again automatically. Defaults to true for GET, PUT and
   * DELETE. A POST that starts a run is never idempotent: re-sending it would start a second run.
   */
  readonly idempotent?: boolean;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** What the authorizer sees: the exact request about to go on the wire. */
export interface PreparedRequest {
  readonly method: HttpMethod;
  /** The pathname, without the query string. */
  readonly pathname: string;
  /** The exact body text sent, or undefined for a bodiless or multipart request. */
  readonly bodyText: string | undefined;
}

export interface HttpClientOptions {
  readonly baseUrl: string;
  /** For messages: "Powabase", "White Rabbit"… */
  readonly service: string;
  readonly authorize: (req: PreparedRequest) => Record<string, string> | Promise<Record<string, string>>;
  /** Called with a 401 response's headers; return true to retry once (clock skew correction). */
  readonly onUnauthorized?: (headers: Readonly<Record<string, string | string[] | undefined>>) => boolean;
  readonly dispatcher?: Dispatcher;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly backoffBaseMs?: number;
  /** The longest `Retry-After` honoured automatically; longer waits are reported instead. */
  readonly maxRetryAfterMs?: number;
  /** The largest REST answer read into memory (default 16 MiB); a bigger one is a protocol error. */
  readonly maxResponseBytes?: number;
  readonly log?: Logger;
  /** Waits between attempts (default: a real timer); tests pass one that records each wait. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Dispatcher.ResponseData['body'];
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/** Default cap on a REST answer held in memory: far above any real answer, far below a memory problem. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** An error answer only feeds a one-line message: this much of it is read, the rest is dropped. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

interface Transport {
  readonly undici: typeof UndiciModule;
  /** Pooled connections for REST calls, bounded so a burst cannot open hundreds of sockets. */
  readonly rest: Dispatcher;
  /**
   * Live streams each hold a connection for the whole run, so they get their own unbounded
   * pool: sharing the REST pool would make the 65th live run, and every REST call queued
   * behind it, wait for another run to end.
   */
  readonly stream: Dispatcher;
}

let transport: Promise<Transport> | undefined;

/**
 * undici takes about 65 ms to evaluate. It is not loaded with the features bundle
 * (dist/workbench.js), which can load without any request being made (an explorer with no
 * connection, authoring a graph file offline), but with the first request; the bundler keeps it
 * lazy behind this dynamic import.
 */
function loadTransport(): Promise<Transport> {
  transport ??= import('undici').then((undici) => ({
    undici,
    rest: new undici.Agent({ keepAliveTimeout: 10_000, connections: 64 }),
    stream: new undici.Agent({ keepAliveTimeout: 1_000 }),
  }));
  return transport;
}

/**
 * Closes the shared agents (their keep-alive sockets), for the extension's deactivation: a
 * window reload must not leave sockets to the services open. A later request loads them again.
 */
export async function closeTransport(): Promise<void> {
  const loaded = transport;
  transport = undefined;
  if (!loaded) return;
  const { rest, stream } = await loaded;
  await Promise.all([rest.destroy(), stream.destroy()]);
}

/** Builds a multipart body with undici's own FormData (the one its `request` encodes). */
export async function createFormData(fields: ReadonlyArray<readonly [string, string | Blob, string?]>): Promise<FormData> {
  const { undici } = await loadTransport();
  const form = new undici.FormData();
  for (const [name, value, filename] of fields) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, value, filename);
  }
  return form;
}

/**
 * The one HTTP client of the core, on undici. Every call has a timeout and honours an
 * AbortSignal; only idempotent calls are retried, with backoff, and `Retry-After` is honoured
 * within a bound. Failures come back as typed `FlowscopeError`s carrying the server's message.
 */
export class HttpClient {
  private readonly base: URL;
  private readonly log: Logger;

  constructor(private readonly options: HttpClientOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') {
      throw new FlowscopeError('usage', `${options.service}: the URL must start with http:// or https:// (got ${this.base.protocol}).`);
    }
    this.log = options.log ?? silentLogger;
  }

  get baseUrl(): string {
    return this.base.href.replace(/\/$/, '');
  }

  /** Sends a request and parses a JSON answer with `schema`. Non-2xx answers throw typed errors. */
  async json<T>(spec: RequestSpec, schema: z.ZodType<T>): Promise<T> {
    const res = await this.send(spec);
    const text = await this.readBody(spec, res);
    return this.parse(spec, res.status, text, schema);
  }

  /** Sends a request whose answer body does not matter beyond success (e.g. 204). */
  async empty(spec: RequestSpec): Promise<string> {
    const res = await this.send(spec);
    return this.readBody(spec, res);
  }

  parse<T>(spec: RequestSpec, status: number, text: string, schema: z.ZodType<T>): T {
    let body: unknown;
    try {
      body = text.trim() === '' ? undefined : parseJson(text);
    } catch (error) {
      if (error instanceof FlowscopeError) {
        throw new FlowscopeError('protocol', `${this.options.service} answered ${spec.method} ${spec.path} (${status}) with ${error.message}`, { status });
      }
      throw new FlowscopeError('protocol', `${this.options.service} answered ${spec.method} ${spec.path} (${status}) with a body that is not JSON: ${preview(text)}`, { status });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new FlowscopeError(
        'protocol',
        `${this.options.service} answered ${spec.method} ${spec.path} with an unexpected shape: ${formatZodIssues(parsed.error)}`,
        { status },
      );
    }
    return parsed.data;
  }

  /**
   * Sends a request and returns the response once it is a 2xx. The caller owns the body (for
   * streams). Retries idempotent requests on network errors, 429 and 502–504.
   */
  async send(spec: RequestSpec, stream = false): Promise<HttpResponse> {
    // A net under the adapters' pathSegment(): a dot segment would be resolved away by the URL
    // parser and send the request (and its key or signature) to another endpoint.
    if (hasDotSegment(spec.path)) {
      throw new FlowscopeError('validation', `${this.options.service}: refusing ${spec.method} ${spec.path}: a "." or ".." path segment would change which endpoint is called.`);
    }
    const idempotent = spec.idempotent ?? (spec.method === 'GET' || spec.method === 'PUT' || spec.method === 'DELETE');
    const maxRetries = idempotent ? (this.options.maxRetries ?? 3) : 0;
    let authRetried = false;
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse;
      try {
        res = await this.attempt(spec, stream);
      } catch (error) {
        const typed = this.networkError(spec, error);
        if (typed.reason === 'aborted' || attempt >= maxRetries) throw typed;
        await this.pause(spec, attempt, undefined);
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      const text = await readCapped(res.body, MAX_ERROR_BODY_BYTES, spec.timeoutMs ?? this.options.timeoutMs ?? 30_000)
        .then((r) => r.text)
        .catch(() => '');
      if (res.status === 401 && !authRetried && this.options.onUnauthorized?.(res.headers)) {
        // A rejected request did nothing on the server, so sending it again cannot duplicate it.
        authRetried = true;
        this.log.debug(`${spec.method} ${spec.path}: 401, retrying once with a corrected clock`);
        continue;
      }
      const error = this.statusError(spec, res, text);
      if (attempt < maxRetries && RETRYABLE_STATUS.has(res.status)) {
        const retryAfter = error.retryAfterMs;
        if (retryAfter === undefined || retryAfter <= (this.options.maxRetryAfterMs ?? 30_000)) {
          await this.pause(spec, attempt, retryAfter);
          continue;
        }
      }
      throw error;
    }
  }

  private async attempt(spec: RequestSpec, stream: boolean): Promise<HttpResponse> {
    const url = new URL(spec.path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const bodyText = spec.json === undefined ? undefined : JSON.stringify(spec.json);
    const headers: Record<string, string> = { accept: stream ? 'text/event-stream' : 'application/json', ...spec.headers };
    if (bodyText !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, await this.options.authorize({ method: spec.method, pathname: url.pathname, bodyText }));

    const timeoutMs = spec.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    const started = Date.now();
    const { undici, rest, stream: streams } = await loadTransport();
    const res = await undici.request(url, {
      method: spec.method,
      headers,
      body: bodyText ?? spec.form ?? null,
      signal: spec.signal,
      dispatcher: this.options.dispatcher ?? (stream ? streams : rest),
      headersTimeout: timeoutMs,
      // A stream's silence is the watchdog's business, not a fixed body timeout.
      bodyTimeout: stream ? 0 : timeoutMs,
      maxRedirections: 0,
    } as Parameters<typeof undici.request>[1]);
    this.log.debug(`${spec.method} ${url.pathname} → ${res.statusCode} in ${Date.now() - started} ms`);
    return { status: res.statusCode, headers: res.headers, body: res.body };
  }

  /**
   * Reads a REST answer, bounded in size (a hostile or broken server cannot make the client
   * buffer without limit) and in time (a body trickled byte by byte still ends).
   */
  private async readBody(spec: RequestSpec, res: HttpResponse): Promise<string> {
    const limit = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const tooBig = (): FlowscopeError =>
      new FlowscopeError(
        'protocol',
        `${this.options.service} answered ${spec.method} ${spec.path} with more than ${formatBytes(limit)}, the most Flowscope reads; reading stopped there.`,
        { status: res.status },
      );
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      discard(res.body);
      throw tooBig();
    }
    let read: { text: string; truncated: boolean };
    try {
      read = await readCapped(res.body, limit, spec.timeoutMs ?? this.options.timeoutMs ?? 30_000, spec.signal);
    } catch (error) {
      throw this.networkError(spec, error);
    }
    if (read.truncated) throw tooBig();
    return read.text;
  }

  private async pause(spec: RequestSpec, attempt: number, retryAfterMs: number | undefined): Promise<void> {
    const delay = retryAfterMs ?? backoffDelay(attempt, this.options.backoffBaseMs ?? 250, 8_000);
    this.log.debug(`${spec.method} ${spec.path}: retry ${attempt + 1} in ${delay} ms`);
    await (this.options.sleep ?? sleep)(delay, spec.signal);
  }

  private networkError(spec: RequestSpec, error: unknown): FlowscopeError {
    if (error instanceof FlowscopeError) return error;
    if (spec.signal?.aborted || isAbortError(error)) {
      return new FlowscopeError('aborted', 'The request was cancelled.', { cause: error });
    }
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('UND_ERR_') && code.includes('TIMEOUT')) {
      return new FlowscopeError('timeout', `${this.options.service} did not answer ${spec.method} ${spec.path} in time.`, { cause: error });
    }
    // The system's code says why once ("connect ECONNREFUSED 127.0.0.1:9" would say it twice); the
    // full text stays on the cause, which the log shows.
    const why = code ? ` (${code})` : `: ${error instanceof Error ? error.message : String(error)}`;
    return new FlowscopeError('network', `Cannot reach ${this.options.service} at ${this.baseUrl}${why}.`, { cause: error });
  }

  private statusError(spec: RequestSpec, res: HttpResponse, text: string): FlowscopeError {
    const contentType = String(res.headers['content-type'] ?? '');
    const body = parseErrorBody(text, contentType);
    const reason = reasonForStatus(res.status);
    const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    // A redirect is never followed, and its page (possibly luring elsewhere) is not repeated.
    const message = res.status >= 300 && res.status < 400 ? defaultMessage(res.status) : (body.message ?? defaultMessage(res.status));
    return new FlowscopeError(reason, `${this.options.service}: ${message} (HTTP ${res.status} on ${spec.method} ${spec.path})`, {
      status: res.status,
      code: body.code,
      issues: body.issues,
      details: body.details,
      retryAfterMs,
    });
  }
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * Reads at most `limit` bytes of a body within `deadlineMs` (the whole body, not per chunk),
 * decoding as UTF-8 with replacement characters. Stops and releases the socket as soon as the
 * limit is passed (`truncated`), and fails with a timeout when the deadline passes first.
 */
export async function readCapped(
  body: Dispatcher.ResponseData['body'],
  limit: number,
  deadlineMs: number,
  signal?: AbortSignal,
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  let timedOut = false;
  const timer =
    deadlineMs > 0
      ? setTimeout(() => {
          timedOut = true;
          discard(body);
        }, deadlineMs)
      : undefined;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        truncated = true;
        chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
        break;
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (timedOut) throw Object.assign(new Error('The answer did not arrive in time.'), { code: 'UND_ERR_BODY_TIMEOUT' });
    if (signal?.aborted) throw new FlowscopeError('aborted', 'The request was cancelled.', { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
    if (truncated) discard(body);
  }
  if (timedOut) throw Object.assign(new Error('The answer did not arrive in time.'), { code: 'UND_ERR_BODY_TIMEOUT' });
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}

/**
 * Drops a body that will not be read and releases its socket. An unread undici body destroyed
 * without a listener emits an "aborted" error nobody handles: a process-level crash.
 */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB` : `${Math.round(n / 1024)} KiB`;
}

function defaultMessage(status: number): string {
  if (status >= 300 && status < 400) return 'the server answered with a redirect, which Flowscope never follows; check the connection URL';
  if (status === 401) return 'authentication failed; check the API key';
  if (status === 403) return 'permission denied';
  if (status === 404) return 'not found';
  if (status === 429) return 'rate limited';
  return `request failed`;
}

function preview(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 120 ? `${t.slice(0, 120)}…` : t || '(empty)';
}

