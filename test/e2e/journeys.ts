/**
 * Helpers for the run and graph journeys (journeys-runs / journeys-graph): a tree row's text
 * awaited as the service changes it, a row's inline action clicked, VS Code's modal dialog read
 * and answered, and the text of the active editor. Not a test file itself.
 */
import type { FrameLocator, Page } from 'playwright-core';
import { waitFor } from './harness';
import { childrenOf, escapeRegExp, rowInlineAction, treeRows } from './flowscope';
import type { TreeRow } from './flowscope';

/** Waits until the row labelled `label` (below `under` when given) satisfies `check`, and returns it. */
export async function waitForRow(page: Page, label: string, check: (row: TreeRow) => boolean, timeoutMs = 30_000, under?: string): Promise<TreeRow> {
  let found: TreeRow | undefined;
  await waitFor(
    async () => {
      const rows = await treeRows(page);
      found = (under === undefined ? rows : childrenOf(rows, under)).find((r) => r.label === label);
      return found !== undefined && check(found);
    },
    timeoutMs,
    150,
  );
  return found as TreeRow;
}

/** Clicks an inline action (the icons shown on hover) of the row labelled `label`, by its title. */
export async function clickInlineAction(page: Page, label: string, title: string): Promise<void> {
  // VS Code renders each inline action as an icon whose aria-label is the command's title.
  await (await rowInlineAction(page, label, title)).click();
}

export interface DialogText {
  message: string;
  detail: string;
  buttons: string[];
}

/** The modal dialog VS Code shows for `showWarningMessage(…, { modal: true })`, once it is open. */
export async function readDialog(page: Page, timeoutMs = 15_000): Promise<DialogText> {
  const box = page.locator('.monaco-dialog-box');
  await box.waitFor({ state: 'visible', timeout: timeoutMs });
  const text = async (selector: string): Promise<string> => ((await box.locator(selector).first().textContent().catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
  return {
    message: await text('.dialog-message-text'),
    detail: await text('.dialog-message-detail'),
    buttons: (await box.locator('.dialog-buttons .monaco-button').allTextContents()).map((b) => b.replace(/\s+/g, ' ').trim()),
  };
}

/** Clicks the modal dialog's button labelled `label` and waits for the dialog to close. */
export async function answerDialog(page: Page, label: string): Promise<void> {
  const box = page.locator('.monaco-dialog-box');
  await box.locator('.dialog-buttons .monaco-button', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }).click();
  await box.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The active editor's text as Monaco draws it (its visible lines; no-break spaces as spaces). */
export async function activeEditorText(page: Page): Promise<string> {
  const lines = page.locator('.editor-instance .monaco-editor .view-lines').first();
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

// ---------------------------------------------------------------------------
// The graph panel's live messages, seen from inside its webview
// ---------------------------------------------------------------------------

/** A snapshot or patch as it reached the webview's window (in order), and whether the test dropped it. */
export interface LiveMessage {
  type: 'snapshot' | 'patch';
  version: number;
  dropped: boolean;
}

export interface LostPatch {
  version: number;
  /** The node states the lost patch carried: node id → status. */
  changes: Record<string, string>;
}

/**
 * Drops the next patch that changes a node before the webview sees it, as a lost message would
 * be lost, and records every later snapshot and patch (read them with liveMessages). VS Code's
 * outer webview frame hands each host message to the webview's frame with
 * `contentWindow.postMessage` (same origin): an own `postMessage` on that window is called
 * instead, and forwards all but the dropped one. (A listener cannot do it: at the target,
 * listeners run in the order they were added, and the webview's came first.)
 * Resolves once one was dropped.
 */
export async function dropNextPatch(frame: FrameLocator, timeoutMs = 30_000): Promise<LostPatch> {
  await frame.locator('#app').evaluate(() => {
    // The webview's window (this test's tsconfig has no DOM types: its shape is written here).
    const w = globalThis as unknown as {
      journeyLog: LiveMessage[];
      journeyLost?: LostPatch;
      journeyDrop: boolean;
      postMessage(message: unknown, targetOrigin: string, transfer?: unknown[]): void;
    };
    w.journeyLog = [];
    w.journeyDrop = true;
    const deliver = w.postMessage.bind(w);
    w.postMessage = (message: unknown, targetOrigin: string, transfer?: unknown[]) => {
      const data = message as { type?: string; version?: number; changes?: Array<{ id: string; state?: { status: string } }> } | null;
      if (data && (data.type === 'patch' || data.type === 'snapshot')) {
        const drop = w.journeyDrop && data.type === 'patch' && (data.changes?.length ?? 0) > 0;
        w.journeyLog.push({ type: data.type, version: data.version ?? -1, dropped: drop });
        if (drop) {
          w.journeyDrop = false;
          w.journeyLost = { version: data.version ?? -1, changes: Object.fromEntries((data.changes ?? []).map((c) => [c.id, c.state?.status ?? ''])) };
          return;
        }
      }
      deliver(message, targetOrigin, transfer);
    };
  });
  let lost: LostPatch | undefined;
  await waitFor(
    async () => {
      lost = await frame.locator('#app').evaluate(() => (globalThis as unknown as { journeyLost?: LostPatch }).journeyLost);
      return lost !== undefined;
    },
    timeoutMs,
    100,
  );
  return lost as LostPatch;
}

/** The snapshots and patches recorded since dropNextPatch, in the order the webview's window got them. */
export async function liveMessages(frame: FrameLocator): Promise<LiveMessage[]> {
  return frame.locator('#app').evaluate(() => (globalThis as unknown as { journeyLog?: LiveMessage[] }).journeyLog ?? []);
}
