/**
 * The one format module (durations, relative times, countdowns, ids, one-line text) for the tree,
 * the CLI and the webview, free of `vscode` so it is tested in plain Node. Every
 * user-facing string goes through a `Translate` function; the extension passes `vscode.l10n.t`,
 * tests and the CLI the identity below. Messages use `{0}` placeholders as `vscode.l10n` does.
 */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

export const identityTranslate: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });

/** "850 ms", "4.2 s", "3m 05s", "2h 10m". */
export function formatDuration(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return undefined;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const totalSeconds = Math.round(ms / 1_000);
  const hours = Math.floor(totalSeconds / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", relative to `now`. */
export function formatRelative(iso: string | undefined, now: number, t: Translate): string | undefined {
  if (!iso) return undefined;
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return undefined;
  const seconds = Math.max(0, Math.round((now - at) / 1_000));
  if (seconds < 45) return t('just now');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('{0} min ago', minutes);
  const hours = Math.round(minutes / 60);
  if (hours < 48) return t('{0} h ago', hours);
  return t('{0} d ago', Math.round(hours / 24));
}

/** "09:41" of a countdown, never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1_000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** One line of at most `max` characters, for descriptions that must not wrap or explode. */
export function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The tail of streamed text: the latest tokens are the interesting ones. */
export function tail(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `…${flat.slice(flat.length - max + 1)}` : flat;
}

/** The first 8 characters of an id are enough to tell runs apart in a list. */
export function shortId(id: string): string {
  return id.length > 12 ? id.slice(0, 8) : id;
}
