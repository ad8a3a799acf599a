import type { BackendKind } from '../../core/model';
import { LEGACY_SAMPLE_IDS } from '../../sandbox/legacy';

/** The fields of a connection setting this module reads (no `vscode` here: unit-tested in Node). */
interface SandboxConnectionLike {
  readonly kind: BackendKind;
  readonly sandbox?: boolean;
  readonly workflowIds?: readonly string[];
}

/**
 * A sandbox connection made before each sandbox face had its own samples lists the old shared
 * sample ids, which no face knows any more (every row would read "not found"). Returns the
 * connection with those ids replaced by its face's samples (ids the user added are kept, in
 * order), or the same object when there is nothing to change: not a sandbox connection, no
 * workflow list (Powabase lists its own), or no old id in it.
 */
export function withCurrentSampleIds<C extends SandboxConnectionLike>(connection: C, faceSampleIds: readonly string[]): C {
  const ids = connection.workflowIds;
  if (!connection.sandbox || !ids || !ids.some((id) => LEGACY_SAMPLE_IDS.includes(id))) return connection;
  const kept = ids.filter((id) => !LEGACY_SAMPLE_IDS.includes(id));
  return { ...connection, workflowIds: [...kept, ...faceSampleIds.filter((id) => !kept.includes(id))] };
}

/**
 * A sandbox connection with a name for each of its face's samples it lists (White Rabbit and
 * Supervity cannot say a workflow's name; the sandbox knows its samples'). Names the user gave
 * are kept; the same object comes back when there is nothing to add.
 */
export function withSampleNames<C extends SandboxConnectionLike & { readonly workflowNames?: Readonly<Record<string, string>> }>(connection: C, sampleNames: Readonly<Record<string, string>>): C {
  if (!connection.sandbox || !connection.workflowIds) return connection;
  const missing = connection.workflowIds.filter((id) => sampleNames[id] && !connection.workflowNames?.[id]);
  if (missing.length === 0) return connection;
  const added = Object.fromEntries(missing.map((id) => [id, sampleNames[id] ?? id]));
  return { ...connection, workflowNames: { ...connection.workflowNames, ...added } };
}
