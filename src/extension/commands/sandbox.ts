import * as vscode from 'vscode';
import type { BackendKind } from '../../core/model';
import { BACKEND_KINDS } from '../../core/model';
import { KIND_LABELS } from '../tree/present';
import type { SandboxInfo } from '../../sandbox/server';
import { Commands } from '../commandIds';
import type { ConnectionSetting } from '../settings';
import type { PaletteDeps } from '../features';
import { registerCommand } from './register';
import { withCurrentSampleIds, withSampleNames } from './sandboxIds';

/**
 * "Start Sandbox": one action that starts the embedded sandbox and creates one connection per API,
 * its keys in SecretStorage. Sandbox connections carry `sandbox: true` instead of a URL because the
 * port changes per start. Every later start refreshes their keys from the running sandbox, in
 * case its state was reset.
 */
export function registerSandboxCommands(deps: PaletteDeps): vscode.Disposable {
  return vscode.Disposable.from(
    registerCommand(Commands.sandboxStart, () => start(deps), deps),
    deps.sandbox.onDidStart((info) => {
      void syncSampleIds(deps, info).catch((error: unknown) => deps.log.warn(`sandbox connections: could not update their workflow ids: ${String(error)}`));
      void syncCredentials(deps, info);
    }),
  );
}

export function sandboxConnectionName(kind: BackendKind): string {
  return `Sandbox · ${KIND_LABELS[kind]}`;
}

async function start(deps: PaletteDeps): Promise<void> {
  const sandbox = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Starting the Flowscope sandbox…') },
    () => deps.sandbox.ensure(),
  );
  await syncSampleIds(deps, sandbox.info);
  const existing = deps.settings.current.connections;
  const added: ConnectionSetting[] = [];
  for (const kind of BACKEND_KINDS) {
    if (existing.some((c) => c.sandbox && c.kind === kind)) continue;
    const setting: ConnectionSetting = {
      name: uniqueName(sandboxConnectionName(kind), existing),
      kind,
      baseUrl: '',
      sandbox: true,
      ...(kind === 'powabase' ? {} : { workflowIds: sandbox.info[kind].workflowIds, workflowNames: sandbox.info[kind].workflowNames }),
      ...(kind === 'supervity' ? { org: sandbox.info.supervity.org } : {}),
    };
    added.push(setting);
  }
  // Keys first: the settings change makes the tree load the new connections at once.
  await syncCredentials(deps, sandbox.info, added);
  if (added.length) await deps.settings.setConnections([...existing, ...added]);
  deps.log.info(`sandbox ready at ${sandbox.url}; ${added.length} connection(s) added`);
  await vscode.commands.executeCommand('flowscope.explorer.focus');
  void vscode.window.showInformationMessage(
    vscode.l10n.t('The sandbox is running with sample workflows on each API. Expand a connection and trigger a run.'),
  );
}

/** Sandbox connections made by an older version list retired sample ids: point them at their face's samples. */
async function syncSampleIds(deps: PaletteDeps, info: SandboxInfo): Promise<void> {
  const current = deps.settings.current.connections;
  const next = current.map((c) => (c.kind === 'powabase' ? c : withSampleNames(withCurrentSampleIds(c, info[c.kind].workflowIds), info[c.kind].workflowNames)));
  if (next.every((c, i) => c === current[i])) return;
  deps.log.info('sandbox connections: replaced the retired shared sample ids with each API\'s own samples');
  await deps.settings.setConnections(next);
}

async function syncCredentials(deps: PaletteDeps, info: SandboxInfo, extra: readonly ConnectionSetting[] = []): Promise<void> {
  for (const c of [...deps.settings.current.connections, ...extra]) {
    if (!c.sandbox) continue;
    const wanted = c.kind === 'whiterabbit' ? { apiKey: info.whiterabbit.apiKey, apiSecret: info.whiterabbit.apiSecret } : { apiKey: info[c.kind].apiKey };
    const stored = await deps.keyring.credentials(c.name);
    if (stored?.apiKey === wanted.apiKey && stored.apiSecret === ('apiSecret' in wanted ? wanted.apiSecret : undefined)) continue;
    await deps.keyring.storeCredentials(c.name, wanted);
  }
}

function uniqueName(base: string, existing: readonly ConnectionSetting[]): string {
  let name = base;
  for (let i = 2; existing.some((c) => c.name === name); i++) name = `${base} ${i}`;
  return name;
}
