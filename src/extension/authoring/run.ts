import * as vscode from 'vscode';
import { toFlowscopeError } from '../../core/errors';
import { backendFor, resolveTarget } from './binding';
import type { Authoring } from './context';
import { GraphCommands } from './commandIds';
import { baseName } from './graphFiles';
import { requireTrust } from './trust';

/**
 * Run: starts the bound workflow as the server has it (the file is not pushed first) and opens
 * the graph panel on the new run. The run store follows it live from there.
 */
export async function runCommand(ctx: Authoring, document: vscode.TextDocument): Promise<void> {
  if (!(await requireTrust(vscode.l10n.t('Run')))) return;
  const target = await resolveTarget(ctx, document, vscode.l10n.t('Run {0} on', baseName(document.uri)));
  if (!target) return;
  if (!(await backendFor(ctx, target.connection))) return;

  if (document.isDirty) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} has unsaved changes; the run uses the graph on the server. Push first to run your edits.', baseName(document.uri)));
  }

  let runId: string;
  try {
    // Inputs: none, so the server applies each variable's default (the same the file declares once pushed).
    const run = await ctx.starter.start({
      connection: target.connection,
      workflowId: target.workflowId,
      name: target.workflowId,
      inputs: {},
      question: vscode.l10n.t('Run workflow {0} there? The run uses the graph stored on the server, not this file.', target.workflowId),
    });
    if (!run) return;
    runId = run.id;
  } catch (error) {
    const e = toFlowscopeError(error);
    ctx.log.error(`run of ${target.connection}/${target.workflowId} failed to start (${e.reason}): ${e.message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not start {0}: {1}', target.workflowId, e.message));
    return;
  }
  // Always registered: every command id has its stub from activation on (commands/register.ts).
  await vscode.commands.executeCommand(GraphCommands.open, { connection: target.connection, workflowId: target.workflowId, runId });
}
