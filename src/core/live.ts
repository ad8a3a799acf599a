import { FlowscopeError, toFlowscopeError } from './errors';
import type { Run } from './model';
import { isTerminalRun, sameRun } from './model';
import { backoffDelay, sleep } from './util/abort';
import type { Logger } from './util/log';
import { silentLogger } from './util/log';

export interface PollOptions {
  readonly signal?: AbortSignal;
  readonly minMs?: number;
  readonly maxMs?: number;
  /** Consecutive failures tolerated before giving up. */
  readonly maxFailures?: number;
  readonly log?: Logger;
  /** Skip yielding a first snapshot equal to this one. */
  readonly last?: Run;
}

/** Errors worth waiting out: the server or the network may come back. */
export function isTransient(error: FlowscopeError): boolean {
  return ['network', 'timeout', 'server', 'rateLimited', 'protocol'].includes(error.reason);
}

/**
 * Follows a run by reading it until it ends, for APIs (or moments) without a stream. The
 * interval starts at `minMs`, doubles while nothing changes up to `maxMs`, and drops back when
 * something does; `Retry-After` wins over the schedule. Yields only changed states.
 */
export async function* pollRun(read: (signal?: AbortSignal) => Promise<Run>, options: PollOptions = {}): AsyncGenerator<Run> {
  const minMs = options.minMs ?? 1_000;
  const maxMs = options.maxMs ?? 15_000;
  const log = options.log ?? silentLogger;
  let last = options.last ? fingerprint(options.last) : '';
  let interval = minMs;
  let failures = 0;
  for (;;) {
    let run: Run;
    try {
      run = await read(options.signal);
      failures = 0;
    } catch (error) {
      const typed = toFlowscopeError(error);
      if (typed.reason === 'aborted' || !isTransient(typed) || ++failures > (options.maxFailures ?? 8)) throw typed;
      const wait = typed.retryAfterMs ?? backoffDelay(failures, minMs, maxMs);
      log.debug(`poll: ${typed.message}; trying again in ${wait} ms`);
      await sleep(wait, options.signal);
      continue;
    }
    const print = fingerprint(run);
    if (print !== last) {
      last = print;
      interval = minMs;
      yield run;
    } else {
      interval = Math.min(maxMs, interval * 2);
    }
    if (isTerminalRun(run.status)) return;
    await sleep(interval, options.signal);
  }
}

export function fingerprint(run: Run): string {
  return JSON.stringify(run);
}

export interface LiveFollowOptions extends PollOptions {
  /** What is being followed, for messages: "run 1234 on White Rabbit". */
  readonly what: string;
  /**
   * After a dropped stream: `reconnect` opens the stream again (White Rabbit re-emits the
   * current state on subscribe); `poll` reads the run until it ends (Powabase and Supervity
   * streams belong to the request that started the run and cannot be reopened).
   */
  readonly afterDrop: 'reconnect' | 'poll';
  readonly maxReconnects?: number;
}

/**
 * Follows a live stream of run states to the end, whatever the network does. When the stream
 * ends without a terminal state, fails, or goes silent, the run is read through REST (so the
 * state shown is never stale) and then followed again by stream or by polling. Transient
 * failures back off and are bounded; nothing here ever starts a run.
 */
export async function* followLive(
  connect: (round: number) => AsyncIterable<Run>,
  read: (signal?: AbortSignal) => Promise<Run>,
  options: LiveFollowOptions,
): AsyncGenerator<Run> {
  const log = options.log ?? silentLogger;
  const limit = options.maxReconnects ?? 8;
  let last: Run | undefined = options.last;
  let failures = 0;
  // Streams that end cleanly without news in a row: a server that opens, repeats the same state
  // and closes would otherwise be re-opened for as long as the run lasts.
  let quietEnds = 0;
  for (let round = 0; ; round++) {
    const before = last && progressKey(last);
    let news = false;
    try {
      for await (const run of connect(round)) {
        failures = 0;
        if (!news && progressKey(run) !== before) news = true;
        if (!last || !sameRun(run, last)) yield run;
        last = run;
        if (isTerminalRun(run.status)) return;
      }
      log.debug(`${options.what}: stream ended before the run did; reading its state`);
      quietEnds = news ? 0 : quietEnds + 1;
      if (options.afterDrop === 'reconnect' && quietEnds >= limit) {
        log.warn(`${options.what}: the stream ended ${quietEnds} times in a row without news; following by polling instead`);
        yield* pollRun(read, { ...options, last });
        return;
      }
    } catch (error) {
      const typed = toFlowscopeError(error);
      if (typed.reason === 'aborted' || !isTransient(typed)) throw typed;
      if (++failures > limit) {
        throw new FlowscopeError(typed.reason, `${options.what}: gave up after ${failures} attempts: ${typed.message}`, { cause: typed });
      }
      log.debug(`${options.what}: ${typed.message}; reconciling`);
    }
    if (options.afterDrop === 'poll') {
      yield* pollRun(read, { ...options, last });
      return;
    }
    // Reconcile through REST before reconnecting, so a run that ended while we were away ends here too.
    try {
      const run = await read(options.signal);
      if (!last || !sameRun(run, last)) yield run;
      last = run;
      if (isTerminalRun(run.status)) return;
    } catch (error) {
      const typed = toFlowscopeError(error);
      if (typed.reason === 'aborted' || !isTransient(typed)) throw typed;
    }
    await sleep(backoffDelay(Math.max(failures, quietEnds), options.minMs ?? 500, options.maxMs ?? 15_000), options.signal);
  }
}

/** What counts as news on a stream: the run's status, or a stage's, changed (not a timestamp). */
function progressKey(run: Run): string {
  return `${run.status}|${run.stages.map((s) => `${s.id}:${s.status}`).join(',')}`;
}
