import type { GraphViewModel } from '../../shared/protocol';

/**
 * The loops of a graph, for the panel to draw them (highlighted) rather than hide them: a graph
 * file being edited may loop, and the preview must show where. Pure and vscode-free.
 */

/**
 * The nodes that lie on a cycle, each with its cycle's number: the strongly connected components
 * of more than one node, and nodes with an edge to themselves. Tarjan's algorithm, iterative so
 * a long chain cannot overflow the stack.
 */
export function nodesOnCycles(view: GraphViewModel): Map<string, number> {
  const ids = view.nodes.map((n) => n.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const succ: number[][] = ids.map(() => []);
  const out = new Map<string, number>();
  const selfLoops = new Set<number>();
  for (const e of view.edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined) continue;
    if (s === t) selfLoops.add(s);
    else succ[s]!.push(t);
  }
  const order = new Int32Array(ids.length).fill(-1);
  const low = new Int32Array(ids.length);
  const onStack = new Uint8Array(ids.length);
  const stack: number[] = [];
  let counter = 0;
  for (let root = 0; root < ids.length; root++) {
    if (order[root] !== -1) continue;
    const frames: Array<{ v: number; next: number }> = [{ v: root, next: 0 }];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const w = succ[frame.v]![frame.next++];
      if (w !== undefined) {
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          frames.push({ v: w, next: 0 });
        } else if (onStack[w]) low[frame.v] = Math.min(low[frame.v]!, order[w]!);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low[parent.v] = Math.min(low[parent.v]!, low[frame.v]!);
      if (low[frame.v] !== order[frame.v]) continue;
      const component: number[] = [];
      let x: number | undefined;
      do {
        x = stack.pop();
        if (x === undefined) break;
        onStack[x] = 0;
        component.push(x);
      } while (x !== frame.v);
      if (component.length > 1 || selfLoops.has(frame.v)) for (const c of component) out.set(ids[c]!, frame.v);
    }
  }
  return out;
}

/** The graph with each edge that closes or lies on a cycle marked `cycle`, and the labels of the blocks on cycles (in the graph's order). */
export function markCycles(view: GraphViewModel): { readonly view: GraphViewModel; readonly labels: readonly string[] } {
  const on = nodesOnCycles(view);
  if (on.size === 0) return { view, labels: [] };
  const edges = view.edges.map((e) => (on.has(e.source) && on.get(e.source) === on.get(e.target) ? { ...e, cycle: true } : e));
  // With duplicate ids, edges reach the last block of an id (as the webview draws them): name that one.
  const last = new Map(view.nodes.map((n, i) => [n.id, i]));
  return { view: { ...view, edges }, labels: view.nodes.filter((n, i) => on.has(n.id) && last.get(n.id) === i).map((n) => n.label) };
}
