/**
 * Helpers for the graph panel (src/webview) in the e2e scenarios: the panel's nodes, header and
 * details pane read as data from inside the webview's inner frame, and the explorer's context
 * actions that open it. Not a test file itself (no `.e2e.test.ts` suffix).
 *
 * Class names come from src/webview/render/proxies.ts (the nodes' DOM side over the canvas:
 * `.nodes .node.status-<status>`, `.label`, `.kind`, `.meta`), src/webview/render/details.ts
 * (`aside.details`, `h2`, `.status-text`, `dl`, `details > summary + pre`), src/webview/timeline/view.ts
 * (`.timeline-row.status-<status>`, `.critical`, `.timeline-name`, `.timeline-duration`) and
 * src/webview/main.ts (`.title`, `.run-status`, `.subtitle`).
 */
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { contextMenu, describeMenu, waitFor, webviewFrame } from './harness';
import type { VsCode } from './harness';
import { escapeRegExp, focusedRowLabel, treeRow, waitForTreeIdle } from './flowscope';

export interface GraphNode {
  label: string;
  kind: string;
  /** From the `status-<status>` class: idle, queued, running, completed, failed, cancelled, skipped, … */
  status: string;
  selected: boolean;
}

export interface GraphHeader {
  title: string;
  subtitle: string;
  /** The run's status as the badge shows it ('' when the panel shows no run). */
  runStatus: string;
  notice: string;
}

/** Statuses after which a node no longer changes. */
export const TERMINAL_NODE = new Set(['completed', 'failed', 'cancelled', 'skipped']);

/**
 * The graph panel's content frame. The panel has no retainContextWhenHidden, so only the visible
 * one exists; tests close other editors first so "the last visible webview" is the graph.
 */
export function graphFrame(page: Page): FrameLocator {
  return webviewFrame(page);
}

/** The nodes as drawn (DOM order = the graph's node order). */
export async function graphNodes(frame: FrameLocator): Promise<GraphNode[]> {
  return frame.locator('.nodes .node').evaluateAll((elements) =>
    elements.map((el) => ({
      label: el.querySelector('.label')?.textContent ?? '',
      kind: el.querySelector('.kind')?.textContent ?? '',
      status: /(?:^|\s)status-(\S+)/.exec(el.className)?.[1] ?? '',
      selected: el.classList.contains('selected'),
    })),
  );
}

export async function graphHeader(frame: FrameLocator): Promise<GraphHeader> {
  // No named helper inside: tsx (esbuild keepNames) would wrap it in `__name`, which does not
  // exist in the page where Playwright evaluates the function.
  const [title, subtitle, runStatus, notice] = await frame
    .locator('#app')
    .evaluate((app) =>
      ['.title', '.subtitle', '.run-status', '.notice'].map((sel) => {
        const e = app.querySelector(sel);
        return e && !e.hasAttribute('hidden') ? (e.textContent ?? '') : '';
      }),
    );
  return { title: title ?? '', subtitle: subtitle ?? '', runStatus: runStatus ?? '', notice: notice ?? '' };
}

/** Waits until the panel has drawn `count` nodes (or any, without a count), and returns them. */
export async function waitForGraph(frame: FrameLocator, count?: number, timeoutMs = 30_000): Promise<GraphNode[]> {
  let nodes: GraphNode[] = [];
  await waitFor(
    async () => {
      nodes = await graphNodes(frame);
      return count === undefined ? nodes.length > 0 : nodes.length === count;
    },
    timeoutMs,
    100,
  );
  return nodes;
}

/** The node element labelled exactly `label`. */
export function graphNode(frame: FrameLocator, label: string): Locator {
  return frame.locator('.nodes .node').filter({ has: frame.locator('.label', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
}

/** A row of the run timeline, as shown. */
export interface TimelineRowText {
  label: string;
  status: string;
  critical: boolean;
  selected: boolean;
  /** The text after the bar: its duration (and the attempt, after a retry). */
  duration: string;
}

/** The timeline's rows in the order shown (all of them, for runs of fewer than ~40 stages). */
export async function timelineRows(frame: FrameLocator): Promise<TimelineRowText[]> {
  return frame.locator('.timeline:not([hidden]) .timeline-row').evaluateAll((elements) =>
    elements.map((el) => ({
      label: el.querySelector('.timeline-name')?.textContent ?? '',
      status: /(?:^|\s)status-(\S+)/.exec(el.className)?.[1] ?? '',
      critical: el.classList.contains('critical'),
      selected: el.getAttribute('aria-selected') === 'true',
      duration: el.querySelector('.timeline-duration')?.textContent ?? '',
    })),
  );
}

/** The details pane's sections (summary → pre text), facts (dt → dd), heading and status line, once shown. */
export interface DetailsPaneText {
  heading: string;
  status: string;
  sections: Record<string, string>;
  facts: Record<string, string>;
  /** The pane's whole text. */
  text: string;
}

export async function detailsPane(frame: FrameLocator): Promise<DetailsPaneText> {
  return frame.locator('aside.details').evaluate((aside) => {
    const sections: Record<string, string> = {};
    for (const d of aside.querySelectorAll('details')) {
      sections[d.querySelector('summary')?.textContent ?? ''] = d.querySelector('pre')?.textContent ?? '';
    }
    const facts: Record<string, string> = {};
    for (const dt of aside.querySelectorAll('dl > dt')) facts[dt.textContent ?? ''] = dt.nextElementSibling?.textContent ?? '';
    return {
      facts,
      heading: aside.querySelector('h2')?.textContent ?? '',
      status: aside.querySelector('.status-text')?.textContent ?? '',
      sections,
      text: aside.textContent ?? '',
    };
  });
}

/** Clicks a node and waits for its details (not the "Loading…" placeholder) in the side pane. */
export async function selectNode(frame: FrameLocator, label: string, timeoutMs = 15_000): Promise<DetailsPaneText> {
  // Selecting a node pans it into view, which can push others out of the panel (under the
  // workbench around it): fit the graph first, as a user would before clicking another block.
  await frame.locator('.tools button', { hasText: /^Fit$/ }).click();
  // Fit keeps labels readable, so a wide graph may still reach past the panel: drag it into view.
  await dragIntoView(frame, graphNode(frame, label).first());
  await graphNode(frame, label).first().click();
  let pane: DetailsPaneText | undefined;
  await waitFor(
    async () => {
      pane = await detailsPane(frame);
      return pane.heading === label && pane.status !== '';
    },
    timeoutMs,
    100,
  );
  return pane as DetailsPaneText;
}

/**
 * Drags the graph (with the mouse, as a user pans) until `node` is inside the graph area; nothing
 * when it already is. Bounding boxes are in the page's coordinates, iframes included.
 */
export async function dragIntoView(frame: FrameLocator, node: Locator): Promise<void> {
  const area = await frame.locator('.graph').boundingBox();
  const box = await node.boundingBox();
  if (!area || !box) return;
  const inside = box.x >= area.x && box.y >= area.y && box.x + box.width <= area.x + area.width && box.y + box.height <= area.y + area.height;
  if (inside) return;
  const page = node.page();
  // From the middle of the area, by the node's offset from that middle.
  const from = { x: area.x + area.width / 2, y: area.y + area.height / 2 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x - (box.x + box.width / 2 - from.x), from.y - (box.y + box.height / 2 - from.y), { steps: 8 });
  await page.mouse.up();
}

/**
 * Runs a context-menu action of a tree row, as a user does: right-click the row, move to the item,
 * accept it. Each step is checked, so that the action run is the one asked for, on the row asked
 * for, or the helper fails saying why:
 * - the menu must be the row's: the tree focuses the row whose menu it opens, and it reuses its
 *   row elements while it re-renders, so a right-click can land on another row (as selectRow's
 *   click once did);
 * - the item accepted must be `action`: Enter accepts whatever item has the focus;
 * - the tree must not be loading rows when the item is accepted: while VS Code re-fetches a
 *   parent's children its extension host has forgotten the rows below it, so the command gets no
 *   row, and Flowscope then asks for the target in a quick pick (or takes the row last selected).
 *   A refresh of the connection (after Deploy, Undeploy, a health change) re-fetches its workflows.
 * A menu that is not the row's, or lacks the action, is closed and opened again.
 */
export async function treeContextAction(page: Page, rowLabel: string, action: string, attempts = 3): Promise<void> {
  const menu = contextMenu(page);
  const misses: string[] = [];
  const settled = (): Promise<void> => waitForTreeIdle(page, `"${action}" on "${rowLabel}"`);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await settled();
    const row = treeRow(page, rowLabel).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await row.click({ button: 'right' });
    await menu.waitOpen();
    const owner = await focusedRowLabel(page);
    if (owner !== rowLabel) {
      misses.push(`attempt ${attempt}: the menu opened on row "${owner}" (${describeMenu(await menu.items())})`);
      await menu.close();
      continue;
    }
    if (!(await menu.focusItem(action))) {
      misses.push(`attempt ${attempt}: could not focus "${action}" in ${describeMenu(await menu.items())}`);
      await menu.close();
      continue;
    }
    // A fetch may have started while the menu was open (a live run re-renders its workflow every
    // few hundred ms): accept only once it is over.
    await settled();
    await page.keyboard.press('Enter');
    await menu.waitClosed().catch(async () => {
      throw new Error(`Enter on "${action}" (row "${rowLabel}") left the menu open: ${describeMenu(await menu.items())}`);
    });
    return;
  }
  throw new Error(`could not run "${action}" from the context menu of tree row "${rowLabel}": ${misses.join('; ')}`);
}

/** Closes every editor (graph panels included), so the next panel opened is the only webview. */
export async function closeAllEditors(vscode: VsCode): Promise<void> {
  await vscode.runCommand('View: Close All Editors');
  await waitFor(async () => (await vscode.page.locator('iframe.webview.ready:visible').count()) === 0, 10_000);
}
