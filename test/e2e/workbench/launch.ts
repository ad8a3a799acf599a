/**
 * launchVsCode(): a profile, code-server and Chromium on the workbench page; withVsCode(),
 * withArtifacts() and runExtensionTests() around it. See ../harness.ts for the overview.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { assertNoFlowscopeErrors, flowscopeMarkers, installVsix } from '../codeServer';
import { REPO_ROOT, RESULTS_DIR, TIMED_OUT, withTimeout } from './paths';
import { ensureCodeServer, findChromium, freePort, startCodeServer, workbenchUrl } from './server';
import type { CodeServerProcess } from './server';
import { runCommand } from './ui';

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
