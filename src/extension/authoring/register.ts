import * as vscode from 'vscode';
import { FILE_SUFFIX } from '../../core/graph/fileSuffix';
import { registerCommand } from '../commands/register';
import type { AuthoringDeps } from '../features';
import { GraphCodeLens } from './codeLens';
import { Commands } from '../commandIds';
import type { Authoring } from './context';
import { GraphDiagnostics } from './diagnostics';
import { DiffReviews } from './diffReview';
import { GraphDocuments } from './graphDocuments';
import { GraphQuickFixes } from './graphQuickFixes';
import { baseName } from './graphFiles';
import { isGraphDocument } from './isGraphDocument';
import { LastSynced } from './lastSynced';
import { pullCommand } from './pull';
import { pushCommand } from './push';
import { pushNewCommand } from './pushNew';
import { runCommand } from './run';
import { insertWebhookCommand, WebhookQuickFix } from './webhookBlock';

const GRAPH_FILES: vscode.DocumentSelector = [{ pattern: `**/*${FILE_SUFFIX}` }];

/**
 * Graph JSON authoring: live diagnostics, CodeLens and editor-title actions, push with a diff
 * review, pull with a backup, run, and webhook minting. Completion and hover come from the JSON
 * Schema contributed in package.json, so they work without this code running.
 */
export function registerGraphAuthoring(deps: AuthoringDeps): vscode.Disposable {
  const diagnostics = new GraphDiagnostics(deps);
  const documents = new GraphDocuments();
  const reviews = new DiffReviews(deps);
  const ctx: Authoring = { ...deps, diagnostics, documents, lastSynced: new LastSynced(deps.context.workspaceState), reviews };
  const codeLens = new GraphCodeLens(diagnostics);

  return vscode.Disposable.from(
    diagnostics,
    documents,
    reviews,
    codeLens,
    vscode.languages.registerCodeLensProvider(GRAPH_FILES, codeLens),
    vscode.languages.registerCodeActionsProvider(GRAPH_FILES, new WebhookQuickFix(), WebhookQuickFix.metadata),
    vscode.languages.registerCodeActionsProvider(GRAPH_FILES, new GraphQuickFixes(), GraphQuickFixes.metadata),
    registerCommand(Commands.graphValidate, async (arg) => {
      const document = await graphDocument(arg);
      if (document) await validateCommand(ctx, document);
    }, ctx),
    registerCommand(Commands.graphPush, async (arg) => {
      const document = await graphDocument(arg);
      if (document) await pushCommand(ctx, document);
    }, ctx),
    registerCommand(Commands.graphPushNew, async (arg) => {
      const document = await graphDocument(arg);
      if (document) await pushNewCommand(ctx, document);
    }, ctx),
    registerCommand(Commands.graphPull, async (arg) => {
      // Without a graph file at hand, pull goes to a new file.
      const document = await graphDocument(arg, false);
      await pullCommand(ctx, document);
    }, ctx),
    registerCommand(Commands.graphRun, async (arg) => {
      const document = await graphDocument(arg);
      if (document) await runCommand(ctx, document);
    }, ctx),
    registerCommand(Commands.graphInsertWebhook, async (arg) => {
      const document = await graphDocument(arg);
      if (!document) return;
      const editor = await vscode.window.showTextDocument(document);
      await insertWebhookCommand(ctx, editor);
    }, ctx),
  );
}

async function validateCommand(ctx: Authoring, document: vscode.TextDocument): Promise<void> {
  const found = ctx.diagnostics.update(document);
  const errors = found.filter((d) => d.severity === 'error').length;
  const warnings = found.filter((d) => d.severity === 'warning').length;
  if (errors + warnings === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is valid.', baseName(document.uri)));
    return;
  }
  const show = vscode.l10n.t('Show Problems');
  const message = vscode.l10n.t('{0}: {1} error(s), {2} warning(s).', baseName(document.uri), errors, warnings);
  const picked = errors > 0 ? await vscode.window.showErrorMessage(message, show) : await vscode.window.showWarningMessage(message, show);
  if (picked === show) await vscode.commands.executeCommand('workbench.actions.view.problems');
}

/** The graph file a command acts on: its uri argument (CodeLens, editor title) or the active editor. */
async function graphDocument(arg: unknown, required = true): Promise<vscode.TextDocument | undefined> {
  const document = arg instanceof vscode.Uri ? await vscode.workspace.openTextDocument(arg) : vscode.window.activeTextEditor?.document;
  if (document && isGraphDocument(document)) return document;
  if (required) void vscode.window.showInformationMessage(vscode.l10n.t('Open a {0} file first.', `*${FILE_SUFFIX}`));
  return undefined;
}
