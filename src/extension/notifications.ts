import * as vscode from 'vscode';
import type { RunChange, RunStore } from '../core/runs/runStore';
import { restatesStatus } from '../core/cancelReport';
import { isTerminalRun } from '../core/model';
import type { Explorer } from './tree/viewModel';
import { reportStreamFailures } from '../core/connections/streamFailures';
import { shortId, statusLabel } from './tree/present';
import type { Logger } from '../core/util/log';
import { Commands } from './commandIds';
import { takeCancelledHere } from './commands/cancelledHere';
import type { Settings } from './settings';

/**
 * Tells the user how runs started from this window ended (all, failures only, or none, per
 * `flowscope.notifications.runEnded`), with "Show Run". Stream failures are logged and shown on
 * the connection node, never as popups.
 */
export function registerNotifications(runs: RunStore, explorer: Explorer, settings: Settings, log: Logger): vscode.Disposable {
  const ended = runs.onDidChange((change) => void notifyEnded(change, explorer, settings));
  const failed = reportStreamFailures(runs, explorer, log);
  return new vscode.Disposable(() => {
    ended.dispose();
    failed.dispose();
  });
}

async function notifyEnded(change: RunChange, explorer: Explorer, settings: Settings): Promise<void> {
  const { run, previous, connection } = change;
  // A run that ended before its first event still counts; a repeat of a terminal state does not.
  if (!change.startedHere || !isTerminalRun(run.status) || (previous && isTerminalRun(previous.status))) return;
  // A run this window cancelled: the cancel command's message already said how it ended (and a
  // stream that reports the cancel as "failed" before the service's record says "cancelled"
  // must not contradict it).
  if (takeCancelledHere(connection, run.id)) return;
  const mode = settings.current.notifyRunEnded;
  const bad = run.status === 'failed' || run.status === 'completed_with_errors';
  if (mode === 'none' || (mode === 'failures' && !bad)) return;
  const workflow = explorer.workflow(connection, run.workflowId ?? '')?.name ?? run.workflowName ?? run.workflowId ?? '';
  const text = vscode.l10n.t('Run {0} of {1} ({2}) {3}.', shortId(run.id), workflow, connection, statusLabel(run.status, vscode.l10n.t));
  const message = run.error && !restatesStatus(run.error, run.status) ? `${text} ${run.error}` : text;
  const show = vscode.l10n.t('Show Run');
  const notify = run.status === 'failed' ? vscode.window.showErrorMessage : bad || run.status === 'cancelled' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const picked = await notify(message, show);
  if (picked === show) await vscode.commands.executeCommand(Commands.runReveal, { connection, runId: run.id, workflowId: run.workflowId });
}

