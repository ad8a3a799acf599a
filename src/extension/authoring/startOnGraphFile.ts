import * as vscode from 'vscode';
import { isGraphDocument } from './isGraphDocument';

/**
 * Calls `start` once, when the window first has a graph file open: at once if one already is
 * (a restored editor), else on the first one opened (an editor, a peek, a diff all open one).
 * Authoring's diagnostics, CodeLens and code actions have nothing to do before that.
 */
export function startOnGraphFile(start: () => void): vscode.Disposable {
  if (vscode.workspace.textDocuments.some(isGraphDocument)) {
    start();
    return new vscode.Disposable(() => undefined);
  }
  const listener = vscode.workspace.onDidOpenTextDocument((document) => {
    if (!isGraphDocument(document)) return;
    listener.dispose();
    start();
  });
  return listener;
}
