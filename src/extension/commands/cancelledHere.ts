/**
 * Runs this window has just asked the service to cancel. The cancel command reports their
 * outcome in its one message, so the "run ended" notification stays quiet for them instead of
 * saying the same thing a second time. Entries go once read, or after a few minutes.
 */
const KEEP_MS = 5 * 60_000;
const cancelled = new Map<string, number>();

function key(connection: string, runId: string): string {
  return `${connection}\u0000${runId}`;
}

export function markCancelledHere(connection: string, runId: string, now = Date.now()): void {
  for (const [k, at] of cancelled) if (now - at > KEEP_MS) cancelled.delete(k);
  cancelled.set(key(connection, runId), now);
}

/** True once for a run cancelled from this window (its end is then already reported). */
export function takeCancelledHere(connection: string, runId: string, now = Date.now()): boolean {
  const at = cancelled.get(key(connection, runId));
  cancelled.delete(key(connection, runId));
  return at !== undefined && now - at <= KEEP_MS;
}
