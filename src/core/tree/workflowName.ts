import type { Run, Workflow } from '../model';

/**
 * A workflow as the tree and pickers name it. Supervity has no workflow endpoint: a workflow is
 * named after its newest run's `workflowName` ("name at time of run", seed 004 line 77), so one
 * with no runs yet loads under its bare id. Once any run of it is known (listed, polled or just
 * started) that run's name is used; the bare id stays only as the last resort. `runs` newest first.
 */
export function namedByRuns(workflow: Workflow, runs: readonly Run[]): Workflow {
  if (workflow.name && workflow.name !== workflow.id) return workflow;
  const name = runs.find((r) => r.workflowName)?.workflowName;
  return name ? { ...workflow, name } : workflow;
}
