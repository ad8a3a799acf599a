import * as vscode from 'vscode';
import { FILE_SUFFIX } from '../../core/graph/fileSuffix';
import type { EmptyState } from '../../shared/protocol';
import { writeBinding } from '../authoring/binding';
import type { GraphTarget } from '../authoring/graphFiles';
import { baseName, readBinding } from '../authoring/graphFiles';
import { Commands } from '../commandIds';

/**
 * The empty workflow panel (a service that serves no graph, no bound file, no run yet: White
 * Rabbit, Supervity) says why it is empty and offers what would fill it: a run, whose stages it
 * then draws, or a workspace graph file bound to the workflow.
 */

const MAX_FILES = 500;

export function emptyStateOf(): EmptyState {
  return {
    message: vscode.l10n.t(
      'No graph to show yet: this service does not serve workflow graphs, no workspace graph file is bound to this workflow, and it has no run yet. Trigger a run to see its stages here as they run, or bind a graph file to draw the workflow.',
    ),
    steps: [
      { action: 'trigger', label: vscode.l10n.t('Trigger a Run') },
      { action: 'bindFile', label: vscode.l10n.t('Bind a Graph File…') },
    ],
  };
}

export async function triggerRun(target: GraphTarget): Promise<void> {
  await vscode.commands.executeCommand(Commands.runTrigger, { connection: target.connection, workflowId: target.workflowId });
}

/**
 * Binds a workspace graph file to the workflow: an existing `*.workflow.json` (unbound ones
 * first), or a new one next to the others. True when a binding was written.
 */
export async function bindGraphFile(target: GraphTarget, workflowName: string | undefined): Promise<boolean> {
  const uris = await vscode.workspace.findFiles(`**/*${FILE_SUFFIX}`, '**/node_modules/**', MAX_FILES);
  const items: Array<vscode.QuickPickItem & { uri?: vscode.Uri }> = [];
  for (const uri of uris) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri).then(undefined, () => new Uint8Array()));
    const bound = readBinding(text);
    items.push({
      label: baseName(uri),
      description: vscode.workspace.asRelativePath(uri),
      detail: bound ? vscode.l10n.t('Bound to {0}/{1}: binding it here replaces that', bound.connection, bound.workflowId) : undefined,
      uri,
    });
  }
  items.sort((a, b) => Number(a.detail !== undefined) - Number(b.detail !== undefined) || a.label.localeCompare(b.label));
  const create: vscode.QuickPickItem = { label: vscode.l10n.t('$(new-file) New graph file…') };
  const picked = await vscode.window.showQuickPick([create, ...items], {
    title: vscode.l10n.t('Bind a graph file to {0}', workflowName ?? target.workflowId),
    placeHolder: vscode.l10n.t('A workspace graph file to draw this workflow from'),
  });
  if (!picked) return false;
  const uri = 'uri' in picked && picked.uri instanceof vscode.Uri ? picked.uri : await newGraphFile(target, workflowName);
  if (!uri) return false;
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  if (!(await writeBinding(document, target))) return false;
  await document.save();
  return true;
}

/** A new graph file with a starter and a response block, in the first workspace folder; undefined without one. */
async function newGraphFile(target: GraphTarget, workflowName: string | undefined): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a folder first: a graph file lives in the workspace.'));
    return undefined;
  }
  const stem = (workflowName ?? target.workflowId).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'workflow';
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('New graph file'),
    prompt: vscode.l10n.t('File name in {0}', folder.name),
    value: `${stem}${FILE_SUFFIX}`,
    validateInput: (v) => (v.trim().endsWith(FILE_SUFFIX) && !/[\\/]/.test(v) ? undefined : vscode.l10n.t('A file name ending in {0}', FILE_SUFFIX)),
  });
  if (!typed) return undefined;
  const uri = vscode.Uri.joinPath(folder.uri, typed.trim());
  const exists = await vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
  if (exists) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} already exists; pick it from the list instead.', typed.trim()));
    return undefined;
  }
  const graph = {
    name: workflowName ?? target.workflowId,
    blocks: [
      { id: 'start', type: 'starter', name: 'Start' },
      { id: 'respond', type: 'response', name: 'Respond' },
    ],
    edges: [{ source: 'start', target: 'respond' }],
  };
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`${JSON.stringify(graph, null, 2)}\n`));
  return uri;
}
