import type { FlowscopeError } from '../../core/errors';
import { UNKNOWN_HEALTH, healthFromError } from '../../core/connections/health';
import type { Health } from '../../core/connections/health';
import type { MessageKind } from './nodes';

/** The message row a connection's health calls for, if any. */
export function messageFor(health: Health | undefined): MessageKind | undefined {
  switch (health?.state) {
    case 'missingKey':
    case 'auth':
    case 'unreachable':
    case 'rateLimited':
    case 'error':
      return health.state;
    default:
      return undefined;
  }
}

/** The message row an error leads to (tests use it to check the mapping). */
export function messageKindOf(error: FlowscopeError, now = Date.now()): MessageKind | undefined {
  return messageFor(healthFromError(error, now) ?? UNKNOWN_HEALTH);
}
