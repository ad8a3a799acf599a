import type { Run } from './model';

/**
 * The one "newest run first" order, for the tree, the graph panel and the status bar: runs not
 * yet dated (just started, the service has not said when) come first, then by creation time, and
 * runs created at the same instant by id so the order never flickers between reads.
 */
export function newestRunFirst(a: Pick<Run, 'id' | 'createdAt'>, b: Pick<Run, 'id' | 'createdAt'>): number {
  if (!a.createdAt !== !b.createdAt) return a.createdAt ? 1 : -1;
  return (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.id.localeCompare(b.id);
}
