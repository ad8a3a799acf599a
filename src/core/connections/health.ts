import type { ErrorReason, FlowscopeError } from '../errors';

/**
 * A connection's health, from the outcome of its last call. The tree shows it on the connection
 * node and, when it is bad, as an error node with the action that fixes it.
 */
export type HealthState = 'unknown' | 'ok' | 'missingKey' | 'auth' | 'unreachable' | 'rateLimited' | 'error';

export interface Health {
  readonly state: HealthState;
  /** The server's or adapter's own words, secrets never included. */
  readonly message?: string;
  readonly reason?: ErrorReason;
  /** Epoch ms when a rate-limited connection is retried. */
  readonly retryAt?: number;
}

export const UNKNOWN_HEALTH: Health = { state: 'unknown' };
export const OK_HEALTH: Health = { state: 'ok' };

/** Without a Retry-After, wait this long after a 429 before trying again. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 30_000;

/**
 * Maps a failed call to the health the connection node shows. `aborted` and `internal` leave
 * health alone: a cancelled call says nothing about the service, and our own bug is not its fault.
 */
export function healthFromError(error: FlowscopeError, now: number): Health | undefined {
  switch (error.reason) {
    case 'aborted':
    case 'internal':
      return undefined;
    case 'missingKey':
      return { state: 'missingKey', reason: error.reason, message: error.message };
    case 'auth':
    case 'forbidden':
      return { state: 'auth', reason: error.reason, message: error.message };
    case 'network':
    case 'timeout':
      return { state: 'unreachable', reason: error.reason, message: error.message };
    case 'rateLimited':
      return { state: 'rateLimited', reason: error.reason, message: error.message, retryAt: now + (error.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS) };
    default:
      return { state: 'error', reason: error.reason, message: error.message };
  }
}

/** Whether the connection's calls should wait (rate limited and not yet due). */
export function isHeldBack(health: Health, now: number): boolean {
  return health.state === 'rateLimited' && (health.retryAt ?? 0) > now;
}
