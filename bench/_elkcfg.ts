import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
function lcg(seed: number): () => number { let s = seed >>> 0; return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32); }
function generate(n: number) {
  const rand = lcg(n); const width = Math.max(2, Math.round(Math.sqrt(n)));
  const nodes: string[] = []; const edges: Array<[string, string]> = []; const layers: string[][] = [];
  for (let i = 0; i < n; i++) { const layer = Math.floor(i / width); const id = `b${i}`; nodes.push(id); (layers[layer] ??= []).push(id);
    const prev = layers[layer - 1]; if (!prev) continue;
    edges.push([prev[Math.floor(rand() * prev.length)]!, id]);
    if (rand() < 0.5) edges.push([prev[Math.floor(rand() * prev.length)]!, id]);
    const far = layers[layer - 3]; if (far && rand() < 0.05) edges.push([far[Math.floor(rand() * far.length)]!, id]); }
  const seen = new Set<string>(); return { nodes, edges: edges.filter(([s, t]) => !seen.has(`${s}>${t}`) && seen.add(`${s}>${t}`)) };
}
const elk = new ELK();
const configs: Record<string, Record<string, string>> = {
  default: {},
  thor1: { 'elk.layered.thoroughness': '1' },
  thor1_poly: { 'elk.layered.thoroughness': '1', 'elk.edgeRouting': 'POLYLINE' },
  thor1_poly_lp: { 'elk.layered.thoroughness': '1', 'elk.edgeRouting': 'POLYLINE', 'elk.layered.layering.strategy': 'LONGEST_PATH' },
  thor1_poly_simple: { 'elk.layered.thoroughness': '1', 'elk.edgeRouting': 'POLYLINE', 'elk.layered.nodePlacement.strategy': 'SIMPLE' },
  fast: { 'elk.layered.thoroughness': '1', 'elk.edgeRouting': 'POLYLINE', 'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS', 'elk.layered.crossingMinimization.greedySwitch.type': 'OFF' },
};
async function main() {
  for (const n of [1000, 5000]) {
    const dag = generate(n);
    for (const [name, opts] of Object.entries(configs)) {
      if (n === 5000 && name === 'default') continue;
      const g: ElkNode = { id: 'root', layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'DOWN', ...opts },
        children: dag.nodes.map((id) => ({ id, width: 180, height: 48 })), edges: dag.edges.map(([s, t], i) => ({ id: `e${i}`, sources: [s], targets: [t] })) };
      await elk.layout(structuredClone(g));
      const t0 = performance.now(); await elk.layout(g); console.log(n, name, (performance.now() - t0).toFixed(0));
    }
  }
}
void main();
