import type { Backend } from '../backend';
import { diffGraphs, edgeKey, stableJson } from './diff';
import { styleSample, writeGraphFileText } from './fileText';
import type { GraphDiffSummary } from './diff';
import type { GraphFile } from './graphFile';
import { toGraph } from './graphFile';
import { serviceName } from './pushPlan';
import type { Block, Edge, Graph } from './schema';
import { canonicalBlockType } from './schema';
import { analyzeGraphText } from './validate';
import { variablesOf } from './workflowMeta';

/**
 * Pull as one vscode-free step: read the server's graph and produce the new file text. The host
 * decides where it goes (the bound file through an undoable edit, or a new file) and guards
 * unsaved edits; this module guarantees that pulling what was just pushed changes nothing.
 */

export interface PullRequest {
  readonly backend: Backend;
  readonly connection: string;
  readonly workflowId: string;
  /** The current text of the bound file; its name, variables and layout choices are kept. */
  readonly localText?: string;
  readonly signal?: AbortSignal;
}

export type PullOutcome =
  | { readonly status: 'unsupported'; readonly message: string }
  /** The file already holds the server's graph; it should be left untouched. */
  | { readonly status: 'unchanged'; readonly graph: Graph }
  /** `summary` lists what the pull changes in the file (added = only on the server). */
  | { readonly status: 'changed'; readonly graph: Graph; readonly text: string; readonly summary: GraphDiffSummary };

export async function pullGraphFile(request: PullRequest): Promise<PullOutcome> {
  const { backend, workflowId, signal } = request;
  if (!backend.capabilities.getGraph || !backend.getGraph) {
    return { status: 'unsupported', message: `${serviceName(backend)}'s API does not serve workflow graphs, so there is nothing to pull.` };
  }
  const server = await backend.getGraph(workflowId, signal);
  const local = request.localText === undefined ? undefined : analyzeGraphText(request.localText, { targetKind: backend.kind }).file;
  const localGraph = local ? toGraph(local) : undefined;
  const summary = diffGraphs(localGraph, server);
  if (local && summary.total === 0) return { status: 'unchanged', graph: server };

  let head: Partial<GraphFile> = local ? withoutGraph(local) : {};
  if (!local) {
    const workflow = await backend.getWorkflow(workflowId, signal).catch(() => undefined);
    head = {
      ...(workflow?.name ? { name: workflow.name } : {}),
      ...(workflow?.description ? { description: workflow.description } : {}),
      ...(workflow?.variables?.length ? { variables: variablesOf(workflow.variables) } : {}),
    };
  }
  const written = asWritten(request.localText);
  const graph = keyOrderOf(reconcile(server, localGraph), written);
  const file: Record<string, unknown> = { ...head, binding: { connection: request.connection, workflowId }, blocks: graph.blocks, edges: graph.edges };
  if (local) {
    // Keep the file's own top-level key order (as written: the parsed file has the schema's); new keys go after.
    const ordered: Record<string, unknown> = {};
    for (const k of Object.keys(written ?? local)) if (k in file) ordered[k] = file[k];
    Object.assign(ordered, file);
    return { status: 'changed', graph: server, text: writeGraphFileText(ordered, request.localText), summary };
  }
  // A file that cannot be read keeps at least its line endings and indentation.
  return { status: 'changed', graph: server, text: writeGraphFileText(file, request.localText === undefined ? undefined : styleSample(request.localText)), summary };
}

/** The local file as written (key order included), when it is a JSON object. */
function asWritten(text: string | undefined): { blocks?: unknown; [key: string]: unknown } | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Each block's keys in the order the file writes that block's keys (the schema reorders them). */
function keyOrderOf(graph: Graph, written: { blocks?: unknown } | undefined): Graph {
  const templates = new Map<unknown, string[]>();
  for (const b of Array.isArray(written?.blocks) ? written.blocks : []) {
    if (b !== null && typeof b === 'object') templates.set((b as { id?: unknown }).id, Object.keys(b));
  }
  const blocks = graph.blocks.map((block) => {
    const order = templates.get(block.id);
    if (!order) return block;
    const out: Record<string, unknown> = {};
    for (const k of order) if (k in block) out[k] = (block as Record<string, unknown>)[k];
    return Object.assign(out, block) as Block;
  });
  return { blocks, edges: graph.edges };
}

function withoutGraph(file: GraphFile): Partial<GraphFile> {
  const { blocks: _b, edges: _e, ...rest } = file;
  return rest;
}

/** Values the server fills in; a pulled block leaves them out where the local file did. */
const BLOCK_DEFAULTS: Record<string, (value: unknown, block: Block) => boolean> = {
  enabled: (v) => v === true,
  name: (v, b) => v === b.id,
  position: (v) => stableJson(v) === stableJson({ x: 0, y: 0 }),
  config: (v) => stableJson(v) === '{}',
};

const EDGE_DEFAULTS: Record<string, (value: unknown) => boolean> = {
  sourceHandle: (v) => v === 'output',
  targetHandle: (v) => v === 'input',
  condition: (v) => v === null || v === undefined,
};

/**
 * The server's graph written the way the local file writes it: local order, local key order, the
 * local alias of a type, and no server-filled defaults the file did not spell out. Edge ids the
 * server generated for edges the file gave no id are dropped (Powabase regenerates them on every
 * replace). The result is equivalent to the server's graph under `diffGraphs`.
 */
export function reconcile(server: Graph, local: Graph | undefined): Graph {
  const localBlocks = new Map((local?.blocks ?? []).map((b, i) => [b.id, { block: b, index: i }]));
  const blocks = server.blocks
    .map((b, i) => ({ block: reconcileBlock(b, localBlocks.get(b.id)?.block), order: localBlocks.get(b.id)?.index ?? Number.MAX_SAFE_INTEGER, i }))
    .sort((a, b) => a.order - b.order || a.i - b.i)
    .map((x) => x.block);

  const pool = new Map<string, Array<{ edge: Edge; index: number }>>();
  (local?.edges ?? []).forEach((e, index) => pool.set(edgeKey(e), [...(pool.get(edgeKey(e)) ?? []), { edge: e, index }]));
  const edges = server.edges
    .map((e, i) => {
      const match = pool.get(edgeKey(e))?.shift();
      return { edge: reconcileEdge(e, match?.edge), order: match?.index ?? Number.MAX_SAFE_INTEGER, i };
    })
    .sort((a, b) => a.order - b.order || a.i - b.i)
    .map((x) => x.edge);
  return { blocks, edges };
}

function reconcileBlock(server: Block, local: Block | undefined): Block {
  const out: Record<string, unknown> = {};
  const keys = orderedKeys(server, local);
  for (const k of keys) {
    const value = (server as Record<string, unknown>)[k];
    if (value === undefined) continue;
    const isDefault = BLOCK_DEFAULTS[k]?.(value, server) ?? false;
    if (isDefault && (!local || !(k in local))) continue;
    out[k] = value;
  }
  if (local && local.type !== server.type && canonicalBlockType(local.type) === canonicalBlockType(server.type)) out.type = local.type;
  return out as Block;
}

function reconcileEdge(server: Edge, local: Edge | undefined): Edge {
  const out: Record<string, unknown> = {};
  for (const k of orderedKeys(server, local)) {
    const value = (server as Record<string, unknown>)[k];
    if (value === undefined) continue;
    if (local && !(k in local) && (k === 'id' || EDGE_DEFAULTS[k]?.(value))) continue;
    if (!local && EDGE_DEFAULTS[k]?.(value)) continue;
    out[k] = value;
  }
  return out as Edge;
}

function orderedKeys(server: object, local: object | undefined): string[] {
  const keys = local ? Object.keys(local).filter((k) => k in server) : [];
  for (const k of Object.keys(server)) if (!keys.includes(k)) keys.push(k);
  return keys;
}
