/**
 * Opens every connection and workflow of the Flowscope tree, as a user who clicks every twistie:
 * from the top, each collapsed connection or workflow row on screen is expanded, then the list is
 * scrolled down a screen, until the end. The list renders only the rows near the viewport, so the
 * rows are looked for again after every click and scroll.
 */
import type { Page } from 'playwright-core';
import { waitFor } from './harness';
import { flowscopePane } from './flowscope';

/** The list's own rows: the sticky copies of parent rows at the top are left out. */
const ROW = '.monaco-list-rows > .monaco-list-row';
const COLLAPSED = `${ROW}[aria-expanded="false"]:is([aria-level="1"], [aria-level="2"])`;

/** The labels of the rows the list has rendered (sticky copies left out), in no particular order. */
export async function listedLabels(page: Page): Promise<string[]> {
  return flowscopePane(page)
    .locator(`${ROW} .label-name`)
    .evaluateAll((names) => names.map((n) => (n.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** The highest row index the list has rendered: it stops growing once the list is scrolled to its end. */
async function lastRendered(page: Page): Promise<number> {
  const indexes = await flowscopePane(page)
    .locator(ROW)
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-index'))));
  return Math.max(-1, ...indexes);
}

/** Expands every connection and workflow row (runs stay as they are). */
export async function expandEverything(page: Page, maxSteps = 300): Promise<void> {
  const pane = flowscopePane(page);
  const body = pane.locator('.pane-body');
  await body.hover();
  await page.mouse.wheel(0, -100_000);
  for (let n = 0; n < maxSteps; n++) {
    const collapsed = pane.locator(COLLAPSED).first();
    if ((await collapsed.count()) > 0) {
      // Found again by its label: rows above it may still get their children and move it down.
      // The list re-renders as rows load: a row gone meanwhile is looked for again.
      const label = await collapsed.locator('.label-name').first().textContent({ timeout: 2_000 }).catch(() => null);
      if (!label) continue;
      const clicked = await collapsed.locator('.monaco-tl-twistie').click({ timeout: 2_000 }).then(
        () => true,
        () => false,
      );
      if (!clicked) continue;
      // Away from the tree, so no tooltip covers the next row to click.
      await page.mouse.move(0, 0);
      const row = pane.locator(ROW).filter({ has: page.locator('.label-name', { hasText: label }) }).first();
      // Not confirmed in time: the next round finds it again if it is still collapsed.
      await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'true', 5_000, 50).catch(() => undefined);
      continue;
    }
    const before = await lastRendered(page);
    await body.hover();
    await page.mouse.wheel(0, 400);
    await page.mouse.move(0, 0);
    const moved = await waitFor(async () => (await lastRendered(page)) > before, 1_000, 50).then(
      () => true,
      () => false,
    );
    if (!moved) return;
  }
  throw new Error(`the tree still had rows to open after ${maxSteps} steps`);
}
