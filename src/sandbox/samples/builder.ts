import type { BlockType } from '../../core/graph/schema';
import type { FaceName, StoredBlock, StoredEdge, VariableSpec, WorkflowRecord } from '../types';

/** When the samples were "created": fixed, so a fresh state dir is the same on every machine. */
export const SAMPLES_CREATED_AT = '2026-01-01T00:00:00.000Z';

/**
 * Builds one sample graph. `idFor` turns a block's key into its stored id, so each face can use
 * the ids its users see: Powabase graphs carry the ids their authors chose (`start`, `research`),
 * White Rabbit components carry UUIDs (the id in the dashboard URL).
 */
export class GraphBuilder {
  readonly blocks: StoredBlock[] = [];
  readonly edges: StoredEdge[] = [];

  constructor(private readonly idFor: (key: string, index: number) => string = (key) => key) {}

  block(key: string, type: BlockType, name: string, config: Record<string, unknown> = {}, x = 0, y = 0): string {
    const id = this.idFor(key, this.blocks.length + 1);
    this.blocks.push({ id, type, name, position: { x, y }, config, enabled: true });
    return id;
  }

  edge(source: string, target: string, condition: string | null = null): void {
    this.edges.push({ id: `${source}->${target}`, source, target, sourceHandle: 'output', targetHandle: 'input', condition });
  }

  chain(...ids: string[]): void {
    for (let i = 1; i < ids.length; i++) this.edge(ids[i - 1] as string, ids[i] as string);
  }
}

/** Splits a sentence into the tokens an agent block streams (each keeps its trailing space). */
export function words(text: string): string[] {
  return text.split(/(?<= )/);
}

export interface SampleMeta {
  face: FaceName;
  id: string;
  name: string;
  description: string;
  variables?: Record<string, VariableSpec>;
}

export function sampleWorkflow(meta: SampleMeta, g: GraphBuilder, createdAt: string): WorkflowRecord {
  return {
    id: meta.id,
    face: meta.face,
    name: meta.name,
    description: meta.description,
    variables: meta.variables ?? {},
    version: 1,
    color: '#4f7cff',
    created_at: createdAt,
    updated_at: createdAt,
    state: 'internal',
    schedule_config: null,
    webhook_armed_until: null,
    blocks: g.blocks,
    edges: g.edges,
  };
}

/**
 * The 200-block sample every face carries (start, 9 layers of 22, end), each block fed by one or
 * two blocks of the layer before. `label` and `types` let each face dress it in its own words.
 */
export function layeredGraph(g: GraphBuilder, opts: { start: [BlockType, string, Record<string, unknown>]; end: [BlockType, string, Record<string, unknown>]; layer: (layer: number, i: number) => [BlockType, string, Record<string, unknown>] }): void {
  const start = g.block('start', opts.start[0], opts.start[1], opts.start[2]);
  let prev = [start];
  for (let layer = 0; layer < 9; layer++) {
    const cur: string[] = [];
    for (let i = 0; i < 22; i++) {
      const [type, name, config] = opts.layer(layer, i);
      const id = g.block(`L${layer}-${i}`, type, name, { durationMs: 80 + ((layer * 31 + i * 17) % 120), ...config }, (layer + 1) * 220, i * 90);
      g.edge(prev[i % prev.length] as string, id);
      if (prev.length > 1) g.edge(prev[(i + 7) % prev.length] as string, id);
      cur.push(id);
    }
    prev = cur;
  }
  const end = g.block('respond', opts.end[0], opts.end[1], opts.end[2], 2200, 0);
  for (const id of prev) g.edge(id, end);
}
