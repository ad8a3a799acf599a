import * as vscode from 'vscode';
import { parseSigningSecret } from '../../core/adapters/whiterabbit/signing';
import type { BackendKind } from '../../core/model';
import { KIND_LABELS } from '../tree/present';

export const DEFAULT_URLS: Readonly<Record<BackendKind, string>> = {
  whiterabbit: 'https://api.whiterabbit.app',
  powabase: 'https://<project-ref>.p.powabase.ai',
  supervity: 'https://auto-workflow-api.supervity.ai',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates a service URL: https, or http only for loopback (local and sandbox services). */
export function validateUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return vscode.l10n.t('Enter a full URL, e.g. https://api.example.com');
  }
  if (url.hostname.includes('<')) return vscode.l10n.t('Replace the placeholder with your project.');
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return undefined;
  return vscode.l10n.t('Use https (plain http is accepted only for localhost).');
}

export async function askKind(title: string): Promise<BackendKind | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: KIND_LABELS.whiterabbit, detail: vscode.l10n.t('API key and Ed25519 API secret; workflows by id'), backend: 'whiterabbit' as const },
      { label: KIND_LABELS.powabase, detail: vscode.l10n.t('Project URL and Service Role key'), backend: 'powabase' as const },
      { label: KIND_LABELS.supervity, detail: vscode.l10n.t('API key and organization; workflows by id'), backend: 'supervity' as const },
    ],
    { title, ignoreFocusOut: true },
  );
  return picked?.backend;
}

/**
 * The service URL. The box starts empty (or with the current URL when editing) and shows the
 * expected shape as a placeholder; for services with one public URL, Enter on an empty box takes it.
 */
export function askUrl(kind: BackendKind, current?: string, title = vscode.l10n.t('{0} URL', KIND_LABELS[kind])): Thenable<string | undefined> {
  const fixed = kind === 'powabase' ? undefined : DEFAULT_URLS[kind];
  return vscode.window
    .showInputBox({
      title,
      value: current ?? '',
      placeHolder: DEFAULT_URLS[kind],
      prompt: fixed ? vscode.l10n.t('Press Enter for {0}, or type another URL.', fixed) : vscode.l10n.t('Your project URL, https://<project-ref>.p.powabase.ai'),
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' && fixed ? undefined : validateUrl(v)),
    })
    .then((v) => (v === undefined ? undefined : (v.trim() || fixed || '').replace(/\/+$/, '') || undefined));
}

export interface WorkflowChoice {
  readonly workflowIds: string[];
  readonly workflowNames: Record<string, string>;
}

/**
 * The workflows an API cannot list: their ids, then a name for each (optional: Enter keeps the
 * current one, or none; the tree then shows the id shortened). `titles` numbers the steps.
 */
export async function askWorkflows(
  kind: BackendKind,
  current: { readonly workflowIds?: readonly string[]; readonly workflowNames?: Readonly<Record<string, string>> },
  titles: { readonly ids: string; readonly names: string },
): Promise<WorkflowChoice | undefined> {
  const text = await vscode.window.showInputBox({
    title: titles.ids,
    prompt: vscode.l10n.t('{0} cannot list workflows: enter their ids (UUIDs), separated by commas or spaces. You can name each next.', KIND_LABELS[kind]),
    value: (current.workflowIds ?? []).join(', '),
    ignoreFocusOut: true,
    validateInput: (value) => {
      const bad = splitIds(value).filter((id) => !UUID.test(id));
      return bad.length ? vscode.l10n.t('Not a UUID: {0}', bad.join(', ')) : undefined;
    },
  });
  if (text === undefined) return undefined;
  const workflowIds = [...new Set(splitIds(text))];
  const workflowNames: Record<string, string> = {};
  for (const [index, id] of workflowIds.entries()) {
    const name = await vscode.window.showInputBox({
      title: `${titles.names} (${index + 1}/${workflowIds.length})`,
      prompt: vscode.l10n.t('A name for workflow {0} (optional: the API has none to show).', id),
      placeHolder: vscode.l10n.t('e.g. Monthly report'),
      value: current.workflowNames?.[id] ?? '',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length > 200 ? vscode.l10n.t('At most {0} characters.', 200) : undefined),
    });
    if (name === undefined) return undefined;
    if (name.trim()) workflowNames[id] = name.trim();
  }
  return { workflowIds, workflowNames };
}

export function askOrg(current?: string, title = vscode.l10n.t('Organization')): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Your Supervity organization key (sent as x-active-org).'),
    value: current ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Supervity needs an organization.')),
  }).then((v) => v?.trim());
}

export async function askProtected(current = false, title = vscode.l10n.t('Protection')): Promise<boolean | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Not protected'), detail: vscode.l10n.t('Triggers and pushes run without asking.'), value: false, picked: !current },
      { label: vscode.l10n.t('Protected (production)'), detail: vscode.l10n.t('Triggers, cancels and pushes ask for confirmation.'), value: true, picked: current },
    ].sort((a, b) => Number(b.picked) - Number(a.picked)),
    { title, ignoreFocusOut: true },
  );
  return picked?.value;
}

/** The API key, in a password box; validated by shape, never echoed anywhere. */
export function askApiKey(kind: BackendKind, connection: string, title = vscode.l10n.t('{0}: API key', connection)): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt:
      kind === 'whiterabbit'
        ? vscode.l10n.t('The workspace API key (starts with ws_).')
        : kind === 'powabase'
          ? vscode.l10n.t('The Service Role key of the project.')
          : vscode.l10n.t('An API key from auto.supervity.ai/u/api-keys.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => validateApiKey(kind, value),
  }).then((v) => v?.trim());
}

export function validateApiKey(kind: BackendKind, value: string): string | vscode.InputBoxValidationMessage | undefined {
  const v = value.trim();
  if (!v) return vscode.l10n.t('The key is required.');
  if (/\s/.test(v)) return vscode.l10n.t('The key contains spaces.');
  if (kind === 'whiterabbit' && !v.startsWith('ws_')) {
    // Older keys had other prefixes: warn, never block.
    return { message: vscode.l10n.t('White Rabbit workspace keys usually start with ws_.'), severity: vscode.InputBoxValidationSeverity.Warning };
  }
  if (kind === 'powabase' && v.split('.').length !== 3) {
    return { message: vscode.l10n.t('A Powabase Service Role key is usually a JWT (three dot-separated parts).'), severity: vscode.InputBoxValidationSeverity.Warning };
  }
  return undefined;
}

/** White Rabbit's signing secret: accepted in the forms the signing module reads, checked on entry. */
export function askApiSecret(connection: string, title = vscode.l10n.t('{0}: API secret', connection)): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('The Ed25519 API secret shown once when the key was created (base64 PKCS#8, PEM, or a raw seed).'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        parseSigningSecret(value);
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
  }).then((v) => v?.trim());
}

function splitIds(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
