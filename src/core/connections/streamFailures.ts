import type { RunStore } from '../runs/runStore';
import type { Disposable } from '../util/disposable';
import type { Logger } from '../util/log';
import type { FlowscopeError } from '../errors';

/** Whoever keeps connection health (the ConnectionStates service). */
export interface HealthReports {
  report(connection: string, error: FlowscopeError): void;
}

/**
 * Where a failed run stream goes: the log, and the health of its connection's node (never a
 * popup: a stream can fail often and the node already says what is wrong). The extension and
 * the tests' rig both wire the store to the tree through this one function.
 */
export function reportStreamFailures(runs: RunStore, health: HealthReports, log: Logger): Disposable {
  return runs.onDidFail(({ connection, runId, error }) => {
    log.warn(`stream of run ${runId} on ${connection} failed (${error.reason}): ${error.message}`);
    health.report(connection, error);
  });
}
