/**
 * Proves the e2e harness against a real VS Code: a throwaway extension, generated here,
 * contributes a command, a tree view, a diagnostic and a webview; the test drives each
 * through the UI helpers the real Flowscope tests will use, then runs an in-host test
 * module through extensionTestsPath.
 *
 * Run: node --import tsx --test test/e2e/smoke.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { expectedVsCodeVersion, usesSmokeTestDriver } from './codeServer';
import { ensureCodeServer, launchVsCode, notifications, quickInput, readProblems, runExtensionTests, treeItems, waitFor, webviewFrame, withArtifacts } from './harness';
import type { VsCode } from './harness';

/** Writes a minimal extension (plain CommonJS, no build step) into `dir`. */
async function writeSmokeExtension(dir: string, vscodeVersion: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const manifest = {
    name: 'smoke',
    publisher: 'flowscope-e2e',
    version: '0.0.1',
    engines: { vscode: '^1.96.0' },
    main: './extension.js',
    activationEvents: ['onStartupFinished'],
    contributes: {
      commands: [
        { command: 'smoke.hello', title: 'Hello', category: 'Smoke' },
        { command: 'smoke.ask', title: 'Ask Name', category: 'Smoke' },
        { command: 'smoke.webview', title: 'Open Webview', category: 'Smoke' },
      ],
      views: { explorer: [{ id: 'smoke.tree', name: 'Smoke Tree' }] },
    },
  };
  const source = `
const vscode = require('vscode');
exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('smoke.hello', () =>
      vscode.window.showInformationMessage('Hello from the smoke extension (VS Code ' + vscode.version + ')')),
    vscode.commands.registerCommand('smoke.ask', async () => {
      const name = await vscode.window.showInputBox({ title: 'Smoke name', prompt: 'Who are you?' });
      if (name) vscode.window.showInformationMessage('Nice to meet you, ' + name);
    }),
    vscode.commands.registerCommand('smoke.webview', () => {
      const panel = vscode.window.createWebviewPanel('smoke.web', 'Smoke Webview', vscode.ViewColumn.One, { enableScripts: true });
      panel.webview.html = '<!DOCTYPE html><html><body><h1 id="greeting">Hello webview</h1></body></html>';
    }),
    vscode.window.registerTreeDataProvider('smoke.tree', {
      getChildren: (element) => (element ? [] : ['alpha', 'beta', 'gamma']),
      getTreeItem: (label) => new vscode.TreeItem(label),
    }),
  );
  const diagnostics = vscode.languages.createDiagnosticCollection('smoke');
  const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'notes.txt');
  diagnostics.set(uri, [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 5), 'Smoke problem here', vscode.DiagnosticSeverity.Error)]);
  context.subscriptions.push(diagnostics);
};
exports.deactivate = () => {};
`;
  // An in-host test module for extensionTestsPath: runs inside the extension host.
  const suite = `
const assert = require('assert');
const vscode = require('vscode');
exports.run = async () => {
  assert.equal(vscode.version, ${JSON.stringify(vscodeVersion)});
  // run() starts right after the eager ('*') extensions: onStartupFinished ones such as
  // ours may not be active yet, exactly as with @vscode/test-electron.
  await vscode.extensions.getExtension('flowscope-e2e.smoke').activate();
  const commands = await vscode.commands.getCommands(true);
  assert.ok(commands.includes('smoke.hello'), 'smoke.hello is registered');
};
`;
  await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, 'extension.js'), source);
  await writeFile(join(dir, 'suite.js'), suite);
}

/** 1.100.3 on the default code-server, 1.139.1 on the newest (codeServer.ts). */
const VSCODE_VERSION = expectedVsCodeVersion(ensureCodeServer());

/**
 * Where this VS Code shows a new notification: as a toast, or, under the smoke-test driver that
 * newer releases need for development extensions (codeServer.ts), only in the notification
 * center (the driver turns toasts off), which is opened from the status bar's bell to read it.
 */
async function shownNotifications(): Promise<string[]> {
  if (!usesSmokeTestDriver(ensureCodeServer())) return notifications(vscode.page);
  const center = vscode.page.locator('.notifications-center');
  if (!(await center.isVisible())) await vscode.page.locator('.part.statusbar [id="status.notifications"] a').first().click();
  return (await center.locator('.notification-list-item-message').allTextContents()).map((m) => m.replace(/\s+/g, ' ').trim());
}

let root: string;
let extension: string;
let workspace: string;
let vscode: VsCode;
const startedAt = Date.now();

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'flowscope-smoke-'));
  extension = join(root, 'extension');
  workspace = join(root, 'workspace');
  await writeSmokeExtension(extension, VSCODE_VERSION);
  await mkdir(workspace);
  await writeFile(join(workspace, 'notes.txt'), 'hello world\n');
  vscode = await launchVsCode({ workspace, extensionPath: extension });
  console.log(`workbench ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${vscode.url}`);
});

after(async () => {
  await vscode?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** Runs `fn`; on failure keeps the VS Code logs, the extension's output and a screenshot. */
function step(name: string, fn: () => Promise<void>): Promise<void> {
  return withArtifacts(vscode, name, fn);
}

test('runs a command from the palette and shows its notification', () =>
  step('smoke-command', async () => {
    await vscode.runCommand('Smoke: Hello');
    await waitFor(async () => (await shownNotifications()).some((m) => m.startsWith('Hello from the smoke extension')), 20_000);
    const shown = await shownNotifications();
    assert.ok(shown.some((m) => m.includes(`VS Code ${VSCODE_VERSION}`)), `notifications: ${JSON.stringify(shown)}`);
    await vscode.screenshot('smoke-hello');
  }));

test('types into an input box', () =>
  step('smoke-input', async () => {
    await vscode.runCommand('Smoke: Ask Name');
    const qi = quickInput(vscode.page);
    await qi.waitOpen();
    assert.equal(await qi.title(), 'Smoke name');
    await qi.submit('Ada');
    await waitFor(async () => (await shownNotifications()).includes('Nice to meet you, Ada'), 10_000);
  }));

test('reads tree rows of a contributed view', () =>
  step('smoke-tree', async () => {
    await waitFor(async () => (await treeItems(vscode.page, 'Smoke Tree')).length === 3, 20_000);
    assert.deepEqual(await treeItems(vscode.page, 'Smoke Tree'), ['alpha', 'beta', 'gamma']);
  }));

test('reads the Problems panel', () =>
  step('smoke-problems', async () => {
    let problems: string[] = [];
    await waitFor(async () => (problems = await readProblems(vscode.page)).length > 0, 20_000);
    assert.deepEqual(problems, ['Smoke problem here']);
  }));

test('reaches into a webview', () =>
  step('smoke-webview', async () => {
    await vscode.runCommand('Smoke: Open Webview');
    const greeting = webviewFrame(vscode.page).locator('#greeting');
    await greeting.waitFor({ timeout: 20_000 });
    assert.equal(await greeting.textContent(), 'Hello webview');
    await vscode.screenshot('smoke-webview');
  }));

test('runs an in-host test module through extensionTestsPath', async () => {
  // Its own VS Code instance: the test module runs once, right after startup.
  const code = await runExtensionTests(
    { workspace, extensionPath: extension, extensionTestsPath: join(extension, 'suite.js') },
    'smoke-extension-tests',
  );
  assert.equal(code, 0);
});
