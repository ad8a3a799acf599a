import type { Node } from './jsonc';
import { parseTree } from './jsonc';
import type { GraphDiagnosticCode } from './graphDiagnostic';
import { BLOCK_TYPE_ALIASES, BLOCK_TYPES } from './schema';
import { closest } from './suggest';
import type { BlockView, GraphView } from './syntaxTree';
import { readGraphView } from './syntaxTree';

/**
 * Quick fixes for what the validator reports (semantics.ts): pure text edits computed from the
 * file's text and the diagnostic's code and start offset, so the editor side only turns them into
 * a WorkspaceEdit. Every fix leaves the rest of the file as it was (its indentation, its order).
 */

/** Replace `length` characters at `offset` with `newText` (an insertion when `length` is 0). */
export interface GraphTextEdit {
  readonly offset: number;
  readonly length: number;
  readonly newText: string;
}

export interface GraphFix {
  /** What the user picks in the light-bulb menu. */
  readonly title: string;
  readonly edits: readonly GraphTextEdit[];
}

/** The diagnostic codes this module can fix. */
export const FIXABLE_CODES: ReadonlySet<GraphDiagnosticCode> = new Set(['missing-block', 'duplicate-block-id', 'unknown-block-type', 'missing-starter', 'missing-response']);

/** The fixes for the diagnostic with `code` that starts at `offset` in `text`; none when the text no longer matches it. */
export function graphFixes(text: string, code: GraphDiagnosticCode, offset: number): GraphFix[] {
  if (!FIXABLE_CODES.has(code)) return [];
  const root = parseTree(text);
  if (root?.type !== 'object') return [];
  const view = readGraphView(root);
  switch (code) {
    case 'missing-block':
      return didYouMeanBlock(view, offset);
    case 'duplicate-block-id':
      return renameDuplicate(view, offset);
    case 'unknown-block-type':
      return nearestType(view, offset);
    case 'missing-starter':
      return addStarter(text, view);
    case 'missing-response':
      return addResponse(text, view);
    default:
      return [];
  }
}

/** Applies non-overlapping edits (the form VS Code applies them in), for callers without an editor. */
export function applyGraphEdits(text: string, edits: readonly GraphTextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}

function blockIds(view: GraphView): string[] {
  return [...new Set(view.blocks.map((b) => b.id).filter((id): id is string => id !== undefined && id !== ''))];
}

function replaceString(node: Node, value: string): GraphTextEdit {
  return { offset: node.offset, length: node.length, newText: JSON.stringify(value) };
}

function didYouMeanBlock(view: GraphView, offset: number): GraphFix[] {
  for (const edge of view.edges) {
    for (const [value, node] of [
      [edge.source, edge.sourceNode],
      [edge.target, edge.targetNode],
    ] as const) {
      if (node?.offset !== offset || value === undefined) continue;
      const hint = closest(value, blockIds(view));
      return hint ? [{ title: `Change "${value}" to "${hint}"`, edits: [replaceString(node, hint)] }] : [];
    }
  }
  return [];
}

function renameDuplicate(view: GraphView, offset: number): GraphFix[] {
  const block = view.blocks.find((b) => b.idNode?.offset === offset);
  if (!block?.id || !block.idNode) return [];
  const fresh = freshId(block.id, blockIds(view));
  return [{ title: `Rename this block to "${fresh}"`, edits: [replaceString(block.idNode, fresh)] }];
}

function nearestType(view: GraphView, offset: number): GraphFix[] {
  const block = view.blocks.find((b) => b.typeNode?.offset === offset);
  if (block?.type === undefined || !block.typeNode) return [];
  // The same suggestion as the diagnostic's "Did you mean": a far-off type would be a guess.
  const hint = closest(block.type, [...BLOCK_TYPES, ...Object.keys(BLOCK_TYPE_ALIASES)]);
  return hint ? [{ title: `Change the block type to "${hint}"`, edits: [replaceString(block.typeNode, hint)] }] : [];
}

/** A starter first in "blocks", with an edge to every block nothing points to, so the graph can run. */
function addStarter(text: string, view: GraphView): GraphFix[] {
  const blocks = arrayOf(view, 'blocks');
  if (!blocks) return [];
  const id = freshId('start', blockIds(view));
  const targets = entryBlocks(view).map((b) => b.id as string);
  const edits = [insertItem(text, blocks, inlineJson({ id, type: 'starter', name: 'Start' }), 'start')];
  const edges = arrayOf(view, 'edges');
  if (edges && targets.length > 0) edits.push(insertItem(text, edges, targets.map((t) => inlineJson({ source: id, target: t })), 'start'));
  return [{ title: targets.length ? `Add a starter block "${id}" before ${quoteList(targets)}` : `Add a starter block "${id}"`, edits }];
}

/** A response last in "blocks", with an edge from every block that leads nowhere, so runs produce output. */
function addResponse(text: string, view: GraphView): GraphFix[] {
  const blocks = arrayOf(view, 'blocks');
  if (!blocks) return [];
  const id = freshId('respond', blockIds(view));
  const sources = exitBlocks(view).map((b) => b.id as string);
  const edits = [insertItem(text, blocks, inlineJson({ id, type: 'response', name: 'Respond' }), 'end')];
  const edges = arrayOf(view, 'edges');
  if (edges && sources.length > 0) edits.push(insertItem(text, edges, sources.map((s) => inlineJson({ source: s, target: id })), 'end'));
  return [{ title: sources.length ? `Add a response block "${id}" after ${quoteList(sources)}` : `Add a response block "${id}"`, edits }];
}

/** Blocks with an id that no edge points to (the first of each id). */
function entryBlocks(view: GraphView): BlockView[] {
  const targets = new Set(view.edges.map((e) => e.target));
  return uniqueBlocks(view).filter((b) => !targets.has(b.id));
}

/** Blocks with an id that no edge leaves. */
function exitBlocks(view: GraphView): BlockView[] {
  const sources = new Set(view.edges.map((e) => e.source));
  return uniqueBlocks(view).filter((b) => !sources.has(b.id));
}

function uniqueBlocks(view: GraphView): BlockView[] {
  const seen = new Set<string>();
  return view.blocks.filter((b) => b.id !== undefined && b.id !== '' && !seen.has(b.id) && seen.add(b.id));
}

/** `base`, or `base-2`, `base-3`… whichever is not taken. */
function freshId(base: string, taken: readonly string[]): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  let n = 2;
  while (used.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

function arrayOf(view: GraphView, key: 'blocks' | 'edges'): Node | undefined {
  const prop = view.root.children?.filter((p) => p.children?.[0]?.value === key).pop();
  const value = prop?.children?.[1];
  return value?.type === 'array' ? value : undefined;
}

/** One-line JSON with spaces, the way the samples write blocks and edges. */
function inlineJson(value: Record<string, string>): string {
  return `{ ${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')} }`;
}

function quoteList(ids: readonly string[]): string {
  const shown = ids.slice(0, 3).map((id) => `"${id}"`);
  return ids.length > 3 ? `${shown.join(', ')} and ${ids.length - 3} more` : shown.join(', ');
}

/**
 * Inserts items at the start or end of an array, matching its layout: one item per line at the
 * existing items' indentation, or inline when the array is written on one line.
 */
function insertItem(text: string, array: Node, item: string | readonly string[], at: 'start' | 'end'): GraphTextEdit {
  const items = typeof item === 'string' ? [item] : item;
  const children = array.children ?? [];
  const first = children[0];
  const last = children[children.length - 1];
  if (!first || !last) {
    const indent = indentOf(text, array.offset);
    const inner = `${indent}${unitOf(text)}`;
    return { offset: array.offset, length: array.length, newText: `[\n${items.map((i) => inner + i).join(',\n')}\n${indent}]` };
  }
  const multiLine = /[\r\n]/.test(text.slice(array.offset, first.offset));
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = indentOf(text, at === 'start' ? first.offset : last.offset);
  const sep = multiLine ? `,${eol}${indent}` : ', ';
  return at === 'start'
    ? { offset: first.offset, length: 0, newText: items.join(sep) + sep }
    : { offset: last.offset + last.length, length: 0, newText: sep + items.join(sep) };
}

/** The whitespace that starts the line holding `offset`. */
function indentOf(text: string, offset: number): string {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1) + 1, 0);
  return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
}

/** The file's indentation step, from its first indented line (two spaces if none). */
function unitOf(text: string): string {
  return /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
}
