// Running the command line as a user does, in a child process: one helper for the sources through
// tsx (cli.test.ts) and the built bundle (cli-dist.test.ts), so both read its exit code the same way.
import { execFile } from 'node:child_process';

/** What a finished CLI process left: its exit code (-1 when it did not exit with one) and its output. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Node arguments before the script, e.g. `['--import', 'tsx']` for the TypeScript sources. */
  readonly nodeArgs?: readonly string[];
  /** Added to this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** A guard against a hang, not a performance limit. */
  readonly timeoutMs: number;
}

/** Runs `node [nodeArgs] script args…` and resolves when it exits (never rejects). */
export function runCli(script: string, args: readonly string[], options: CliRunOptions): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(options.nodeArgs ?? []), script, ...args],
      { env: { ...process.env, ...options.env }, timeout: options.timeoutMs },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
