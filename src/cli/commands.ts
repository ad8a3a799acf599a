import { readFile } from 'node:fs/promises';
import type { Backend } from '../core/backend';
import { FlowscopeError } from '../core/errors';
import type { Run } from '../core/model';
import { isTerminalRun } from '../core/model';
import { truncationNote } from '../core/adapters/paging';
import { readEnvs } from './envs';
import { EXIT, exitCodeForRun } from './exitCodes';
import { graphCommand } from './graph';
import { formatDuration, ProgressPrinter, runJson, safeText, summaryCounts } from './render';

export interface CommandOptions {
  readonly json?: boolean;
  readonly input?: string[];
  readonly 'inputs-file'?: string;
  readonly env?: string[];
  readonly wait?: boolean;
  readonly reason?: string;
  readonly workflow?: string;
  readonly limit?: string;
  readonly out?: string;
  readonly yes?: boolean;
  /** `graph push --create`: make a new workflow from an unbound file. */
  readonly create?: boolean;
}

export interface CommandContext {
  readonly args: readonly string[];
  readonly options: CommandOptions;
  /** Absent only for offline commands. */
  readonly backend: Backend | undefined;
  readonly signal: AbortSignal;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Registers a value that must never be written out (an env override may be a secret). */
  readonly secret?: (value: string) => void;
}

export interface Command {
  /** Runs without a connection (e.g. validating a file). */
  readonly offline?: (args: readonly string[]) => boolean;
  run(ctx: CommandContext): Promise<number>;
}

export const commands: Readonly<Record<string, Command>> = {
  workflows: {
    async run(ctx) {
      const backend = need(ctx);
      const workflows = await backend.listWorkflows(ctx.signal);
      for (const wf of workflows) {
        if (ctx.options.json) ctx.out(JSON.stringify(wf));
        else ctx.out([safeText(wf.id), safeText(wf.name), safeText(wf.state ?? '')].filter(Boolean).join('  '));
      }
      // On stderr, so `--json` output stays one workflow per line.
      if (workflows.truncated) ctx.err(`note: ${truncationNote(workflows.truncated, 'workflows')}`);
      return EXIT.ok;
    },
  },
  runs: {
    async run(ctx) {
      const backend = need(ctx);
      const workflowId = arg(ctx, 0, 'WORKFLOW');
      if (!backend.capabilities.listRuns) {
        throw new FlowscopeError('unsupported', `${label(backend)} has no endpoint to list runs; use "flowscope run RUN_ID" with a run id you know.`);
      }
      const limit = ctx.options.limit ? Number(ctx.options.limit) : 20;
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new FlowscopeError('usage', '--limit must be a whole number from 1 to 100.');
      const page = await backend.listRuns(workflowId, { limit }, ctx.signal);
      for (const run of page.runs) {
        if (ctx.options.json) ctx.out(runJson(run));
        else ctx.out(`${safeText(run.id)}  ${run.status}  ${safeText(run.createdAt ?? '')}`);
      }
      return EXIT.ok;
    },
  },
  run: {
    async run(ctx) {
      const backend = need(ctx);
      const run = await backend.getRun({ id: arg(ctx, 0, 'RUN_ID'), workflowId: ctx.options.workflow }, ctx.signal);
      if (ctx.options.json) ctx.out(runJson(run));
      else printRun(ctx, run);
      return isTerminalRun(run.status) ? exitCodeForRun(run.status) : EXIT.ok;
    },
  },
  trigger: {
    async run(ctx) {
      const backend = need(ctx);
      const workflowId = arg(ctx, 0, 'WORKFLOW');
      // Refused before anything is read or sent: an input the service would drop must not look accepted.
      if (!backend.capabilities.triggerInputs && (ctx.options.input?.length || ctx.options['inputs-file'] !== undefined)) {
        throw new FlowscopeError('usage', noInputsMessage(backend));
      }
      const inputs = await readInputs(ctx.options);
      const envs = readEnvs(ctx.options.env);
      const hasEnvs = Object.keys(envs).length > 0;
      if (hasEnvs && !backend.capabilities.triggerEnvs) {
        throw new FlowscopeError('unsupported', `${label(backend)} takes no environment overrides: --env is for Supervity Auto connections.`);
      }
      for (const value of Object.values(envs)) ctx.secret?.(value);
      const printer = new ProgressPrinter(ctx.err);
      // Powabase streams belong to the request that started the run: leaving early could stop it.
      const follow = ctx.options.wait || backend.kind === 'powabase';
      let last: Run | undefined;
      const shown = {};
      for await (const run of backend.trigger(workflowId, inputs, { signal: ctx.signal, ...(hasEnvs ? { envs } : {}) })) {
        last = run;
        if (!follow) {
          if (run.id.startsWith('pending:')) continue;
          ctx.out(ctx.options.json ? runJson(run) : safeText(run.id));
          return EXIT.ok;
        }
        show(ctx, printer, run, shown);
      }
      return finish(ctx, printer, last);
    },
  },
  watch: {
    async run(ctx) {
      const backend = need(ctx);
      const ref = { id: arg(ctx, 0, 'RUN_ID'), workflowId: ctx.options.workflow };
      const printer = new ProgressPrinter(ctx.err);
      let last: Run | undefined;
      const shown = {};
      for await (const run of backend.follow(ref, { signal: ctx.signal })) {
        last = run;
        show(ctx, printer, run, shown);
      }
      return finish(ctx, printer, last);
    },
  },
  cancel: {
    async run(ctx) {
      const backend = need(ctx);
      if (ctx.args.length === 0) throw new FlowscopeError('usage', 'cancel needs at least one RUN_ID.');
      if (!backend.cancel || backend.capabilities.cancel === 'none') {
        throw new FlowscopeError('unsupported', `${label(backend)} has no cancel endpoint for API keys; stop the run from its dashboard.`);
      }
      const outcomes = await backend.cancel({ runIds: ctx.args, reason: ctx.options.reason }, ctx.signal);
      for (const o of outcomes) {
        ctx.out(ctx.options.json ? JSON.stringify(o) : `${safeText(o.runId)}  ${o.status}${o.message ? `  ${safeText(o.message)}` : ''}`);
      }
      return outcomes.every((o) => o.status === 'cancelled' || o.status === 'already_completed') ? EXIT.ok : EXIT.runFailed;
    },
  },
  graph: graphCommand,
};

/** Prints a state when what the output shows changed (a streamed token alone changes nothing shown). */
function show(ctx: CommandContext, printer: ProgressPrinter, run: Run, previous: { line?: string }): void {
  if (!ctx.options.json) return printer.update(run);
  const line = runJson(run);
  if (line !== previous.line) ctx.out(line);
  previous.line = line;
}

function finish(ctx: CommandContext, printer: ProgressPrinter, last: Run | undefined): number {
  if (!last) throw new FlowscopeError('protocol', 'The server reported nothing about the run.');
  if (!isTerminalRun(last.status)) {
    if (ctx.signal.aborted) return 130;
    throw new FlowscopeError('network', `Lost track of run ${last.id} while it was ${last.status}.`);
  }
  if (!ctx.options.json) printer.summary(last);
  return exitCodeForRun(last.status);
}

function printRun(ctx: CommandContext, run: Run): void {
  ctx.out(`run ${safeText(run.id)}  ${run.status} (${safeText(run.rawStatus)})`);
  if (run.workflowId) ctx.out(`workflow ${safeText(run.workflowId)}`);
  if (run.createdAt) ctx.out(`started ${safeText(run.createdAt)}`);
  if (run.error) ctx.out(`error ${safeText(run.error)}`);
  if (run.stageCounts || run.totalUsage !== undefined) ctx.out(`summary ${summaryCounts(run).join(', ')}`);
  for (const s of run.stages) {
    const extra = [s.attempt && s.attempt > 1 ? `attempt ${s.attempt}` : '', s.durationMs !== undefined ? formatDuration(s.durationMs) : '', s.error ? safeText(s.error) : '']
      .filter(Boolean)
      .join('  ');
    ctx.out(`  ${s.status.padEnd(10)} ${safeText(s.name)}${extra ? `  ${extra}` : ''}`);
  }
}

/** `--input k=v` values are JSON when they parse as JSON (numbers, booleans, objects), else strings. */
export async function readInputs(options: CommandOptions): Promise<Record<string, unknown>> {
  const inputs: Record<string, unknown> = {};
  if (options['inputs-file']) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(options['inputs-file'], 'utf8'));
    } catch (error) {
      throw new FlowscopeError('usage', `Cannot read inputs from ${options['inputs-file']}: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new FlowscopeError('usage', `${options['inputs-file']} must hold a JSON object of input names to values.`);
    }
    Object.assign(inputs, parsed);
  }
  for (const pair of options.input ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new FlowscopeError('usage', `--input expects name=value, got "${safeText(pair)}".`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Plain text stays a string.
    }
    inputs[pair.slice(0, eq)] = value;
  }
  return inputs;
}

function noInputsMessage(backend: Backend): string {
  const why =
    backend.kind === 'whiterabbit'
      ? "White Rabbit's trigger endpoint takes no run inputs (the public SDK sends an empty body)"
      : `${label(backend)} takes no run inputs`;
  return `${why}, so --input and --inputs-file cannot be used with connection "${safeText(backend.connection.name)}". Nothing was sent. Set the data in the workflow's own configuration and trigger without them.`;
}

function need(ctx: CommandContext): Backend {
  if (!ctx.backend) throw new FlowscopeError('usage', 'This command needs a connection.');
  return ctx.backend;
}

function arg(ctx: CommandContext, index: number, name: string): string {
  const value = ctx.args[index];
  if (!value) throw new FlowscopeError('usage', `Missing ${name}.`);
  return value;
}

function label(backend: Backend): string {
  return { whiterabbit: 'White Rabbit', powabase: 'Powabase', supervity: 'Supervity Auto' }[backend.kind];
}
