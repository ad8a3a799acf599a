import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Backend } from '../core/backend';
import { FlowscopeError } from '../core/errors';
import type { CreateReview } from '../core/graph/createPlan';
import { createWorkflowFromFile } from '../core/graph/createPlan';
import { summaryLines } from '../core/graph/diff';
import { formatDiagnostic } from '../core/graph/graphDiagnostic';
import { FILE_SUFFIX } from '../core/graph/fileSuffix';
import type { CommandContext } from './commands';
import { EXIT } from './exitCodes';
import { safeText } from './render';

/**
 * `graph push FILE --create`: creates a workflow from an unbound file on the `--connection`,
 * pushes its graph, then writes the new binding into the file.
 */
export async function pushAsNew(ctx: CommandContext, backend: Backend, file: string, text: string): Promise<number> {
  if (ctx.options.workflow) throw new FlowscopeError('usage', '--create makes a new workflow: it cannot be combined with --workflow.');
  const outcome = await createWorkflowFromFile({
    text,
    backend,
    fallbackName: basename(file).replace(new RegExp(`${FILE_SUFFIX.replace(/\./g, '\\.')}$`), '').replace(/\.json$/, ''),
    confirm: (review) => confirmCreate(ctx, review),
    signal: ctx.signal,
  });
  switch (outcome.status) {
    case 'invalid':
      for (const d of outcome.diagnostics) ctx.err(formatDiagnostic(d, file));
      throw new FlowscopeError('validation', `${file} has ${outcome.diagnostics.length} error(s); nothing was created.`);
    case 'unsupported':
      throw new FlowscopeError('unsupported', outcome.message);
    case 'bound':
      throw new FlowscopeError('usage', outcome.message);
    case 'declined':
      ctx.err('not created (confirm with --yes)');
      return EXIT.usage;
    case 'rejected':
      await writeBound(ctx, file, text, outcome.text);
      for (const d of outcome.diagnostics) ctx.err(formatDiagnostic(d, file));
      ctx.err(`created workflow ${outcome.workflowId}, but its graph was not saved; ${file} is bound to it: fix the file and push again`);
      throw outcome.error;
    case 'created':
      await writeBound(ctx, file, text, outcome.text);
      for (const step of outcome.report.steps) ctx.err(step);
      for (const skipped of outcome.report.notApplied) ctx.err(`not applied: ${skipped}`);
      ctx.err(`${file} is now bound to ${backend.connection.name}/${outcome.workflowId}`);
      if (ctx.options.json) ctx.out(JSON.stringify({ workflowId: outcome.workflowId, ...outcome.report }));
      else ctx.out(outcome.workflowId);
      return EXIT.ok;
  }
}

async function confirmCreate(ctx: CommandContext, review: CreateReview): Promise<boolean> {
  ctx.err(`new workflow "${safeText(review.meta.name)}" on ${review.connection}`);
  for (const line of summaryLines(review.summary)) ctx.err(line);
  if (ctx.options.yes) return true;
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`Create it on ${review.connection}? [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** Writes the bound text, unless the file changed meanwhile (then says how to bind it by hand). */
async function writeBound(ctx: CommandContext, file: string, before: string, after: string): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current !== before) {
    throw new FlowscopeError('usage', `${file} changed while the workflow was being created; its binding was not written. Add it by hand:\n${after}`);
  }
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, after, 'utf8');
  await rename(temp, file);
}
