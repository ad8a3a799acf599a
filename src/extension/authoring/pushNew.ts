import * as vscode from 'vscode';
import type { CreateReview } from '../../core/graph/createPlan';
import { createWorkflowFromFile } from '../../core/graph/createPlan';
import { summaryLines } from '../../core/graph/diff';
import { formatDiagnostic } from '../../core/graph/graphDiagnostic';
import { FILE_SUFFIX } from '../../core/graph/fileSuffix';
import { backendFor, writeBinding } from './binding';
import type { Authoring } from './context';
import { baseName } from './graphFiles';
import { requireTrust } from './trust';
import { withAbortSignal } from '../pick/abort';
import { confirmProtected } from '../commands/trigger';

/**
 * Push as New Workflow: the seeds' basic flow from the editor. Creates a workflow named as the
 * file says (`POST /api/workflows`), saves the file's graph into it (`PUT …/graph`), then writes
 * the binding into the file so push, pull and run go there next.
 */
export async function pushNewCommand(ctx: Authoring, document: vscode.TextDocument): Promise<void> {
  if (!(await requireTrust(vscode.l10n.t('Push')))) return;
  const connection = await pickCreatingConnection(ctx);
  if (!connection) return;
  const file = baseName(document.uri);
  if (!(await confirmProtected(ctx, connection, vscode.l10n.t('Create a new workflow from {0} there?', file)))) return;
  const backend = await backendFor(ctx, connection);
  if (!backend) return;
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Creating a workflow from {0} on {1}', file, connection), cancellable: true },
    (_progress, token) =>
      withAbortSignal(token, (signal) => createWorkflowFromFile({
        text: document.getText(),
        backend,
        fallbackName: file.endsWith(FILE_SUFFIX) ? file.slice(0, -FILE_SUFFIX.length) : file,
        confirm: (review) => confirmCreate(review),
        signal,
      })),
  );
  switch (outcome.status) {
    case 'invalid': {
      ctx.diagnostics.update(document);
      const lines = outcome.diagnostics.slice(0, 12).map((d) => formatDiagnostic(d));
      void vscode.window.showErrorMessage(vscode.l10n.t('Nothing created: {0} has {1} error(s).', file, outcome.diagnostics.length), { modal: true, detail: lines.join('\n') });
      return;
    }
    case 'unsupported':
    case 'bound':
      void vscode.window.showInformationMessage(outcome.message);
      return;
    case 'declined':
      return;
    case 'rejected':
      // The workflow exists (empty): bind the file to it so fixing and pushing fills it.
      await writeBinding(document, { connection, workflowId: outcome.workflowId });
      ctx.diagnostics.setServerDiagnostics(document, outcome.diagnostics);
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Created workflow {0}, but its graph was not saved: {1}. The file is now bound to it: fix it and push again.', outcome.workflowId, outcome.error.message),
      );
      return;
    case 'created':
      await writeBinding(document, { connection, workflowId: outcome.workflowId });
      ctx.log.info(`created ${connection}/${outcome.workflowId} from ${file}: ${outcome.report.steps.join('; ')}`);
      await ctx.lastSynced.set({ connection, workflowId: outcome.workflowId }, outcome.review.local);
      void vscode.window.showInformationMessage(vscode.l10n.t('Created "{0}" on {1}; {2} is now bound to it.', outcome.review.meta.name, connection, file));
      return;
  }
}

/** Only Powabase creates workflows through its API: the picker offers its connections only. */
function pickCreatingConnection(ctx: Authoring): Promise<string | undefined> {
  return ctx.pickers.connection(vscode.l10n.t('Connection'), undefined, {
    title: vscode.l10n.t('Create the workflow on'),
    only: (c) => c.kind === 'powabase',
    noneMessage: vscode.l10n.t('Only Powabase can create workflows through its API: add a Powabase connection first.'),
  });
}

async function confirmCreate(review: CreateReview): Promise<boolean> {
  const create = vscode.l10n.t('Create Workflow');
  const picked = await vscode.window.showWarningMessage(
    vscode.l10n.t('Create workflow "{0}" on {1}?', review.meta.name, review.connection),
    { modal: true, detail: summaryLines(review.summary).join('\n') },
    create,
  );
  return picked === create;
}
