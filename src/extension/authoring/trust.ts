import * as vscode from 'vscode';

/**
 * Push, pull and run reach a server with the user's credentials; an untrusted folder could hold
 * a file crafted to do that, so they need a trusted workspace. Validation and preview do not.
 */
export async function requireTrust(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  const picked = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} needs a trusted workspace, and this one is not trusted. Validation and preview still work.', action),
    manage,
  );
  if (picked === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
