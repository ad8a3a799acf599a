import { randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();
export const nowIso = (): string => new Date().toISOString();

/**
 * Python's `datetime.isoformat()` for an aware UTC datetime: microseconds and `+00:00`, never `Z`.
 * Powabase is a Flask service and returns its timestamps this way (e.g. `arm`'s `armed_until`).
 */
export function pythonIso(d: Date | string | null): string | null {
  if (d === null) return null;
  const date = typeof d === 'string' ? new Date(d) : d;
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first (the timer is cleared). */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Replaces `{{name}}` in strings (deeply) with run inputs, so sample outputs echo what was asked. */
export function interpolate(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (m, key: string) => {
      const v = vars[key];
      if (v === undefined || v === null) return m;
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, vars);
    return out;
  }
  return value;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
