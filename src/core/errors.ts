/**
 * Typed errors. Callers branch on `reason`, never on message text, and every error carries the
 * server's own message when there was one, because that is what a user can act on.
 */
export const ERROR_REASONS = [
  'auth',
  'forbidden',
  'notFound',
  'validation',
  'rateLimited',
  'payment',
  'server',
  'network',
  'timeout',
  'protocol',
  'aborted',
  'usage',
  'unsupported',
  /** A connection has no stored key (or White Rabbit no signing secret): the fix is to set it. */
  'missingKey',
  /** Flowscope's own bug (a TypeError, a broken invariant): never the service's or the network's fault. */
  'internal',
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export interface FlowscopeErrorInit {
  readonly status?: number;
  readonly code?: string;
  readonly retryAfterMs?: number;
  readonly issues?: readonly FieldIssue[];
  readonly cause?: unknown;
  /** Extra fields of the error body (e.g. Powabase `execution_id` on a 500). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class FlowscopeError extends Error {
  override readonly name = 'FlowscopeError';
  readonly status?: number;
  readonly code?: string;
  readonly retryAfterMs?: number;
  readonly issues: readonly FieldIssue[];
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(
    readonly reason: ErrorReason,
    message: string,
    init: FlowscopeErrorInit = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.retryAfterMs = init.retryAfterMs;
    this.issues = init.issues ?? [];
    this.details = init.details;
  }

  static is(error: unknown, ...reasons: ErrorReason[]): error is FlowscopeError {
    return error instanceof FlowscopeError && (reasons.length === 0 || reasons.includes(error.reason));
  }
}

/** Wraps anything thrown into a FlowscopeError, keeping typed ones as they are. */
export function toFlowscopeError(error: unknown): FlowscopeError {
  if (error instanceof FlowscopeError) return error;
  if (isAbortError(error)) return new FlowscopeError('aborted', 'The operation was cancelled.', { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new FlowscopeError(looksLikeIo(error) ? 'network' : 'internal', message, { cause: error });
}

/**
 * Whether an untyped error came from the socket layer rather than from our code. Node's and
 * undici's I/O errors carry a `code` (ECONNRESET, UND_ERR_SOCKET), directly or on their cause;
 * undici reports a body cut mid-read as a bare `TypeError: terminated`. Everything else (a
 * TypeError from a bug, a failed invariant) is `internal`: blaming the network for it would mark a
 * healthy connection unreachable and hide the bug.
 */
function looksLikeIo(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR)/.test(code)) return true;
  return error.message === 'terminated' || error.message === 'fetch failed' || error.message === 'other side closed';
}

/** A missing key, typed so callers never match on (translated) message text. */
export function missingKeyError(connection: string, message: string): FlowscopeError {
  return new FlowscopeError('missingKey', message, { details: { connection } });
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: unknown }).code === 'UND_ERR_ABORTED');
}

/** Maps an HTTP status to the reason a caller can act on. */
export function reasonForStatus(status: number): ErrorReason {
  if (status === 401) return 'auth';
  if (status === 402) return 'payment';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 429) return 'rateLimited';
  if (status >= 500) return 'server';
  return 'validation';
}
