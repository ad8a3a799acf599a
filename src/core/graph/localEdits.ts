import type { BackendKind } from '../model';
import { diffGraphs } from './diff';
import { toGraph } from './graphFile';
import type { Graph } from './schema';
import { analyzeGraphText } from './validate';

/**
 * Whether a graph file holds edits the server does not have, judged by content against what was
 * last pushed or pulled here, never by the editor's dirty flag (code-server saves a second after
 * typing, so a saved file is as much at risk as an unsaved one).
 * - `none`: the file's graph is the one last synced: replacing it loses nothing.
 * - `edited`: it differs from the one last synced.
 * - `untracked`: nothing was synced from this workspace, so nothing says the server has it.
 * - `unreadable`: not a readable graph (a typo, half-typed JSON): the text itself is at risk.
 */
export type LocalEdits = 'none' | 'edited' | 'untracked' | 'unreadable';

export function localEdits(localText: string, lastSynced: Graph | undefined, kind: BackendKind): LocalEdits {
  const file = analyzeGraphText(localText, { targetKind: kind }).file;
  if (!file) return 'unreadable';
  if (!lastSynced) return 'untracked';
  return diffGraphs(lastSynced, withoutWebhookSecrets(toGraph(file))).total === 0 ? 'none' : 'edited';
}

/**
 * The graph without webhook secrets: what Flowscope may keep in workspace state (stored
 * unencrypted), and so what a file is compared with it as.
 */
export function withoutWebhookSecrets(graph: Graph): Graph {
  const blocks = graph.blocks.map((b) => {
    if (!b.config || !('webhook_secret' in b.config)) return b;
    const { webhook_secret: _secret, ...config } = b.config;
    return { ...b, config };
  });
  return { blocks, edges: graph.edges };
}
