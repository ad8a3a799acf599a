import * as vscode from 'vscode';
import type { CancelOutcome } from '../../core/backend';
import { cancelAllButton, cancelReport } from '../../core/cancelReport';
import { isTerminalRun } from '../../core/model';
import { KIND_LABELS, shortId, statusLabel } from '../tree/present';
import { Commands } from '../commandIds';
import type { PaletteDeps } from '../features';
import type { RunTarget } from '../pick/targets';
import { markCancelledHere } from './cancelledHere';
import { registerCommand, scoped } from './register';
import { confirmAndStop, isStoppable } from './stopRun';
import { confirmProtected } from './trigger';

const MAX_REASON = 500;

export function registerCancelCommands(deps: PaletteDeps): vscode.Disposable {
  return vscode.Disposable.from(
    registerCommand(Commands.runCancel, (arg, selection) => cancelRuns(deps, arg, selection), deps),
    registerCommand(Commands.workflowCancelRuns, (arg) => cancelWorkflowRuns(deps, arg), deps),
    registerCommand(Commands.runStopFollowing, (arg, selection) => stopFollowing(deps, arg, selection), deps),
  );
}

async function cancelRuns(deps: PaletteDeps, arg: unknown, selection: unknown): Promise<void> {
  const targets = await deps.pickers.runs(arg, selection, vscode.l10n.t('Runs to cancel'));
  const active = await withoutEndedRuns(deps, targets);
  const byConnection = new Map<string, RunTarget[]>();
  for (const t of active) byConnection.set(t.connection, [...(byConnection.get(t.connection) ?? []), t]);
  for (const [connection, runs] of byConnection) {
    const backend = await deps.pickers.backend(connection);
    if (!backend.cancel || backend.capabilities.cancel === 'none') {
      await offerStopFollowing(deps, connection, runs, KIND_LABELS[backend.kind]);
      continue;
    }
    // No confirmation follows on an unprotected connection, so this box is the confirmation: it
    // says that Enter cancels and Escape keeps the runs going.
    const what = runs.length === 1 ? vscode.l10n.t('Cancel run {0}', shortId(runs[0]?.runId ?? '')) : vscode.l10n.t('Cancel {0} runs', runs.length);
    const reason = await askReason(what, vscode.l10n.t('Reason, recorded by the service (optional). Enter cancels; Escape keeps running.'));
    if (reason === undefined) continue;
    const ids = runs.map((r) => r.runId);
    if (!(await confirmProtected(deps, connection, ids.length === 1 ? vscode.l10n.t('Cancel run {0}?', shortId(ids[0] ?? '')) : vscode.l10n.t('Cancel {0} runs?', ids.length)))) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Nothing was cancelled.'));
      continue;
    }
    const cancel = backend.cancel.bind(backend);
    for (const id of ids) markCancelledHere(connection, id);
    const outcomes = await cancelWithProgress(connection, (signal) => cancel({ runIds: ids, reason: reason || undefined }, signal));
    await afterCancel(deps, connection, runs, outcomes, undefined);
  }
}

async function cancelWorkflowRuns(deps: PaletteDeps, arg: unknown): Promise<void> {
  const target = await deps.pickers.workflow(arg, vscode.l10n.t('Workflow whose runs to cancel'));
  if (!target) return;
  const backend = await deps.pickers.backend(target.connection);
  if (!backend.cancel || backend.capabilities.cancel !== 'workflow') {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} cannot cancel all runs of a workflow.', KIND_LABELS[backend.kind]));
    return;
  }
  const name = deps.explorer.workflow(target.connection, target.workflowId)?.name || target.workflowId;
  const known = deps.explorer.runsOf(target.connection, target.workflowId).filter((r) => !isTerminalRun(r.status)).length;
  // The reason first, then one confirmation that repeats it: the confirmation is the last step,
  // so nothing the user confirmed can be dropped by a later prompt they did not see.
  // Escape here means "no reason", not "never mind": the confirmation is where to back out.
  const reason = (await askReason(vscode.l10n.t('Cancel all runs of {0} (1/2): reason', name), vscode.l10n.t('Reason, recorded by the service (optional: Enter or Escape to give none). You confirm next.'))) ?? '';
  const go: vscode.MessageItem = { title: cancelAllButton(known, vscode.l10n.t) };
  const keep: vscode.MessageItem = { title: vscode.l10n.t('Keep running'), isCloseAffordance: true };
  const sure = await vscode.window.showWarningMessage(
    vscode.l10n.t('Cancel every active run of {0}?', name),
    {
      modal: true,
      detail: [
        vscode.l10n.t('Runs started by anyone on {0} are cancelled.', target.connection),
        reason ? vscode.l10n.t('Reason recorded by the service: {0}', reason) : vscode.l10n.t('No reason is recorded.'),
      ].join('\n'),
    },
    go,
    keep,
  );
  if (sure !== go) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Nothing was cancelled: the runs of {0} keep running.', name));
    return;
  }
  const cancel = backend.cancel.bind(backend);
  for (const run of deps.explorer.runsOf(target.connection, target.workflowId)) markCancelledHere(target.connection, run.id);
  const outcomes = await cancelWithProgress(target.connection, (signal) => cancel({ workflowId: target.workflowId, reason: reason || undefined }, signal));
  for (const o of outcomes) markCancelledHere(target.connection, o.runId);
  await afterCancel(deps, target.connection, outcomes.map((o) => ({ connection: target.connection, runId: o.runId, workflowId: target.workflowId })), outcomes, name);
  await deps.explorer.refresh(deps.explorer.workflowNode(target.connection, target.workflowId));
}

/** The service call, shown in the status bar: the one notification of a cancel is its outcome. */
function cancelWithProgress(connection: string, call: (signal: AbortSignal) => Promise<readonly CancelOutcome[]>): Thenable<readonly CancelOutcome[]> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Cancelling on {0}…', connection) }, () =>
    scoped(connection, call(new AbortController().signal)),
  );
}

/** Runs already over are said to be so, once, and left out: there is nothing to cancel or stop. */
async function withoutEndedRuns(deps: PaletteDeps, targets: readonly RunTarget[]): Promise<RunTarget[]> {
  const ended = targets.filter((t) => {
    const run = deps.runs.get(t.connection, t.runId);
    return run !== undefined && isTerminalRun(run.status);
  });
  if (ended.length > 0) {
    const first = deps.runs.get(ended[0]?.connection ?? '', ended[0]?.runId ?? '');
    const text =
      ended.length === 1 && first
        ? vscode.l10n.t('Run {0} has already ended ({1}): there is nothing to cancel.', shortId(first.id), statusLabel(first.status, vscode.l10n.t))
        : vscode.l10n.t('{0} of the selected runs have already ended: there is nothing to cancel there.', ended.length);
    void vscode.window.showInformationMessage(text);
  }
  return targets.filter((t) => !ended.includes(t));
}

async function askReason(title: string, prompt: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt,
    ignoreFocusOut: true,
    validateInput: (v) => (v.length > MAX_REASON ? vscode.l10n.t('At most {0} characters.', MAX_REASON) : undefined),
  });
}

/** Reports what the service did per run, in one message, then re-reads the runs so the tree shows it at once. */
async function afterCancel(deps: PaletteDeps, connection: string, runs: readonly RunTarget[], outcomes: readonly CancelOutcome[], workflow: string | undefined): Promise<void> {
  const report = cancelReport(outcomes, vscode.l10n.t, workflow);
  if (report.severity === 'warning') void vscode.window.showWarningMessage(report.text);
  else void vscode.window.showInformationMessage(report.text);
  // The service's record is the truth after a cancel: a trigger stream may still end with its
  // own word (Supervity's says "failed"), so read the runs once their live follow has ended.
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline && runs.some((r) => deps.runs.isLive(connection, r.runId))) await new Promise((r) => setTimeout(r, 100));
  for (const run of runs) {
    await deps.runs.refresh(connection, { id: run.runId, workflowId: run.workflowId }).catch((error: unknown) => {
      deps.log.debug(`re-reading ${run.runId} after cancel failed: ${String(error)}`);
    });
  }
}

/**
 * Where the API has no cancel endpoint, say so and offer what Flowscope can do: stop a run that
 * lives on a stream held here (Powabase), else stop following.
 */
async function offerStopFollowing(deps: PaletteDeps, connection: string, runs: readonly RunTarget[], service: string): Promise<void> {
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
  for (const run of runs) deps.runs.stopFollowing(connection, run.runId);
}

async function stopFollowing(deps: PaletteDeps, arg: unknown, selection: unknown): Promise<void> {
  let targets = await withoutEndedRuns(deps, await deps.pickers.runs(arg, selection, vscode.l10n.t('Runs to stop following')));
  // Closing the stream of such a run stops it on the server: that needs the Stop Run confirmation.
  const stoppable = targets.filter((t) => isStoppable(deps, t));
  if (stoppable.length > 0) {
    await confirmAndStop(deps, stoppable);
    targets = targets.filter((t) => !stoppable.includes(t));
  }
  for (const t of targets) deps.runs.stopFollowing(t.connection, t.runId);
  if (targets.length) vscode.window.setStatusBarMessage(vscode.l10n.t('Stopped following {0} run(s).', targets.length), 4_000);
}
