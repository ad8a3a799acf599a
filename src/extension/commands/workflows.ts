import * as vscode from 'vscode';
import { formatCountdown } from '../../shared/format';
import { Commands } from '../commandIds';
import type { PaletteDeps } from '../features';
import { withAbortSignal } from '../pick/abort';
import type { WorkflowTarget } from '../pick/targets';
import { registerCommand, scoped } from './register';
import { confirmProtected, requireTrust } from './trigger';

/** Powabase's workflow lifecycle: deploy, undeploy, arm (a 10-minute webhook test window). */
export function registerWorkflowCommands(deps: PaletteDeps): vscode.Disposable {
  return vscode.Disposable.from(
    registerCommand(Commands.workflowDeploy, (arg) => lifecycle(deps, arg, 'deploy'), deps),
    registerCommand(Commands.workflowUndeploy, (arg) => lifecycle(deps, arg, 'undeploy'), deps),
    registerCommand(Commands.workflowArm, (arg) => arm(deps, arg), deps),
  );
}

async function target(deps: PaletteDeps, arg: unknown, placeHolder: string): Promise<WorkflowTarget | undefined> {
  if (!(await requireTrust(vscode.l10n.t('Changing workflows')))) return undefined;
  return deps.pickers.workflow(arg, placeHolder);
}

/**
 * A change to a workflow named only by the tree's selection is confirmed, naming it (see
 * `WorkflowTarget.fromSelection`); a protected connection asks as for every change.
 */
async function confirmChange(deps: PaletteDeps, t: WorkflowTarget, what: string): Promise<boolean> {
  if (t.fromSelection) {
    const go = vscode.l10n.t('Continue');
    const detail = vscode.l10n.t('This is the workflow selected in the Flowscope view, on {0}.', t.connection);
    if ((await vscode.window.showWarningMessage(what, { modal: true, detail }, go)) !== go) return false;
  }
  return confirmProtected(deps, t.connection, what);
}

async function lifecycle(deps: PaletteDeps, arg: unknown, action: 'deploy' | 'undeploy'): Promise<void> {
  const t = await target(deps, arg, action === 'deploy' ? vscode.l10n.t('Workflow to deploy') : vscode.l10n.t('Workflow to undeploy'));
  if (!t) return;
  const backend = await deps.pickers.backend(t.connection);
  const call = (action === 'deploy' ? backend.deploy : backend.undeploy)?.bind(backend);
  if (!call) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This service has no deploy API.'));
    return;
  }
  const name = deps.explorer.workflow(t.connection, t.workflowId)?.name || t.workflowId;
  const what = action === 'deploy' ? vscode.l10n.t('Deploy {0}?', name) : vscode.l10n.t('Undeploy {0}? Its schedule and webhooks stop.', name);
  if (!(await confirmChange(deps, t, what))) return;
  const state = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: action === 'deploy' ? vscode.l10n.t('Deploying {0}…', name) : vscode.l10n.t('Undeploying {0}…', name), cancellable: true },
    (_p, token) => withAbortSignal(token, (signal) => scoped(t.connection, call(t.workflowId, signal))),
  );
  void vscode.window.showInformationMessage(vscode.l10n.t('{0} is now {1}.', name, state));
  await deps.explorer.refresh(deps.explorer.connectionNode(t.connection));
}

async function arm(deps: PaletteDeps, arg: unknown): Promise<void> {
  const t = await target(deps, arg, vscode.l10n.t('Workflow to arm'));
  if (!t) return;
  const backend = await deps.pickers.backend(t.connection);
  const call = backend.arm?.bind(backend);
  if (!call) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This service cannot arm webhooks.'));
    return;
  }
  const name = deps.explorer.workflow(t.connection, t.workflowId)?.name || t.workflowId;
  if (!(await confirmChange(deps, t, vscode.l10n.t('Arm the webhooks of {0} for ten minutes?', name)))) return;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Arming {0}…', name), cancellable: true },
    (_p, token) => withAbortSignal(token, (signal) => scoped(t.connection, call(t.workflowId, signal))),
  );
  const until = Date.parse(result.armedUntil);
  if (Number.isFinite(until)) deps.explorer.setArmed(t.connection, t.workflowId, until);
  const left = Number.isFinite(until) ? formatCountdown(until - Date.now()) : result.armedUntil;
  const copy = vscode.l10n.t('Copy Webhook URL');
  const url = result.webhookUrls[0];
  const message = url
    ? vscode.l10n.t('{0} is armed for {1}. Webhook: {2}', name, left, url)
    : vscode.l10n.t('{0} is armed for {1}. It has no webhook block.', name, left);
  const picked = await vscode.window.showInformationMessage(message, ...(url ? [copy] : []));
  if (picked === copy && url) await vscode.env.clipboard.writeText(result.webhookUrls.join('\n'));
}
