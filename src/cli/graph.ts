import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Backend } from '../core/backend';
import { FlowscopeError } from '../core/errors';
import type { Graph } from '../core/graph/schema';
import { Graph as GraphSchema } from '../core/graph/schema';
import { formatZodIssues } from '../core/wire';
import type { Command, CommandContext } from './commands';
import { EXIT } from './exitCodes';
import { safeText } from './render';

/** `graph validate|pull|push`: the same checks and the same push path as the editor. */
export const graphCommand: Command = {
  offline: false,
  async run(ctx) {
    const [sub, target] = ctx.args;
    switch (sub) {
      case 'pull':
        return pull(ctx, need(ctx), required(target, 'WORKFLOW'));
      case 'push':
        return push(ctx, need(ctx), required(target, 'FILE'));
      default:
        throw new FlowscopeError('usage', `graph needs a subcommand: validate FILE, pull WORKFLOW or push FILE (got "${safeText(sub ?? '')}").`);
    }
  },
};

async function pull(ctx: CommandContext, backend: Backend, workflowId: string): Promise<number> {
  if (!backend.getGraph || !backend.capabilities.getGraph) {
    throw new FlowscopeError('unsupported', `${backend.connection.name}: this service does not serve workflow graphs.`);
  }
  const graph = await backend.getGraph(workflowId, ctx.signal);
  const text = `${JSON.stringify({ binding: { connection: backend.connection.name, workflowId }, ...graph }, null, 2)}\n`;
  if (!ctx.options.out) {
    ctx.out(text.trimEnd());
    return EXIT.ok;
  }
  // Write beside the target, then rename: an interrupted pull never leaves half a file.
  const temp = `${ctx.options.out}.${process.pid}.tmp`;
  await writeFile(temp, text, 'utf8');
  await rename(temp, ctx.options.out);
  ctx.err(`wrote ${graph.blocks.length} blocks and ${graph.edges.length} edges to ${ctx.options.out}`);
  return EXIT.ok;
}

async function push(ctx: CommandContext, backend: Backend, file: string): Promise<number> {
  if (!backend.pushGraph || backend.capabilities.pushGraph === 'none') {
    throw new FlowscopeError('unsupported', `${backend.connection.name}: this service cannot receive workflow graphs.`);
  }
  const { graph, workflowId } = await readGraphFile(file, ctx.options.workflow);
  const previous = backend.getGraph && backend.capabilities.getGraph ? await backend.getGraph(workflowId, ctx.signal) : undefined;
  if (!ctx.options.yes) {
    throw new FlowscopeError('usage', `Pushing replaces the graph of ${workflowId}; run again with --yes to confirm.`);
  }
  const report = await backend.pushGraph(workflowId, graph, previous, ctx.signal);
  for (const step of report.steps) ctx.err(step);
  for (const skipped of report.notApplied) ctx.err(`not applied: ${skipped}`);
  if (ctx.options.json) ctx.out(JSON.stringify(report));
  return EXIT.ok;
}

export async function readGraphFile(file: string, workflowOverride: string | undefined): Promise<{ graph: Graph; workflowId: string }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new FlowscopeError('usage', `Cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = GraphSchema.safeParse(json);
  if (!parsed.success) throw new FlowscopeError('validation', `${file} is not a valid graph: ${formatZodIssues(parsed.error)}`);
  const binding = (json as { binding?: { workflowId?: unknown } }).binding;
  const workflowId = workflowOverride ?? (typeof binding?.workflowId === 'string' ? binding.workflowId : undefined);
  if (!workflowId) throw new FlowscopeError('usage', `${file} has no binding.workflowId; pass --workflow ID.`);
  return { graph: { blocks: parsed.data.blocks, edges: parsed.data.edges }, workflowId };
}

function need(ctx: CommandContext): Backend {
  if (!ctx.backend) throw new FlowscopeError('usage', 'This command needs a connection.');
  return ctx.backend;
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new FlowscopeError('usage', `Missing ${name}.`);
  return value;
}
