/**
 * One VS Code window shared by the tests of a file: a fresh workspace, code-server opened on it,
 * and (by default) the embedded sandbox started from the palette. `sharedWindow()` registers the
 * file's `before` and `after` hooks, so a test file says only what is particular to it:
 *
 *   const win = sharedWindow('journeys-runs', { settings: TYPED_AS_TYPED });
 *   test('…', () => win.step('name', async () => { await win.vscode.runCommand('…'); }));
 *
 * The window opens once per file (a code-server launch costs seconds); its tests run in order and
 * share it, so each test leaves the window as the next one expects it (usually: rows collapsed,
 * notifications cleared).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { startSandbox } from './flowscope';
import { launchVsCode, withArtifacts } from './workbench/launch';
import type { LaunchOptions, VsCode } from './workbench/launch';

/** Editor settings under which typed text lands as typed and nothing is saved behind the test's back. */
export const TYPED_AS_TYPED: Readonly<Record<string, unknown>> = {
  'files.autoSave': 'off',
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoIndent': 'none',
  'editor.formatOnType': false,
};

export interface WindowOptions extends Omit<LaunchOptions, 'workspace'> {
  /** Files written into the workspace before the window opens: relative path → text. */
  readonly files?: Readonly<Record<string, string>>;
  /** Start the embedded sandbox once the window is up (default true). */
  readonly sandbox?: boolean;
  /**
   * The file's own preparation once the window is open (and the sandbox started), run inside this
   * module's `before` hook: a file's own root-level `before` may run before the window is open.
   */
  readonly setUp?: (win: SharedWindow) => Promise<void>;
  /** The file's own clean-up, run after the window has closed. */
  readonly tearDown?: () => Promise<void>;
}

export interface SharedWindow {
  readonly vscode: VsCode;
  /** The workspace folder the window has open. */
  readonly workspace: string;
  /** The embedded sandbox's URL; only for a window opened with the sandbox. */
  readonly url: string;
  /** Runs `fn`; on failure keeps VS Code's logs, the extension's output and a screenshot. */
  step(name: string, fn: () => Promise<void>): Promise<void>;
}

interface Opened {
  readonly vscode: VsCode;
  readonly url?: string;
}

export function sharedWindow(name: string, options: WindowOptions = {}): SharedWindow {
  const { files = {}, sandbox = true, setUp, tearDown, ...launch } = options;
  let workspace: string | undefined;
  let opened: Opened | undefined;

  before(async () => {
    workspace = await mkdtemp(join(tmpdir(), `flowscope-${name}-e2e-`));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(workspace, path)), { recursive: true });
      await writeFile(join(workspace, path), text);
    }
    const vscode = await launchVsCode({ ...launch, workspace });
    opened = { vscode };
    if (sandbox) opened = { vscode, url: await startSandbox(vscode) };
    await setUp?.(win);
  });

  after(async () => {
    await opened?.vscode.close();
    await tearDown?.();
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  const current = (): Opened => {
    if (!opened) throw new Error(`The ${name} window opens in before(): use it from inside a test.`);
    return opened;
  };
  const win: SharedWindow = {
    get vscode() {
      return current().vscode;
    },
    get workspace() {
      current();
      return workspace!;
    },
    get url() {
      const { url } = current();
      if (url === undefined) throw new Error(`The ${name} window was opened without the sandbox.`);
      return url;
    },
    step: (stepName, fn) => withArtifacts(current().vscode, stepName, fn),
  };
  return win;
}
