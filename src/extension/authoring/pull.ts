import * as vscode from 'vscode';
import { summaryLine } from '../../core/graph/diff';
import { FILE_SUFFIX } from '../../core/graph/graphFile';
import { pullGraphFile } from '../../core/graph/pullPlan';
import { backendFor, pickTarget } from './binding';
import type { AuthoringContext } from './context';
import { baseName, readBinding } from './graphFiles';
import type { GraphTarget } from './graphFiles';
import { requireTrust } from './trust';

/**
 * Pull: the server's graph into the bound file (through an undoable edit, after a backup, asking
 * first when there are unsaved edits), or into a new bound file when there is no bound file.
 */
export async function pullCommand(ctx: AuthoringContext, document: vscode.TextDocument | undefined): Promise<void> {
  if (!(await requireTrust(vscode.l10n.t('Pull')))) return;
  const bound = document ? readBinding(document.getText()) : undefined;
  const target = bound ?? (await pickTarget(ctx.services, vscode.l10n.t('Pull a workflow graph from')));
  if (!target) return;
  const backend = await backendFor(ctx.services, target.connection);
  if (!backend) return;
  const into = bound ? document : undefined;

  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Pulling {0} from {1}', target.workflowId, target.connection), cancellable: true },
    async (_progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      try {
        return await pullGraphFile({ backend, connection: target.connection, workflowId: target.workflowId, localText: into?.getText(), signal: controller.signal });
      } finally {
        cancel.dispose();
      }
    },
  );
  if (outcome.status === 'unsupported') {
    void vscode.window.showInformationMessage(outcome.message);
    return;
  }
  await ctx.lastSynced.set(target, outcome.graph);
  if (outcome.status === 'unchanged') {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} already matches {1}/{2}.', into ? baseName(into.uri) : target.workflowId, target.connection, target.workflowId));
    return;
  }
  if (into) await replaceContent(ctx, into, outcome.text, `${summaryLine(outcome.summary)}`);
  else await createFile(target, outcome.text);
}

async function replaceContent(ctx: AuthoringContext, document: vscode.TextDocument, text: string, summary: string): Promise<void> {
  if (document.isDirty) {
    const replace = vscode.l10n.t('Replace');
    const picked = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} has unsaved changes. Replace them with the server\'s graph?', baseName(document.uri)),
      { modal: true, detail: vscode.l10n.t('Changes: {0}. The current content, unsaved edits included, is saved to a backup first, and Undo restores it.', summary) },
      replace,
    );
    if (picked !== replace) return;
  }
  const backup = await writeBackup(ctx, document);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not update {0}; the file is unchanged.', baseName(document.uri)));
    return;
  }
  await document.save();
  const open = vscode.l10n.t('Open Backup');
  const picked = await vscode.window.showInformationMessage(
    vscode.l10n.t('Pulled into {0} ({1}). The previous content is saved at {2}.', baseName(document.uri), summary, backup.fsPath),
    open,
  );
  if (picked === open) await vscode.window.showTextDocument(backup, { preview: true });
}

/** Keeps what a pull replaces, outside the workspace so it is never committed by accident. */
async function writeBackup(ctx: AuthoringContext, document: vscode.TextDocument): Promise<vscode.Uri> {
  const folder = vscode.Uri.joinPath(ctx.services.context.globalStorageUri, 'backups');
  await vscode.workspace.fs.createDirectory(folder);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const stem = baseName(document.uri).replace(/\.workflow\.json$/i, '');
  const uri = vscode.Uri.joinPath(folder, `${stem}-${stamp}${FILE_SUFFIX}`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(document.getText()));
  return uri;
}

async function createFile(target: GraphTarget, text: string): Promise<void> {
  const name = slug((JSON.parse(text) as { name?: unknown }).name, target.workflowId);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  let uri: vscode.Uri | undefined;
  if (folder) {
    uri = await freeUri(folder, name);
  } else {
    uri = await vscode.window.showSaveDialog({ saveLabel: vscode.l10n.t('Save Graph'), filters: { [vscode.l10n.t('Workflow graph')]: ['workflow.json'] } });
  }
  if (!uri) return;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(uri);
  void vscode.window.showInformationMessage(vscode.l10n.t('Pulled {0}/{1} into {2}, bound to that workflow.', target.connection, target.workflowId, baseName(uri)));
}

function slug(name: unknown, fallback: string): string {
  const base = typeof name === 'string' && name.trim() ? name : fallback;
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'workflow'
  );
}

/** `<name>.workflow.json`, or `<name>-2.workflow.json`, … never an existing file. */
async function freeUri(folder: vscode.Uri, name: string): Promise<vscode.Uri> {
  for (let n = 1; ; n++) {
    const uri = vscode.Uri.joinPath(folder, `${n === 1 ? name : `${name}-${n}`}${FILE_SUFFIX}`);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      return uri;
    }
  }
}
