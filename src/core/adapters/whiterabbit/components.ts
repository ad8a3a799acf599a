import type { Block, Graph } from '../../graph/schema';

export interface ComponentUpdate {
  readonly id: string;
  readonly label: string;
  readonly patch: { config?: Record<string, unknown>; name?: string; position?: readonly [number, number] };
}

export interface ComponentPlan {
  readonly updates: readonly ComponentUpdate[];
  readonly notApplied: readonly string[];
}

/**
 * Plans a White Rabbit push: one update per existing component whose name, position or config
 * changed. Config is merged server-side, so only changed keys are sent; a key removed locally
 * cannot be removed remotely and is reported. Without a known previous graph every block is
 * sent whole (the server merges it anyway).
 */
export function diffComponents(graph: Graph, previous: Graph | undefined): ComponentPlan {
  const before = new Map((previous?.blocks ?? []).map((b) => [b.id, b]));
  const updates: ComponentUpdate[] = [];
  const notApplied: string[] = [];
  for (const block of graph.blocks) {
    const old = before.get(block.id);
    const label = block.name ? `${block.name} (${block.id})` : block.id;
    if (previous && !old) {
      notApplied.push(`block ${label} is new: White Rabbit cannot add components through the API; add it in the dashboard`);
      continue;
    }
    const patch = patchFor(block, old);
    if (old) {
      for (const key of Object.keys(old.config ?? {})) {
        if (!(key in (block.config ?? {}))) notApplied.push(`config key "${key}" of ${label} was removed locally; the API merges config and cannot delete keys`);
      }
    }
    if (Object.keys(patch).length > 0) updates.push({ id: block.id, label, patch });
  }
  for (const old of previous?.blocks ?? []) {
    if (!graph.blocks.some((b) => b.id === old.id)) {
      notApplied.push(`block ${old.name ?? old.id} was removed locally: White Rabbit cannot delete components through the API`);
    }
  }
  if (previous && JSON.stringify(previous.edges) !== JSON.stringify(graph.edges)) {
    notApplied.push('edges changed: White Rabbit cannot change connections between components through the API');
  }
  return { updates, notApplied };
}

function patchFor(block: Block, old: Block | undefined): ComponentUpdate['patch'] {
  const patch: { config?: Record<string, unknown>; name?: string; position?: readonly [number, number] } = {};
  if (block.name !== undefined && block.name !== old?.name) patch.name = block.name;
  if (block.position && (block.position.x !== old?.position?.x || block.position.y !== old?.position?.y)) {
    patch.position = [block.position.x, block.position.y];
  }
  const changed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(block.config ?? {})) {
    if (JSON.stringify(v) !== JSON.stringify(old?.config?.[k])) changed[k] = v;
  }
  if (Object.keys(changed).length > 0) patch.config = changed;
  return patch;
}
