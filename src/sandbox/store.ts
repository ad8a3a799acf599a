import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { errorMessage } from './util';
import type { ComponentExecution, RunRecord, WorkflowRecord } from './types';

type Kind = 'workflows' | 'runs' | 'components';
const KINDS: readonly Kind[] = ['workflows', 'runs', 'components'];
const DEBOUNCE_MS = 100;

/**
 * All sandbox state, held in memory and mirrored to a folder (one JSON file per record) when a
 * state dir is given. Writes are debounced (a busy run would otherwise fsync per token) and atomic:
 * temp file in the same folder, fsync, rename over the target, fsync the folder. A kill at any
 * moment leaves either the old or the new file, plus at worst a stray temp file that load() removes.
 */
export class Store {
  readonly workflows = new Map<string, WorkflowRecord>();
  readonly runs = new Map<string, RunRecord>();
  readonly components = new Map<string, ComponentExecution>();
  private readonly dirty = new Map<string, { kind: Kind; id: string; deleted: boolean }>();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly dir: string | undefined,
    private readonly log: (line: string) => void,
  ) {}

  /** Loads every record, skipping temp files and logging (never throwing on) corrupt ones. */
  load(): void {
    if (!this.dir) return;
    for (const kind of KINDS) {
      const folder = join(this.dir, kind);
      mkdirSync(folder, { recursive: true });
      for (const name of readdirSync(folder)) {
        const file = join(folder, name);
        if (name.endsWith('.tmp')) {
          try {
            unlinkSync(file);
          } catch {
            // Another leftover cleaner got there first; harmless.
          }
          continue;
        }
        if (!name.endsWith('.json')) continue;
        const rec = this.readJson(file);
        if (!rec || typeof rec.id !== 'string') continue;
        const map = this.map(kind) as Map<string, unknown>;
        map.set(rec.id, rec);
      }
    }
  }

  /** Reads a small JSON file outside the record folders (e.g. credentials); undefined if absent or corrupt. */
  readMeta(name: string): unknown {
    if (!this.dir) return undefined;
    return this.readJson(join(this.dir, name), true);
  }

  async writeMeta(name: string, value: unknown): Promise<void> {
    if (!this.dir) return;
    const dir = this.dir;
    await this.enqueue(() => atomicWrite(dir, name, JSON.stringify(value, null, 2)));
  }

  save(kind: Kind, id: string): void {
    this.mark(kind, id, false);
  }

  remove(kind: Kind, id: string): void {
    (this.map(kind) as Map<string, unknown>).delete(id);
    this.mark(kind, id, true);
  }

  /** Writes everything pending now. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = [...this.dirty.values()];
    this.dirty.clear();
    if (!this.dir || batch.length === 0) return this.chain;
    const dir = this.dir;
    return this.enqueue(async () => {
      for (const item of batch) {
        const folder = join(dir, item.kind);
        const file = `${item.id}.json`;
        const rec = (this.map(item.kind) as Map<string, unknown>).get(item.id);
        try {
          if (item.deleted || rec === undefined) await unlink(join(folder, file)).catch(() => undefined);
          else await atomicWrite(folder, file, JSON.stringify(rec));
        } catch (e) {
          this.log(`store: failed to write ${item.kind}/${file}: ${errorMessage(e)}`);
        }
      }
    });
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private mark(kind: Kind, id: string, deleted: boolean): void {
    if (!this.dir || this.closed) return;
    this.dirty.set(`${kind}/${id}`, { kind, id, deleted });
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, DEBOUNCE_MS);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(task).catch((e: unknown) => this.log(`store: ${errorMessage(e)}`));
    this.chain = next;
    return next;
  }

  private map(kind: Kind): Map<string, WorkflowRecord> | Map<string, RunRecord> | Map<string, ComponentExecution> {
    return kind === 'workflows' ? this.workflows : kind === 'runs' ? this.runs : this.components;
  }

  private readJson(file: string, quietIfMissing = false): { id?: unknown } | undefined {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if (!quietIfMissing) this.log(`store: cannot read ${file}: ${errorMessage(e)}`);
      return undefined;
    }
    try {
      const v: unknown = JSON.parse(text);
      return typeof v === 'object' && v !== null ? (v as { id?: unknown }) : undefined;
    } catch (e) {
      this.log(`store: skipping corrupt ${file}: ${errorMessage(e)}`);
      return undefined;
    }
  }
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

/** temp file → write → fsync → rename → fsync(dir): the file is either old or new, never partial. */
async function atomicWrite(folder: string, name: string, text: string): Promise<void> {
  const tmp = join(folder, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, join(folder, name));
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  const dh = await open(folder, 'r');
  try {
    await dh.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    await dh.close();
  }
}
