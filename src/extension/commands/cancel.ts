import * as vscode from 'vscode';
import type { CancelOutcome } from '../../core/backend';
import { KIND_LABELS, shortId } from '../tree/present';
import { Commands } from '../commandIds';
import type { CommandDeps } from './deps';
import type { RunTarget } from './pick';
import { requireBackend, runTargets, toAbortSignal, workflowTarget } from './pick';
import { registerCommand, scoped } from './register';
import { confirmAndStop, isStoppable } from './stopRun';
import { confirmProtected } from './trigger';

const MAX_REASON = 500;

export function registerCancelCommands(deps: CommandDeps): vscode.Disposable {
  return vscode.Disposable.from(
    registerCommand(Commands.runCancel, (arg, selection) => cancelRuns(deps, arg, selection), deps.host),
    registerCommand(Commands.workflowCancelRuns, (arg) => cancelWorkflowRuns(deps, arg), deps.host),
    registerCommand(Commands.runStopFollowing, (arg, selection) => stopFollowing(deps, arg, selection), deps.host),
  );
}

async function cancelRuns(deps: CommandDeps, arg: unknown, selection: unknown): Promise<void> {
  const targets = await runTargets(deps, arg, selection, vscode.l10n.t('Runs to cancel'));
  const byConnection = new Map<string, RunTarget[]>();
  for (const t of targets) byConnection.set(t.connection, [...(byConnection.get(t.connection) ?? []), t]);
  for (const [connection, runs] of byConnection) {
    const backend = await requireBackend(deps, connection);
    if (!backend.cancel || backend.capabilities.cancel === 'none') {
      await offerStopFollowing(deps, connection, runs, KIND_LABELS[backend.kind]);
      continue;
    }
    const reason = await askReason();
    if (reason === undefined) return;
    const ids = runs.map((r) => r.runId);
    if (!(await confirmProtected(deps, connection, vscode.l10n.t('Cancel {0} run(s)?', ids.length)))) return;
    const cancel = backend.cancel.bind(backend);
    const outcomes = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Cancelling {0} run(s) on {1}…', ids.length, connection), cancellable: true },
      (_progress, token) => scoped(connection, cancel({ runIds: ids, reason: reason || undefined }, toAbortSignal(token))),
    );
    await afterCancel(deps, connection, runs, outcomes);
  }
}

async function cancelWorkflowRuns(deps: CommandDeps, arg: unknown): Promise<void> {
  const target = await workflowTarget(deps, arg, vscode.l10n.t('Workflow whose runs to cancel'));
  if (!target) return;
  const backend = await requireBackend(deps, target.connection);
  if (!backend.cancel || backend.capabilities.cancel !== 'workflow') {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} cannot cancel all runs of a workflow.', KIND_LABELS[backend.kind]));
    return;
  }
  const name = deps.explorer.workflow(target.connection, target.workflowId)?.name || target.workflowId;
  const yes = vscode.l10n.t('Cancel All Runs');
  const sure = await vscode.window.showWarningMessage(
    vscode.l10n.t('Cancel every active run of {0}?', name),
    { modal: true, detail: vscode.l10n.t('Runs started by anyone on {0} are cancelled.', target.connection) },
    yes,
  );
  if (sure !== yes) return;
  const reason = await askReason();
  if (reason === undefined) return;
  const cancel = backend.cancel.bind(backend);
  const outcomes = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Cancelling the runs of {0}…', name), cancellable: true },
    (_progress, token) => scoped(target.connection, cancel({ workflowId: target.workflowId, reason: reason || undefined }, toAbortSignal(token))),
  );
  await afterCancel(deps, target.connection, outcomes.map((o) => ({ connection: target.connection, runId: o.runId, workflowId: target.workflowId })), outcomes);
  await deps.explorer.refresh(deps.explorer.workflowNode(target.connection, target.workflowId));
}

async function askReason(): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Cancel runs'),
    prompt: vscode.l10n.t('Reason (optional, recorded by the service)'),
    ignoreFocusOut: true,
    validateInput: (v) => (v.length > MAX_REASON ? vscode.l10n.t('At most {0} characters.', MAX_REASON) : undefined),
  });
}

/** Reports what the service did per run, then re-reads the runs so the tree shows it at once. */
async function afterCancel(deps: CommandDeps, connection: string, runs: readonly RunTarget[], outcomes: readonly CancelOutcome[]): Promise<void> {
  const cancelled = outcomes.filter((o) => o.status === 'cancelled').length;
  const others = outcomes.filter((o) => o.status !== 'cancelled');
  const detail = others.map((o) => `${shortId(o.runId)}: ${o.status.replace(/_/g, ' ')}${o.message ? ` (${o.message})` : ''}`).join('; ');
  const message = others.length
    ? vscode.l10n.t('{0} run(s) cancelled; {1}', cancelled, detail)
    : vscode.l10n.t('{0} run(s) cancelled.', cancelled);
  if (others.length) void vscode.window.showWarningMessage(message);
  else void vscode.window.showInformationMessage(message);
  // The service's record is the truth after a cancel: a trigger stream may still end with its
  // own word (Supervity's says "failed"), so read the runs once their live follow has ended.
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline && runs.some((r) => deps.services.runs.isLive(connection, r.runId))) await new Promise((r) => setTimeout(r, 100));
  for (const run of runs) {
    await deps.services.runs.refresh(connection, { id: run.runId, workflowId: run.workflowId }).catch((error: unknown) => {
      deps.log.debug(`re-reading ${run.runId} after cancel failed: ${String(error)}`);
    });
  }
}

/**
 * Where the API has no cancel endpoint, say so and offer what Flowscope can do: stop a run that
 * lives on a stream held here (Powabase), else stop following.
 */
async function offerStopFollowing(deps: CommandDeps, connection: string, runs: readonly RunTarget[], service: string): Promise<void> {
  const stoppable = runs.filter((r) => isStoppable(deps, r));
  if (stoppable.length > 0) {
    await confirmAndStop(deps, stoppable);
    runs = runs.filter((r) => !stoppable.includes(r));
    if (runs.length === 0) return;
  }
  const stop = vscode.l10n.t('Stop Following');
  const picked = await vscode.window.showInformationMessage(
    vscode.l10n.t('{0} has no API to cancel a run: it goes on on the server. Stop following it here instead?', service),
    stop,
  );
  if (picked !== stop) return;
  for (const run of runs) deps.services.runs.stopFollowing(connection, run.runId);
}

async function stopFollowing(deps: CommandDeps, arg: unknown, selection: unknown): Promise<void> {
  let targets = await runTargets(deps, arg, selection, vscode.l10n.t('Runs to stop following'));
  // Closing the stream of such a run stops it on the server: that needs the Stop Run confirmation.
  const stoppable = targets.filter((t) => isStoppable(deps, t));
  if (stoppable.length > 0) {
    await confirmAndStop(deps, stoppable);
    targets = targets.filter((t) => !stoppable.includes(t));
  }
  for (const t of targets) deps.services.runs.stopFollowing(t.connection, t.runId);
  if (targets.length) vscode.window.setStatusBarMessage(vscode.l10n.t('Stopped following {0} run(s).', targets.length), 4_000);
}
