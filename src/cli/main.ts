#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { FlowscopeError, toFlowscopeError } from '../core/errors';
import { createBackend } from '../core/adapters/registry';
import { Redactor } from '../core/redact';
import type { Logger } from '../core/util/log';
import { silentLogger } from '../core/util/log';
import { commands } from './commands';
import { loadConnection } from './config';
import { EXIT, exitCodeFor } from './exitCodes';
import { lineWriter, safeText } from './render';

/**
 * The only ways the CLI writes: each line goes through `neutraliseLine`, so no control byte from
 * a server (diffs, diagnostics, ids, `--json` values, verbose frame logs) reaches a terminal raw.
 * stderr also masks the connection's keys and token-shaped strings: errors and `--verbose` logs
 * carry server text, which may echo a key, and CI keeps stderr in its logs. stdout masks only the
 * values known to be secret (keys, `--env` values), so ids that merely look like tokens survive.
 */
const redactor = new Redactor();
const out = lineWriter(process.stdout, (line) => redactor.redactKnown(line));
const err = lineWriter(process.stderr, (line) => redactor.redact(line));

const USAGE = `Usage: flowscope --config FILE [--connection NAME] [--json] COMMAND

Commands:
  workflows                          list workflows
  runs WORKFLOW [--limit N]          list runs of a workflow, newest first
  run RUN_ID [--workflow ID]         show one run and its stages
  trigger WORKFLOW [--input k=v]... [--inputs-file F] [--env NAME=VALUE]... [--wait]
                                     start a run (--wait follows it to its end;
                                     Powabase always does: its run stops when
                                     the stream that started it closes;
                                     White Rabbit takes no inputs;
                                     --env: environment overrides, Supervity Auto)
  watch RUN_ID [--workflow ID]       follow a run live to its end
  cancel RUN_ID... [--reason R]      cancel runs (Supervity Auto)
  graph validate FILE                check a *.workflow.json file
  graph pull WORKFLOW [--out FILE]   write the server's graph to a file (or stdout)
  graph push FILE [--workflow ID] [--yes]
                                     replace the server's graph with the file's
  graph push FILE --create [--yes]   create a workflow from an unbound file (Powabase),
                                     push its graph and write the binding into the file

Exit codes: 0 completed, 1 run failed or cancelled, 2 usage or invalid input,
3 authentication or permission, 4 network or server failure.
Secrets may come from FLOWSCOPE_<NAME>_API_KEY / FLOWSCOPE_<NAME>_API_SECRET.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        connection: { type: 'string' },
        json: { type: 'boolean', default: false },
        input: { type: 'string', short: 'i', multiple: true },
        'inputs-file': { type: 'string' },
        env: { type: 'string', multiple: true },
        wait: { type: 'boolean', default: false },
        reason: { type: 'string' },
        workflow: { type: 'string' },
        limit: { type: 'string' },
        out: { type: 'string' },
        yes: { type: 'boolean', default: false },
        create: { type: 'boolean', default: false },
        verbose: { type: 'boolean', short: 'v', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    err(`flowscope: ${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [name, ...args] = positionals;
  if (values.help || !name) {
    (values.help ? out : err)(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const command = commands[name];
  if (!command) {
    err(`flowscope: unknown command "${safeText(name)}"\n${USAGE}`);
    return EXIT.usage;
  }
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const log: Logger = values.verbose ? stderrLogger : silentLogger;
    const connection = command.offline?.(args)
      ? undefined
      : await loadConnection(requireConfig(values.config), values.connection, process.env);
    redactor.add(connection?.credentials.apiKey);
    redactor.add(connection?.credentials.apiSecret);
    const backend = connection ? createBackend(connection.config, connection.credentials, { log }) : undefined;
    return await command.run({
      args,
      options: values,
      backend,
      signal: controller.signal,
      out,
      err,
      secret: (value) => redactor.add(value),
    });
  } catch (error) {
    const typed = toFlowscopeError(error);
    err(`flowscope: ${safeText(typed.message, 1000)}`);
    return exitCodeFor(typed);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

function requireConfig(path: string | undefined): string {
  if (!path) throw new FlowscopeError('usage', 'Missing --config FILE (a JSON file listing connections; see --help).');
  return path;
}

const stderrLogger: Logger = {
  trace: () => undefined,
  debug: (m) => err(`debug: ${m}`),
  info: (m) => err(`info: ${m}`),
  warn: (m) => err(`warn: ${m}`),
  error: (m) => err(`error: ${m}`),
};

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    err(`flowscope: unexpected failure: ${String(error)}`);
    process.exitCode = EXIT.unavailable;
  },
);
