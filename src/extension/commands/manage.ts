import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import type { PaletteDeps } from '../features';
import { withAbortSignal } from '../pick/abort';
import type { WorkflowTarget } from '../pick/targets';
import { registerCommand, scoped } from './register';
import { confirmProtected, requireTrust } from './trigger';

/** Rename and delete a workflow from the tree, where the API can (Powabase). */
export function registerManageCommands(deps: PaletteDeps): vscode.Disposable {
  return vscode.Disposable.from(
    registerCommand(Commands.workflowRename, (arg) => renameWorkflow(deps, arg), deps),
    registerCommand(Commands.workflowDelete, (arg) => deleteWorkflow(deps, arg), deps),
  );
}

async function target(deps: PaletteDeps, arg: unknown, placeHolder: string): Promise<WorkflowTarget | undefined> {
  if (!(await requireTrust(vscode.l10n.t('Changing workflows')))) return undefined;
  return deps.pickers.workflow(arg, placeHolder);
}

async function renameWorkflow(deps: PaletteDeps, arg: unknown): Promise<void> {
  const t = await target(deps, arg, vscode.l10n.t('Workflow to rename'));
  if (!t) return;
  const backend = await deps.pickers.backend(t.connection);
  const update = backend.updateWorkflow?.bind(backend);
  if (!update) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This service cannot rename workflows through its API.'));
    return;
  }
  const current = deps.explorer.workflow(t.connection, t.workflowId)?.name ?? '';
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Rename workflow'),
    prompt: vscode.l10n.t('New name for {0}', current || t.workflowId),
    value: current,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A workflow needs a name.')),
  });
  if (name === undefined || name.trim() === current) return;
  if (!(await confirmProtected(deps, t.connection, vscode.l10n.t('Rename {0} to {1}?', current || t.workflowId, name.trim())))) return;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Renaming {0}…', current || t.workflowId), cancellable: true },
    (_p, token) => withAbortSignal(token, (signal) => scoped(t.connection, update(t.workflowId, { name: name.trim() }, signal))),
  );
  await deps.explorer.refresh(deps.explorer.connectionNode(t.connection));
}

/** Deleting cannot be undone (Powabase cascades blocks and edges): the user types the name. */
async function deleteWorkflow(deps: PaletteDeps, arg: unknown): Promise<void> {
  const t = await target(deps, arg, vscode.l10n.t('Workflow to delete'));
  if (!t) return;
  const backend = await deps.pickers.backend(t.connection);
  const remove = backend.deleteWorkflow?.bind(backend);
  if (!remove) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This service cannot delete workflows through its API.'));
    return;
  }
  const name = deps.explorer.workflow(t.connection, t.workflowId)?.name || t.workflowId;
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('Delete workflow {0} on {1}', name, t.connection),
    prompt: vscode.l10n.t('This deletes the workflow and its graph on the server, for everyone. Type its name to confirm: {0}', name),
    ignoreFocusOut: true,
    validateInput: (v) => (v === name ? undefined : vscode.l10n.t('Type {0} exactly to delete it.', name)),
  });
  if (typed !== name) return;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deleting {0}…', name), cancellable: true },
    (_p, token) => withAbortSignal(token, (signal) => scoped(t.connection, remove(t.workflowId, signal))),
  );
  void vscode.window.showInformationMessage(vscode.l10n.t('Deleted {0} from {1}.', name, t.connection));
  await deps.explorer.refresh(deps.explorer.connectionNode(t.connection));
}
