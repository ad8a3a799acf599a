import type { FlowscopeError } from '../core/errors';
import type { RunStatus } from '../core/model';

export const EXIT = { ok: 0, runFailed: 1, usage: 2, auth: 3, unavailable: 4 } as const;

/** Exit codes scripts can branch on: 2 usage, 3 authentication or permission, 4 network or server. */
export function exitCodeFor(error: FlowscopeError): number {
  switch (error.reason) {
    case 'usage':
    case 'missingKey':
    case 'validation':
    case 'notFound':
    case 'unsupported':
      return EXIT.usage;
    case 'auth':
    case 'forbidden':
    case 'payment':
      return EXIT.auth;
    case 'aborted':
      return 130;
    default:
      return EXIT.unavailable;
  }
}

export function exitCodeForRun(status: RunStatus): number {
  return status === 'completed' ? EXIT.ok : EXIT.runFailed;
}
