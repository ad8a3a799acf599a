import type { Dispatcher } from 'undici';
import type { Timers } from '../sse';
import type { Logger } from '../util/log';

/** What every adapter is given besides its connection and credentials. */
export interface AdapterDeps {
  readonly log?: Logger;
  /** undici dispatcher; tests and benchmarks may pass their own. */
  readonly dispatcher?: Dispatcher;
  /** Per-request timeout for REST calls. */
  readonly timeoutMs?: number;
  /** First delay of the backoff between automatic retries of idempotent calls (ms). */
  readonly retryBaseMs?: number;
  /**
   * How long a live stream may be silent before it is treated as dead and reconnected or
   * reconciled. Defaults per service from its documented heartbeat.
   */
  readonly streamIdleMs?: number;
  /** Polling bounds where the API has no stream (ms). */
  readonly pollMinMs?: number;
  readonly pollMaxMs?: number;
  /** Bounded reconnects: give up after this many consecutive failures. */
  readonly maxReconnects?: number;
  /** Clock, for tests of signing and skew. */
  readonly now?: () => number;
  /** Waits between stream re-opens; tests pass their own to see the delays without sleeping. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The live streams' silence watchdog timers; tests pass a clock they move by hand. */
  readonly timers?: Timers;
}
