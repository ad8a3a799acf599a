import type { BlockRun, RunRecord, StoredBlock, StoredEdge } from './types';

/** A run's graph, indexed for scheduling: blocks by id and the edges into each block. */
export interface GraphIndex {
  blocks: Map<string, StoredBlock>;
  incoming: Map<string, StoredEdge[]>;
}

/**
 * A block runs once all predecessors have settled, if at least one incoming edge is taken and no
 * predecessor failed. An edge is taken when its source completed and the edge has no condition or
 * its condition equals the source's `output.route` (Powabase compares with `str(route)`).
 */
export function readiness(run: RunRecord, graph: GraphIndex, blockId: string): 'wait' | 'run' | 'skip' {
  const block = graph.blocks.get(blockId);
  const incoming = graph.incoming.get(blockId) ?? [];
  let taken = 0;
  for (const e of incoming) {
    const src = run.blocks[e.source];
    if (!src) continue;
    if (src.status === 'pending' || src.status === 'running') return 'wait';
    if (src.status === 'failed' || src.status === 'cancelled') return 'skip';
    if (src.status === 'completed' && edgeTaken(e, src)) taken++;
  }
  if (!block || block.enabled === false) return 'skip';
  return incoming.length === 0 || taken > 0 ? 'run' : 'skip';
}

function edgeTaken(e: StoredEdge, src: BlockRun): boolean {
  if (e.condition === null || e.condition === undefined || e.condition === '') return true;
  const route = (src.output as { route?: unknown } | null)?.route;
  return route !== undefined && route !== null && String(route) === e.condition;
}

export function indexGraph(run: RunRecord): GraphIndex {
  const blocks = new Map(run.graph.blocks.map((b) => [b.id, b]));
  const incoming = new Map<string, StoredEdge[]>();
  for (const e of run.graph.edges) {
    if (!blocks.has(e.source) || !blocks.has(e.target)) continue;
    const list = incoming.get(e.target) ?? [];
    list.push(e);
    incoming.set(e.target, list);
  }
  return { blocks, incoming };
}
