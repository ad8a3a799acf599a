/**
 * Issue 16, journeys never driven: what a user clicks and presses rather than types in the command
 * palette. In one VS Code: the welcome view's Start Sandbox button, a workflow row's inline
 * Trigger Run button, the Ctrl+Alt+R keybinding on a selected workflow, the view title's Refresh
 * button (a workflow created on the service meanwhile appears), and a graph file's CodeLens.
 * Each step is checked by its outcome: runs reach the sandbox, rows and messages appear.
 *
 * Run: npm run build && node --import tsx --test --test-concurrency=1 test/e2e/journeys-affordances.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { quickInput, waitFor, withVsCode } from './harness';
import {
  CONNECTIONS,
  FACES,
  SAMPLES,
  childrenOf,
  collapseRow,
  expandRow,
  flowscopePane,
  openFile,
  openFlowscopeView,
  rowInlineAction,
  sandboxCredentials,
  sandboxState,
  sandboxUrl,
  selectRow,
  treeRows,
  waitForConnections,
  waitForNotification,
} from './flowscope';

const GRAPH_FILE = 'clicked.workflow.json';
const VALID_GRAPH = {
  name: 'Clicked graph',
  blocks: [
    { id: 'start', type: 'starter', name: 'Start' },
    { id: 'respond', type: 'response', name: 'Respond' },
  ],
  edges: [{ source: 'start', target: 'respond' }],
};
const TARGET = SAMPLES.powabase.linear;
const CREATED_NAME = 'Created on the service (e2e)';

/** Accepts every prompt of a trigger with what it proposes (the variables' defaults) until it closes. */
async function acceptPrompts(page: Page): Promise<void> {
  const qi = quickInput(page);
  for (let i = 0; i < 10; i++) {
    const open = await qi.waitOpen(5_000).then(
      () => true,
      () => false,
    );
    if (!open) return;
    const title = await qi.title();
    const message = await qi.message();
    await qi.accept();
    await waitFor(async () => !(await qi.widget.isVisible()) || (await qi.title()) !== title || (await qi.message()) !== message, 10_000);
  }
  throw new Error('the trigger kept asking');
}

async function runsOf(url: string, workflowId: string): Promise<number> {
  return (await sandboxState(url)).runs.filter((r) => r.workflowId === workflowId && r.origin === 'powabase').length;
}

test('clicked and pressed: welcome Start Sandbox, inline Trigger Run, Ctrl+Alt+R, view-title Refresh, CodeLens', { timeout: 300_000 }, async () => {
  const workspace = await mkdtemp(join(tmpdir(), 'flowscope-journeys-affordances-'));
  await writeFile(join(workspace, GRAPH_FILE), JSON.stringify(VALID_GRAPH, null, 2));
  try {
    await withVsCode({ workspace }, 'journeys-affordances', async (vscode) => {
      const page = vscode.page;
      await openFlowscopeView(page);

      // 1. The welcome view of an empty explorer: its Start Sandbox button.
      const welcome = flowscopePane(page).locator('.welcome-view-content');
      await welcome.waitFor({ state: 'visible', timeout: 30_000 });
      await vscode.screenshot('journeys-welcome');
      await welcome.locator('.monaco-button', { hasText: /^Start Sandbox$/ }).click();
      await waitForConnections(page);
      const url = await sandboxUrl(vscode);
      assert.equal(await runsOf(url, TARGET.id), 0);

      // 2. A workflow row's inline Trigger Run button (shown on hover).
      for (const face of FACES) await collapseRow(page, CONNECTIONS[face]);
      await expandRow(page, CONNECTIONS.powabase);
      await rowInlineAction(page, TARGET.name, 'Trigger Run', 'prefix');
      await vscode.screenshot('journeys-inline-trigger');
      // Found again after the screenshot: the view must not have started loading rows meanwhile.
      await (await rowInlineAction(page, TARGET.name, 'Trigger Run', 'prefix')).click();
      const qi = quickInput(page);
      await qi.waitOpen();
      // The row's workflow is the target: no connection or workflow pick.
      assert.match(await qi.title(), /Run Research brief \(linear\)/);
      await acceptPrompts(page);
      await waitFor(async () => (await runsOf(url, TARGET.id)) === 1, 30_000, 250);

      // 3. Ctrl+Alt+R on the selected workflow row.
      await selectRow(page, TARGET.name);
      await page.keyboard.press('Control+Alt+R');
      await qi.waitOpen();
      assert.match(await qi.title(), /Run Research brief \(linear\)/);
      await vscode.screenshot('journeys-keybinding-trigger');
      await acceptPrompts(page);
      await waitFor(async () => (await runsOf(url, TARGET.id)) === 2, 30_000, 250);

      // 4. The view title's Refresh button: a workflow created on the service since appears.
      const creds = await sandboxCredentials(vscode);
      const created = await fetch(`${url}/api/workflows`, {
        method: 'POST',
        headers: { apikey: creds.powabase.apiKey, authorization: `Bearer ${creds.powabase.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: CREATED_NAME }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      assert.ok(!childrenOf(await treeRows(page), CONNECTIONS.powabase).some((r) => r.label === CREATED_NAME), 'not listed before the refresh');
      // Refresh acts on the selection: select the connection (and fold the workflow's runs away,
      // so that the connection's last row is on screen).
      await collapseRow(page, TARGET.name);
      await selectRow(page, CONNECTIONS.powabase);
      const refresh = page.locator('.part.sidebar .title-actions .action-label[aria-label^="Refresh"]').first();
      await refresh.click();
      await waitFor(async () => childrenOf(await treeRows(page), CONNECTIONS.powabase).some((r) => r.label === CREATED_NAME), 30_000, 250);
      await vscode.screenshot('journeys-view-title-refresh');

      // 5. A graph file's CodeLens: its status lens validates the file.
      await openFile(page, GRAPH_FILE);
      const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Valid' }).first();
      await lens.waitFor({ state: 'visible', timeout: 30_000 });
      await vscode.screenshot('journeys-codelens');
      await lens.click();
      await waitForNotification(page, new RegExp(`^${GRAPH_FILE.replace(/\./g, '\\.')} is valid\\.`), 15_000);
    });
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
});
