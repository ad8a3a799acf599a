import * as vscode from 'vscode';
import { modify } from '../../core/graph/jsonc';
import type { Backend } from '../../core/backend';
import type { AuthoringDeps } from '../features';
import type { GraphTarget } from './graphFiles';
import { baseName, readBinding } from './graphFiles';

/**
 * Asks for a connection, then a workflow on it (the one picker; a workflow id may also be typed,
 * for one the catalog does not list). Undefined when the user backs out.
 */
export function pickTarget(deps: Pick<AuthoringDeps, 'pickers'>, purpose: string): Promise<GraphTarget | undefined> {
  return deps.pickers.workflow(undefined, vscode.l10n.t('Workflow'), { title: purpose, allowTypedId: true, ignoreSelection: true, connectionPlaceHolder: vscode.l10n.t('Connection') });
}

/** Writes `binding` into the file through an undoable edit, keeping the rest of the text as is. */
export async function writeBinding(document: vscode.TextDocument, target: GraphTarget): Promise<boolean> {
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
  const edits = modify(document.getText(), ['binding'], { connection: target.connection, workflowId: target.workflowId }, {
    formattingOptions: { insertSpaces: editor?.options.insertSpaces !== false, tabSize: typeof editor?.options.tabSize === 'number' ? editor.options.tabSize : 2 },
  });
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.content);
  return vscode.workspace.applyEdit(edit);
}

/**
 * The file's target. An unbound file asks for one, then, as the last step of the same flow,
 * whether to record it in the file, so the next push, pull or run goes to the same place without
 * asking. Escape at that step backs out of the whole command, like any step before it.
 */
export async function resolveTarget(deps: Pick<AuthoringDeps, 'pickers'>, document: vscode.TextDocument, purpose: string): Promise<GraphTarget | undefined> {
  const bound = readBinding(document.getText());
  if (bound) return bound;
  const target = await pickTarget(deps, purpose);
  if (!target) return undefined;
  const save = { label: vscode.l10n.t('$(link) Bind {0} to {1}/{2}', baseName(document.uri), target.connection, target.workflowId), detail: vscode.l10n.t('Writes "binding" into the file: push, pull and run go there from now on.'), bind: true };
  const once = { label: vscode.l10n.t('Just this once'), detail: vscode.l10n.t('Leaves the file unbound; the next push asks again.'), bind: false };
  const choice = await vscode.window.showQuickPick([save, once], { title: purpose, placeHolder: vscode.l10n.t('Bind the file to this workflow?'), ignoreFocusOut: true });
  if (!choice) return undefined;
  if (choice.bind && !(await writeBinding(document, target))) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Could not write the binding into {0}; going on without it.', baseName(document.uri)));
  }
  return target;
}

/**
 * The backend of a connection, or a plain message about why there is none. Resolved (built, and
 * the sandbox started, if needed): `backend()` alone is undefined for any connection the tree
 * has not loaded yet, which would be misreported as missing credentials.
 */
export async function backendFor(deps: Pick<AuthoringDeps, 'connections'>, connection: string): Promise<Backend | undefined> {
  const config = deps.connections.get(connection);
  if (!config) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The file is bound to the connection "{0}", which does not exist in this window.', connection));
    return undefined;
  }
  const backend = await deps.connections.resolve(connection);
  if (!backend) void vscode.window.showErrorMessage(vscode.l10n.t('The connection "{0}" has no valid credentials yet; set its API key first.', connection));
  return backend;
}
