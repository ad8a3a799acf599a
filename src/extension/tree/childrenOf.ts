import type { Backend } from '../../core/backend';
import type { ConnectionStates } from '../../core/connections/states';
import type { FlowscopeError } from '../../core/errors';
import { toFlowscopeError } from '../../core/errors';
import type { Run } from '../../core/model';
import type { RunStore } from '../../core/runs/runStore';
import { messageFor } from './messages';
import type { ExplorerNode, NodeCache, RunNode, WorkflowNode } from './nodes';
import type { OnScreen } from './onScreen';
import type { RunListPolling } from './runListPolling';
import type { RunPages } from './runPages';

export interface ChildrenOfDeps {
  readonly states: ConnectionStates;
  readonly pages: RunPages;
  readonly nodes: NodeCache;
  readonly onScreen: OnScreen;
  readonly polling: RunListPolling;
  readonly runs: RunStore;
  readonly runsOf: (connection: string, workflowId: string) => Run[];
  readonly report: (connection: string, error: FlowscopeError) => void;
}

/**
 * What each parent's children are now, loading what is missing (a connection's catalog, a
 * workflow's first page of runs). The answers go through the Explorer's ChildCache before the
 * host sees them; this unit only computes them.
 */
export class ChildrenOf {
  constructor(private readonly deps: ChildrenOfDeps) {}

  async compute(node: ExplorerNode | undefined): Promise<ExplorerNode[]> {
    switch (node?.kind) {
      case undefined:
        return this.deps.states.list().map((c) => this.deps.nodes.connection(c.name));
      case 'connection':
        return this.connectionChildren(node.connection);
      case 'workflow':
        return this.workflowChildren(node);
      case 'run':
        return this.stageNodes(node);
      default:
        return [];
    }
  }

  private async connectionChildren(connection: string): Promise<ExplorerNode[]> {
    const { states, nodes } = this.deps;
    if (!states.config(connection)) return [];
    await states.ensureCatalog(connection);
    const workflows = states.workflows(connection);
    const problem = messageFor(states.health(connection));
    if (!workflows) return [nodes.message(connection, undefined, problem ?? (states.failedInternally(connection) ? 'internal' : 'error'))];
    const out: ExplorerNode[] = [];
    if (problem) out.push(nodes.message(connection, undefined, problem));
    if (workflows.length === 0) out.push(nodes.message(connection, undefined, 'noWorkflows'));
    if (states.truncated(connection)) out.push(nodes.message(connection, undefined, 'truncated'));
    for (const workflow of workflows) out.push(nodes.workflow(connection, workflow.id));
    return out;
  }

  private async workflowChildren(node: WorkflowNode): Promise<ExplorerNode[]> {
    const { states, pages, nodes, onScreen } = this.deps;
    const { connection, workflowId } = node;
    // The host asks for children only of expanded nodes, and restored expansion fires no event:
    // asking is the one reliable sign that the workflow's runs are on screen.
    onScreen.expandWorkflow(connection, workflowId);
    let backend: Backend | undefined;
    try {
      backend = await states.resolve(connection);
    } catch (error) {
      this.deps.report(connection, toFlowscopeError(error));
    }
    if (backend?.capabilities.listRuns) await pages.ensureListed(connection, workflowId);
    const state = pages.get(connection, workflowId);
    const runs = this.deps.runsOf(connection, workflowId);
    const out: ExplorerNode[] = [];
    if (state.failed) out.push(nodes.message(connection, workflowId, state.failed));
    for (const run of runs.slice(0, state.shown)) out.push(nodes.run(connection, workflowId, run.id));
    if (runs.length > state.shown || state.next) out.push(nodes.loadMore(connection, workflowId));
    if (out.length === 0) out.push(nodes.message(connection, workflowId, backend && !backend.capabilities.listRuns ? 'runsNotListed' : 'noRuns'));
    onScreen.queueReconcile();
    this.deps.polling.wake();
    return out;
  }

  private stageNodes(node: RunNode): ExplorerNode[] {
    const run = this.deps.runs.get(node.connection, node.runId);
    if (!run) return [];
    return run.stages.map((stage) => this.deps.nodes.stage(node.connection, node.workflowId, node.runId, stage.id));
  }
}
