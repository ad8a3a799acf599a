import * as vscode from 'vscode';
import type { AddConnectionStep } from '../../core/connectionSteps';
import { stepNumber } from '../../core/connectionSteps';
import type { Credentials } from '../../core/model';
import { loadWorkflowsChecked } from '../../core/connections/probe';
import { KIND_LABELS } from '../tree/present';
import { Commands } from '../commandIds';
import type { PaletteDeps } from '../features';
import { isNode } from '../pick/targets';
import { withAbortSignal } from '../pick/abort';
import { registerCommand, scoped } from '../commands/register';
import type { ConnectionSetting } from '../settings';
import { askApiKey, askApiSecret, askKind, askOrg, askProtected, askUrl, askWorkflows } from './prompts';

/** Add, edit, test and remove connections; set keys; the fixes offered by error nodes. */
export function registerConnectionCommands(deps: PaletteDeps): vscode.Disposable {

  return vscode.Disposable.from(
    registerCommand(Commands.connectionAdd, () => add(deps), deps),
    registerCommand(Commands.connectionEdit, (arg) => edit(deps, arg), deps),
    registerCommand(Commands.connectionTest, (arg) => test(deps, arg, true), deps),
    registerCommand(Commands.connectionRemove, (arg) => remove(deps, arg), deps),
    registerCommand(Commands.connectionSetApiKey, (arg) => setKey(deps, arg), deps),
    registerCommand(Commands.connectionEditUrl, (arg) => editUrl(deps, arg), deps),
    registerCommand(Commands.connectionRetry, (arg) => retry(deps, arg), deps),
  );
}

function settingOf(deps: PaletteDeps, name: string): ConnectionSetting | undefined {
  return deps.settings.current.connections.find((c) => c.name === name);
}

async function save(deps: PaletteDeps, next: readonly ConnectionSetting[]): Promise<void> {
  await deps.settings.setConnections(next);
}

async function add(deps: PaletteDeps): Promise<void> {
  const kind = await askKind(vscode.l10n.t('Add Connection ({0}): service', stepNumber(undefined, 'service')));
  if (!kind) return;
  const title = (step: AddConnectionStep, what: string): string => vscode.l10n.t('Add Connection ({0}): {1}', stepNumber(kind, step), what);
  const taken = new Set(deps.settings.current.connections.map((c) => c.name));
  const name = await vscode.window.showInputBox({
    title: title('name', vscode.l10n.t('name')),
    value: KIND_LABELS[kind],
    ignoreFocusOut: true,
    validateInput: (v) => (!v.trim() ? vscode.l10n.t('A name is required.') : taken.has(v.trim()) ? vscode.l10n.t('A connection with this name exists.') : undefined),
  });
  if (!name) return;
  const baseUrl = await askUrl(kind, undefined, title('url', vscode.l10n.t('URL')));
  if (!baseUrl) return;
  const setting: { -readonly [K in keyof ConnectionSetting]: ConnectionSetting[K] } = { name: name.trim(), kind, baseUrl };
  if (kind === 'supervity') {
    const org = await askOrg(undefined, title('org', vscode.l10n.t('organization')));
    if (org === undefined) return;
    setting.org = org;
  }
  if (kind !== 'powabase') {
    const workflows = await askWorkflows(kind, {}, { ids: title('workflows', vscode.l10n.t('workflow ids')), names: title('workflows', vscode.l10n.t('workflow names')) });
    if (workflows === undefined) return;
    setting.workflowIds = workflows.workflowIds;
    setting.workflowNames = workflows.workflowNames;
  }
  const isProtected = await askProtected(false, title('protection', vscode.l10n.t('protection')));
  if (isProtected === undefined) return;
  setting.protected = isProtected || undefined;
  const credentials = await askCredentials(kind, setting.name, (step) => title(step, step === 'key' ? vscode.l10n.t('API key') : vscode.l10n.t('API secret')));
  if (!credentials) return;
  await deps.keyring.storeCredentials(setting.name, credentials);
  await save(deps, [...deps.settings.current.connections, setting]);
  deps.log.info(`added connection ${setting.name} (${kind} at ${baseUrl})`);
  await test(deps, setting.name, true);
}

async function askCredentials(kind: ConnectionSetting['kind'], name: string, title?: (step: 'key' | 'secret') => string): Promise<Credentials | undefined> {
  const apiKey = await askApiKey(kind, name, title?.('key'));
  if (!apiKey) return undefined;
  if (kind !== 'whiterabbit') return { apiKey };
  const apiSecret = await askApiSecret(name, title?.('secret'));
  return apiSecret ? { apiKey, apiSecret } : undefined;
}

async function edit(deps: PaletteDeps, arg: unknown): Promise<void> {
  const name = await deps.pickers.connection(vscode.l10n.t('Connection to edit'), arg);
  const current = name ? settingOf(deps, name) : undefined;
  if (!name || !current) return;
  type Field = 'url' | 'org' | 'workflowIds' | 'protected' | 'key';
  const fields: Array<{ label: string; description?: string; field: Field }> = [];
  if (!current.sandbox) fields.push({ label: vscode.l10n.t('URL'), description: current.baseUrl, field: 'url' });
  if (current.kind === 'supervity') fields.push({ label: vscode.l10n.t('Organization'), description: current.org, field: 'org' });
  if (current.kind !== 'powabase') fields.push({ label: vscode.l10n.t('Workflows (ids and names)'), description: String(current.workflowIds?.length ?? 0), field: 'workflowIds' });
  fields.push({ label: vscode.l10n.t('Protection'), description: current.protected ? vscode.l10n.t('protected') : vscode.l10n.t('not protected'), field: 'protected' });
  fields.push({ label: vscode.l10n.t('API key…'), field: 'key' });
  const picked = await vscode.window.showQuickPick(fields, { title: vscode.l10n.t('Edit {0}', name) });
  if (!picked) return;
  let next: ConnectionSetting | undefined;
  switch (picked.field) {
    case 'url': {
      const baseUrl = await askUrl(current.kind, current.baseUrl);
      if (baseUrl) next = { ...current, baseUrl };
      break;
    }
    case 'org': {
      const org = await askOrg(current.org);
      if (org !== undefined) next = { ...current, org };
      break;
    }
    case 'workflowIds': {
      const workflows = await askWorkflows(current.kind, current, { ids: vscode.l10n.t('Edit {0}: workflow ids', name), names: vscode.l10n.t('Edit {0}: workflow names', name) });
      if (workflows) next = { ...current, ...workflows };
      break;
    }
    case 'protected': {
      const value = await askProtected(current.protected);
      if (value !== undefined) next = { ...current, protected: value || undefined };
      break;
    }
    case 'key':
      return setKey(deps, name);
  }
  if (!next) return;
  const updated = next;
  await save(deps, deps.settings.current.connections.map((c) => (c.name === name ? updated : c)));
}

async function editUrl(deps: PaletteDeps, arg: unknown): Promise<void> {
  const name = await deps.pickers.connection(vscode.l10n.t('Connection'), arg);
  const current = name ? settingOf(deps, name) : undefined;
  if (!name || !current) return;
  if (current.sandbox) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Sandbox connections follow the embedded sandbox; their URL is set at runtime.'));
    return;
  }
  const baseUrl = await askUrl(current.kind, current.baseUrl);
  if (!baseUrl) return;
  await save(deps, deps.settings.current.connections.map((c) => (c.name === name ? { ...c, baseUrl } : c)));
}

async function setKey(deps: PaletteDeps, arg: unknown): Promise<void> {
  const name = await deps.pickers.connection(vscode.l10n.t('Connection whose key to set'), arg);
  const current = name ? deps.connections.get(name) : undefined;
  if (!name || !current) return;
  const credentials = await askCredentials(current.kind, name);
  if (!credentials) return;
  // Storing fires SecretStorage's change event: the registry rebuilds the backend and the tree
  // reloads this connection, so a corrected key recovers without a reload.
  await deps.keyring.storeCredentials(name, credentials);
  await test(deps, name, false);
}

/** Tests a connection: lists its workflows and proves the credentials. */
async function test(deps: PaletteDeps, arg: unknown, announce: boolean): Promise<void> {
  const name = await deps.pickers.connection(vscode.l10n.t('Connection to test'), arg);
  if (!name) return;
  const workflows = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing {0}…', name), cancellable: true },
    async (_p, token) => {
      const backend = await deps.pickers.backend(name);
      return withAbortSignal(token, (signal) => scoped(name, loadWorkflowsChecked(backend, signal)));
    },
  );
  deps.explorer.reportOk(name);
  await deps.explorer.refresh(deps.explorer.connectionNode(name));
  if (announce) void vscode.window.showInformationMessage(vscode.l10n.t('{0} works: {1} workflow(s).', name, workflows.length));
  else vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) {0} works.', name), 4_000);
}

async function remove(deps: PaletteDeps, arg: unknown): Promise<void> {
  const name = await deps.pickers.connection(vscode.l10n.t('Connection to remove'), arg);
  if (!name) return;
  const yes = vscode.l10n.t('Remove');
  // Removing closes this window's live streams; a Powabase run started here lives on its stream.
  const runs = deps.runs;
  const stopping = runs.liveRuns().filter((live) => live.connection === name && runs.ownsStream(name, live.run.id)).length;
  const detail =
    stopping > 0
      ? vscode.l10n.t(
          'Its settings and stored keys are deleted. {0} live run(s) started from this window will stop: the service stops a run at its next step when the stream that started it closes, and records it as completed with the outputs so far.',
          stopping,
        )
      : vscode.l10n.t('Its settings and stored keys are deleted. Nothing changes on the service.');
  const sure = await vscode.window.showWarningMessage(vscode.l10n.t('Remove the connection "{0}"?', name), { modal: true, detail }, yes);
  if (sure !== yes) return;
  await save(deps, deps.settings.current.connections.filter((c) => c.name !== name));
  await deps.keyring.delete(name);
  deps.runs.forgetConnection(name);
  deps.log.info(`removed connection ${name}`);
}

async function retry(deps: PaletteDeps, arg: unknown): Promise<void> {
  const name = await deps.pickers.connection(vscode.l10n.t('Connection to retry'), arg);
  if (!name) return;
  await deps.explorer.refresh(isNode(arg) && arg.kind === 'message' ? arg : deps.explorer.connectionNode(name));
}
