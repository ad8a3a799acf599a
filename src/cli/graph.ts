import { createInterface } from 'node:readline/promises';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Backend } from '../core/backend';
import { FlowscopeError } from '../core/errors';
import { formatDiagnostic, hasErrors } from '../core/graph/graphDiagnostic';
import { summaryLines } from '../core/graph/diff';
import type { PushReview } from '../core/graph/pushPlan';
import { pushGraphFile, pushQuestion } from '../core/graph/pushPlan';
import { pullGraphFile } from '../core/graph/pullPlan';
import { validateGraphText } from '../core/graph/validate';
import type { Command, CommandContext } from './commands';
import { EXIT } from './exitCodes';
import { pushAsNew } from './graphCreate';
import { neutraliseLine, safeText } from './render';

/** `graph validate|pull|push`: the same checks and the same push and pull sequences as the editor. */
export const graphCommand: Command = {
  offline: (args) => args[0] === 'validate',
  async run(ctx) {
    const [sub, target] = ctx.args;
    switch (sub) {
      case 'validate':
        return validate(ctx, required(target, 'FILE'));
      case 'pull':
        return pull(ctx, need(ctx), required(target, 'WORKFLOW'));
      case 'push':
        return push(ctx, need(ctx), required(target, 'FILE'));
      default:
        throw new FlowscopeError('usage', `graph needs a subcommand: validate FILE, pull WORKFLOW or push FILE (got "${safeText(sub ?? '')}").`);
    }
  },
};

async function validate(ctx: CommandContext, file: string): Promise<number> {
  const diagnostics = validateGraphText(await readText(file));
  for (const d of diagnostics) ctx.out(ctx.options.json ? JSON.stringify(d) : formatDiagnostic(d, file));
  if (!ctx.options.json) ctx.err(diagnostics.length === 0 ? `${file}: no problems` : `${file}: ${diagnostics.length} problem(s)`);
  return hasErrors(diagnostics) ? EXIT.usage : EXIT.ok;
}

async function pull(ctx: CommandContext, backend: Backend, workflowId: string): Promise<number> {
  const out = ctx.options.out;
  const localText = out ? await readFile(out, 'utf8').catch(() => undefined) : undefined;
  const outcome = await pullGraphFile({ backend, connection: backend.connection.name, workflowId, localText, signal: ctx.signal });
  if (outcome.status === 'unsupported') throw new FlowscopeError('unsupported', outcome.message);
  if (outcome.status === 'unchanged') {
    ctx.err(`${out ?? 'the graph'} already matches the server; nothing written`);
    return EXIT.ok;
  }
  if (!out) {
    ctx.out(outcome.text.trimEnd());
    return EXIT.ok;
  }
  // The file may have been saved again while the server answered: never overwrite an edit we
  // have not seen (nor backed up).
  const current = await readFile(out, 'utf8').catch(() => undefined);
  if (current !== localText) {
    throw new FlowscopeError('usage', `${out} changed while the graph was being pulled; nothing was written. Run the pull again.`);
  }
  if (localText !== undefined) {
    // What the pull replaces stays recoverable.
    await writeFile(`${out}.bak`, localText, 'utf8');
    ctx.err(`previous content saved to ${out}.bak`);
  }
  // Write beside the target, then rename: an interrupted pull never leaves half a file.
  const temp = `${out}.${process.pid}.tmp`;
  await writeFile(temp, outcome.text, 'utf8');
  await rename(temp, out);
  for (const line of summaryLines(outcome.summary)) ctx.err(line);
  ctx.err(`wrote ${outcome.graph.blocks.length} blocks and ${outcome.graph.edges.length} edges to ${out}`);
  return EXIT.ok;
}

async function push(ctx: CommandContext, backend: Backend, file: string): Promise<number> {
  const text = await readText(file);
  if (ctx.options.create) return pushAsNew(ctx, backend, file, text);
  const workflowId = ctx.options.workflow ?? boundWorkflow(text);
  if (!workflowId) throw new FlowscopeError('usage', `${file} has no binding.workflowId; pass --workflow ID, or --create to make a new workflow from it.`);
  const outcome = await pushGraphFile({ text, backend, workflowId, signal: ctx.signal, confirm: (review) => confirm(ctx, review, backend.connection.name) });
  switch (outcome.status) {
    case 'invalid':
      for (const d of outcome.diagnostics) ctx.err(formatDiagnostic(d, file));
      throw new FlowscopeError('validation', `${file} has ${outcome.diagnostics.length} error(s); nothing was pushed.`);
    case 'unsupported':
      throw new FlowscopeError('unsupported', outcome.message);
    case 'unchanged':
      ctx.err('the server already has this graph; nothing pushed');
      return EXIT.ok;
    case 'declined':
      ctx.err('not pushed (confirm with --yes)');
      return EXIT.usage;
    case 'rejected':
      for (const d of outcome.diagnostics) ctx.err(formatDiagnostic(d, file));
      throw outcome.error;
    case 'pushed':
      for (const step of outcome.report.steps) ctx.err(step);
      for (const skipped of outcome.report.notApplied) ctx.err(`not applied: ${skipped}`);
      if (ctx.options.json) ctx.out(JSON.stringify(outcome.report));
      return EXIT.ok;
  }
}

/** Shows what will change; pushes on --yes, or on "y" at an interactive prompt. */
async function confirm(ctx: CommandContext, review: PushReview, connection: string): Promise<boolean> {
  for (const line of summaryLines(review.summary)) ctx.err(line);
  for (const line of review.notApplicable) ctx.err(`cannot apply: ${line}`);
  for (const field of Object.keys(review.meta)) ctx.err(`workflow ${field} changes to the file's`);
  if (ctx.options.yes) return true;
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    // The prompt bypasses the line writers: neutralise it here (the id comes from the file or --workflow).
    return /^y(es)?$/i.test((await rl.question(`${neutraliseLine(pushQuestion(review, connection))} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function boundWorkflow(text: string): string | undefined {
  try {
    const binding = (JSON.parse(text) as { binding?: { workflowId?: unknown } }).binding;
    return typeof binding?.workflowId === 'string' ? binding.workflowId : undefined;
  } catch {
    return undefined;
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new FlowscopeError('usage', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function need(ctx: CommandContext): Backend {
  if (!ctx.backend) throw new FlowscopeError('usage', 'This command needs a connection.');
  return ctx.backend;
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new FlowscopeError('usage', `Missing ${name}.`);
  return value;
}
