import * as vscode from 'vscode';
import { envNameProblem } from '../../core/inputs';

type Choice = { readonly label: string; readonly description?: string; readonly action: 'run' | 'add' | 'remove'; readonly name?: string };

/**
 * The optional "environment overrides" step of the trigger form (Supervity's `envs`): the run
 * can go without any, or the user adds NAME / value pairs one by one. Values are typed in a
 * password box and handed to `mask` at once, so no log can show them; they are never stored
 * (not even as the "last inputs"), because overrides are often keys. Undefined when cancelled.
 */
export async function askEnvs(title: string, mask: (value: string) => void): Promise<Record<string, string> | undefined> {
  const envs: Record<string, string> = {};
  for (;;) {
    const names = Object.keys(envs);
    const items: Choice[] = [
      { label: names.length ? vscode.l10n.t('$(play) Run with these overrides') : vscode.l10n.t('$(play) Run without environment overrides'), action: 'run' },
      { label: vscode.l10n.t('$(add) Add an environment override…'), action: 'add' },
      ...names.map((name): Choice => ({ label: `$(trash) ${name}`, description: vscode.l10n.t('remove this override'), action: 'remove', name })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('{0}: environment overrides', title), ignoreFocusOut: true });
    if (!picked) return undefined;
    if (picked.action === 'run') return envs;
    if (picked.action === 'remove' && picked.name !== undefined) {
      delete envs[picked.name];
      continue;
    }
    const name = await vscode.window.showInputBox({
      title: vscode.l10n.t('{0}: override name', title),
      prompt: vscode.l10n.t('The environment variable to override for this run, e.g. API_BASE_URL.'),
      ignoreFocusOut: true,
      validateInput: (value) => envNameProblem(value.trim(), new Set(names)),
    });
    if (name === undefined) continue;
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('{0}: value of {1}', title, name.trim()),
      prompt: vscode.l10n.t('Sent with this run only; never stored or logged.'),
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) continue;
    mask(value);
    envs[name.trim()] = value;
  }
}
