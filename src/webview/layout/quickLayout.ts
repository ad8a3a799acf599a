import type { Layout, LayoutInput } from './types';

/**
 * A provisional layered placement in O(sweeps · (V + E)): longest-path layers, two barycenter
 * sweeps to untangle, then rows packed without overlap. It exists so the first paint of a large
 * graph never waits for the real layout library (ELK needs seconds at 5,000 blocks, see
 * bench/layout.ts); the worker sends this at once and the library's layout replaces it when done.
 * Left-to-right, like the final layout, so the switch does not flip the picture.
 */
export const GAP_X = 72;
export const GAP_Y = 20;

export function quickLayout(input: LayoutInput): Layout {
  const n = input.nodes.length;
  const succ: number[][] = Array.from({ length: n }, () => []);
  const pred: number[][] = Array.from({ length: n }, () => []);
  for (const [s, t] of input.edges) {
    if (s === t || s < 0 || t < 0 || s >= n || t >= n) continue;
    succ[s]!.push(t);
    pred[t]!.push(s);
  }
  const layer = layering(n, succ, pred);

  const layers: number[][] = [];
  for (let v = 0; v < n; v++) (layers[layer[v]!] ??= []).push(v);
  const dense = layers.filter((l) => l !== undefined);
  const order = new Float64Array(n);
  const place = (): void => dense.forEach((l) => l.forEach((v, i) => (order[v] = i / Math.max(1, l.length - 1))));
  place();
  // Barycenter sweeps: down using predecessors, then up using successors.
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const [list, nbrs] of [
      [dense, pred],
      [[...dense].reverse(), succ],
    ] as const) {
      for (const l of list) {
        const bc = new Map<number, number>();
        for (const v of l) {
          const ns = nbrs[v]!;
          bc.set(v, ns.length ? ns.reduce((sum, u) => sum + order[u]!, 0) / ns.length : order[v]!);
        }
        l.sort((a, b) => bc.get(a)! - bc.get(b)!);
        l.forEach((v, i) => (order[v] = i / Math.max(1, l.length - 1)));
      }
    }
  }

  // Rows: each node wants the mean row of its predecessors (chains come out straight), then a
  // forward pass keeps nodes of a layer at least one row apart in their barycenter order.
  const rowH = input.nodeHeight + GAP_Y;
  const colW = input.nodeWidth + GAP_X;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let minY = Infinity;
  let maxY = -Infinity;
  dense.forEach((l, li) => {
    let next = -Infinity;
    const wanted = l.map((v, i) => {
      const ps = pred[v]!.filter((u) => layer[u]! < layer[v]!);
      return ps.length ? ps.reduce((sum, u) => sum + ys[u]!, 0) / ps.length : i * rowH;
    });
    l.forEach((v, i) => {
      const y = Math.max(wanted[i]!, next);
      ys[v] = y;
      xs[v] = li * colW;
      next = y + rowH;
    });
    // The packing only pushes down: shift the layer back by its mean displacement so it stays
    // centred on where its nodes wanted to be (a constant shift keeps the spacing).
    let drift = 0;
    l.forEach((v, i) => (drift += ys[v]! - wanted[i]!));
    drift /= Math.max(1, l.length);
    for (const v of l) ys[v] = ys[v]! - drift;
    for (const v of l) {
      minY = Math.min(minY, ys[v]!);
      maxY = Math.max(maxY, ys[v]!);
    }
  });
  if (!Number.isFinite(minY)) minY = maxY = 0;
  for (let v = 0; v < n; v++) ys[v] = ys[v]! - minY;
  return {
    xs,
    ys,
    routes: input.edges.map(() => undefined),
    width: Math.max(0, dense.length * colW - GAP_X),
    height: maxY - minY + input.nodeHeight,
  };
}

/** Longest-path layers over a DFS order that ignores back edges, so cycles cannot loop forever. */
function layering(n: number, succ: readonly number[][], pred: readonly number[][]): Int32Array {
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const topo: number[] = [];
  const back = new Set<number>(); // encoded s * n + t
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0 || pred[root]!.length > 0) continue;
    visit(root);
  }
  for (let root = 0; root < n; root++) if (state[root] === 0) visit(root);

  function visit(root: number): void {
    const stack: Array<[number, number]> = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [v, i] = top;
      const ns = succ[v]!;
      if (i < ns.length) {
        top[1] = i + 1;
        const w = ns[i]!;
        if (state[w] === 1) back.add(v * n + w);
        else if (state[w] === 0) {
          state[w] = 1;
          stack.push([w, 0]);
        }
      } else {
        state[v] = 2;
        topo.push(v);
        stack.pop();
      }
    }
  }

  const layer = new Int32Array(n);
  for (let k = topo.length - 1; k >= 0; k--) {
    const v = topo[k]!;
    for (const w of succ[v]!) if (!back.has(v * n + w) && layer[w]! < layer[v]! + 1) layer[w] = layer[v]! + 1;
  }
  return layer;
}
