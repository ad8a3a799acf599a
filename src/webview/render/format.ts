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

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The third line of a node: attempt, duration and the tail of streamed text. */
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
