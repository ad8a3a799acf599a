import * as vscode from 'vscode';
import { summaryLine } from '../../core/graph/diff';
import { FILE_SUFFIX } from '../../core/graph/fileSuffix';
import type { LocalEdits } from '../../core/graph/localEdits';
import { localEdits } from '../../core/graph/localEdits';
import { pullGraphFile } from '../../core/graph/pullPlan';
import { backendFor, pickTarget } from './binding';
import type { Authoring } from './context';
import { baseName, readBinding } from './graphFiles';
import type { GraphTarget } from './graphFiles';
import { requireTrust } from './trust';

/**
 * Pull: the server's graph into the bound file (through an undoable edit, after a backup, and
 * after a diff and a question whenever the file may hold edits the server does not have, saved or
 * not), or into a new bound file when there is no bound file.
 */
export async function pullCommand(ctx: Authoring, document: vscode.TextDocument | undefined): Promise<void> {
  if (!(await requireTrust(vscode.l10n.t('Pull')))) return;
  const bound = document ? readBinding(document.getText()) : undefined;
  const target = bound ?? (await pickTarget(ctx, vscode.l10n.t('Pull a workflow graph from')));
  if (!target) return;
  const backend = await backendFor(ctx, target.connection);
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
  if (outcome.status === 'unchanged') {
    await ctx.lastSynced.set(target, outcome.graph);
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} already matches {1}/{2}.', into ? baseName(into.uri) : target.workflowId, target.connection, target.workflowId));
    return;
  }
  if (!into) {
    await createFile(target, outcome.text);
    await ctx.lastSynced.set(target, outcome.graph);
    return;
  }
  // What was last synced is the only proof that the server has the file's content: anything
  // else (edited since, never synced, unreadable) is shown as a diff and asked about first.
  const risk = localEdits(into.getText(), ctx.lastSynced.get(target), backend.kind);
  if (risk !== 'none' && !(await confirmReplace(ctx, into, outcome.text, risk, summaryLine(outcome.summary)))) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Pull cancelled: {0} is unchanged.', baseName(into.uri)));
    return;
  }
  if (await replaceContent(ctx, into, outcome.text, summaryLine(outcome.summary))) await ctx.lastSynced.set(target, outcome.graph);
}

/** The file as it is now (unsaved edits included) beside what the pull would write, and the question. */
async function confirmReplace(ctx: Authoring, document: vscode.TextDocument, pulled: string, risk: Exclude<LocalEdits, 'none'>, summary: string): Promise<boolean> {
  const name = baseName(document.uri);
  const question =
    risk === 'edited'
      ? vscode.l10n.t('{0} has edits the server does not have. Replace them with the server\'s graph?', name)
      : risk === 'untracked'
        ? vscode.l10n.t('{0} was never pushed or pulled from this workspace, so the server may not have its content. Replace it with the server\'s graph?', name)
        : vscode.l10n.t('{0} is not a readable graph, so its edits cannot be compared. Replace it with the server\'s graph?', name);
  return ctx.reviews.review({
    kind: 'pull',
    left: ctx.documents.show(`${name}-yours`, document.getText()),
    right: ctx.documents.show(`${name}-after-pull`, pulled),
    title: vscode.l10n.t('{0}: yours ↔ after pull ({1})', name, summary),
    question,
    accept: vscode.l10n.t("Replace with the server's graph"),
    acceptDetail: vscode.l10n.t('A backup of the current content is kept, and Undo restores it.'),
    decline: vscode.l10n.t('Keep my file'),
  });
}

async function replaceContent(ctx: Authoring, document: vscode.TextDocument, text: string, summary: string): Promise<boolean> {
  const backup = await writeBackup(ctx, document);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not update {0}; the file is unchanged.', baseName(document.uri)));
    return false;
  }
  await document.save();
  const open = vscode.l10n.t('Open Backup');
  void vscode.window
    .showInformationMessage(vscode.l10n.t('Pulled into {0} ({1}). The previous content is saved at {2}.', baseName(document.uri), summary, backup.fsPath), open)
    .then(async (picked) => {
      if (picked === open) await vscode.window.showTextDocument(backup, { preview: true });
    });
  return true;
}

/** Keeps what a pull replaces, outside the workspace so it is never committed by accident. */
async function writeBackup(ctx: Authoring, document: vscode.TextDocument): Promise<vscode.Uri> {
  const folder = vscode.Uri.joinPath(ctx.context.globalStorageUri, 'backups');
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
