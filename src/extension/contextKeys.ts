import * as vscode from 'vscode';
import { ContextKeys } from './commandIds';
import type { Settings } from './settings';

/** Keeps the `when`-clause context keys in step with the settings. */
export function registerContextKeys(settings: Settings): vscode.Disposable {
  const update = (): void => {
    void vscode.commands.executeCommand('setContext', ContextKeys.hasConnections, settings.current.connections.length > 0);
  };
  update();
  return settings.onDidChange(update);
}
