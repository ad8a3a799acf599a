import * as vscode from 'vscode';
import type { VariableSpec } from '../../core/model';
import { inputText, parseInputValue, parseInputsJson } from '../../core/inputs';

/**
 * Asks for a run's inputs: one field per declared variable (a true/false pick for booleans,
 * validated text for the rest), or a single JSON object when the API declares none. Every field
 * starts from the last value used for this workflow. Undefined when the user cancels.
 */
export async function askInputs(
  title: string,
  specs: readonly VariableSpec[] | undefined,
  last: Readonly<Record<string, unknown>> | undefined,
): Promise<Record<string, unknown> | undefined> {
  if (!specs || specs.length === 0) return askJson(title, last);
  const out: Record<string, unknown> = {};
  for (const [index, spec] of specs.entries()) {
    const step = `${title} (${index + 1}/${specs.length})`;
    const type = (spec.type ?? 'string').toLowerCase();
    if (type === 'boolean' || type === 'bool') {
      const current = last?.[spec.name] ?? spec.default;
      const items = [
        { label: 'true', value: true, picked: current === true },
        { label: 'false', value: false, picked: current === false },
      ].sort((a, b) => Number(b.picked) - Number(a.picked));
      const picked = await vscode.window.showQuickPick(items, { title: step, placeHolder: describe(spec), ignoreFocusOut: true });
      if (!picked) return undefined;
      out[spec.name] = picked.value;
      continue;
    }
    const text = await vscode.window.showInputBox({
      title: step,
      prompt: describe(spec),
      value: inputText(spec, last?.[spec.name]),
      ignoreFocusOut: true,
      validateInput: (value) => {
        const parsed = parseInputValue(spec, value);
        return parsed.ok ? undefined : parsed.message;
      },
    });
    if (text === undefined) return undefined;
    const parsed = parseInputValue(spec, text);
    if (parsed.ok) out[spec.name] = parsed.value;
  }
  return out;
}

async function askJson(title: string, last: Readonly<Record<string, unknown>> | undefined): Promise<Record<string, unknown> | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Inputs as a JSON object (the API declares no variables). Leave empty for none.'),
    value: last ? JSON.stringify(last) : '{}',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const parsed = parseInputsJson(value);
      return parsed.ok ? undefined : parsed.message;
    },
  });
  if (text === undefined) return undefined;
  const parsed = parseInputsJson(text);
  return parsed.ok ? parsed.value : undefined;
}

function describe(spec: VariableSpec): string {
  const type = spec.type ? ` (${spec.type})` : '';
  return spec.description ? `${spec.name}${type}: ${spec.description}` : `${spec.name}${type}`;
}
