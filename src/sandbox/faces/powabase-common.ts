import type { App } from '../app';
import { HttpError } from '../http';
import { isTerminal } from '../types';
import type { RunRecord } from '../types';
import { delay } from '../util';
import { powabaseRunError, powabaseStatus } from './powabase-view';

/** Structured error (`error_response` in Powabase): get, graph, execute and webhooks use it. */
export function structured(status: number, error: string, code: string, extra: Record<string, unknown> = {}): HttpError {
  return new HttpError(status, error, { error, error_code: code, ...extra });
}

/** Waits for a run to end; 504 EXECUTION_TIMEOUT after `timeoutMs` (the run goes on, as in Powabase). */
export async function waitFor(app: App, run: RunRecord, signal: AbortSignal, timeoutMs: number): Promise<void> {
  const ctl = new AbortController();
  const onAbort = (): void => ctl.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const timedOut = await Promise.race([app.engine.whenDone(run.id).then(() => false), delay(timeoutMs, ctl.signal).then(() => true)]);
    if (timedOut) throw structured(504, 'Execution timed out', 'EXECUTION_TIMEOUT', { execution_id: run.id });
    if (!isTerminal(run.status)) throw new HttpError(503, 'Server is shutting down');
  } finally {
    ctl.abort();
    signal.removeEventListener('abort', onAbort);
  }
  if (powabaseStatus(run) === 'failed') throw structured(500, powabaseRunError(run) ?? 'Execution failed', 'EXECUTION_FAILED', { execution_id: run.id });
}

