import * as vscode from 'vscode';
import type { Backend } from '../../core/backend';
import { FlowscopeError } from '../../core/errors';
import { isTerminalRun } from '../../core/model';
import type { Run } from '../../core/model';
import type { ExplorerNode } from '../tree/nodes';
import { KIND_LABELS, shortId, statusLabel } from '../tree/present';
import { Commands } from '../commandIds';
import type { CommandDeps } from './deps';
import { ConnectionScopedError, scoped } from './register';

export interface WorkflowTarget {
  readonly connection: string;
  readonly workflowId: string;
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

export async function pickConnection(deps: CommandDeps, placeHolder: string, arg?: unknown): Promise<string | undefined> {
  const given = connectionOf(arg);
  if (given && deps.connections.get(given)) return given;
  const list = deps.connections.list();
  if (list.length === 0) {
    const add = vscode.l10n.t('Add Connection…');
    const sandbox = vscode.l10n.t('Start Sandbox');
    const picked = await vscode.window.showInformationMessage(vscode.l10n.t('No Flowscope connection is configured yet.'), sandbox, add);
    if (picked === add) await vscode.commands.executeCommand(Commands.connectionAdd);
    if (picked === sandbox) await vscode.commands.executeCommand(Commands.sandboxStart);
    return undefined;
  }
  if (list.length === 1) return list[0]?.name;
  const picked = await vscode.window.showQuickPick(
    list.map((c) => ({ label: c.name, description: KIND_LABELS[c.kind], detail: c.sandbox ? vscode.l10n.t('Embedded sandbox') : c.baseUrl })),
    { placeHolder },
  );
  return picked?.label;
}

/** The backend of a connection, or a clear error that offers to set the missing key. */
export async function requireBackend(deps: CommandDeps, connection: string): Promise<Backend> {
  const backend = await scoped(connection, deps.connections.resolve(connection));
  if (!backend) throw new ConnectionScopedError(connection, new FlowscopeError('missingKey', vscode.l10n.t('No API key is stored for this connection.')));
  return backend;
}

export async function workflowTarget(deps: CommandDeps, arg: unknown, placeHolder: string): Promise<WorkflowTarget | undefined> {
  if (typeof arg === 'object' && arg !== null) {
    const v = arg as { connection?: unknown; workflowId?: unknown };
    if (typeof v.connection === 'string' && typeof v.workflowId === 'string') return { connection: v.connection, workflowId: v.workflowId };
  }
  const selected = deps.tree.selection.find((n) => 'workflowId' in n && typeof n.workflowId === 'string');
  if (arg === undefined && selected && 'workflowId' in selected && selected.workflowId) return { connection: selected.connection, workflowId: selected.workflowId };
  const connection = await pickConnection(deps, placeHolder, arg);
  if (!connection) return undefined;
  const backend = await requireBackend(deps, connection);
  const workflows = deps.explorer.workflows(connection) ?? (await scoped(connection, backend.listWorkflows()));
  if (workflows.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} has no workflows. Add workflow ids to the connection first.', connection));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    workflows.map((w) => ({ label: w.name || w.id, description: w.state, detail: w.id, id: w.id })),
    { placeHolder, matchOnDetail: true },
  );
  return picked ? { connection, workflowId: picked.id } : undefined;
}

/**
 * The runs a run command applies to: the tree's multi-selection when the clicked node is part of
 * it, the clicked node, or a pick among the runs this window knows to be active.
 */
export async function runTargets(deps: CommandDeps, arg: unknown, selection: unknown, placeHolder: string): Promise<RunTarget[]> {
  const asRun = (n: ExplorerNode): RunTarget | undefined =>
    n.kind === 'run' || n.kind === 'stage' ? { connection: n.connection, runId: n.runId, workflowId: n.workflowId } : undefined;
  if (isNode(arg)) {
    const many = Array.isArray(selection) ? selection.filter(isNode) : [];
    const pool = many.some((n) => n.id === arg.id) ? many : [arg];
    return pool.map(asRun).filter((t): t is RunTarget => t !== undefined);
  }
  if (typeof arg === 'object' && arg !== null) {
    const v = arg as { connection?: unknown; runId?: unknown; workflowId?: unknown };
    if (typeof v.connection === 'string' && typeof v.runId === 'string') {
      return [{ connection: v.connection, runId: v.runId, workflowId: typeof v.workflowId === 'string' ? v.workflowId : undefined }];
    }
  }
  const selected = deps.tree.selection.map(asRun).filter((t): t is RunTarget => t !== undefined);
  if (arg === undefined && selected.length) return selected;
  const active = activeRuns(deps);
  if (active.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No active run is known in this window.'));
    return [];
  }
  const picked = await vscode.window.showQuickPick(
    active.map(({ connection, run }) => ({
      label: vscode.l10n.t('Run {0}', shortId(run.id)),
      description: `${connection} · ${run.workflowName ?? run.workflowId ?? ''}`,
      detail: statusLabel(run.status, vscode.l10n.t),
      target: { connection, runId: run.id, workflowId: run.workflowId },
    })),
    { placeHolder, canPickMany: true },
  );
  return picked?.map((p) => p.target) ?? [];
}

/** Runs known to be active: those followed live and those listed in the tree. */
export function activeRuns(deps: CommandDeps): Array<{ connection: string; run: Run }> {
  const seen = new Map<string, { connection: string; run: Run }>();
  for (const entry of deps.services.runs.liveRuns()) seen.set(`${entry.connection}\u0000${entry.run.id}`, entry);
  for (const config of deps.connections.list()) {
    for (const workflow of deps.explorer.workflows(config.name) ?? []) {
      for (const run of deps.explorer.runsOf(config.name, workflow.id)) {
        if (!isTerminalRun(run.status)) seen.set(`${config.name}\u0000${run.id}`, { connection: config.name, run });
      }
    }
  }
  return [...seen.values()];
}

/**
 * Converts a VS Code cancellation token into the AbortSignal the core speaks. The subscription is
 * disposed as soon as it fired; otherwise it goes with the token's source (`withProgress` disposes
 * it when the task ends), so it never outlives the task.
 */
export function toAbortSignal(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) {
    controller.abort();
    return controller.signal;
  }
  const subscription = token.onCancellationRequested(() => {
    subscription.dispose();
    controller.abort();
  });
  return controller.signal;
}
