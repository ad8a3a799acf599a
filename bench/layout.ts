/**
 * Layout benchmark: elkjs (layered) against @dagrejs/dagre on generated DAGs shaped like the
 * sandbox's "Big graph" sample (layers of about √N blocks, each block fed by one or two blocks of
 * the previous layer, plus a few long edges). Run: `node --import tsx bench/layout.ts`.
 *
 * Both run in plain Node here, single-threaded, which is how they run inside the webview's layout
 * worker. Each size is laid out once to warm up the JIT and then timed as the best of `RUNS`.
 * Columns: dagre and ELK with default settings, ELK with the settings the panel ships
 * (src/webview/layout/elkLayout.ts), and the panel's provisional quick layout. A library that
 * took longer than `GIVE_UP_MS` at one size is not run at the next.
 */
import dagre from '@dagrejs/dagre';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import { elkLayout } from '../src/webview/layout/elkLayout';
import { quickLayout } from '../src/webview/layout/quickLayout';

const SIZES = (process.env.SIZES ?? '100,1000,5000').split(',').map(Number);
const RUNS = Number(process.env.RUNS ?? 3);
const NODE_W = 180;
const NODE_H = 48;

interface Dag {
  readonly nodes: readonly string[];
  readonly edges: ReadonlyArray<readonly [string, string]>;
}

/** A deterministic pseudo-random generator, so both libraries lay out the very same graphs. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function generate(n: number): Dag {
  const rand = lcg(n);
  const width = Math.max(2, Math.round(Math.sqrt(n)));
  const nodes: string[] = [];
  const edges: Array<readonly [string, string]> = [];
  const layers: string[][] = [];
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / width);
    const id = `b${i}`;
    nodes.push(id);
    (layers[layer] ??= []).push(id);
    const prev = layers[layer - 1];
    if (!prev) continue;
    edges.push([prev[Math.floor(rand() * prev.length)] ?? prev[0]!, id]);
    if (rand() < 0.5) edges.push([prev[Math.floor(rand() * prev.length)] ?? prev[0]!, id]);
    // An occasional skip edge over several layers, as real workflows join late.
    const far = layers[layer - 3];
    if (far && rand() < 0.05) edges.push([far[Math.floor(rand() * far.length)] ?? far[0]!, id]);
  }
  const seen = new Set<string>();
  return { nodes, edges: edges.filter(([s, t]) => !seen.has(`${s}>${t}`) && seen.add(`${s}>${t}`)) };
}

function layoutDagre(dag: Dag): void {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 48 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of dag.nodes) g.setNode(id, { width: NODE_W, height: NODE_H });
  for (const [s, t] of dag.edges) g.setEdge(s, t);
  dagre.layout(g);
}

const elk = new ELK();
async function layoutElk(dag: Dag): Promise<void> {
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.nodeNode': '24',
    },
    children: dag.nodes.map((id) => ({ id, width: NODE_W, height: NODE_H })),
    edges: dag.edges.map(([s, t], i) => ({ id: `e${i}`, sources: [s], targets: [t] })),
  };
  await elk.layout(graph);
}

const GIVE_UP_MS = 20_000;

async function best(fn: () => unknown): Promise<number> {
  await fn();
  let min = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

function input(dag: Dag): Parameters<typeof quickLayout>[0] {
  const index = new Map(dag.nodes.map((id, i) => [id, i]));
  return { nodeWidth: 200, nodeHeight: 60, nodes: dag.nodes, edges: dag.edges.map(([s, t]) => [index.get(s)!, index.get(t)!] as const) };
}

async function main(): Promise<void> {
  // SKIP=dagre,elk leaves those columns out (dagre at 5,000 blocks ran over 13 minutes, unfinished).
  const slow = new Set<string>((process.env.SKIP ?? '').split(',').filter(Boolean));
  const cell = async (name: string, fn: () => unknown): Promise<string> => {
    if (slow.has(name)) return 'skipped'.padStart(9);
    const ms = await best(fn);
    if (ms > GIVE_UP_MS) slow.add(name);
    return `${ms.toFixed(0)} ms`.padStart(9);
  };
  console.log('blocks edges |     dagre | elk default | elk shipped | quick');
  for (const n of SIZES) {
    const dag = generate(n);
    const cells = [
      await cell('dagre', () => layoutDagre(dag)),
      await cell('elk', () => layoutElk(dag)),
      await cell('shipped', () => elkLayout(input(dag))),
      await cell('quick', () => quickLayout(input(dag))),
    ];
    console.log(`${String(n).padStart(6)} ${String(dag.edges.length).padStart(5)} | ${cells.join(' | ')}`);
  }
}

void main();
