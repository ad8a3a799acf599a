import * as vscode from 'vscode';
import type { Backend } from '../../core/backend';
import { toFlowscopeError } from '../../core/errors';
import type { Services } from '../services';
import type { RunTarget } from './runModel';

/** Asks for a connection and a workflow when `flowscope.graph.open` is run from the palette. */
export async function pickRunTarget(services: Services): Promise<RunTarget | undefined> {
  const connections = services.connections.list();
  if (connections.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Add a Flowscope connection first.'));
    return undefined;
  }
  const connection =
    connections.length === 1
      ? connections[0]?.name
      : (await vscode.window.showQuickPick(connections.map((c) => ({ label: c.name, description: c.kind })), { placeHolder: vscode.l10n.t('Connection') }))?.label;
  if (!connection) return undefined;
  // Resolve (start the sandbox, read the keys) as commands do: the palette may come first.
  let backend: Backend | undefined;
  try {
    backend = await services.connections.resolve(connection);
  } catch (error) {
    void vscode.window.showErrorMessage(toFlowscopeError(error).message);
    return undefined;
  }
  let items: vscode.QuickPickItem[];
  if (backend?.capabilities.listWorkflows) {
    try {
      items = (await backend.listWorkflows()).map((w) => ({ label: w.name || w.id, description: w.name && w.name !== w.id ? w.id : undefined, detail: w.id }));
    } catch (error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not list workflows: {0}', toFlowscopeError(error).message));
      return undefined;
    }
  } else {
    items = (services.connections.get(connection)?.workflowIds ?? []).map((id) => ({ label: id, detail: id }));
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Workflow to show') });
  const workflowId = picked?.detail ?? picked?.label;
  return workflowId ? { connection, workflowId } : undefined;
}
