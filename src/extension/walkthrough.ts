import * as vscode from 'vscode';
import type { RunStore } from '../core/runs/runStore';

/**
 * Context keys that mark the getting-started walkthrough's steps done (package.json
 * `completionEvents: onContext:…`) by what is true, not only by the command that usually does
 * it: a sandbox connection exists (the sandbox was started, from any button), a connection of
 * the user's own exists (added by hand or in settings), a run was started from this window (by
 * Trigger Run, a CodeLens, a re-run or the graph panel).
 */
export const WalkthroughKeys = {
  sandbox: 'flowscope.walkthrough.sandbox',
  connection: 'flowscope.walkthrough.connection',
  triggered: 'flowscope.walkthrough.triggered',
} as const;

/** The `triggered` step; the two that follow the settings are set by contextKeys.ts. */
export function registerWalkthroughProgress(runs: RunStore): vscode.Disposable {
  let triggered = false;
  const listener = runs.onDidChange((change) => {
    if (triggered || !change.startedHere) return;
    triggered = true;
    void vscode.commands.executeCommand('setContext', WalkthroughKeys.triggered, true);
  });
  return { dispose: () => listener.dispose() };
}
