/**
 * Helpers of truths.e2e.test.ts (issue 13: what the user sees is true): reading a tree row's
 * tooltip and the status bar's live count, and adding a White Rabbit connection through the
 * palette. Kept apart from the shared flowscope.ts so other suites' merges stay clean.
 */
import type { Page } from 'playwright-core';
import { quickInput, waitFor } from './harness';
import type { VsCode } from './harness';
import { treeRow, waitForNotification } from './flowscope';

/** The tooltip VS Code shows when the pointer rests on a tree row's label (its text as shown). */
export async function rowTooltip(page: Page, label: string): Promise<string> {
  const row = treeRow(page, label).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  const hover = page.locator('.monaco-hover:visible, .workbench-hover:visible').last();
  let text = '';
  // A hover appears after a short delay and only for a pointer that moved onto the row.
  await waitFor(
    async () => {
      await page.mouse.move(0, 0);
      await row.locator('.label-name').hover();
      await hover.waitFor({ state: 'visible', timeout: 3_000 });
      text = (await hover.innerText()).replace(/\u00a0/g, ' ');
      return text.trim() !== '';
    },
    20_000,
    200,
  );
  await page.mouse.move(0, 0);
  await page.keyboard.press('Escape');
  return text;
}

/** The status bar's "N live" item as shown ('' when it is hidden: nothing live). */
export async function statusBarLive(page: Page): Promise<string> {
  const texts = await page.locator('.part.statusbar .statusbar-item:visible').allInnerTexts();
  return texts.map((t) => t.replace(/\s+/g, ' ').trim()).find((t) => /^\d+ live$/.test(t)) ?? '';
}

export interface WhiteRabbitConnection {
  readonly name: string;
  readonly url: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly workflowId: string;
  /** Left empty: the workflow has no name the user gave it. */
  readonly workflowName: string;
}

/** Add Connection from the palette, answered step by step as a user types them. */
export async function addWhiteRabbitConnection(vscode: VsCode, c: WhiteRabbitConnection): Promise<void> {
  const qi = quickInput(vscode.page);
  await vscode.runCommand('Flowscope: Add Connection…');
  await qi.waitOpen();
  await qi.pick('White Rabbit');
  await waitFor(async () => (await qi.title()) === 'Add Connection (2/7): name', 10_000);
  await qi.submit(c.name);
  await waitFor(async () => (await qi.title()) === 'Add Connection (3/7): URL', 10_000);
  await qi.submit(c.url);
  await waitFor(async () => (await qi.title()) === 'Add Connection (4/7): workflow ids', 10_000);
  await qi.submit(c.workflowId);
  await waitFor(async () => (await qi.title()) === 'Add Connection (4/7): workflow names (1/1)', 10_000);
  await qi.submit(c.workflowName);
  await waitFor(async () => (await qi.title()) === 'Add Connection (5/7): protection', 10_000);
  await qi.pick('Not protected');
  await waitFor(async () => (await qi.title()) === 'Add Connection (6/7): API key', 10_000);
  await qi.submit(c.apiKey);
  await waitFor(async () => (await qi.title()) === 'Add Connection (7/7): API secret', 10_000);
  await qi.submit(c.apiSecret);
  await waitForNotification(vscode.page, new RegExp(`^${c.name} works: 1 workflow\\(s\\)\\.$`), 30_000);
}
