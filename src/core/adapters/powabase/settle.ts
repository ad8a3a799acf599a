import { toFlowscopeError } from '../../errors';
import { isTransient } from '../../live';
import { backoffDelay, sleep } from '../../util/abort';
import type { Logger } from '../../util/log';
import { runStatusOf } from './map';
import type { PbExecution } from './wire';

/**
 * How long to wait for Powabase to save a run after its stream said `done`.
 *
 * In the published service (`powabase-ai/powabase-ai`, `routes/workflows.py`,
 * `execute_workflow_stream` → `_sync_stream`), `done` is yielded from the generator and only its
 * `finally` block then writes the final status and the block logs (`_persist_execution_result`).
 * A client that reads the logs right after `done` can find the execution still `running` with no
 * logs. So the executions list is read until the row is terminal, a bounded number of times.
 */
export interface SettleOptions {
  /** Reads of the executions list before giving up and trusting the stream alone. */
  readonly attempts: number;
  /** First backoff delay (ms); doubles up to `maxMs`. */
  readonly baseMs: number;
  readonly maxMs: number;
  /** Waits between reads; tests inject one that does not sleep. */
  readonly wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const DEFAULT_SETTLE: SettleOptions = { attempts: 8, baseMs: 150, maxMs: 2_000 };

/** The execution's row once the service has saved it as terminal, or undefined after the last attempt. */
export async function awaitSaved(
  find: (signal?: AbortSignal) => Promise<PbExecution | undefined>,
  options: SettleOptions,
  log: Logger,
  signal?: AbortSignal,
): Promise<PbExecution | undefined> {
  const wait = options.wait ?? sleep;
  for (let attempt = 0; attempt < options.attempts; attempt++) {
    if (attempt > 0) await wait(backoffDelay(attempt - 1, options.baseMs, options.maxMs), signal);
    try {
      const row = await find(signal);
      if (row && runStatusOf(row.status) !== 'running' && runStatusOf(row.status) !== 'queued') return row;
    } catch (error) {
      const typed = toFlowscopeError(error);
      if (typed.reason === 'aborted' || !isTransient(typed)) throw typed;
      log.debug(`Powabase: reading the executions list after done failed: ${typed.message}`);
    }
  }
  log.debug(`Powabase: the execution was not saved as terminal after ${options.attempts} reads; showing what the stream said`);
  return undefined;
}
