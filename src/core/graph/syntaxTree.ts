import type { Node } from './jsonc';

/**
 * A tolerant view of a graph file's syntax tree: whatever blocks and edges can be read, with the
 * nodes their values came from. Semantic checks run on this rather than on the schema-validated
 * value, so one schema error (a string where a number goes) does not hide a duplicate id, and
 * every diagnostic can point at the exact node.
 */

export interface BlockView {
  readonly index: number;
  readonly node: Node;
  readonly id?: string;
  readonly idNode?: Node;
  readonly type?: string;
  readonly typeNode?: Node;
  readonly configNode?: Node;
  readonly config: ReadonlyMap<string, Node>;
}

export interface EdgeView {
  readonly index: number;
  readonly node: Node;
  readonly id?: string;
  readonly idNode?: Node;
  readonly source?: string;
  readonly sourceNode?: Node;
  readonly target?: string;
  readonly targetNode?: Node;
  readonly conditionNode?: Node;
}

export interface GraphView {
  readonly root: Node;
  /** The `blocks` property node (key and value), for diagnostics about the graph as a whole. */
  readonly blocksProperty?: Node;
  readonly blocks: readonly BlockView[];
  readonly edges: readonly EdgeView[];
  readonly bindingConnectionNode?: Node;
  readonly variables: ReadonlyMap<string, Node>;
}

/** The properties of an object node. */
export function propertiesOf(node: Node | undefined): Map<string, Node> {
  const props = new Map<string, Node>();
  if (node?.type !== 'object') return props;
  for (const prop of node.children ?? []) {
    const key = prop.children?.[0];
    const value = prop.children?.[1];
    // JSON.parse keeps the last duplicate key; jsonc-parser's getNodeValue does too. Match that.
    if (key?.type === 'string' && typeof key.value === 'string' && value) props.set(key.value, value);
  }
  return props;
}

/** The property node (key + value) of `key` in an object node. */
export function propertyNode(node: Node | undefined, key: string): Node | undefined {
  if (node?.type !== 'object') return undefined;
  let found: Node | undefined;
  for (const prop of node.children ?? []) {
    if (prop.children?.[0]?.value === key) found = prop;
  }
  return found;
}

function stringAt(props: Map<string, Node>, key: string): { value?: string; node?: Node } {
  const node = props.get(key);
  if (node?.type === 'string' && typeof node.value === 'string') return { value: node.value, node };
  return node ? { node } : {};
}

export function readGraphView(root: Node): GraphView {
  const top = propertiesOf(root);
  const blocks: BlockView[] = [];
  const blocksNode = top.get('blocks');
  if (blocksNode?.type === 'array') {
    (blocksNode.children ?? []).forEach((node, index) => {
      if (node.type !== 'object') return;
      const props = propertiesOf(node);
      const id = stringAt(props, 'id');
      const type = stringAt(props, 'type');
      const configNode = props.get('config');
      blocks.push({
        index,
        node,
        id: id.value,
        idNode: id.node,
        type: type.value,
        typeNode: type.node,
        configNode,
        config: propertiesOf(configNode),
      });
    });
  }
  const edges: EdgeView[] = [];
  const edgesNode = top.get('edges');
  if (edgesNode?.type === 'array') {
    (edgesNode.children ?? []).forEach((node, index) => {
      if (node.type !== 'object') return;
      const props = propertiesOf(node);
      const id = stringAt(props, 'id');
      const source = stringAt(props, 'source');
      const target = stringAt(props, 'target');
      edges.push({
        index,
        node,
        id: id.value,
        idNode: id.node,
        source: source.value,
        sourceNode: source.node,
        target: target.value,
        targetNode: target.node,
        conditionNode: props.get('condition'),
      });
    });
  }
  const binding = propertiesOf(top.get('binding'));
  return {
    root,
    blocksProperty: propertyNode(root, 'blocks'),
    blocks,
    edges,
    bindingConnectionNode: binding.get('connection'),
    variables: propertiesOf(top.get('variables')),
  };
}
