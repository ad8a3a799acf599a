import * as z from 'zod';

/**
 * One entry of a connection's `workflowIds` setting: a bare id, or `{"id": …, "name": …}` to
 * give the workflow a name where the API has none to give (White Rabbit, Supervity).
 */
export const WorkflowEntry = z.union([
  z.string().trim().min(1),
  z.object({
    id: z.string().trim().min(1),
    name: z.string().trim().max(200).optional(),
  }),
]);
export type WorkflowEntry = z.infer<typeof WorkflowEntry>;

export interface WorkflowList {
  readonly workflowIds?: string[];
  readonly workflowNames?: Record<string, string>;
}

/** Entries as the code uses them: the ids in order, and the names given, by id. */
export function splitWorkflowEntries(entries: readonly WorkflowEntry[] | undefined): WorkflowList {
  if (!entries) return {};
  const workflowIds: string[] = [];
  const workflowNames: Record<string, string> = {};
  for (const entry of entries) {
    const id = typeof entry === 'string' ? entry : entry.id;
    if (!workflowIds.includes(id)) workflowIds.push(id);
    if (typeof entry !== 'string' && entry.name) workflowNames[id] = entry.name;
  }
  return Object.keys(workflowNames).length > 0 ? { workflowIds, workflowNames } : { workflowIds };
}

/** The inverse, for writing settings back: a named workflow as an object, the others as bare ids. */
export function joinWorkflowEntries(ids: readonly string[] | undefined, names: Readonly<Record<string, string>> | undefined): WorkflowEntry[] | undefined {
  if (!ids) return undefined;
  return ids.map((id) => {
    const name = names?.[id];
    return name ? { id, name } : id;
  });
}
