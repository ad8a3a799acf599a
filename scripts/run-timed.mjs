#!/usr/bin/env node
// Runs one part of the test pipeline with a deadline and reports how long it took.
//
//   node scripts/run-timed.mjs --label "unit tests" --deadline-min 25 -- node --test ...
//
// The command runs in its own process group; if it outlives the deadline, the whole group is
// stopped (SIGTERM, then SIGKILL after 10 s) and this exits with 124, so a hung test fails the
// run instead of stalling CI. Per-test limits are the test runner's own (`--test-timeout`); this
// is the guard for what those cannot catch (a hang outside any test, a child that never exits).
import { spawn } from 'node:child_process';

function usage(message) {
  console.error(`run-timed: ${message}\nusage: run-timed.mjs --label NAME [--deadline-min N] -- COMMAND [ARG...]`);
  process.exit(2);
}

const args = process.argv.slice(2);
const separator = args.indexOf('--');
if (separator < 0 || separator === args.length - 1) usage('missing `-- COMMAND`');
let label = 'command';
let deadlineMin = 0;
for (let i = 0; i < separator; i++) {
  if (args[i] === '--label') label = args[++i] ?? usage('--label needs a value');
  else if (args[i] === '--deadline-min') deadlineMin = Number(args[++i]);
  else usage(`unknown option ${args[i]}`);
}
if (!Number.isFinite(deadlineMin) || deadlineMin < 0) usage('--deadline-min must be a number of minutes');
const [command, ...commandArgs] = args.slice(separator + 1);

const started = process.hrtime.bigint();
const elapsed = () => `${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0)} s`;
const child = spawn(command, commandArgs, { stdio: 'inherit', detached: true });
const killGroup = (signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};

let timedOut = false;
const timer =
  deadlineMin > 0
    ? setTimeout(() => {
        timedOut = true;
        console.error(`\n[run-timed] ${label}: still running after ${deadlineMin} min; stopping it (a test or a child process hangs)`);
        killGroup('SIGTERM');
        setTimeout(() => killGroup('SIGKILL'), 10_000).unref();
      }, deadlineMin * 60_000)
    : undefined;
// Ctrl-C or CI cancelling this script must also stop the detached group.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {
  killGroup(signal);
  process.exit(130);
});

child.on('exit', (code, signal) => {
  if (timer) clearTimeout(timer);
  const outcome = timedOut ? 'TIMED OUT' : code === 0 ? 'passed' : signal ? `killed by ${signal}` : `failed (exit ${code})`;
  console.log(`[run-timed] ${label}: ${outcome} in ${elapsed()}`);
  process.exit(timedOut ? 124 : (code ?? 1));
});
