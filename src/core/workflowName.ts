import type { Run, Workflow } from './model';

/** Where a workflow's name can come from, besides the service's own record of it. */
export interface WorkflowNameSources {
  /** The user's label, from the connection's workflow entries (`{"id": …, "name": …}`). */
  readonly configured?: string;
  /** The `name` of a workspace graph file bound to this workflow. */
  readonly graphFile?: string;
  /** Its known runs, newest first: Supervity's carry `workflowName`. */
  readonly runs?: readonly Run[];
}

/** A bare id as a name: the first 8 characters and an ellipsis (the tooltip shows the full id). */
export function shortWorkflowId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

function usable(name: string | undefined, id: string): string | undefined {
  const trimmed = name?.trim();
  return trimmed && trimmed !== id ? trimmed : undefined;
}

/**
 * A workflow as the tree and pickers name it, first found of: the user's label for it, the
 * service's name (Powabase serves one; White Rabbit and Supervity have no workflow endpoint, so
 * theirs is the bare id), the name of a graph file in the workspace bound to it, its newest run's
 * `workflowName` (Supervity: "name at time of run", seed 004 line 77). Only when none is known is
 * the id itself the name, shortened: full UUIDs that differ only at the end all look alike.
 */
export function nameWorkflow(workflow: Workflow, sources: WorkflowNameSources): Workflow {
  const name =
    usable(sources.configured, workflow.id) ??
    usable(workflow.name, workflow.id) ??
    usable(sources.graphFile, workflow.id) ??
    usable(sources.runs?.find((r) => usable(r.workflowName, workflow.id))?.workflowName, workflow.id) ??
    shortWorkflowId(workflow.id);
  return name === workflow.name ? workflow : { ...workflow, name };
}

/** `nameWorkflow` with runs only (callers that know no other source). */
export function namedByRuns(workflow: Workflow, runs: readonly Run[]): Workflow {
  return nameWorkflow(workflow, { runs });
}
