import type { Run } from '../model';

export interface ConnectionRun {
  readonly connection: string;
  readonly run: Run;
}

/**
 * Each run once, first occurrence kept, in the order given. A run is the pair (connection, run
 * id): two connections may hold runs with equal ids (two sandboxes, two projects), which are two
 * runs; the same run reported twice (followed live and listed by a poller) is one. The status
 * bar's live count and its picker both read this list, so "2 live" always opens a picker of two.
 */
export function distinctRuns<T extends ConnectionRun>(entries: Iterable<T>): T[] {
  const seen = new Map<string, Set<string>>();
  const out: T[] = [];
  for (const entry of entries) {
    let ids = seen.get(entry.connection);
    if (!ids) seen.set(entry.connection, (ids = new Set()));
    if (ids.has(entry.run.id)) continue;
    ids.add(entry.run.id);
    out.push(entry);
  }
  return out;
}
