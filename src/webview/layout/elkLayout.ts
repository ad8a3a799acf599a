import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';
import type { Layout, LayoutInput } from './types';

/**
 * ELK's layered algorithm, chosen over dagre by measurement: `node --import tsx bench/layout.ts`,
 * generated DAGs shaped like the 200-block sample (layers of √N, 1–2 parents each, a few skip
 * edges), 2 cores shared with other work (load 4–5), best of 1 after a warm-up:
 *
 *   blocks edges | dagre 3.1.3 | elkjs 0.12.1 default | elk as shipped here | quick layout
 *      100   129 |      69 ms  |      210 ms          |      156 ms         |      1 ms
 *     1000  1491 |   6,024 ms  |    1,668 ms          |      665 ms         |     10 ms
 *     5000  7602 |  > 13 min (stopped) | 18,277 ms     |    4,259 ms         |     43 ms
 *
 * dagre wins only on tiny graphs; its ordering phase grows super-linearly and it is unusable
 * from ~1,000 blocks (one earlier run: 39 s). ELK scales, and several-fold better with one
 * crossing-minimisation pass and simple node placement, which it gets above 300 blocks (smaller
 * graphs get its full quality). Neither fits a 1 s first paint at 1,000 blocks, hence the
 * provisional quick layout painted first (quickLayout.ts). Above `ELK_MAX_NODES` the quick
 * layout stays final: ELK's seconds there, plus re-placing every element when it lands, would
 * jolt a graph the user is already reading.
 */
export { ELK_MAX_NODES } from './types';

const elk = new ELK();

export async function elkLayout(input: LayoutInput): Promise<Layout> {
  const big = input.nodes.length > 300;
  const layoutOptions: LayoutOptions = {
    'elk.algorithm': 'layered',
    'elk.direction': 'RIGHT',
    'elk.spacing.nodeNode': '20',
    'elk.layered.spacing.nodeNodeBetweenLayers': '72',
    'elk.layered.spacing.edgeNodeBetweenLayers': '16',
    'elk.edgeRouting': 'POLYLINE',
    'elk.layered.thoroughness': big ? '1' : '7',
    ...(big ? { 'elk.layered.nodePlacement.strategy': 'SIMPLE' } : {}),
  };
  const graph: ElkNode = {
    id: 'root',
    layoutOptions,
    children: input.nodes.map((_, i) => ({ id: `n${i}`, width: input.nodeWidth, height: input.nodeHeight })),
    edges: input.edges.map(([s, t], i): ElkExtendedEdge => ({ id: `e${i}`, sources: [`n${s}`], targets: [`n${t}`] })),
  };
  const out = await elk.layout(graph);
  const n = input.nodes.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (const child of out.children ?? []) {
    const i = Number(child.id.slice(1));
    xs[i] = child.x ?? 0;
    ys[i] = child.y ?? 0;
  }
  const routes: Array<number[] | undefined> = input.edges.map(() => undefined);
  for (const edge of out.edges ?? []) {
    const section = edge.sections?.[0];
    if (!section) continue;
    const pts = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    routes[Number(edge.id.slice(1))] = pts.flatMap((p) => [p.x, p.y]);
  }
  return { xs, ys, routes, width: out.width ?? 0, height: out.height ?? 0 };
}
