import * as vscode from 'vscode';
import { BACKEND_KINDS } from '../core/model';
import { ContextKeys } from './commandIds';
import { WalkthroughKeys } from './walkthrough';

/**
 * Keeps the `when`-clause context keys that follow the connection settings in step with them,
 * from activation on: the palette and the walkthrough need them before any feature is loaded.
 *
 * It reads the raw setting rather than the typed `Settings` (settings.ts), whose zod schema
 * would load zod at activation; an entry counts when it has a name and a known kind, the fields
 * a connection cannot do without (a connection the full schema then refuses is logged by
 * `Settings` and its commands say why). Like `Settings`, only the user's own settings count.
 */
export function registerContextKeys(): vscode.Disposable {
  const update = (): void => {
    const connections = configuredConnections();
    void vscode.commands.executeCommand('setContext', ContextKeys.hasConnections, connections.length > 0);
    void vscode.commands.executeCommand('setContext', WalkthroughKeys.sandbox, connections.some((c) => c.sandbox === true));
    void vscode.commands.executeCommand('setContext', WalkthroughKeys.connection, connections.some((c) => c.sandbox !== true));
  };
  update();
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('flowscope.connections')) update();
  });
}

function configuredConnections(): Array<{ readonly sandbox?: unknown }> {
  const raw = vscode.workspace.getConfiguration('flowscope').inspect<unknown>('connections')?.globalValue;
  const kinds: readonly unknown[] = BACKEND_KINDS;
  return (Array.isArray(raw) ? (raw as unknown[]) : []).filter(
    (entry): entry is { name: string; kind: string; sandbox?: unknown } =>
      typeof entry === 'object' && entry !== null && typeof Reflect.get(entry, 'name') === 'string' && String(Reflect.get(entry, 'name')).trim() !== '' && kinds.includes(Reflect.get(entry, 'kind')),
  );
}
