import { BACKEND_KINDS } from '../core/model';

/** What the context keys need of a connection the typed settings will keep. */
export interface RawConnection {
  readonly name: string;
  readonly sandbox: boolean;
}

/**
 * The entries of a raw `flowscope.connections` value that `Settings` (settings.ts) keeps, for
 * the `when`-clause keys set at activation, which must not load zod to know. It MIRRORS the zod
 * `ConnectionSetting` schema and the name check of `Settings.read`: a change to either must be
 * made here too, or the welcome view hides while the explorer is empty (or the reverse). Unknown
 * fields are allowed, as the schema strips them.
 */
export function keptConnections(raw: unknown): RawConnection[] {
  const kept: RawConnection[] = [];
  const seen = new Set<string>();
  for (const entry of Array.isArray(raw) ? (raw as unknown[]) : []) {
    if (!isConnectionEntry(entry)) continue;
    const name = entry.name.trim();
    // Settings keeps the first of two entries with one name and ignores the second.
    if (seen.has(name)) continue;
    seen.add(name);
    kept.push({ name, sandbox: entry.sandbox === true });
  }
  return kept;
}

type Entry = Record<string, unknown> & { readonly name: string };

function isConnectionEntry(entry: unknown): entry is Entry {
  if (!isRecord(entry)) return false;
  const { name, kind, baseUrl, workflowIds, org } = entry;
  const kinds: readonly unknown[] = BACKEND_KINDS;
  return (
    typeof name === 'string' &&
    name.trim() !== '' &&
    kinds.includes(kind) &&
    optional(baseUrl, isString) &&
    optional(workflowIds, (ids) => Array.isArray(ids) && ids.every(isWorkflowEntry)) &&
    optional(org, isString) &&
    optional(entry.protected, isBoolean) &&
    optional(entry.sandbox, isBoolean)
  );
}

/** Mirrors `WorkflowEntry` (core/workflowEntries.ts): a non-blank id, or `{id, name?}`. */
function isWorkflowEntry(entry: unknown): boolean {
  if (typeof entry === 'string') return entry.trim() !== '';
  if (!isRecord(entry)) return false;
  const { id, name } = entry;
  return typeof id === 'string' && id.trim() !== '' && optional(name, (n) => typeof n === 'string' && n.trim().length <= 200);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** zod's `.optional()`: absent (undefined) or of the type. */
function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

function isString(value: unknown): boolean {
  return typeof value === 'string';
}

function isBoolean(value: unknown): boolean {
  return typeof value === 'boolean';
}
