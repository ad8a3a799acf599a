/**
 * The browser's storage as the secrets scans read it. code-server keeps what desktop VS Code
 * writes to disk (extension globalState, webview state, SecretStorage) in the page's
 * localStorage and IndexedDB, so a scan for leaked secrets must read those too.
 *
 * Not a test file itself (no `.e2e.test.ts` suffix).
 */
import type { Page } from 'playwright-core';

/** One stored record of the browser's storage: where it is, its key, and its value as text. */
export interface BrowserRecord {
  where: string;
  key: string;
  value: string;
}

/**
 * Every localStorage entry and every IndexedDB record of the frame's origin, as text. A string
 * (not a function) is evaluated: tsx would wrap inner functions in a `__name` helper that the
 * page does not have.
 */
const DUMP_STORAGE = `(async () => {
  const out = [];
  const text = (v) => {
    if (typeof v === 'string') return v;
    if (v instanceof Uint8Array || v instanceof ArrayBuffer) return new TextDecoder('latin1').decode(v);
    try { return JSON.stringify(v); } catch { return String(v); }
  };
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      out.push({ where: location.origin + ' localStorage', key: k, value: localStorage.getItem(k) ?? '' });
    }
  } catch {}
  const dbs = indexedDB.databases ? await indexedDB.databases() : [];
  for (const info of dbs) {
    const db = await new Promise((res, rej) => { const r = indexedDB.open(info.name); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    for (const store of db.objectStoreNames) {
      const [keys, values] = await new Promise((res, rej) => {
        const tx = db.transaction(store, 'readonly');
        const s = tx.objectStore(store);
        const k = s.getAllKeys();
        const v = s.getAll();
        tx.oncomplete = () => res([k.result, v.result]);
        tx.onerror = () => rej(tx.error);
      });
      keys.forEach((key, i) => out.push({ where: location.origin + ' indexedDB ' + info.name + '/' + store, key: text(key), value: text(values[i]) }));
    }
    db.close();
  }
  return out;
})()`;

/** The browser storage of every origin the page has a frame of (the workbench's and the webviews'). */
export async function browserStorage(page: Page): Promise<BrowserRecord[]> {
  const seen = new Set<string>();
  const records: BrowserRecord[] = [];
  for (const frame of page.frames()) {
    let origin: string;
    try {
      origin = new URL(frame.url()).origin;
    } catch {
      continue;
    }
    if (seen.has(origin) || origin === 'null') continue;
    seen.add(origin);
    const dumped = (await frame.evaluate(DUMP_STORAGE).catch(() => [])) as BrowserRecord[];
    records.push(...dumped);
  }
  return records;
}

/**
 * SecretStorage's own records, and nothing else: the only places a secret is allowed to be.
 * VS Code 1.100's web workbench keeps secrets either through the embedder's provider, one sealed
 * localStorage entry named exactly `secrets.provider` (LocalStorageSecretStorageProvider in
 * vs/code/browser/workbench/workbench.ts), or through its BaseSecretStorageService, one storage
 * entry per secret whose key starts with `secret://`. The records are recognised by those exact
 * names, never by a key that merely contains "secret": a globalState or webview record called
 * `apiSecret` must be scanned like any other.
 */
export function isSecretStorageRecord(r: BrowserRecord): boolean {
  return (r.where.endsWith(' localStorage') && r.key === 'secrets.provider') || r.key.startsWith('secret://');
}

/** `"<secret name> in <where> key <key>"` for every record outside SecretStorage that holds one of `secrets`. */
export function secretsOutsideTheirStore(records: readonly BrowserRecord[], secrets: Readonly<Record<string, string>>): string[] {
  const leaks: string[] = [];
  for (const r of records) {
    if (isSecretStorageRecord(r)) continue;
    for (const [name, value] of Object.entries(secrets)) {
      if (r.value.includes(value) || r.key.includes(value)) leaks.push(`${name} in ${r.where} key ${r.key.slice(0, 120)}`);
    }
  }
  return leaks;
}
