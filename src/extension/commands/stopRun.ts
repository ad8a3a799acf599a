import * as vscode from 'vscode';
import { KIND_LABELS, shortId } from '../tree/present';
import { Commands } from '../commandIds';
import type { PaletteDeps } from '../features';
import type { RunTarget } from '../pick/targets';
import { registerCommand } from './register';

/**
 * Stop Run, for runs that live on the stream that started them here (Powabase). The service has
 * no cancel endpoint, but its run executes inside that stream: closing it stops the run at its
 * next step, and the service records it as completed with the outputs so far.
 */
export function registerStopRunCommand(deps: PaletteDeps): vscode.Disposable {
  return registerCommand(Commands.runStop, (arg, selection) => stopRunCommand(deps, arg, selection), deps);
}

async function stopRunCommand(deps: PaletteDeps, arg: unknown, selection: unknown): Promise<void> {
  const targets = await deps.pickers.runs(arg, selection, vscode.l10n.t('Runs to stop'));
  const stoppable = targets.filter((t) => isStoppable(deps, t));
  if (stoppable.length < targets.length) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('{0} run(s) were not started from this window, so Flowscope cannot stop them: only the connection that started a run can.', targets.length - stoppable.length),
    );
  }
  if (stoppable.length > 0) await confirmAndStop(deps, stoppable);
}

/** A run whose live follow is the stream that started it, on a service where that stream is the run. */
export function isStoppable(deps: PaletteDeps, t: RunTarget): boolean {
  const backend = deps.connections.backend(t.connection);
  return backend?.capabilities.runEndsWithStream === true && deps.runs.ownsStream(t.connection, t.runId);
}

/** Says what the service will do, then stops the runs and follows each until it is recorded. */
export async function confirmAndStop(deps: PaletteDeps, runs: readonly RunTarget[]): Promise<void> {
  const service = KIND_LABELS[deps.connections.backend(runs[0]?.connection ?? '')?.kind ?? 'powabase'];
  const stop = vscode.l10n.t('Stop Run');
  const picked = await vscode.window.showWarningMessage(
    runs.length === 1 ? vscode.l10n.t('Stop run {0}?', shortId(runs[0]?.runId ?? '')) : vscode.l10n.t('Stop {0} runs?', runs.length),
    {
      modal: true,
      detail: vscode.l10n.t(
        '{0} stops a run at its next step when the connection that started it closes. It records the run as completed, with the outputs of the steps that finished; the steps after it do not run. This cannot be undone.',
        service,
      ),
    },
    stop,
  );
  if (picked !== stop) return;
  for (const run of runs) {
    deps.runs.stopRun(run.connection, { id: run.runId, workflowId: run.workflowId }).then(
      (final) => deps.log.info(`run ${run.runId} on ${run.connection} stopped; the service recorded it ${final.rawStatus || final.status}`),
      (error: unknown) => deps.log.warn(`run ${run.runId} on ${run.connection} was stopped, but reading its final state failed: ${String(error)}`),
    );
  }
  vscode.window.setStatusBarMessage(vscode.l10n.t('Stopping {0} run(s): the service stops each at its next step.', runs.length), 6_000);
}
