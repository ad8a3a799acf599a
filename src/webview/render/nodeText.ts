import { formatDuration } from '../../shared/format';
import type { NodeState, NodeStatus } from '../../shared/protocol';

/** Status glyphs: the status is told by shape and word as well as colour (colour-blind users, high contrast). */
export const STATUS_GLYPH: Readonly<Record<NodeStatus, string>> = {
  idle: '○',
  queued: '◔',
  running: '▶',
  waiting: '⏸',
  finishing: '◑',
  completed: '✓',
  failed: '✗',
  cancelled: '⊘',
  skipped: '↷',
  unknown: '?',
};

/** The third line of a node: attempt, duration (worded by the one shared format, as the tree words it) and the tail of streamed text. */
export function metaLine(state: NodeState | undefined): string {
  if (!state) return '';
  const parts: string[] = [];
  if (state.attempt !== undefined && state.attempt > 1) parts.push(`attempt ${state.attempt}`);
  const d = formatDuration(state.durationMs);
  if (d) parts.push(d);
  if (state.text) parts.push(state.text);
  if (state.problems) parts.push(`${state.problems} problem${state.problems === 1 ? '' : 's'}`);
  return parts.join(' · ');
}
