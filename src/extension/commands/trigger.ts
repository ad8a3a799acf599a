import * as vscode from 'vscode';
import type { VariableSpec } from '../../core/model';
import { KIND_LABELS, shortId } from '../tree/present';
import { Commands } from '../commandIds';
import type { PaletteDeps } from '../features';
import { askEnvs } from './envForm';
import { askInputs } from './inputForm';
import type { WorkflowTarget } from '../pick/targets';
import { registerCommand, scoped } from './register';

/** Trigger and "run again": both end in the shared run store, which follows the run live. */
export function registerTriggerCommands(deps: PaletteDeps): vscode.Disposable {
  return vscode.Disposable.from(
    registerCommand(Commands.runTrigger, (arg) => trigger(deps, arg, false), deps),
    registerCommand(Commands.runRerun, (arg) => trigger(deps, arg, true), deps),
  );
}

/** Untrusted workspaces may look at runs and graphs but never start anything. */
export async function requireTrust(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  const picked = await vscode.window.showWarningMessage(vscode.l10n.t('{0} is disabled in an untrusted workspace.', action), manage);
  if (picked === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** Protected (production) connections ask before anything that changes the service. */
/** What the protected-connection question needs: whether a connection is marked protected. */
interface ProtectedLookup {
  readonly connections: { get(name: string): { readonly protected?: boolean } | undefined };
}

export async function confirmProtected(deps: ProtectedLookup, connection: string, what: string): Promise<boolean> {
  if (!deps.connections.get(connection)?.protected) return true;
  const go = vscode.l10n.t('Continue');
  const picked = await vscode.window.showWarningMessage(
    vscode.l10n.t('"{0}" is a protected connection.', connection),
    { modal: true, detail: what },
    go,
  );
  return picked === go;
}

async function trigger(deps: PaletteDeps, arg: unknown, rerun: boolean): Promise<void> {
  if (!(await requireTrust(vscode.l10n.t('Triggering runs')))) return;
  const target = (await rerunTarget(deps, arg, rerun)) ?? (await deps.pickers.workflow(arg, vscode.l10n.t('Workflow to run')));
  if (!target) return;
  const { connection, workflowId } = target;
  const backend = await deps.pickers.backend(connection);
  const workflow = deps.explorer.workflow(connection, workflowId);
  const name = workflow?.name || workflowId;

  let inputs: Record<string, unknown> | undefined;
  const last = (rerun ? runInputs(deps, arg) : undefined) ?? deps.lastInputs.get(connection, workflowId);
  // A service without run inputs (White Rabbit) is never asked for any, not even the remembered ones.
  if (!backend.capabilities.triggerInputs) inputs = {};
  else if (rerun && last) inputs = { ...last };
  else {
    const specs: readonly VariableSpec[] | undefined =
      workflow?.variables ?? (backend.inputsOf ? await scoped(connection, backend.inputsOf(workflowId)).catch(() => undefined) : undefined);
    inputs = await askInputs(vscode.l10n.t('Run {0}', name), specs, last);
  }
  if (!inputs) return;
  const envs = backend.capabilities.triggerEnvs ? await askEnvs(vscode.l10n.t('Run {0}', name), (value) => deps.keyring.mask(value)) : {};
  if (!envs) return;
  const run = await deps.starter.start({
    connection,
    workflowId,
    name,
    inputs,
    envs,
    question: vscode.l10n.t('Start a run of {0} on {1}?', name, KIND_LABELS[backend.kind]),
  });
  if (!run) return;
  vscode.window.setStatusBarMessage(vscode.l10n.t('$(play) Started run {0} of {1}', shortId(run.id), name), 5_000);
  const node = deps.explorer.runNode(connection, run.id);
  if (node) await deps.tree.reveal(node, { focus: false, expand: true }).catch(() => undefined);
}

/** "Run again" from a run node: the run's own workflow and inputs. */
async function rerunTarget(deps: PaletteDeps, arg: unknown, rerun: boolean): Promise<WorkflowTarget | undefined> {
  if (!rerun || typeof arg !== 'object' || arg === null) return undefined;
  const v = arg as { connection?: unknown; workflowId?: unknown };
  return typeof v.connection === 'string' && typeof v.workflowId === 'string' ? { connection: v.connection, workflowId: v.workflowId } : undefined;
}

function runInputs(deps: PaletteDeps, arg: unknown): Record<string, unknown> | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const v = arg as { connection?: unknown; runId?: unknown };
  if (typeof v.connection !== 'string' || typeof v.runId !== 'string') return undefined;
  const inputs = deps.runs.get(v.connection, v.runId)?.inputs;
  return typeof inputs === 'object' && inputs !== null && !Array.isArray(inputs) ? (inputs as Record<string, unknown>) : undefined;
}
