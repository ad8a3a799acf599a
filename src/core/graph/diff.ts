import type { Block, Edge, Graph } from './schema';
import { canonicalBlockType } from './schema';
import { oneLine } from '../../shared/format';

/**
 * Graph comparison for push review and pull. Both sides are compared after applying the defaults
 * the server fills in (`enabled` true, handles `output`/`input`, empty config, no condition), so
 * a graph read back from the server does not look changed just because the server spelled out a
 * default. Edges are identified by what they connect, not by id: Powabase generates edge ids on
 * every full replace, so ids alone would make every edge look new.
 */

export interface BlockChange {
  readonly id: string;
  /** The top-level keys that differ, e.g. ["config", "name"]. */
  readonly fields: readonly string[];
}

export interface GraphDiffSummary {
  readonly blocksAdded: readonly string[];
  readonly blocksRemoved: readonly string[];
  readonly blocksChanged: readonly BlockChange[];
  readonly edgesAdded: readonly string[];
  readonly edgesRemoved: readonly string[];
  /** Number of changes of all kinds; 0 when the graphs are equivalent. */
  readonly total: number;
}

const DEFAULT_SOURCE_HANDLE = 'output';
const DEFAULT_TARGET_HANDLE = 'input';

/** Compares `before` (the server's graph, or undefined when unknown) with `after` (the local one). */
export function diffGraphs(before: Graph | undefined, after: Graph): GraphDiffSummary {
  const old = new Map((before?.blocks ?? []).map((b) => [b.id, normalizeBlock(b)]));
  const now = new Map(after.blocks.map((b) => [b.id, normalizeBlock(b)]));
  const blocksAdded = [...now.keys()].filter((id) => !old.has(id));
  const blocksRemoved = [...old.keys()].filter((id) => !now.has(id));
  const blocksChanged: BlockChange[] = [];
  for (const [id, block] of now) {
    const previous = old.get(id);
    if (!previous) continue;
    const keys = new Set([...Object.keys(previous), ...Object.keys(block)]);
    const fields = [...keys].filter((k) => stableJson(previous[k]) !== stableJson(block[k])).sort();
    if (fields.length > 0) blocksChanged.push({ id, fields });
  }
  const { added: edgesAdded, removed: edgesRemoved } = diffEdges(before?.edges ?? [], after.edges);
  return {
    blocksAdded,
    blocksRemoved,
    blocksChanged,
    edgesAdded,
    edgesRemoved,
    total: blocksAdded.length + blocksRemoved.length + blocksChanged.length + edgesAdded.length + edgesRemoved.length,
  };
}

/** Multiset difference by edge key, so two parallel edges count twice. */
function diffEdges(before: readonly Edge[], after: readonly Edge[]): { added: string[]; removed: string[] } {
  const remaining = new Map<string, number>();
  for (const e of before) remaining.set(edgeKey(e), (remaining.get(edgeKey(e)) ?? 0) + 1);
  const added: string[] = [];
  for (const e of after) {
    const key = edgeKey(e);
    const left = remaining.get(key) ?? 0;
    if (left > 0) remaining.set(key, left - 1);
    else added.push(edgeLabel(e));
  }
  const removed: string[] = [];
  const afterCounts = new Map<string, number>();
  for (const e of after) afterCounts.set(edgeKey(e), (afterCounts.get(edgeKey(e)) ?? 0) + 1);
  for (const e of before) {
    const key = edgeKey(e);
    const left = afterCounts.get(key) ?? 0;
    if (left > 0) afterCounts.set(key, left - 1);
    else removed.push(edgeLabel(e));
  }
  return { added, removed };
}

/** What an edge connects; two edges with the same key are interchangeable. */
export function edgeKey(e: Edge): string {
  return JSON.stringify([e.source, e.target, e.sourceHandle ?? DEFAULT_SOURCE_HANDLE, e.targetHandle ?? DEFAULT_TARGET_HANDLE, e.condition ?? null]);
}

export function edgeLabel(e: Edge): string {
  return `${e.source} → ${e.target}${e.condition ? ` [${e.condition}]` : ''}`;
}

/** One line, e.g. "blocks +1 −0 ~2, edges +1 −1", for titles and confirmations. */
export function summaryLine(s: GraphDiffSummary): string {
  if (s.total === 0) return 'no changes';
  return `blocks +${s.blocksAdded.length} −${s.blocksRemoved.length} ~${s.blocksChanged.length}, edges +${s.edgesAdded.length} −${s.edgesRemoved.length}`;
}

/**
 * A readable list of every change, for modals, the output channel and the CLI: one change per
 * line. Ids and edge labels come from a file or a server, so each is flattened to one line: a
 * newline inside one must not print a fake change just above a confirmation prompt.
 */
export function summaryLines(s: GraphDiffSummary): string[] {
  const flat = (text: string): string => oneLine(text, 200);
  return [
    ...s.blocksAdded.map((id) => `+ block ${flat(id)}`),
    ...s.blocksRemoved.map((id) => `− block ${flat(id)}`),
    ...s.blocksChanged.map((c) => `~ block ${flat(c.id)} (${c.fields.join(', ')})`),
    ...s.edgesAdded.map((l) => `+ edge ${flat(l)}`),
    ...s.edgesRemoved.map((l) => `− edge ${flat(l)}`),
  ];
}

/** A block with the server's defaults applied and its type resolved, for comparison. */
function normalizeBlock(b: Block): Record<string, unknown> {
  const { id, type, name, position, config, enabled, ...rest } = b;
  return {
    ...rest,
    id,
    type: canonicalBlockType(type) ?? type,
    // Powabase (and the sandbox) store the id as the name when none is given.
    name: name === undefined || name === '' ? id : name,
    position: position ?? { x: 0, y: 0 },
    config: config ?? {},
    enabled: enabled !== false,
  };
}

/**
 * Pretty JSON of a graph for the diff editor: blocks by id, edges by what they connect, keys in a
 * fixed order, defaults filled in and edge ids left out (see the note at the top), so the two
 * sides line up and only real changes show.
 */
export function normalizedGraphText(graph: Graph | undefined): string {
  if (!graph) return '{\n  "blocks": [],\n  "edges": []\n}\n';
  const blocks = graph.blocks.map(normalizeBlock).sort((a, b) => compare(String(a.id), String(b.id)));
  const edges = graph.edges
    .map((e) => ({
      source: e.source,
      target: e.target,
      sourceHandle: e.sourceHandle ?? DEFAULT_SOURCE_HANDLE,
      targetHandle: e.targetHandle ?? DEFAULT_TARGET_HANDLE,
      condition: e.condition ?? null,
    }))
    .sort((a, b) => compare(edgeKey(a), edgeKey(b)));
  return `${JSON.stringify({ blocks: blocks.map(orderBlockKeys), edges: edges.map(markOrdered) }, sortValueKeys, 2)}\n`;
}

const BLOCK_KEY_ORDER = ['id', 'type', 'name', 'position', 'enabled', 'config'];

function orderBlockKeys(block: Record<string, unknown>): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const k of BLOCK_KEY_ORDER) if (k in block) ordered[k] = block[k];
  for (const k of Object.keys(block).sort(compare)) if (!(k in ordered)) ordered[k] = block[k];
  return markOrdered(ordered);
}

const ORDERED = Symbol('ordered');

/** Marks an object so the replacer leaves its deliberate key order alone. */
function markOrdered<T extends object>(value: T): T {
  return Object.defineProperty(value, ORDERED, { value: true, enumerable: false });
}

/** JSON.stringify replacer: objects (configs, outputs) get sorted keys unless already ordered. */
function sortValueKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ORDERED in value) return value;
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort(compare)) sorted[k] = (value as Record<string, unknown>)[k];
  return sorted;
}

/** JSON with object keys sorted at every depth: equal values give equal strings. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, sortValueKeys) ?? 'undefined';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
