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

export async function askKind(): Promise<BackendKind | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: KIND_LABELS.whiterabbit, detail: vscode.l10n.t('API key and Ed25519 API secret; workflows by id'), backend: 'whiterabbit' as const },
      { label: KIND_LABELS.powabase, detail: vscode.l10n.t('Project URL and Service Role key'), backend: 'powabase' as const },
      { label: KIND_LABELS.supervity, detail: vscode.l10n.t('API key and organization; workflows by id'), backend: 'supervity' as const },
    ],
    { title: vscode.l10n.t('Add Connection (1/5): service'), ignoreFocusOut: true },
  );
  return picked?.backend;
}

export function askUrl(kind: BackendKind, current?: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('{0} URL', KIND_LABELS[kind]),
    value: current ?? DEFAULT_URLS[kind],
    valueSelection: kind === 'powabase' && !current ? [8, 21] : undefined,
    ignoreFocusOut: true,
    validateInput: validateUrl,
  }).then((v) => v?.trim().replace(/\/+$/, ''));
}

export async function askWorkflowIds(kind: BackendKind, current: readonly string[] = []): Promise<string[] | undefined> {
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Workflow ids'),
    prompt: vscode.l10n.t('{0} cannot list workflows: enter their ids (UUIDs), separated by commas or spaces.', KIND_LABELS[kind]),
    value: current.join(', '),
    ignoreFocusOut: true,
    validateInput: (value) => {
      const bad = splitIds(value).filter((id) => !UUID.test(id));
      return bad.length ? vscode.l10n.t('Not a UUID: {0}', bad.join(', ')) : undefined;
    },
  });
  return text === undefined ? undefined : splitIds(text);
}

export function askOrg(current?: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Organization'),
    prompt: vscode.l10n.t('Your Supervity organization key (sent as x-active-org).'),
    value: current ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Supervity needs an organization.')),
  }).then((v) => v?.trim());
}

export async function askProtected(current = false): Promise<boolean | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Not protected'), detail: vscode.l10n.t('Triggers and pushes run without asking.'), value: false, picked: !current },
      { label: vscode.l10n.t('Protected (production)'), detail: vscode.l10n.t('Triggers, cancels and pushes ask for confirmation.'), value: true, picked: current },
    ].sort((a, b) => Number(b.picked) - Number(a.picked)),
    { title: vscode.l10n.t('Protection'), ignoreFocusOut: true },
  );
  return picked?.value;
}

/** The API key, in a password box; validated by shape, never echoed anywhere. */
export function askApiKey(kind: BackendKind, connection: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('{0}: API key', connection),
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
export function askApiSecret(connection: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('{0}: API secret', connection),
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
