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
  return new FlowscopeError('network', message, { cause: error });
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
