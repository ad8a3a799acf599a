import type { ConnectionStates } from '../../core/connections/states';
import type { Run, Workflow } from '../../core/model';
import { nameWorkflow } from '../../core/workflowName';

export interface WorkflowNamingDeps {
  readonly states: ConnectionStates;
  readonly runsOf: (connection: string, workflowId: string) => Run[];
  /** The name of a workspace graph file bound to the workflow, one of its name sources. */
  readonly graphFileName?: (connection: string, workflowId: string) => string | undefined;
}

/** Names workflows as the tree shows them: the user's label, the service's, a bound graph file's, its runs'. */
export class WorkflowNaming {
  constructor(private readonly deps: WorkflowNamingDeps) {}

  /** A loaded workflow under its best known name. */
  workflow(connection: string, workflowId: string): Workflow | undefined {
    const workflow = this.deps.states.workflows(connection)?.find((w) => w.id === workflowId);
    return workflow && this.named(connection, workflow);
  }

  /** The workflows loaded so far for a connection (for pickers), named as in the tree. */
  workflows(connection: string): readonly Workflow[] | undefined {
    return this.deps.states.workflows(connection)?.map((w) => this.named(connection, w));
  }

  /** Any workflow, also one the catalog does not list (yet), under its best known name. */
  named(connection: string, workflow: Workflow): Workflow {
    return nameWorkflow(workflow, {
      configured: this.deps.states.config(connection)?.workflowNames?.[workflow.id],
      graphFile: this.deps.graphFileName?.(connection, workflow.id),
      runs: this.deps.runsOf(connection, workflow.id),
    });
  }
}
