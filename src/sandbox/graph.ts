import { canonicalBlockType, SimConfig } from '../core/graph/schema';
import type { StoredBlock, StoredEdge } from './types';
import { isRecord, newId } from './util';

export class GraphError extends Error {}

/**
 * Validates and normalizes a graph the way Powabase's PUT /graph does (same messages, same
 * defaults: `enabled` true, edge id generated, handles `output`/`input`). The sandbox adds two
 * checks of its own, since its engine depends on them: simulation keys must parse, and no cycles.
 */
export function normalizeGraph(body: unknown): { blocks: StoredBlock[]; edges: StoredEdge[] } {
  if (!isRecord(body)) throw new GraphError('Request body must be a JSON object');
  const rawBlocks = body.blocks ?? [];
  const rawEdges = body.edges ?? [];
  if (!Array.isArray(rawBlocks) || !Array.isArray(rawEdges)) throw new GraphError("'blocks' and 'edges' must be arrays");
  const blocks: StoredBlock[] = [];
  const ids = new Set<string>();
  for (const b of rawBlocks) {
    if (!isRecord(b) || typeof b.id !== 'string' || !b.id || typeof b.type !== 'string' || !b.type) throw new GraphError("Each block must have 'id' and 'type'");
    const type = canonicalBlockType(b.type);
    if (!type) throw new GraphError(`Unknown block type: ${b.type}`);
    if (ids.has(b.id)) throw new GraphError(`Duplicate block id: ${b.id}`);
    ids.add(b.id);
    const config = isRecord(b.config) ? b.config : {};
    const sim = SimConfig.safeParse(config);
    if (!sim.success) throw new GraphError(`Invalid simulation config on block ${b.id}: ${sim.error.issues[0]?.path.join('.')} ${sim.error.issues[0]?.message}`);
    const pos = isRecord(b.position) && typeof b.position.x === 'number' && typeof b.position.y === 'number' ? { x: b.position.x, y: b.position.y } : { x: 0, y: 0 };
    blocks.push({
      id: b.id,
      type,
      name: typeof b.name === 'string' && b.name ? b.name : b.id,
      position: pos,
      config,
      enabled: b.enabled === undefined ? true : b.enabled !== false,
    });
  }
  const edges: StoredEdge[] = [];
  for (const e of rawEdges) {
    if (!isRecord(e) || typeof e.source !== 'string' || !e.source || typeof e.target !== 'string' || !e.target) throw new GraphError("Each edge must have 'source' and 'target'");
    if (!ids.has(e.source) || !ids.has(e.target)) throw new GraphError('Edge references a block not in this graph');
    edges.push({
      id: typeof e.id === 'string' && e.id ? e.id : newId(),
      source: e.source,
      target: e.target,
      sourceHandle: typeof e.sourceHandle === 'string' ? e.sourceHandle : 'output',
      targetHandle: typeof e.targetHandle === 'string' ? e.targetHandle : 'input',
      condition: typeof e.condition === 'string' ? e.condition : null,
    });
  }
  if (hasCycle(blocks, edges)) throw new GraphError('Graph contains a cycle');
  return { blocks, edges };
}

function hasCycle(blocks: StoredBlock[], edges: StoredEdge[]): boolean {
  const indeg = new Map(blocks.map((b) => [b.id, 0]));
  const out = new Map<string, string[]>();
  for (const e of edges) {
    indeg.set(e.target, (indeg.get(e.target) ?? 0) + 1);
    out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  }
  const queue = [...indeg].filter(([, d]) => d === 0).map(([id]) => id);
  let seen = 0;
  while (queue.length) {
    const id = queue.pop() as string;
    seen++;
    for (const t of out.get(id) ?? []) {
      const d = (indeg.get(t) ?? 0) - 1;
      indeg.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  return seen !== blocks.length;
}
