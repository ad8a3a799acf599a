import type { ExplorerNode } from '../tree/nodes';

export interface WorkflowTarget {
  readonly connection: string;
  readonly workflowId: string;
  /**
   * Taken from the tree's selection, not named by the command's argument. A command that changes
   * the workflow on the service then names it and asks first: a click in a row's menu can reach
   * the command without its row (the tree drops its rows while it reloads them), and the
   * selection may be another workflow.
   */
  readonly fromSelection?: boolean;
}

export interface RunTarget {
  readonly connection: string;
  readonly runId: string;
  readonly workflowId?: string;
}

const NODE_KINDS = new Set(['connection', 'workflow', 'run', 'stage', 'loadMore', 'message']);

/** Tree nodes arrive as command arguments; anything else (palette, keybinding) is undefined or foreign. */
export function isNode(value: unknown): value is ExplorerNode {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.kind === 'string' && NODE_KINDS.has(v.kind) && typeof v.id === 'string' && typeof v.connection === 'string';
}

/** Reads a connection name from a node, a `{connection}` object (other features) or a plain string. */
export function connectionOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { connection?: unknown }).connection === 'string') return (arg as { connection: string }).connection;
  return undefined;
}
