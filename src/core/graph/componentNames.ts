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
const GraphNames = z.object({
  blocks: z.array(
    z.object({
      name: z.string().optional(),
      config: z.object({ module: z.string().optional() }).passthrough().optional(),
    }).passthrough(),
  ),
}).passthrough();

/** Names longer than this are cut: a label, not a document. */
const MAX_NAME = 200;

/** Module → the name of the one component that runs it; modules run by several components are left out. */
export function componentNamesByModule(graph: unknown): Readonly<Record<string, string>> {
  const parsed = GraphNames.safeParse(graph);
  if (!parsed.success) return {};
  const names = new Map<string, string | undefined>();
  for (const block of parsed.data.blocks) {
    const module = block.config?.module;
    if (!module) continue;
    const name = block.name?.trim().slice(0, MAX_NAME);
    // A second component with the same module makes the module ambiguous for good.
    names.set(module, names.has(module) ? undefined : name || undefined);
  }
  const out: Record<string, string> = {};
  for (const [module, name] of names) if (name !== undefined) out[module] = name;
  return out;
}
