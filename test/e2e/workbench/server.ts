/**
 * code-server as a child process: installed (once, cached) by scripts/setup-vscode.sh, started
 * detached in its own process group, and killed with its whole group whatever happens to this
 * process.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REQUESTED_CODE_SERVER_VERSION, entryScript, nodeFor, versionSpecificArgs } from '../codeServer';
import { REPO_ROOT, TIMED_OUT, tail, withTimeout } from './paths';

// ---------------------------------------------------------------------------
// Process cleanup: code-server runs in its own process group; whatever happens to
// this process, the group is killed on the way out.
// ---------------------------------------------------------------------------
const liveServerGroups = new Set<number>();
let exitHandlersInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function installExitHandlers(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  // 'exit' also runs after an uncaught exception; only synchronous work is possible here.
  process.on('exit', () => {
    for (const pid of liveServerGroups) killGroup(pid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const pid of liveServerGroups) killGroup(pid, 'SIGKILL');
      liveServerGroups.clear();
      // Re-raise with the default behaviour so the exit status still tells the signal.
      process.kill(process.pid, signal);
    });
  }
}

// ---------------------------------------------------------------------------
// Install and discovery
// ---------------------------------------------------------------------------
let codeServerDir: string | undefined;

/** Runs scripts/setup-vscode.sh (a no-op once installed) and returns the install folder. */
export function ensureCodeServer(): string {
  if (codeServerDir) return codeServerDir;
  const script = join(REPO_ROOT, 'scripts', 'setup-vscode.sh');
  const out = execFileSync('bash', [script, '--print-dir', '--version', REQUESTED_CODE_SERVER_VERSION], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const dir = out.trim().split('\n').pop() ?? '';
  if (!existsSync(entryScript(dir))) {
    throw new Error(`setup-vscode.sh printed ${JSON.stringify(dir)}, which holds no code-server`);
  }
  codeServerDir = dir;
  return dir;
}

let chromiumPath: string | undefined;

/** Path of Debian's Chromium (from `command -v chromium`). */
export function findChromium(): string {
  if (chromiumPath) return chromiumPath;
  let found = '';
  try {
    found = execFileSync('bash', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  } catch {
    // not found
  }
  if (!found) throw new Error('chromium is not installed: run scripts/setup-vscode.sh');
  chromiumPath = found;
  return found;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** The workbench URL that opens `folder` with extensions under development (and optional tests). */
export function workbenchUrl(
  port: number,
  folder: string,
  extensionPaths: readonly string[],
  extensionTestsPath?: string,
): string {
  // Paths are on the server side, which VS Code addresses as vscode-remote://<authority>/path.
  const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${resolve(p)}`;
  const payload: [string, string][] = extensionPaths.map((p) => ['extensionDevelopmentPath', remote(p)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const query = new URLSearchParams({ folder: resolve(folder) });
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${port}/?${query.toString()}`;
}

/** Environment for code-server: ours, minus variables that would tie it to an outer VS Code or npm run. */
export function serverEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE' || key.startsWith('npm_')) continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export interface CodeServerProcess {
  child: ChildProcess;
  port: number;
  /** Stops the whole process group: SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts code-server detached in its own process group and waits until it answers
 * /healthz. Output goes to `logFile`.
 */
export async function startCodeServer(opts: {
  port: number;
  userDataDir: string;
  extensionsDir: string;
  folder: string;
  logFile: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** The workbench URL will carry a payload (development extensions, in-host tests). */
  usesPayload?: boolean;
}): Promise<CodeServerProcess> {
  const dir = ensureCodeServer();
  installExitHandlers();
  const logFd = openSync(opts.logFile, 'a');
  const args = [
    entryScript(dir),
    ...versionSpecificArgs(dir, opts.usesPayload ?? true),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${opts.port}`,
    '--user-data-dir', opts.userDataDir,
    '--extensions-dir', opts.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    opts.folder,
  ];
  const child = spawn(nodeFor(dir), args, {
    detached: true, // own process group, so we can kill the server and every child it forked
    stdio: ['ignore', logFd, logFd],
    env: serverEnv(opts.env),
  });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start (no pid)');
  liveServerGroups.add(pid);

  let exited: string | undefined;
  const exitPromise = new Promise<void>((res) => {
    child.once('exit', (code, signal) => {
      exited = signal ? `signal ${signal}` : `code ${code}`;
      res();
    });
  });

  const stop = async (graceMs = 5000): Promise<void> => {
    if (!liveServerGroups.has(pid)) return;
    killGroup(pid, 'SIGTERM');
    const timedOut = (await withTimeout(exitPromise, graceMs)) === TIMED_OUT;
    // code-server's extension host and pty host may outlive the main process briefly;
    // SIGKILL the group in every case so nothing is left behind.
    killGroup(pid, 'SIGKILL');
    if (timedOut) await withTimeout(exitPromise, 2000);
    liveServerGroups.delete(pid);
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  for (;;) {
    if (exited) {
      liveServerGroups.delete(pid);
      throw new Error(`code-server exited (${exited}) before answering; log:\n${tail(opts.logFile, 40)}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${opts.port}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on port ${opts.port} in time; log:\n${tail(opts.logFile, 40)}`);
    }
    await sleep(150);
  }
  return { child, port: opts.port, stop };
}
