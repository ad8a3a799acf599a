/**
 * The Flowscope explorer tree in the e2e scenarios: its rows read as data, and a user's actions on
 * them (select, expand, collapse, inline actions), each checked against the tree re-rendering
 * under the pointer (it reuses its row elements) and against the rows VS Code's extension host
 * forgets while it re-fetches them (treeLoading). Re-exported by flowscope.ts, where the
 * scenarios import it from. Not a test file itself.
 */
import type { Locator, Page } from 'playwright-core';
import { waitFor } from './harness';
import { escapeRegExp } from './workbench/paths';

export const VIEW = 'Workflows & Runs';

export interface TreeRow {
  label: string;
  description: string;
  /** 1 = connection, 2 = workflow, 3 = run (or message), 4 = stage. */
  level: number;
  /** The codicon id of the row's icon, e.g. "pass", "sync~spin" shows as "sync" + "codicon-modifier-spin". */
  icon: string;
  /** True/false for collapsible rows, undefined for leaves. */
  expanded: boolean | undefined;
}

/** The sidebar pane of the Flowscope view (its header may be hidden: it is the container's only view). */
export function flowscopePane(page: Page): Locator {
  return page
    .locator('.part.sidebar .pane')
    .filter({ has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^\\s*${escapeRegExp(VIEW)}\\s*$`, 'i') }) })
    .first();
}

/** The rendered rows of the Flowscope tree, top to bottom (only those the list has rendered). */
export async function treeRows(page: Page): Promise<TreeRow[]> {
  const rows = flowscopePane(page).locator('.monaco-list-row');
  const raw = await rows.evaluateAll((elements) =>
    elements.map((el) => {
      const icon = el.querySelector('.custom-view-tree-node-item-icon');
      const iconClass = [...(icon?.classList ?? [])].find((c) => c.startsWith('codicon-') && !c.startsWith('codicon-modifier')) ?? '';
      const expanded = el.getAttribute('aria-expanded');
      return {
        label: (el.querySelector('.label-name')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
        description: (el.querySelector('.label-description')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
        level: Number(el.getAttribute('aria-level') ?? '0'),
        icon: iconClass.replace(/^codicon-/, ''),
        expanded: expanded === null ? undefined : expanded === 'true',
        top: Number.parseFloat(/top:\s*(-?[\d.]+)px/.exec(el.getAttribute('style') ?? '')?.[1] ?? '0'),
      };
    }),
  );
  // The list reuses row elements: DOM order is not screen order, `top` is.
  return raw.sort((a, b) => a.top - b.top).map(({ top: _top, ...row }) => row);
}

/** The rows below `parent` (the first row labelled so, optionally below an ancestor), one level down. */
export function childrenOf(rows: readonly TreeRow[], parent: string, under?: string): TreeRow[] {
  let start = 0;
  if (under !== undefined) start = rows.findIndex((r) => r.label === under);
  const index = rows.findIndex((r, i) => i >= start && r.label === parent);
  if (index < 0) return [];
  const level = (rows[index] as TreeRow).level;
  const out: TreeRow[] = [];
  for (const row of rows.slice(index + 1)) {
    if (row.level <= level) break;
    if (row.level === level + 1) out.push(row);
  }
  return out;
}

/** A tree row by its exact label (below `under`'s row when given, e.g. a workflow of one connection). */
export function treeRow(page: Page, label: string): Locator {
  return page
    .locator('.part.sidebar .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) });
}

/**
 * The label of the Flowscope tree's focused row ('' when none): the tree focuses the row whose
 * context menu it opens, so this says whose menu is open. Sticky copies of parent rows (at the
 * top of a scrolled tree) are left out.
 */
export async function focusedRowLabel(page: Page): Promise<string> {
  const names = await flowscopePane(page).locator('.monaco-list-rows > .monaco-list-row.focused .label-name').allTextContents();
  return (names[0] ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * True while the Flowscope view loads rows: VS Code runs every children fetch of a tree view under
 * the progress bar of the view's container (the sidebar's), so the bar says when one is in flight.
 * During a fetch, VS Code's extension host has forgotten the rows below the parent it re-fetches
 * (ExtHostTreeView clears them before it asks the extension), and a context action accepted then
 * reaches the command without its row (see treeContextAction).
 */
export async function treeLoading(page: Page): Promise<boolean> {
  return (await page.locator('.part.sidebar .monaco-progress-container.active:visible').count()) > 0;
}

/** Waits until the Flowscope view loads no rows; `what` names the action waiting, for the error. */
export async function waitForTreeIdle(page: Page, what: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => !(await treeLoading(page)), timeoutMs, 50).catch(() => {
    throw new Error(`the Flowscope view was still loading rows after ${timeoutMs} ms, so ${what} could not be run with its row`);
  });
}

/**
 * The inline action (an icon shown while the pointer is on the row) of the row labelled `label`
 * whose aria-label (the command's title) is `title`, or starts with it (`prefix`), ready to click:
 * the pointer is moved onto the row again until the icon shows (the tree reuses its row elements
 * while it re-renders, so the row can move from under the pointer), and the view loads no rows
 * (a command clicked then gets no row: see treeLoading).
 */
export async function rowInlineAction(page: Page, label: string, title: string, match: 'exact' | 'prefix' = 'exact'): Promise<Locator> {
  const row = treeRow(page, label).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  const button = row.locator(`.actions .action-label[aria-label${match === 'prefix' ? '^' : ''}="${title}"]`).first();
  await waitFor(
    async () => {
      await row.hover();
      return button.isVisible();
    },
    10_000,
    200,
  ).catch(() => {
    throw new Error(`tree row "${label}" shows no inline action "${title}" on hover`);
  });
  await waitForTreeIdle(page, `"${title}" on "${label}"`);
  return button;
}

/** Focuses the Flowscope view (activity bar icon), which is what a user clicks first. */
export async function openFlowscopeView(page: Page): Promise<void> {
  const icon = page.locator('.part.activitybar .action-item a[aria-label^="Flowscope"]').first();
  await icon.waitFor({ state: 'visible', timeout: 30_000 });
  // The container holds one view, so VS Code hides the view's own header: wait for its body.
  const body = flowscopePane(page).locator('.pane-body');
  if (!(await body.isVisible())) await icon.click();
  await body.waitFor({ state: 'visible', timeout: 20_000 });
}

/** Expands the row labelled `label` (the `nth` such row) if it is collapsed; waits for it first. */
export async function expandRow(page: Page, label: string, nth = 0): Promise<void> {
  await setExpanded(page, label, nth, true);
}

/** Collapses the first row labelled `label` if it is expanded (nothing when there is no such row). */
export async function collapseRow(page: Page, label: string): Promise<void> {
  if ((await treeRow(page, label).count()) === 0) return;
  await setExpanded(page, label, 0, false);
}

/**
 * Clicks the row's twistie until the row is expanded (or collapsed). The tree reuses its row
 * elements while it re-renders, so a click can land on the row that has just taken this one's
 * place: the state is read again from the row found by its label, and it is clicked again only
 * when the last click has clearly missed (each click toggles, so one that merely shows late must
 * not be repeated: the row's state flips as the click is handled, before its children load).
 */
async function setExpanded(page: Page, label: string, nth: number, expanded: boolean): Promise<void> {
  const row = treeRow(page, label).nth(nth);
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  const wanted = String(expanded);
  const shows = async (): Promise<boolean> => (await row.getAttribute('aria-expanded')) === wanted;
  await waitFor(
    async () => {
      if (await shows()) return true;
      await row.locator('.monaco-tl-twistie').click({ timeout: 5_000 });
      return waitFor(shows, 2_000, 50).then(
        () => true,
        () => false,
      );
    },
    30_000,
    100,
  ).catch(() => {
    throw new Error(`tree row "${label}" did not ${expanded ? 'expand' : 'collapse'} within 30 s`);
  });
}

/** Selects a row without toggling it (a click on the label of a collapsible row would). */
export async function selectRow(page: Page, label: string): Promise<void> {
  const row = treeRow(page, label).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  // The tree reuses its row elements while it re-renders (rows loading below a connection), so a
  // click can land on the row that has just taken this one's place: click until this row is the
  // selected one (seen once: Trigger Run then took another workflow from the selection).
  await waitFor(
    async () => {
      const expanded = await row.getAttribute('aria-expanded');
      await row.locator('.label-name').click();
      // A click on a collapsible row's label toggles it: put it back as it was.
      const now = await row.getAttribute('aria-expanded');
      if (expanded !== null && now !== expanded) await row.locator('.monaco-tl-twistie').click();
      return (await row.getAttribute('aria-selected')) === 'true';
    },
    30_000,
    250,
  );
}
