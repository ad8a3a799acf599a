/**
 * End-to-end harness: a real VS Code (code-server 4.100.3, the VS Code 1.100.3 workbench
 * with a real Node extension host; or the newest code-server, see codeServer.ts) driven by
 * Debian's Chromium through playwright-core.
 *
 *   const vscode = await launchVsCode({ workspace: '/some/folder' });
 *   try {
 *     await vscode.runCommand('Flowscope: Refresh');
 *     ...
 *   } catch (err) {
 *     await vscode.collectFailureArtifacts('my-test');
 *     throw err;
 *   } finally {
 *     await vscode.close();
 *   }
 *
 * or, equivalently, `await withVsCode(options, 'my-test', async (vscode) => { ... })`.
 *
 * code-server is installed (once, cached) by scripts/setup-vscode.sh, which this module
 * runs on first use. Environment knobs:
 *   FLOWSCOPE_CACHE          cache root used by setup-vscode.sh
 *   FLOWSCOPE_E2E_HEADED=1   show the browser (needs a display)
 *   FLOWSCOPE_E2E_KEEP=1     keep the temporary folders (user data, logs) after close()
 *   FLOWSCOPE_CODE_SERVER_VERSION  4.100.3 (default) or `latest` (codeServer.ts)
 *
 * close() fails (so the test that opened the window fails) when Flowscope left an error in
 * the extension host log: an uncaught error or rejection, a failed activation.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, ConsoleMessage, FrameLocator, Locator, Page } from 'playwright-core';
import {
  REQUESTED_CODE_SERVER_VERSION,
  assertNoFlowscopeErrors,
  entryScript,
  flowscopeMarkers,
  installVsix,
  nodeFor,
  versionSpecificArgs,
} from './codeServer';

/** The repository root: the nearest folder upwards holding the flowscope package.json. */
export const REPO_ROOT: string = findRepoRoot();

/** Where screenshots and failure artifacts go. */
export const RESULTS_DIR: string = join(REPO_ROOT, 'test-results', 'e2e');

const CHROMIUM_ARGS = [
  '--no-sandbox', // we run as root
  '--disable-gpu',
  // The machine has no network: without these, Chromium keeps opening connections
  // to Google services that are refused.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Settings every test profile gets; `LaunchOptions.settings` is merged over them. */
const BASE_TEST_SETTINGS: Record<string, unknown> = {
  // The trust dialog would cover the window. Tests about trust itself set this to true.
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  // No gallery is reachable: keep the extension views from trying.
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  // Newer VS Code (1.139) opens a chat view beside the editor on start, whose input can take the
  // focus from the command palette while it loads; 1.100 ignores these settings.
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface LaunchOptions {
  /** Folder opened in the workbench. */
  workspace: string;
  /**
   * Extension(s) loaded in development mode (like F5 in VS Code). Default: the repo root,
   * i.e. the Flowscope extension built into dist/. Pass `null` for none.
   */
  extensionPath?: string | string[] | null;
  /** User settings merged over the test defaults. */
  settings?: Record<string, unknown>;
  /**
   * A packaged extension (.vsix) installed with `--install-extension` before VS Code starts,
   * as a user installs it. Usually with `extensionPath: null`, so only the package runs.
   */
  installVsix?: string;
  /** Extra environment for code-server and so for the extension host. */
  env?: Record<string, string | undefined>;
  /**
   * An in-host test module (like @vscode/test-electron's extensionTestsPath): a file
   * exporting `run(): Promise<void>`, inside one of the `extensionPath` folders. VS Code
   * runs it in the extension host after startup; `VsCode.extensionTestsExit` resolves to
   * its exit code (0 = run() resolved). See runExtensionTests().
   */
  extensionTestsPath?: string;
  /** Browser viewport; default 1400×900. */
  viewport?: { width: number; height: number };
  /** Headless browser; default true unless FLOWSCOPE_E2E_HEADED=1. */
  headless?: boolean;
  /** How long to wait for the server and for the workbench; default 90 s. */
  startupTimeoutMs?: number;
}

export interface VsCode {
  page: Page;
  browser: Browser;
  context: BrowserContext;
  /** Workbench URL (with the extension payload). */
  url: string;
  port: number;
  /** code-server's logs folder (user data dir/logs), including the extension host's. */
  logsDir: string;
  userDataDir: string;
  /** Opens the command palette (F1), types the title, runs the matching command. */
  runCommand(title: string): Promise<void>;
  /** Saves a PNG of the page to test-results/e2e/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Copies VS Code's logs, the server output, the browser console and a screenshot to test-results/e2e/<name>/. */
  collectFailureArtifacts(name: string): Promise<string>;
  /** Stops the browser and code-server (its whole process group). Safe to call twice. */
  close(): Promise<void>;
  /** With `extensionTestsPath`: resolves to the test run's exit code once it finished. */
  extensionTestsExit?: Promise<number>;
}

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

// ---------------------------------------------------------------------------
// launchVsCode
// ---------------------------------------------------------------------------
export async function launchVsCode(options: LaunchOptions): Promise<VsCode> {
  const startupTimeoutMs = options.startupTimeoutMs ?? 90_000;
  const root = await mkdtemp(join(tmpdir(), 'flowscope-e2e-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const logsDir = join(userDataDir, 'logs');
  const serverLog = join(root, 'code-server.log');
  const consoleLog: string[] = [];
  await mkdir(join(userDataDir, 'User'), { recursive: true });
  await mkdir(extensionsDir, { recursive: true });
  await writeFile(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...BASE_TEST_SETTINGS, ...options.settings }, null, 2),
  );

  const extensionPaths =
    options.extensionPath === null ? [] : ([] as string[]).concat(options.extensionPath ?? REPO_ROOT);

  let server: CodeServerProcess | undefined;
  let browser: Browser | undefined;
  let closed = false;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    // Each step is guarded so a failure in one never leaves the server running.
    try {
      await browser?.close();
    } catch {
      // browser already gone
    }
    await server?.stop();
    try {
      // Read once the host has stopped, so its last lines are on disk.
      assertNoFlowscopeErrors(logsDir, flowscopeMarkers([...extensionPaths, extensionsDir]));
    } catch (err) {
      const dest = join(RESULTS_DIR, 'exthost-errors');
      await rm(dest, { recursive: true, force: true }).catch(() => undefined);
      await cp(logsDir, dest, { recursive: true }).catch(() => undefined);
      throw err;
    } finally {
      if (!process.env.FLOWSCOPE_E2E_KEEP) await rm(root, { recursive: true, force: true }).catch(() => undefined);
    }
  };

  try {
    if (options.installVsix) installVsix(ensureCodeServer(), options.installVsix, { userDataDir, extensionsDir });
    const port = await freePort();
    server = await startCodeServer({
      port,
      userDataDir,
      extensionsDir,
      folder: options.workspace,
      logFile: serverLog,
      env: options.env,
      timeoutMs: startupTimeoutMs,
      usesPayload: extensionPaths.length > 0 || options.extensionTestsPath !== undefined,
    });

    const headless = options.headless ?? !process.env.FLOWSCOPE_E2E_HEADED;
    // Playwright gives the browser a fresh temporary profile (--user-data-dir) of its own
    // and deletes it on close.
    browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless });
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('console', (msg: ConsoleMessage) => consoleLog.push(`[${msg.type()}] ${msg.text()}`));
    page.on('pageerror', (err) => consoleLog.push(`[pageerror] ${err.stack ?? err.message}`));

    // When an extensionTestsPath run ends, the web workbench stops the extension hosts and
    // calls window.codeAutomationExit(code) (and forwards the host's console through
    // window.codeAutomationLog): the hooks VS Code's own web test runner uses.
    let extensionTestsExit: Promise<number> | undefined;
    if (options.extensionTestsPath) {
      extensionTestsExit = new Promise<number>((resolveExit) => {
        void page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
      });
      await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
        consoleLog.push(`[exthost ${type}] ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
      });
    }

    const url = workbenchUrl(port, options.workspace, extensionPaths, options.extensionTestsPath);
    await page.goto(url, { timeout: startupTimeoutMs });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: startupTimeoutMs });
    // The status bar is rendered once the workbench has restored its parts.
    await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: startupTimeoutMs });

    const vscode: VsCode = {
      page,
      browser,
      context,
      url,
      port,
      logsDir,
      userDataDir,
      runCommand: (title) => runCommand(page, title),
      screenshot: async (name) => {
        const file = join(RESULTS_DIR, `${name}.png`);
        mkdirSync(dirname(file), { recursive: true });
        await page.screenshot({ path: file });
        return file;
      },
      collectFailureArtifacts: async (name) => {
        const dest = join(RESULTS_DIR, name);
        // A fresh folder: artifacts of an earlier failed run must not mix with this one's.
        await rm(dest, { recursive: true, force: true });
        await mkdir(dest, { recursive: true });
        await page.screenshot({ path: join(dest, 'screenshot.png') }).catch(() => undefined);
        await cp(logsDir, join(dest, 'logs'), { recursive: true }).catch(() => undefined);
        await cp(serverLog, join(dest, 'code-server.log')).catch(() => undefined);
        await writeFile(join(dest, 'browser-console.log'), consoleLog.join('\n') + '\n');
        await writeFile(join(dest, 'url.txt'), url + '\n');
        return dest;
      },
      close,
      extensionTestsExit,
    };
    return vscode;
  } catch (err) {
    // Keep what helps to understand a failed start, then clean up.
    const dest = join(RESULTS_DIR, 'launch-failure');
    await mkdir(dest, { recursive: true }).catch(() => undefined);
    await cp(serverLog, join(dest, 'code-server.log')).catch(() => undefined);
    await cp(logsDir, join(dest, 'logs'), { recursive: true }).catch(() => undefined);
    await writeFile(join(dest, 'browser-console.log'), consoleLog.join('\n') + '\n').catch(() => undefined);
    await close();
    throw err;
  }
}

/**
 * Launches VS Code, runs `fn`, collects artifacts into test-results/e2e/<name>/ if it
 * throws, and always closes.
 */
export async function withVsCode<T>(options: LaunchOptions, name: string, fn: (vscode: VsCode) => Promise<T>): Promise<T> {
  const vscode = await launchVsCode(options);
  try {
    return await withArtifacts(vscode, name, () => fn(vscode));
  } finally {
    await vscode.close();
  }
}

/** Runs `fn` in an open VS Code; if it throws, keeps the logs, the extension's output and a screenshot. */
export async function withArtifacts<T>(vscode: VsCode, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const dest = await vscode.collectFailureArtifacts(name).catch(() => undefined);
    if (dest) console.error(`e2e artifacts for ${name}: ${dest}`);
    throw err;
  }
}

/**
 * Runs an in-host test module in the real VS Code and returns its exit code (0 = passed).
 * The module exports `run(): Promise<void>` and sits inside `extensionPath` (default: the
 * repo root); it gets the full `vscode` API of the extension host. On failure or timeout,
 * artifacts go to test-results/e2e/<name>/.
 */
export async function runExtensionTests(
  options: LaunchOptions & { extensionTestsPath: string; timeoutMs?: number },
  name = 'extension-tests',
): Promise<number> {
  const vscode = await launchVsCode(options);
  try {
    const timeoutMs = options.timeoutMs ?? 120_000;
    const code = await withTimeout(vscode.extensionTestsExit as Promise<number>, timeoutMs);
    if (code === TIMED_OUT) throw new Error(`extension tests did not finish within ${timeoutMs} ms`);
    if (code !== 0) await vscode.collectFailureArtifacts(name);
    return code;
  } catch (err) {
    await vscode.collectFailureArtifacts(name).catch(() => undefined);
    throw err;
  } finally {
    await vscode.close();
  }
}

// ---------------------------------------------------------------------------
// UI helpers
// ---------------------------------------------------------------------------

/**
 * Runs a command from the palette by its full title as shown there, e.g. "Flowscope: Refresh".
 * Commands contributed by an extension appear only once the remote extension host has
 * registered it, a few seconds after the workbench shows; until `timeoutMs`, the palette
 * is reopened while it does not list the command.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const qi = quickInput(page);
  const focused = qi.widget.locator('.monaco-list-row.focused');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    // Rarely (seen once under load, right after Quick Open closed) the palette's widget shows
    // with its input hidden; Escape and a second F1 recover, as they would for a user.
    const opened = await qi.waitOpen(5_000).then(
      () => true,
      () => false,
    );
    if (!opened) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`the command palette did not open its input for "${title}"`);
      await sleep(500);
      continue;
    }
    // F1 opens the palette with ">" already typed; fill() replaces it, so add it back.
    await qi.input.fill(`>${title}`);
    // Accept only once the focused row is our command: VS Code sorts exact matches first,
    // and the check guards against a fuzzy match winning.
    const found = await waitFor(
      async () => normalize(await focused.first().textContent()).includes(normalize(title)),
      2_000,
    ).then(
      () => true,
      () => false,
    );
    if (found) break;
    const shown = await qi.items();
    await qi.cancel();
    await qi.waitClosed().catch(() => undefined);
    if (Date.now() > deadline) {
      throw new Error(`command "${title}" not found in the palette; it shows: ${JSON.stringify(shown.slice(0, 10))}`);
    }
    await sleep(500);
  }
  await page.keyboard.press('Enter');
  await qi.waitClosed().catch(() => undefined); // some commands open another quick input at once
}

export interface QuickInput {
  widget: Locator;
  input: Locator;
  /** Waits until a quick pick or input box is visible. */
  waitOpen(timeoutMs?: number): Promise<void>;
  waitClosed(timeoutMs?: number): Promise<void>;
  /** Replaces the text in the input. */
  fill(text: string): Promise<void>;
  /** Presses Enter. */
  accept(): Promise<void>;
  /** Types `text` into the open input box and accepts it. */
  submit(text: string): Promise<void>;
  /** Filters a quick pick by `label` and clicks the row whose label is exactly `label`. */
  pick(label: string): Promise<void>;
  /** Labels of the visible rows of a quick pick. */
  items(): Promise<string[]>;
  /** Title of the quick input, if any. */
  title(): Promise<string>;
  /** Validation or prompt message shown under the input box. */
  message(): Promise<string>;
  cancel(): Promise<void>;
}

/** Helpers for VS Code's quick input (quick picks, input boxes, the command palette). */
export function quickInput(page: Page): QuickInput {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  const qi: QuickInput = {
    widget,
    input,
    waitOpen: async (timeoutMs = 10_000) => {
      await widget.waitFor({ state: 'visible', timeout: timeoutMs });
      await input.waitFor({ state: 'visible', timeout: timeoutMs });
    },
    waitClosed: async (timeoutMs = 10_000) => {
      await widget.waitFor({ state: 'hidden', timeout: timeoutMs });
    },
    fill: async (text) => {
      await qi.waitOpen();
      await input.fill(text);
    },
    accept: async () => {
      await input.press('Enter');
    },
    submit: async (text) => {
      await qi.fill(text);
      await qi.accept();
    },
    pick: async (label) => {
      await qi.fill(label);
      const row = widget.locator('.monaco-list-row').filter({
        has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
      });
      await row.first().click();
    },
    items: async () => {
      const rows = widget.locator('.monaco-list-row .label-name');
      return (await rows.allTextContents()).map(normalize);
    },
    title: async () => normalize(await widget.locator('.quick-input-title').textContent().catch(() => '')),
    message: async () => normalize(await widget.locator('.quick-input-message').textContent().catch(() => '')),
    cancel: async () => {
      await page.keyboard.press('Escape');
    },
  };
  return qi;
}

/**
 * The content of a webview: VS Code renders each in an outer `iframe.webview` whose page
 * hosts the extension's HTML in an inner `#active-frame`. By default, the last visible one.
 */
export function webviewFrame(page: Page, nth: number = -1): FrameLocator {
  const outer = page.locator('iframe.webview.ready:visible');
  return (nth < 0 ? outer.last() : outer.nth(nth)).contentFrame().locator('#active-frame').contentFrame();
}

/** Opens the Problems panel and returns the message of every problem row shown. */
export async function readProblems(page: Page): Promise<string[]> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await runCommand(page, 'View: Focus Problems');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
  }
  // Give the tree a moment to render markers that just arrived.
  await sleep(300);
  const messages = panel.locator('.monaco-list-row .marker-message');
  return (await messages.allTextContents()).map(normalize);
}

/**
 * Labels of the visible tree rows in the sidebar. With `viewTitle`, only the rows of the
 * view whose header has that title (case-insensitive), e.g. "Runs".
 */
export async function treeItems(page: Page, viewTitle?: string): Promise<string[]> {
  const sidebar = page.locator('.part.sidebar');
  let scope: Locator = sidebar;
  if (viewTitle) {
    const titleRe = new RegExp(`^\\s*${escapeRegExp(viewTitle)}\\s*$`, 'i');
    const pane = sidebar.locator('.pane').filter({ has: page.locator('.pane-header h3.title', { hasText: titleRe }) }).first();
    await pane.waitFor({ state: 'visible', timeout: 10_000 });
    // A collapsed view renders no rows: expand it.
    const header = pane.locator('.pane-header').first();
    if ((await header.getAttribute('aria-expanded')) === 'false') {
      await header.click();
      await pane.locator('.pane-body').waitFor({ state: 'visible', timeout: 10_000 });
    }
    scope = pane.locator('.pane-body');
  }
  const rows = scope.locator('.monaco-list-row');
  const labels: string[] = [];
  for (const row of await rows.all()) {
    const name = row.locator('.label-name').first();
    const text = (await name.count()) > 0 ? await name.textContent() : await row.getAttribute('aria-label');
    labels.push(normalize(text));
  }
  return labels;
}

/** Texts of the notification toasts currently shown. */
export async function notifications(page: Page): Promise<string[]> {
  const toasts = page.locator('.notifications-toasts .notification-list-item-message');
  return (await toasts.allTextContents()).map(normalize);
}

/** Polls `check` until it returns true or the time is up. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------
// small utilities
// ---------------------------------------------------------------------------
function normalize(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

const TIMED_OUT = Symbol('timed out');

/** `promise`'s value, or TIMED_OUT after `ms`; the timer is cleared either way so it never holds the process open. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((res) => {
    timer = setTimeout(() => res(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function findRepoRoot(): string {
  // __dirname exists when tsx runs this file as CommonJS (the package has no "type": "module");
  // fall back to the working directory otherwise.
  let dir = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'flowscope') return dir;
      } catch {
        // unreadable package.json: keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
