/**
 * Driving the workbench as a user does: the command palette, quick inputs, webviews, the Problems
 * panel and tree rows. Notifications are read in notifications.ts, context menus in menus.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { escapeRegExp, normalize } from './paths';

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
  /**
   * Filters a single-choice quick pick by `label` and accepts the item labelled exactly `label`:
   * the focus (which Enter accepts) is moved onto it and checked before Enter.
   */
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
      // Not a click on the row: the list reuses its row elements while the filter applies and
      // items arrive, so a click can land on the item that has just taken the row's place. The
      // focus is the list's own (its active item): moved with the arrow keys when the filter did
      // not put `label` first, and accepted once it is on `label`.
      const wanted = normalize(label);
      const focusedLabel = async (): Promise<string> => normalize(await widget.locator('.monaco-list-row.focused .label-name').first().textContent({ timeout: 1_000 }));
      const onIt = await waitFor(
        async () => {
          if ((await focusedLabel()) === wanted) return true;
          if ((await qi.items()).includes(wanted)) await input.press('ArrowDown');
          return false;
        },
        10_000,
        100,
      ).then(
        () => true,
        () => false,
      );
      if (!onIt) {
        const named = (await qi.title()) || ((await input.getAttribute('placeholder').catch(() => null)) ?? '');
        throw new Error(`the quick pick "${named}" has no item "${label}" to accept; it shows ${JSON.stringify(await qi.items())}`);
      }
      await input.press('Enter');
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

/** Polls `check` until it returns true or the time is up. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
