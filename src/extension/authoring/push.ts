import * as vscode from 'vscode';
import { toFlowscopeError } from '../../core/errors';
import { normalizedGraphText, summaryLine } from '../../core/graph/diff';
import { formatDiagnostic } from '../../core/graph/graphDiagnostic';
import type { PushReview } from '../../core/graph/pushPlan';
import { pushGraphFile, pushQuestion, serviceName } from '../../core/graph/pushPlan';
import type { AuthoringDeps } from '../features';
import { backendFor, resolveTarget } from './binding';
import type { Authoring } from './context';
import { baseName } from './graphFiles';
import type { GraphTarget } from './graphFiles';
import { requireTrust } from './trust';

const MAX_LISTED = 12;

/** Push: validate, review the diff against the server, confirm, push, report. */
export async function pushCommand(ctx: Authoring, document: vscode.TextDocument): Promise<void> {
  if (!(await requireTrust(vscode.l10n.t('Push')))) return;
  const target = await resolveTarget(ctx, document, vscode.l10n.t('Push {0} to', baseName(document.uri)));
  if (!target) return;
  const backend = await backendFor(ctx, target.connection);
  if (!backend) return;

  const text = document.getText();
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Pushing {0} to {1}', baseName(document.uri), target.connection), cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      try {
        return await pushGraphFile({
          text,
          backend,
          workflowId: target.workflowId,
          remembered: ctx.lastSynced.get(target),
          confirm: async (review) => {
            progress.report({ message: vscode.l10n.t('waiting for your review') });
            const ok = await confirmPush(ctx, target, review, document, controller.signal);
            if (ok) progress.report({ message: vscode.l10n.t('sending') });
            return ok;
          },
          signal: controller.signal,
        });
      } finally {
        cancel.dispose();
      }
    },
  );

  switch (outcome.status) {
    case 'invalid': {
      ctx.diagnostics.update(document);
      const lines = outcome.diagnostics.slice(0, MAX_LISTED).map((d) => formatDiagnostic(d));
      const show = vscode.l10n.t('Show Problems');
      const picked = await vscode.window.showErrorMessage(
        vscode.l10n.t('Push refused: {0} has {1} error(s). Fix them and push again.', baseName(document.uri), outcome.diagnostics.length),
        { modal: true, detail: lines.join('\n') },
        show,
      );
      if (picked === show) await vscode.commands.executeCommand('workbench.actions.view.problems');
      return;
    }
    case 'unsupported':
      void vscode.window.showInformationMessage(outcome.message);
      return;
    case 'unchanged':
      await ctx.lastSynced.set(target, outcome.review.local);
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} already matches {1}/{2}: nothing to push.', baseName(document.uri), target.connection, target.workflowId));
      return;
    case 'declined':
      void vscode.window.showInformationMessage(vscode.l10n.t('Push cancelled: nothing was sent to {0}/{1}.', target.connection, target.workflowId));
      return;
    case 'rejected': {
      ctx.diagnostics.setServerDiagnostics(document, outcome.diagnostics);
      const show = vscode.l10n.t('Show Problems');
      const picked = await vscode.window.showErrorMessage(vscode.l10n.t('{0} rejected the graph: {1}', serviceName(backend), outcome.error.message), show);
      if (picked === show) await vscode.commands.executeCommand('workbench.actions.view.problems');
      return;
    }
    case 'pushed': {
      await ctx.lastSynced.set(target, outcome.review.local);
      const { steps, notApplied } = outcome.report;
      // Steps name blocks and counts only; the graph itself (and any webhook secret) is never logged.
      ctx.log.info(`pushed ${baseName(document.uri)} to ${target.connection}/${target.workflowId}: ${steps.join('; ') || 'no calls'}`);
      for (const line of notApplied) ctx.log.warn(`not applied: ${line}`);
      if (notApplied.length > 0) {
        await vscode.window.showWarningMessage(
          vscode.l10n.t('Pushed to {0}, but {1} change(s) could not be applied.', target.workflowId, notApplied.length),
          { modal: true, detail: [vscode.l10n.t('Done:'), ...list(steps), '', vscode.l10n.t('Not applied (the API cannot make these changes):'), ...list(notApplied)].join('\n') },
        );
      } else {
        void vscode.window.showInformationMessage(vscode.l10n.t('Pushed to {0}/{1}: {2}', target.connection, target.workflowId, steps.join('; ') || vscode.l10n.t('nothing to update')));
      }
      return;
    }
  }
}

/**
 * The review: the diff between the server's graph (or the one last synced) and the local one,
 * with the question asked beside it, never over it (see DiffReviews); protected connections then
 * ask for the workflow's name. The diff tab closes once answered.
 */
async function confirmPush(ctx: Authoring, target: GraphTarget, review: PushReview, document: vscode.TextDocument, signal: AbortSignal): Promise<boolean> {
  const beforeLabel =
    review.baselineSource === 'server' ? vscode.l10n.t('server') : review.baselineSource === 'remembered' ? vscode.l10n.t('last pushed or pulled') : vscode.l10n.t('unknown');
  const left = ctx.documents.show(`${target.workflowId}-${beforeLabel}`, normalizedGraphText(review.baseline));
  const right = ctx.documents.show(`${baseName(document.uri)}-local`, normalizedGraphText(review.local));
  const title = `${target.workflowId}: ${beforeLabel} ↔ ${baseName(document.uri)} (${summaryLine(review.summary)})`;

  const notes: string[] = [];
  if (review.baselineSource === 'remembered') {
    notes.push(vscode.l10n.t('White Rabbit cannot return a workflow graph: the "before" side is the graph last pushed or pulled from this workspace.'));
  } else if (review.baselineSource === 'none') {
    notes.push(
      vscode.l10n.t("White Rabbit cannot return a workflow graph and none was pushed from here before: every block's name, position and config will be sent (the server merges config)."),
    );
  }
  const metaFields = Object.keys(review.meta);
  if (metaFields.length > 0) notes.push(vscode.l10n.t("The workflow's {0} will be set to the file's.", metaFields.join(', ')));
  if (review.notApplicable.length > 0) notes.push(vscode.l10n.t('Not applied (the API cannot make these changes): {0}', review.notApplicable.slice(0, MAX_LISTED).join('; ')));
  for (const line of notes) ctx.log.info(`push review: ${line}`);

  const accepted = await ctx.reviews.review({
    kind: 'push',
    left,
    right,
    title,
    question: pushQuestion(review, target.connection, (message, ...args) => vscode.l10n.t(message, ...args)),
    accept: vscode.l10n.t('Push these changes'),
    acceptDetail: notes.join(' ') || undefined,
    decline: vscode.l10n.t("Don't push"),
  }, signal);
  if (!accepted) return false;
  return confirmProtected(ctx, target);
}

async function confirmProtected(deps: Pick<AuthoringDeps, 'connections' | 'log'>, target: GraphTarget): Promise<boolean> {
  if (!deps.connections.get(target.connection)?.protected) return true;
  const backend = deps.connections.backend(target.connection);
  // The server's name for the workflow, never the file's own `name` (the repository writes that).
  let name: string | undefined;
  try {
    name = (await backend?.getWorkflow(target.workflowId))?.name || undefined;
  } catch (error) {
    deps.log.debug(`protected push: could not read the workflow's name: ${toFlowscopeError(error).message}`);
  }
  const accepted = [target.workflowId, ...(name ? [name] : [])];
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('"{0}" is a protected connection', target.connection),
    prompt: vscode.l10n.t('Type the workflow\'s name ({0}) or id to push', name ?? target.workflowId),
    ignoreFocusOut: true,
    validateInput: (value) => (accepted.includes(value.trim()) ? undefined : vscode.l10n.t('Type "{0}" exactly', name ?? target.workflowId)),
  });
  return typed !== undefined && accepted.includes(typed.trim());
}

function list(lines: readonly string[]): string[] {
  const shown = lines.slice(0, MAX_LISTED).map((l) => `• ${l}`);
  if (lines.length > MAX_LISTED) shown.push(vscode.l10n.t('… and {0} more', lines.length - MAX_LISTED));
  return shown;
}
