import type { ComponentExecution } from '../../backend';
import { FlowscopeError, toFlowscopeError } from '../../errors';
import { isTransient } from '../../live';
import type { SseMessage } from '../../sse';
import { backoffDelay } from '../../util/abort';
import type { Logger } from '../../util/log';
import { parseFrame } from '../common';
import { toExecution } from './map';
import * as wire from './wire';

export interface ComponentFollowIo {
  /** "White Rabbit component execution …", for messages. */
  readonly what: string;
  readonly log: Logger;
  /** Stream endings in a row, without news, tolerated before giving up. */
  readonly maxReconnects: number;
  /** Backoff bounds between re-opens (ms). */
  readonly minMs: number;
  readonly maxMs: number;
  /** Opens the stream: its messages in batches, one per chunk read. */
  open(signal?: AbortSignal): Promise<AsyncIterable<readonly SseMessage[]>>;
  read(signal?: AbortSignal): Promise<ComponentExecution>;
  /** Waits between re-opens; tests pass their own to see the delays without sleeping. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Follows a component execution to COMPLETED or FAILED. The stream closes itself on a terminal
 * status (seed 001 line 31); one that ends without it, cleanly or not, is reconciled through
 * REST ("Stream closes unexpectedly: Fetch final status via REST; re-subscribing will
 * immediately emit current state", seed 002 line 192) and
 * re-opened after a growing delay. Every ending that brought no new status counts against
 * `maxReconnects`, so a server that keeps closing the stream early cannot cause a tight loop.
 */
export async function* followComponentExecution(io: ComponentFollowIo, signal?: AbortSignal): AsyncGenerator<ComponentExecution> {
  let endings = 0;
  let lastStatus: string | undefined;
  for (;;) {
    let progressed = false;
    let why = 'the stream ended before the execution did';
    try {
      for await (const batch of await io.open(signal)) {
        for (const message of batch) {
          const event = parseFrame(message, wire.ComponentStreamEvent, io.log, io.what);
          if (!event) continue;
          const execution = toExecution({ ...event, module: '' });
          if (execution.status !== lastStatus) progressed = true;
          lastStatus = execution.status;
          yield execution;
          if (execution.completed) return;
        }
      }
    } catch (error) {
      const typed = toFlowscopeError(error);
      if (typed.reason === 'aborted' || !isTransient(typed)) throw typed;
      why = typed.message;
    }
    endings = progressed ? 1 : endings + 1;
    if (endings > io.maxReconnects) {
      throw new FlowscopeError('network', `${io.what}: the stream ended ${endings} times in a row without news (${why}); gave up following it.`);
    }
    const record = await io.read(signal);
    yield record;
    if (record.completed) return;
    if (record.status !== lastStatus) endings = 1;
    lastStatus = record.status;
    const wait = backoffDelay(endings - 1, io.minMs, io.maxMs);
    io.log.debug(`${io.what}: ${why}; re-opening in ${wait} ms`);
    await io.sleep(wait, signal);
  }
}
