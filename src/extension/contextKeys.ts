import * as vscode from 'vscode';
import { ContextKeys } from './commandIds';
import type { RawConnection } from './rawConnections';
import { keptConnections } from './rawConnections';
import { WalkthroughKeys } from './walkthrough';

/**
 * Keeps the `when`-clause context keys that follow the connection settings in step with them,
 * from activation on: the palette and the walkthrough need them before any feature is loaded.
 *
 * It reads the raw setting rather than the typed `Settings` (settings.ts), whose zod schema
 * would load zod at activation; `keptConnections` (rawConnections.ts) mirrors that schema, so an
 * entry counts exactly when the explorer will show it. Like `Settings`, only the user's own
 * settings count.
 */
export function registerContextKeys(): vscode.Disposable {
  const update = (): void => {
    const connections = configuredConnections();
    void vscode.commands.executeCommand('setContext', ContextKeys.hasConnections, connections.length > 0);
    void vscode.commands.executeCommand('setContext', WalkthroughKeys.sandbox, connections.some((c) => c.sandbox));
    void vscode.commands.executeCommand('setContext', WalkthroughKeys.connection, connections.some((c) => !c.sandbox));
  };
  update();
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('flowscope.connections')) update();
  });
}

function configuredConnections(): RawConnection[] {
  return keptConnections(vscode.workspace.getConfiguration('flowscope').inspect<unknown>('connections')?.globalValue);
}
