import type { WorkflowMeta } from '../backend';
import type { VariableSpec, Workflow } from '../model';
import { stableJson } from './diff';
import type { GraphFile } from './graphFile';
import { VARIABLE_TYPES } from './graphFile';

/**
 * A graph file's `name`, `description` and `variables` against the workflow's own fields on the
 * server (Powabase stores them apart from the graph: `PATCH /api/workflows/{id}`). Push sends
 * what differs, so that a pull right after a push gives back the same file.
 */

/** What to send so the server matches the file; empty when they already agree. */
export function metaChanges(file: GraphFile, server: Workflow): WorkflowMeta {
  const out: { name?: string; description?: string | null; variables?: Record<string, unknown> } = {};
  // A workflow always has a name: a file without one leaves it alone.
  if (file.name !== undefined && file.name !== server.name) out.name = file.name;
  // The file is the source of truth on push, as it is for the graph: absent means none.
  const description = file.description || undefined;
  if (description !== (server.description || undefined)) out.description = description ?? null;
  const local = file.variables ?? {};
  const remote = server.variables?.length ? variablesOf(server.variables) : {};
  if (stableJson(local) !== stableJson(remote)) out.variables = local;
  return out;
}

/** What a new workflow is created with. */
export function metaOf(file: GraphFile, fallbackName: string): WorkflowMeta & { readonly name: string } {
  return {
    name: file.name?.trim() || fallbackName,
    ...(file.description ? { description: file.description } : {}),
    ...(file.variables ? { variables: file.variables } : {}),
  };
}

/** The changed fields, for review and report lines: "name", "description", "variables". */
export function metaFields(meta: WorkflowMeta): string[] {
  return Object.keys(meta).filter((k) => (meta as Record<string, unknown>)[k] !== undefined);
}

/** The server's inputs written the way a graph file writes them. */
export function variablesOf(specs: readonly VariableSpec[]): NonNullable<GraphFile['variables']> {
  const out: NonNullable<GraphFile['variables']> = {};
  for (const v of specs) {
    const type = VARIABLE_TYPES.find((t) => t === v.type);
    out[v.name] = { ...(type ? { type } : {}), ...(v.default !== undefined ? { default: v.default } : {}), ...(v.description ? { description: v.description } : {}) };
  }
  return out;
}
