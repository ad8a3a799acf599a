/**
 * The explorer's nodes. Ids are stable (derived from connection, workflow, run and stage ids) so
 * expansion and selection survive refreshes, and each node object is created once per id so the
 * host can refresh exactly the node that changed.
 */
export type ExplorerNode = ConnectionNode | WorkflowNode | RunNode | StageNode | LoadMoreNode | MessageNode;

export interface ConnectionNode {
  readonly kind: 'connection';
  readonly id: string;
  readonly connection: string;
}

export interface WorkflowNode {
  readonly kind: 'workflow';
  readonly id: string;
  readonly connection: string;
  readonly workflowId: string;
}

export interface RunNode {
  readonly kind: 'run';
  readonly id: string;
  readonly connection: string;
  readonly workflowId: string;
  readonly runId: string;
}

export interface StageNode {
  readonly kind: 'stage';
  readonly id: string;
  readonly connection: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly stageId: string;
}

export interface LoadMoreNode {
  readonly kind: 'loadMore';
  readonly id: string;
  readonly connection: string;
  readonly workflowId: string;
}

/** What a message node says; errors carry the action that fixes them. */
export type MessageKind =
  | 'missingKey'
  | 'auth'
  | 'unreachable'
  | 'rateLimited'
  | 'error'
  /** Flowscope's own bug while loading (logged with its stack). */
  | 'internal'
  | 'noWorkflows'
  | 'noRuns'
  | 'runsNotListed'
  /** The service's workflow list was cut short by Flowscope's paging bounds. */
  | 'truncated'
  | 'loading';

export interface MessageNode {
  readonly kind: 'message';
  readonly id: string;
  readonly connection: string;
  readonly workflowId?: string;
  readonly message: MessageKind;
}

const enc = encodeURIComponent;

export const nodeIds = {
  connection: (connection: string): string => `conn/${enc(connection)}`,
  workflow: (connection: string, workflowId: string): string => `wf/${enc(connection)}/${enc(workflowId)}`,
  run: (connection: string, runId: string): string => `run/${enc(connection)}/${enc(runId)}`,
  stage: (connection: string, runId: string, stageId: string): string => `stage/${enc(connection)}/${enc(runId)}/${enc(stageId)}`,
  loadMore: (connection: string, workflowId: string): string => `more/${enc(connection)}/${enc(workflowId)}`,
  message: (connection: string, workflowId: string | undefined, message: MessageKind): string =>
    `msg/${enc(connection)}/${workflowId === undefined ? '' : enc(workflowId)}/${message}`,
};

/** Creates each node once per id, so a refresh can name the exact object the host rendered. */
export class NodeCache {
  private readonly nodes = new Map<string, ExplorerNode>();

  connection(connection: string): ConnectionNode {
    return this.once({ kind: 'connection', id: nodeIds.connection(connection), connection });
  }

  workflow(connection: string, workflowId: string): WorkflowNode {
    return this.once({ kind: 'workflow', id: nodeIds.workflow(connection, workflowId), connection, workflowId });
  }

  run(connection: string, workflowId: string, runId: string): RunNode {
    return this.once({ kind: 'run', id: nodeIds.run(connection, runId), connection, workflowId, runId });
  }

  stage(connection: string, workflowId: string, runId: string, stageId: string): StageNode {
    return this.once({ kind: 'stage', id: nodeIds.stage(connection, runId, stageId), connection, workflowId, runId, stageId });
  }

  loadMore(connection: string, workflowId: string): LoadMoreNode {
    return this.once({ kind: 'loadMore', id: nodeIds.loadMore(connection, workflowId), connection, workflowId });
  }

  message(connection: string, workflowId: string | undefined, message: MessageKind): MessageNode {
    const node: MessageNode =
      workflowId === undefined
        ? { kind: 'message', id: nodeIds.message(connection, undefined, message), connection, message }
        : { kind: 'message', id: nodeIds.message(connection, workflowId, message), connection, workflowId, message };
    return this.once(node);
  }

  /** The node's parent in the tree (the host asks for it to reveal a node). */
  parentOf(node: ExplorerNode): ExplorerNode | undefined {
    switch (node.kind) {
      case 'connection':
        return undefined;
      case 'workflow':
        return this.connection(node.connection);
      case 'run':
      case 'loadMore':
        return this.workflow(node.connection, node.workflowId);
      case 'stage':
        return this.run(node.connection, node.workflowId, node.runId);
      case 'message':
        return node.workflowId === undefined ? this.connection(node.connection) : this.workflow(node.connection, node.workflowId);
    }
  }

  get(id: string): ExplorerNode | undefined {
    return this.nodes.get(id);
  }

  /** Drops every node of a connection (removed or reconfigured). */
  forgetConnection(connection: string): void {
    for (const [id, node] of this.nodes) if (node.connection === connection) this.nodes.delete(id);
  }

  private once<T extends ExplorerNode>(node: T): T {
    const existing = this.nodes.get(node.id);
    // One object per id while it stays where it is. A run that moved to another workflow (its
    // workflow learnt late, or named by another workflow's page) is a new object whose parent is
    // the new workflow, so `parentOf` and reveal follow it; the child cache keeps the old row
    // out of the new list until the old workflow has let it go.
    if (existing && existing.kind === node.kind && workflowOf(existing) === workflowOf(node)) return existing as T;
    this.nodes.set(node.id, node);
    return node;
  }
}

function workflowOf(node: ExplorerNode): string | undefined {
  return 'workflowId' in node ? node.workflowId : undefined;
}
