import * as vscode from 'vscode';
import type { Backend, ComponentExecution } from '../../core/backend';
import { checkJsonSchema, parseInputsJson } from '../../core/inputs';
import { Commands } from '../commandIds';
import type { PaletteDeps } from '../features';
import { withAbortSignal } from '../pick/abort';
import { registerCommand, scoped } from './register';
import { requireTrust } from './trigger';

/** How long the server may hold the execute response for an inline result (API max 15 s). */
const WAIT_FOR_MS = 10_000;

/** Executes one White Rabbit component: module from the catalog, input and config checked against its schemas. */
export function registerComponentCommands(deps: PaletteDeps): vscode.Disposable {
  return registerCommand(Commands.componentExecute, (arg) => execute(deps, arg), deps);
}

async function execute(deps: PaletteDeps, arg: unknown): Promise<void> {
  if (!(await requireTrust(vscode.l10n.t('Executing components')))) return;
  const connection = await deps.pickers.connection(vscode.l10n.t('Connection to execute on'), arg);
  if (!connection) return;
  const backend = await deps.pickers.backend(connection);
  const list = backend.listComponents?.bind(backend);
  const run = backend.executeComponent?.bind(backend);
  if (!list || !run || !backend.capabilities.componentExecute) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} cannot execute single components.', connection));
    return;
  }
  const catalog = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading the component catalog…') },
    () => scoped(connection, list()),
  );
  const picked = await vscode.window.showQuickPick(
    catalog.map((c) => ({ label: c.module, description: c.name !== c.module ? c.name : undefined, detail: c.type, component: c })),
    { placeHolder: vscode.l10n.t('Component to execute'), matchOnDescription: true },
  );
  if (!picked) return;
  const input = await askObject(vscode.l10n.t('{0}: input', picked.label), picked.component.inputSchema);
  if (!input) return;
  const config = await askObject(vscode.l10n.t('{0}: config', picked.label), picked.component.configSchema);
  if (!config) return;

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Executing {0}…', picked.label), cancellable: true },
    (_p, token) => withAbortSignal(token, (signal) => scoped(connection, runToEnd(backend, run, { module: picked.label, input, config }, signal))),
  );
  await deps.documents.show([connection, 'components', `${picked.label}-${result.id}`], result);
}

async function runToEnd(
  backend: Backend,
  run: NonNullable<Backend['executeComponent']>,
  request: { module: string; input: Record<string, unknown>; config: Record<string, unknown> },
  signal: AbortSignal,
): Promise<ComponentExecution> {
  let execution = await run({ ...request, waitForMs: WAIT_FOR_MS }, signal);
  if (execution.completed || !backend.followComponent) return execution;
  for await (const update of backend.followComponent(execution.id, { signal })) {
    execution = update;
    if (update.completed) break;
  }
  return execution;
}

async function askObject(title: string, schema: unknown): Promise<Record<string, unknown> | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('A JSON object, checked against the component schema.'),
    value: '{}',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const parsed = parseInputsJson(value);
      if (!parsed.ok) return parsed.message;
      const problems = checkJsonSchema(parsed.value, schema);
      return problems.length ? problems.slice(0, 3).join('; ') : undefined;
    },
  });
  if (text === undefined) return undefined;
  const parsed = parseInputsJson(text);
  return parsed.ok ? parsed.value : undefined;
}
