/**
 * The package users install: flowscope.vsix (built by `npm run package`) is installed into
 * code-server with `--install-extension`, and VS Code starts without any development folder, so
 * every file the journey needs must be in the package. A file left out of it (the sandbox
 * server, the webview bundle, the localized strings, the icons) fails here.
 *
 * Run: npm run package && node --import tsx --test test/e2e/vsix.e2e.test.ts
 * (FLOWSCOPE_VSIX=<file> to test another package; FLOWSCOPE_CODE_SERVER_VERSION=latest for the
 * newest code-server.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, waitFor } from './harness';
import { CONNECTIONS, SAMPLES, childrenOf, collapseRow, openFlowscopeView, selectRow, startSandbox, treeRows, triggerFromPalette, waitForSandboxRun } from './flowscope';
import { graphFrame, waitForGraph } from './graph';
import { sharedWindow } from './window';

const VSIX = process.env.FLOWSCOPE_VSIX ?? join(REPO_ROOT, 'flowscope.vsix');

const win = sharedWindow('vsix', {
  files: { 'linear.workflow.json': readFileSync(join(REPO_ROOT, 'samples', 'linear.workflow.json'), 'utf8') },
  // extensionPath null: no development folder, only what --install-extension put in place.
  extensionPath: null,
  installVsix: VSIX,
  sandbox: false,
});
const { step } = win;

/** The sandbox's URL, once the sandbox test has started it from the installed package. */
let sandboxUrl: string | undefined;

test('the package is installed as flowscope.flowscope-0.1.0 in the extensions folder', () =>
  step('vsix-installed', async () => {
    const extensionsDir = join(win.vscode.userDataDir, '..', 'extensions');
    const installed = (await readdir(extensionsDir)).filter((e) => e.startsWith('flowscope.'));
    assert.deepEqual(installed, ['flowscope.flowscope-0.1.0']);
    const manifest = JSON.parse(await readFile(join(extensionsDir, installed[0] as string, 'package.json'), 'utf8')) as { main: string };
    assert.equal(manifest.main, './dist/extension.js');
  }));

test('the installed extension previews a graph file in its webview', { timeout: 180_000 }, () =>
  step('vsix-preview', async () => {
    // From the Explorer, as a user would (Quick Open's file search can lag on a busy machine).
    const page = win.vscode.page;
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'linear.workflow.json' }).click();
    await page.locator('.tabs-container .tab', { hasText: 'linear.workflow.json' }).waitFor({ timeout: 30_000 });
    await win.vscode.runCommand('Flowscope: Preview Graph File');
    const nodes = await waitForGraph(graphFrame(win.vscode.page), 5, 60_000);
    assert.deepEqual(
      nodes.map((n) => n.label),
      ['Start', 'Research', 'Outline', 'Draft', 'Respond'],
    );
    await win.vscode.screenshot('vsix-preview');
  }));

test('the installed extension starts its sandbox and lists the three connections', { timeout: 180_000 }, () =>
  step('vsix-sandbox', async () => {
    await openFlowscopeView(win.vscode.page);
    sandboxUrl = await startSandbox(win.vscode);
    const connections = (await treeRows(win.vscode.page)).filter((r) => r.level === 1);
    assert.deepEqual(connections.map((r) => r.label).sort(), [CONNECTIONS.powabase, CONNECTIONS.supervity, CONNECTIONS.whiterabbit].sort());
    await win.vscode.screenshot('vsix-sandbox');
  }));

test('the installed extension triggers a Powabase run and follows it live to completed', { timeout: 180_000 }, () =>
  step('vsix-live-run', async () => {
    assert.ok(sandboxUrl, 'the sandbox test must have started the sandbox');
    const page = win.vscode.page;
    for (const connection of Object.values(CONNECTIONS)) await collapseRow(page, connection);
    // The connection (not a workflow) selected: Trigger Run asks for connection and workflow.
    await selectRow(page, CONNECTIONS.powabase);
    const since = new Date().toISOString();
    await triggerFromPalette(win.vscode, CONNECTIONS.powabase, SAMPLES.powabase.linear.name, { topic: 'installed package' });
    const run = await waitForSandboxRun(sandboxUrl, (r) => r.origin === 'powabase' && r.workflowId === SAMPLES.powabase.linear.id && r.createdAt >= since);
    assert.equal(run.inputs.topic, 'installed package');
    // The run row appears under its workflow and reaches completed with every stage passed.
    const runLabel = `Run ${run.id.slice(0, 8)}`;
    await waitFor(
      async () => {
        const rows = await treeRows(page);
        const stages = childrenOf(rows, runLabel);
        return /^completed/.test(rows.find((r) => r.label === runLabel)?.description ?? '') && stages.length > 0 && stages.every((st) => st.icon === 'pass');
      },
      90_000,
      250,
    );
    const done = await waitForSandboxRun(sandboxUrl, (r) => r.id === run.id, 10_000);
    assert.equal(done.status, 'completed');
    await win.vscode.screenshot('vsix-live-run');
  }));
