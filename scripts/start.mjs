#!/usr/bin/env node
// `npm start`: runs the Flowscope extension (already built into dist/) in a real VS Code
// (code-server, opened in your browser) on a sample workspace.
//
//   node scripts/start.mjs [--port N] [--fresh] [--workspace DIR] [--workspace-trust] [--verbose]
//
// State lives in ${FLOWSCOPE_CACHE:-~/.cache/flowscope}/npm-start/: the VS Code profile
// (settings, global state), the extensions folder, the sample workspace and code-server's
// log. --fresh throws the profile away first. Secrets live in the browser (see PREFERRED_PORT).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE_ROOT = process.env.FLOWSCOPE_CACHE || join(homedir(), '.cache', 'flowscope');
const STATE_DIR = join(CACHE_ROOT, 'npm-start');
// A stable port by default. In code-server the extension's SecretStorage (saved tokens)
// and the workspace-trust decisions are kept in the *browser's* storage, which is per
// origin (host and port), not in the server's user-data dir: a new port each start would
// look like a new, empty keychain.
const PREFERRED_PORT = 7420;

const USAGE = `Usage: npm start -- [options]

Starts a real VS Code (code-server) with the Flowscope extension from dist/ loaded in
development mode, on a copy of samples/, and prints the URL to open in your browser.

Options:
  --port N           port to listen on (default: $PORT, else 7420 if free, else any free one)
  --fresh            start with a new server-side VS Code profile (settings, global state);
                     secrets are kept by the browser, per URL origin
  --workspace DIR    open DIR instead of the sample workspace
  --workspace-trust  keep VS Code's workspace trust on (asks whether to trust the folder)
  --verbose          show code-server's output here instead of only in its log file
  -h, --help         show this help
`;

function fail(message) {
  console.error(`\n[start] ERROR: ${message}\n`);
  process.exit(1);
}
const log = (message) => console.log(`[start] ${message}`);

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      port: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      workspace: { type: 'string' },
      'workspace-trust': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (err) {
  console.error(`[start] ${err.message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

// --- 1. code-server and Chromium (a no-op once cached) -----------------------------
const setup = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'setup-vscode.sh'), '--print-dir'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
if (setup.status !== 0) fail('scripts/setup-vscode.sh failed (see above)');
const codeServerDir = setup.stdout.trim().split('\n').pop();
const entry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
if (!existsSync(entry)) fail(`no code-server at ${entry}`);

// --- 2. the extension must be built ------------------------------------------------
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const mainFile = resolve(REPO_ROOT, manifest.main ?? './dist/extension.js');
const mainCandidates = [mainFile, `${mainFile}.js`];
if (!mainCandidates.some((f) => existsSync(f))) {
  fail(`${mainFile} not found: build the extension first (npm run build; npm start does it for you)`);
}

// --- 3. profile, settings and workspace ---------------------------------------------
const userDataDir = join(STATE_DIR, 'user-data');
const extensionsDir = join(STATE_DIR, 'extensions');
const serverLog = join(STATE_DIR, 'code-server.log');
if (args.fresh && existsSync(userDataDir)) {
  log(`--fresh: removing the previous profile ${userDataDir}`);
  rmSync(userDataDir, { recursive: true, force: true });
}
mkdirSync(join(userDataDir, 'User'), { recursive: true });
mkdirSync(extensionsDir, { recursive: true });
writeSettings(join(userDataDir, 'User', 'settings.json'));

let workspace;
if (args.workspace) {
  workspace = resolve(args.workspace);
  if (!existsSync(workspace)) fail(`--workspace ${workspace} does not exist`);
} else {
  // A copy, so that whatever VS Code or the user does there never touches the repo.
  // Sample files are refreshed on every start; files the user added are kept.
  workspace = join(STATE_DIR, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const samples = join(REPO_ROOT, 'samples');
  if (existsSync(samples)) {
    cpSync(samples, workspace, { recursive: true, force: true });
    log(`sample workspace: ${workspace} (copied from samples/)`);
  } else {
    log(`sample workspace: ${workspace} (empty: the repo has no samples/ folder yet)`);
  }
}

/**
 * Writes our settings into the persistent profile without clobbering the user's own.
 * Workspace trust: trusted folders are remembered in the *browser's* storage, so the
 * server side cannot mark the sample folder trusted in advance. Since npm start opens
 * a folder we generated ourselves, trust is turned off unless --workspace-trust is given.
 */
function writeSettings(file) {
  let settings = {};
  if (existsSync(file)) {
    try {
      settings = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // VS Code allows comments in settings.json; we don't parse those. Leave the file alone.
      log(`note: ${file} is not plain JSON (comments?); leaving it unchanged`);
      return;
    }
  }
  const defaults = {
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    // No extension gallery is reachable from these machines.
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
  };
  for (const [key, value] of Object.entries(defaults)) if (!(key in settings)) settings[key] = value;
  settings['security.workspace.trust.enabled'] = args['workspace-trust'];
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

// --- 4. port ----------------------------------------------------------------------------
const portArg = args.port ?? process.env.PORT;
let port;
if (portArg !== undefined && portArg !== '') {
  port = Number(portArg);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`invalid port: ${portArg}`);
  if (!(await isPortFree(port))) fail(`port ${port} is already in use`);
} else if (await isPortFree(PREFERRED_PORT)) {
  port = PREFERRED_PORT;
} else {
  port = await freePort();
  log(`port ${PREFERRED_PORT} is busy, using ${port}: secrets and trust saved in the browser for port ${PREFERRED_PORT} are not visible on this one`);
}

// --- 5. code-server -----------------------------------------------------------------
const serverArgs = [
  entry,
  '--auth', 'none',
  '--bind-addr', `127.0.0.1:${port}`,
  '--user-data-dir', userDataDir,
  '--extensions-dir', extensionsDir,
  '--disable-telemetry',
  '--disable-update-check',
  workspace,
];
const logFd = args.verbose ? undefined : openSync(serverLog, 'w');
const server = spawn(process.execPath, serverArgs, {
  // Own process group: on shutdown we signal the group, which reaches the extension
  // host, the pty host and anything the extension started.
  detached: true,
  stdio: ['ignore', logFd ?? 'inherit', logFd ?? 'inherit'],
  env: cleanEnv(),
});
if (logFd !== undefined) closeSync(logFd);

let stopping = false;
let serverExit;
const serverExited = new Promise((res) =>
  server.once('exit', (code, signal) => {
    serverExit = signal ? `signal ${signal}` : `code ${code}`;
    res();
  }),
);

function killGroup(signal) {
  try {
    process.kill(-server.pid, signal);
  } catch {
    // already gone
  }
}

async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping VS Code...`);
  killGroup('SIGTERM');
  const timedOut = await Promise.race([serverExited.then(() => false), sleep(5000).then(() => true)]);
  if (timedOut) log('code-server did not stop within 5 s; killing it');
  killGroup('SIGKILL'); // whatever is left in the group (extension host children, say)
  log('stopped');
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(signal));
// Last resort if this script dies of an error: never leave the server behind.
process.on('exit', () => killGroup('SIGKILL'));

server.once('exit', () => {
  if (stopping) return;
  console.error(`\n[start] code-server exited unexpectedly (${serverExit}).`);
  if (!args.verbose) console.error(`[start] last lines of ${serverLog}:\n${tail(serverLog, 30)}`);
  process.exit(1);
});

// --- 6. wait until it answers, then show the URL -------------------------------------------
const started = Date.now();
for (;;) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    if (res.ok) break;
  } catch {
    // not listening yet
  }
  if (Date.now() - started > 90_000) {
    console.error(`[start] code-server did not answer within 90 s; log: ${serverLog}`);
    await shutdown('timeout');
  }
  await sleep(150);
}

// extensionDevelopmentPath is a server-side path, addressed as vscode-remote://<authority>/path.
const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${REPO_ROOT}`]];
const url = `http://127.0.0.1:${port}/?${new URLSearchParams({ folder: workspace, payload: JSON.stringify(payload) })}`;
const rule = '='.repeat(78);
console.log(`
${rule}
  Flowscope is running in VS Code ${((Date.now() - started) / 1000).toFixed(1)} s after start. Open this URL in a browser:

  ${url}

  (on another machine: forward port ${port} first, e.g. ssh -L ${port}:127.0.0.1:${port} ...)
  profile: ${userDataDir}${args.verbose ? '' : `\n  server log: ${serverLog}`}
  Press Ctrl-C to stop.
${rule}
`);

// --- helpers ----------------------------------------------------------------------------------
function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address();
      srv.close(() => res(p));
    });
  });
}

function isPortFree(p) {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(p, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

/** Our environment minus what npm or an outer VS Code put there, which code-server must not inherit. */
function cleanEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('npm_') || key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') continue;
    env[key] = value;
  }
  return env;
}

function tail(file, lines) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
