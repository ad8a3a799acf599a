import { JsoncTooDeepError, parse, parseTree } from '../../core/graph/jsonc';
import { Graph } from '../../core/graph/schema';
import { readGraphView } from '../../core/graph/syntaxTree';

/**
 * Reading a graph file's text for the panel: the graph when it is valid enough to draw, and
 * where each block sits in the text, to point diagnostics at blocks and to reveal a block.
 * vscode-free (offsets, not positions), tested in plain Node.
 */

export interface BlockSpan {
  readonly id: string;
  /** The block object's extent. */
  readonly offset: number;
  readonly length: number;
  /** The `"id"` value's extent, where "reveal" puts the cursor. */
  readonly idOffset: number;
  readonly idLength: number;
}

export interface ParsedGraphText {
  /** Undefined while the text is not a drawable graph (the preview keeps its last good drawing). */
  readonly graph?: Graph;
  readonly error?: string;
  readonly spans: readonly BlockSpan[];
}

export function parseGraphText(text: string): ParsedGraphText {
  try {
    return parseDrawable(text);
  } catch (error) {
    if (error instanceof JsoncTooDeepError) return { spans: [], error: error.message };
    throw error;
  }
}

function parseDrawable(text: string): ParsedGraphText {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const spans: BlockSpan[] = [];
  if (root) {
    for (const block of readGraphView(root).blocks) {
      if (block.id === undefined || !block.idNode) continue;
      spans.push({ id: block.id, offset: block.node.offset, length: block.node.length, idOffset: block.idNode.offset, idLength: block.idNode.length });
    }
  }
  const errors: Array<{ error: number; offset: number; length: number }> = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) return { spans, error: 'The file is not valid JSON.' };
  // The drawable part only: blocks and edges. The strict file schema (unknown keys, binding)
  // is the diagnostics' business; a typo elsewhere should not blank the drawing.
  const parsed = Graph.safeParse(typeof value === 'object' && value !== null ? { blocks: Reflect.get(value, 'blocks'), edges: Reflect.get(value, 'edges') ?? [] } : value);
  if (!parsed.success) return { spans, error: `The file is not a valid graph: ${parsed.error.issues[0]?.message ?? 'schema error'}.` };
  return { graph: parsed.data, spans };
}

export interface OffsetDiagnostic {
  readonly offset: number;
  readonly message: string;
}

/**
 * Which block each diagnostic is about: the innermost block whose text contains the diagnostic,
 * else a block whose id the message quotes (semantic checks such as "unreachable block \"x\""
 * may point at the edges or the top level).
 */
export function problemsByBlock(spans: readonly BlockSpan[], diagnostics: readonly OffsetDiagnostic[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (id: string, message: string): void => {
    const list = out.get(id) ?? [];
    list.push(message);
    out.set(id, list);
  };
  for (const d of diagnostics) {
    const inside = spans.find((s) => d.offset >= s.offset && d.offset < s.offset + s.length);
    if (inside) {
      add(inside.id, d.message);
      continue;
    }
    for (const s of spans) {
      if (d.message.includes(`"${s.id}"`) || d.message.includes(`'${s.id}'`) || d.message.includes(`“${s.id}”`)) add(s.id, d.message);
    }
  }
  return out;
}
