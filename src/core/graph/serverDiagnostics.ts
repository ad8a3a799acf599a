import { findNodeAtLocation, JsoncTooDeepError, parseTree } from './jsonc';
import type { Node } from './jsonc';
import type { GraphDiagnostic } from './graphDiagnostic';
import { readGraphView } from './syntaxTree';
import type { GraphView } from './syntaxTree';
import { LineIndex } from './textRange';

/**
 * Places a server-side graph rejection (Powabase's 400 VALIDATION_ERROR) in the file. The server
 * names the problem but not the position, so the message is matched against the four messages
 * Powabase sends and the node it refers to is found; anything else lands on `blocks`.
 */
export function serverValidationDiagnostics(text: string, message: string): GraphDiagnostic[] {
  const root = treeOrNothing(text);
  const lines = new LineIndex(text);
  const where = root ? locate(readGraphView(root), message) : undefined;
  const anchor = where?.node ?? (root ? (findNodeAtLocation(root, ['blocks'])?.parent?.children?.[0] ?? root) : undefined);
  const range = anchor ? lines.range(anchor.offset, anchor.length) : lines.range(0, 0);
  return [
    {
      range,
      severity: 'error',
      code: 'server-validation',
      message: `The server rejected the graph: ${message}`,
      ...(where?.blockId ? { relatedBlockIds: [where.blockId] } : {}),
    },
  ];
}

function locate(view: GraphView, message: string): { node: Node; blockId?: string } | undefined {
  // Adapters append context to the server's text ("… (HTTP 400 on PUT …)"), and a type may hold
  // spaces: match the file's own types against the message, longest first.
  const typed = view.blocks
    .filter((b) => b.type && b.typeNode && message.includes(`Unknown block type: ${b.type}`))
    .sort((a, b) => (b.type?.length ?? 0) - (a.type?.length ?? 0))[0];
  if (typed?.typeNode) return { node: typed.typeNode, blockId: typed.id };
  if (/Edge references a block not in this graph/i.test(message)) {
    const ids = new Set(view.blocks.map((b) => b.id));
    for (const e of view.edges) {
      if (e.sourceNode && !ids.has(e.source)) return { node: e.sourceNode };
      if (e.targetNode && !ids.has(e.target)) return { node: e.targetNode };
    }
  }
  if (/Each edge must have 'source' and 'target'/i.test(message)) {
    const edge = view.edges.find((e) => !e.source || !e.target);
    if (edge) return { node: edge.node };
  }
  if (/Each block must have 'id' and 'type'/i.test(message)) {
    const block = view.blocks.find((b) => !b.id || !b.type);
    if (block) return { node: block.node };
  }
  const duplicate = view.blocks.find((b, i) => b.id && b.idNode && view.blocks.findIndex((o) => o.id === b.id) < i && message.includes(`Duplicate block id: ${b.id}`));
  if (duplicate?.idNode) return { node: duplicate.idNode, blockId: duplicate.id };
  // The sandbox's own check ("Invalid simulation config on block X: ...").
  const configured = view.blocks.find((b) => b.id && message.includes(`on block ${b.id}:`));
  if (configured) return { node: configured.configNode ?? configured.idNode ?? configured.node, blockId: configured.id };
  return undefined;
}

/** The file's tree; none when it is too deep to parse (the message then lands at the start). */
function treeOrNothing(text: string): Node | undefined {
  try {
    return parseTree(text, [], { disallowComments: false, allowTrailingComma: true });
  } catch (error) {
    if (error instanceof JsoncTooDeepError) return undefined;
    throw error;
  }
}
