import * as z from 'zod';

/**
 * White Rabbit run stages carry their module and no component id or name (seed 000, lines 53-62,
 * and the stream's `nonTerminalStages`): the tree can only say the module in words. A workspace
 * graph file bound to the workflow does name its components, each with the module in its config
 * (`config.module`, as White Rabbit's component records carry it). A stage is named from the file
 * only when exactly one named component runs its module: with two, the stage could be either, and
 * a wrong name is worse than the module in words.
 */

/** Only the parts read here; anything else in the file is left to the validator. */
const GraphBlocks = z.looseObject({ blocks: z.array(z.unknown()) });
const NamedBlock = z.looseObject({
  name: z.string().optional(),
  config: z.looseObject({ module: z.string().optional() }).optional(),
});

/** Names longer than this are cut: a label, not a document (a workflow's name from a file too). */
export const MAX_NAME_CHARS = 200;

/** Module → the name of the one component that runs it; modules run by several components are left out. */
export function componentNamesByModule(graph: unknown): Readonly<Record<string, string>> {
  const parsed = GraphBlocks.safeParse(graph);
  if (!parsed.success) return {};
  const names = new Map<string, string | undefined>();
  for (const raw of parsed.data.blocks) {
    // A malformed block (the validator reports it) names nothing, and costs the others nothing.
    const block = NamedBlock.safeParse(raw);
    const module = block.success ? block.data.config?.module : undefined;
    if (!block.success || !module) continue;
    const name = block.data.name?.trim().slice(0, MAX_NAME_CHARS);
    // A second component with the same module makes the module ambiguous for good.
    names.set(module, names.has(module) ? undefined : name || undefined);
  }
  const out: Record<string, string> = {};
  for (const [module, name] of names) if (name !== undefined) out[module] = name;
  return out;
}
