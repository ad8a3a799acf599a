import { NO_CAPABILITIES } from '../../core/backend';
import type { ConnectionStates } from '../../core/connections/states';
import type { Run, Stage, Workflow } from '../../core/model';
import type { RunStore } from '../../core/runs/runStore';
import type { Translate } from '../../shared/format';
import type { Countdowns } from './countdowns';
import type { ExplorerNode, RunNode, StageNode } from './nodes';
import type { Presentation } from './present';
import { presentConnection, presentLoadMore, presentMessage, presentRun, presentStage, presentWorkflow } from './present';

export interface RowsDeps {
  readonly states: ConnectionStates;
  readonly runs: RunStore;
  readonly countdowns: Countdowns;
  readonly t: Translate;
  readonly now: () => number;
  /** Known runs of a workflow, newest first. */
  readonly runsOf: (connection: string, workflowId: string) => Run[];
  /** A loaded workflow, named as the tree names it. */
  readonly workflow: (connection: string, workflowId: string) => Workflow | undefined;
  /** A workflow the catalog does not list (yet), named from what else is known of it. */
  readonly named: (connection: string, workflow: Workflow) => Workflow;
  readonly hasLastInputs: (connection: string, workflowId: string) => boolean;
  /** The name a bound graph file gives the one component running `module`. */
  readonly componentName?: (connection: string, workflowId: string, module: string) => string | undefined;
}

/** Gathers what each row shows from the current state and hands it to the presenters (present.ts). */
export class Rows {
  constructor(private readonly deps: RowsDeps) {}

  present(node: ExplorerNode): Presentation {
    const { states, runs } = this.deps;
    const ctx = { now: this.deps.now(), t: this.deps.t };
    const health = states.health(node.connection);
    const capabilities = states.backend(node.connection)?.capabilities;
    switch (node.kind) {
      case 'connection':
        return presentConnection(states.config(node.connection) ?? { name: node.connection, kind: 'whiterabbit', baseUrl: '' }, health, capabilities, ctx);
      case 'workflow': {
        const runs = this.deps.runsOf(node.connection, node.workflowId);
        const workflow = this.deps.workflow(node.connection, node.workflowId) ?? this.deps.named(node.connection, { id: node.workflowId, name: node.workflowId });
        return presentWorkflow(
          {
            workflow,
            latestRun: runs[0],
            capabilities: capabilities ?? NO_CAPABILITIES,
            armedUntil: this.deps.countdowns.armedUntil(node.connection, node.workflowId),
            hasLastInputs: this.deps.hasLastInputs(node.connection, node.workflowId),
          },
          ctx,
        );
      }
      case 'run': {
        const run = runs.get(node.connection, node.runId) ?? placeholderRun(node);
        const live = runs.isLive(node.connection, node.runId);
        const stopsWithStream = capabilities?.runEndsWithStream === true && runs.ownsStream(node.connection, node.runId);
        return presentRun({ run, capabilities: capabilities ?? NO_CAPABILITIES, live, stopsWithStream }, ctx);
      }
      case 'stage': {
        const stage = runs.get(node.connection, node.runId)?.stages.find((s) => s.id === node.stageId);
        return presentStage(stage ? this.componentNamed(node, stage) : { id: node.stageId, name: node.stageId, status: 'unknown', rawStatus: '' }, ctx);
      }
      case 'loadMore':
        return presentLoadMore(ctx);
      case 'message':
        return presentMessage(node, health, ctx, states.truncated(node.connection));
    }
  }

  /**
   * A White Rabbit stage under its component's name when a bound graph file gives one (its records
   * carry only the module, which the adapter says in words and keeps as the `type` the row also shows).
   */
  private componentNamed(node: StageNode, stage: Stage): Stage {
    if (this.deps.states.config(node.connection)?.kind !== 'whiterabbit' || !stage.type) return stage;
    const name = this.deps.componentName?.(node.connection, node.workflowId, stage.type);
    return name ? { ...stage, name } : stage;
  }
}

function placeholderRun(node: RunNode): Run {
  return { id: node.runId, workflowId: node.workflowId, status: 'unknown', rawStatus: '', stages: [] };
}
