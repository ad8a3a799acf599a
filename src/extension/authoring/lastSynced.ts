import type * as vscode from 'vscode';
import { withoutWebhookSecrets } from '../../core/graph/localEdits';
import { Graph } from '../../core/graph/schema';
import type { GraphTarget } from './graphFiles';

/**
 * The graph last pushed to or pulled from each workflow, per workspace. White Rabbit cannot serve
 * a workflow's graph, so this is the only "before" a push review can show there; it is also what
 * lets its component updates send only what changed.
 */
export class LastSynced {
  constructor(private readonly state: vscode.Memento) {}

  get(target: GraphTarget): Graph | undefined {
    const parsed = Graph.safeParse(this.state.get(key(target)));
    return parsed.success ? parsed.data : undefined;
  }

  /** Webhook secrets are left out: workspace state is stored unencrypted, apart from the file. */
  async set(target: GraphTarget, graph: Graph): Promise<void> {
    await this.state.update(key(target), withoutWebhookSecrets(graph));
  }
}

function key(target: GraphTarget): string {
  return `flowscope.graph.lastSynced/${target.connection}/${target.workflowId}`;
}
