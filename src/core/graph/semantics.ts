import type { Node } from './jsonc';
import type { BackendKind } from '../model';
import type { GraphDiagnostic, GraphDiagnosticCode, GraphSeverity } from './graphDiagnostic';
import { BLOCK_TYPE_ALIASES, BLOCK_TYPES, canonicalBlockType } from './schema';
import type { BlockView, EdgeView, GraphView } from './syntaxTree';
import { propertiesOf } from './syntaxTree';
import type { LineIndex } from './textRange';
import { closest } from './suggest';

/** Entry points: a run starts at a starter block, or at a webhook block when the webhook is called. */
const TRIGGER_TYPES: ReadonlySet<string> = new Set(['starter', 'webhook']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** 32 random bytes in base64url are 43 characters; shorter secrets are guessable sooner. */
const MIN_SECRET_LENGTH = 32;

type Report = (node: Node, severity: GraphSeverity, code: GraphDiagnosticCode, message: string, related?: readonly string[]) => void;

/** The graph-level checks the JSON Schema cannot express. */
export function checkSemantics(view: GraphView, lines: LineIndex, targetKind: BackendKind | undefined): GraphDiagnostic[] {
  const out: GraphDiagnostic[] = [];
  const report: Report = (node, severity, code, message, related) => {
    out.push({ range: lines.range(node.offset, node.length), severity, code, message, ...(related ? { relatedBlockIds: related } : {}) });
  };

  const byId = new Map<string, BlockView>();
  for (const block of view.blocks) {
    // An empty id is a schema error already; treating it as a block would only add noise.
    if (block.id === undefined || block.id === '' || !block.idNode) continue;
    if (byId.has(block.id)) {
      report(block.idNode, 'error', 'duplicate-block-id', `Duplicate block id "${block.id}": block ids must be unique.`, [block.id]);
    } else {
      byId.set(block.id, block);
    }
  }

  checkTarget(view, targetKind, report);
  for (const block of view.blocks) {
    checkBlockType(block, targetKind, report);
    checkWebhook(block, report);
  }
  checkEdges(view, byId, report);
  checkEntryAndExit(view, report);
  checkCycles(view, byId, report);
  checkReachability(view, byId, report);
  checkVariables(view, report);
  return out;
}

function checkTarget(view: GraphView, targetKind: BackendKind | undefined, report: Report): void {
  if (targetKind === 'supervity' && view.bindingConnectionNode) {
    report(
      view.bindingConnectionNode,
      'warning',
      'target-no-graph',
      'Supervity Auto has no graph API: this file can be validated and previewed, but not pushed or pulled.',
    );
  }
}

function checkBlockType(block: BlockView, targetKind: BackendKind | undefined, report: Report): void {
  if (block.type === undefined || !block.typeNode || block.type === '') return;
  if (canonicalBlockType(block.type)) return;
  // White Rabbit never receives a block type (its components are updated, not created), and
  // Supervity has no graph API: only Powabase, or a file bound to nothing yet, is checked.
  if (targetKind === 'whiterabbit' || targetKind === 'supervity') return;
  const known = [...BLOCK_TYPES, ...Object.keys(BLOCK_TYPE_ALIASES)];
  const hint = closest(block.type, known);
  const message =
    `Unknown block type "${block.type}".` +
    (hint ? ` Did you mean "${hint}"?` : '') +
    ` Powabase accepts: ${BLOCK_TYPES.join(', ')}.`;
  report(block.typeNode, targetKind === 'powabase' ? 'error' : 'warning', 'unknown-block-type', message, block.id ? [block.id] : undefined);
}

function checkWebhook(block: BlockView, report: Report): void {
  if (!block.typeNode || block.type === undefined || canonicalBlockType(block.type) !== 'webhook') return;
  const label = block.id ?? `#${block.index}`;
  const related = block.id ? [block.id] : undefined;
  const idNode = block.config.get('webhook_id');
  if (idNode?.type !== 'string' || idNode.value === '') {
    report(
      block.typeNode,
      'error',
      'webhook-missing-id',
      `Webhook block "${label}" has no config.webhook_id. Powabase expects the client to mint it: use "Flowscope: Insert Webhook Block".`,
      related,
    );
  } else if (typeof idNode.value === 'string' && !UUID.test(idNode.value)) {
    report(idNode, 'error', 'webhook-invalid-id', `config.webhook_id of "${label}" must be a UUID.`, related);
  }
  const secretNode = block.config.get('webhook_secret');
  if (secretNode?.type !== 'string' || secretNode.value === '') {
    report(
      block.typeNode,
      'error',
      'webhook-missing-secret',
      `Webhook block "${label}" has no config.webhook_secret: callers could not authenticate.`,
      related,
    );
  } else if (typeof secretNode.value === 'string' && secretNode.value.length < MIN_SECRET_LENGTH) {
    report(
      secretNode,
      'warning',
      'webhook-weak-secret',
      `config.webhook_secret of "${label}" is shorter than ${MIN_SECRET_LENGTH} characters; mint a strong one with "Flowscope: Insert Webhook Block".`,
      related,
    );
  }
}

function checkEdges(view: GraphView, byId: ReadonlyMap<string, BlockView>, report: Report): void {
  const edgeIds = new Set<string>();
  for (const edge of view.edges) {
    if (edge.id !== undefined && edge.idNode) {
      if (edgeIds.has(edge.id)) report(edge.idNode, 'error', 'duplicate-edge-id', `Duplicate edge id "${edge.id}": edge ids must be unique.`);
      edgeIds.add(edge.id);
    }
    for (const [end, value, node] of [
      ['source', edge.source, edge.sourceNode],
      ['target', edge.target, edge.targetNode],
    ] as const) {
      if (value === undefined || value === '' || !node || byId.has(value)) continue;
      const hint = closest(value, [...byId.keys()]);
      report(node, 'error', 'missing-block', `Edge ${end} "${value}" is not a block in this graph.${hint ? ` Did you mean "${hint}"?` : ''}`, [value]);
    }
    const source = edge.source === undefined ? undefined : byId.get(edge.source);
    if (source?.type !== undefined && canonicalBlockType(source.type) === 'condition' && edge.sourceNode && !hasCondition(edge)) {
      report(
        edge.sourceNode,
        'error',
        'condition-edge-missing-condition',
        `Edge from condition block "${edge.source}" has no "condition": it would be taken on every route.`,
        [edge.source ?? ''],
      );
    }
  }
}

function hasCondition(edge: EdgeView): boolean {
  const node = edge.conditionNode;
  return node?.type === 'string' && node.value !== '';
}

function checkEntryAndExit(view: GraphView, report: Report): void {
  const key = view.blocksProperty?.children?.[0];
  if (!key || view.blocksProperty?.children?.[1]?.type !== 'array') return;
  const types = view.blocks.map((b) => (b.type === undefined ? undefined : canonicalBlockType(b.type)));
  if (!types.some((t) => t !== undefined && TRIGGER_TYPES.has(t))) {
    report(key, 'error', 'missing-starter', 'The graph has no starter block (type "starter" or "webhook"), so no run could start.');
  }
  if (!types.includes('response')) {
    report(key, 'warning', 'missing-response', 'The graph has no response block, so its runs produce no output.');
  }
}

/**
 * Depth-first search, iterative so a long chain cannot overflow the stack. Each back edge closes
 * exactly one cycle, read off the DFS path; it is reported on that edge's `target`.
 */
function checkCycles(view: GraphView, byId: ReadonlyMap<string, BlockView>, report: Report): void {
  const adjacency = adjacencyOf(view, byId);
  const state = new Map<string, 'open' | 'done'>();
  for (const start of byId.keys()) {
    if (state.has(start)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    const depthOf = new Map<string, number>([[start, 0]]);
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (!top) break;
      const outs = adjacency.get(top.id) ?? [];
      const edge = outs[top.next++];
      if (!edge) {
        state.set(top.id, 'done');
        depthOf.delete(top.id);
        stack.pop();
        continue;
      }
      const target = edge.target ?? '';
      const seen = state.get(target);
      if (seen === undefined) {
        state.set(target, 'open');
        depthOf.set(target, stack.length);
        stack.push({ id: target, next: 0 });
      } else if (seen === 'open' && edge.targetNode) {
        const cycle = stack.slice(depthOf.get(target) ?? 0).map((s) => s.id);
        report(edge.targetNode, 'error', 'cycle', `Cycle: ${[...cycle, target].join(' → ')}. A workflow graph must not loop.`, cycle);
      }
    }
  }
}

function adjacencyOf(view: GraphView, byId: ReadonlyMap<string, BlockView>): Map<string, EdgeView[]> {
  const adjacency = new Map<string, EdgeView[]>();
  for (const edge of view.edges) {
    if (edge.source === undefined || edge.target === undefined) continue;
    if (!byId.has(edge.source) || !byId.has(edge.target)) continue;
    const list = adjacency.get(edge.source) ?? [];
    list.push(edge);
    adjacency.set(edge.source, list);
  }
  return adjacency;
}

function checkReachability(view: GraphView, byId: ReadonlyMap<string, BlockView>, report: Report): void {
  const isTrigger = (b: BlockView): boolean => {
    const t = b.type === undefined ? undefined : canonicalBlockType(b.type);
    return t !== undefined && TRIGGER_TYPES.has(t);
  };
  const roots = [...byId.values()].filter(isTrigger).map((b) => b.id ?? '');
  // Without an entry point everything is unreachable; missing-starter already says why.
  if (roots.length === 0) return;
  const adjacency = adjacencyOf(view, byId);
  const reached = new Set(roots);
  const queue = [...roots];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const edge of adjacency.get(id) ?? []) {
      const t = edge.target ?? '';
      if (!reached.has(t)) {
        reached.add(t);
        queue.push(t);
      }
    }
  }
  for (const block of byId.values()) {
    if (reached.has(block.id ?? '') || !block.idNode) continue;
    report(block.idNode, 'warning', 'unreachable-block', `Block "${block.id}" is not reachable from a starter or webhook block, so it never runs.`, [
      block.id ?? '',
    ]);
  }
}

function checkVariables(view: GraphView, report: Report): void {
  for (const [name, node] of view.variables) {
    const props = propertiesOf(node);
    const typeNode = props.get('type');
    const defaultNode = props.get('default');
    if (typeNode?.type !== 'string' || !defaultNode) continue;
    const declared = typeNode.value;
    const actual = defaultNode.type;
    if (actual === 'null' || (typeof declared === 'string' && declared === actual)) continue;
    if (typeof declared !== 'string' || !['string', 'number', 'boolean', 'object', 'array'].includes(declared)) continue;
    report(defaultNode, 'warning', 'variable-default-type', `The default of "${name}" is ${article(actual)}, but the variable is declared as ${declared}.`);
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
