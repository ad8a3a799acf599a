/**
 * Flowscope-specific helpers for the e2e scenarios: the explorer tree as data, the sandbox's
 * URL, credentials and state (sandboxState.ts, re-exported), and the multi-step prompts of Trigger
 * Run. Built on harness.ts.
 *
 * Not a test file itself (no `.e2e.test.ts` suffix), so `node --test test/e2e/*.e2e.test.ts`
 * does not run it.
 */
import type { Locator, Page } from 'playwright-core';
import { notifications, quickInput, runCommand, waitFor } from './harness';
import type { VsCode } from './harness';
import { sandboxUrl } from './sandboxState';

// The sandbox's URL, keys and state live in sandboxState.ts; scenarios import them from here.
export * from './sandboxState';

export const VIEW = 'Workflows & Runs';

export const CONNECTIONS = {
  whiterabbit: 'Sandbox · White Rabbit',
  powabase: 'Sandbox · Powabase',
  supervity: 'Sandbox · Supervity Auto',
} as const;
export type Face = keyof typeof CONNECTIONS;
export const FACES: readonly Face[] = ['whiterabbit', 'powabase', 'supervity'];

/**
 * The samples of src/sandbox/samples/<face>.ts (kept literal: a test must notice if they move).
 * Each face has its own: another face's ids do not exist there.
 */
export const SAMPLES = {
  whiterabbit: {
    linear: { id: '5a4d0b01-0001-4000-8000-000000000101', name: 'Treasury balance report' },
    long: { id: '5a4d0b01-0006-4000-8000-000000000106', name: 'Cold wallet setup (long run, ~60 s)' },
  },
  powabase: {
    linear: { id: '5a4d0b02-0001-4000-8000-000000000201', name: 'Research brief (linear)' },
    fanout: { id: '5a4d0b02-0002-4000-8000-000000000202', name: 'Regional quotes (fan-out / fan-in)' },
    failing: { id: '5a4d0b02-0005-4000-8000-000000000205', name: 'Broken upstream (fails for good)' },
    long: { id: '5a4d0b02-0006-4000-8000-000000000206', name: 'Nightly batch (long run, ~60 s)' },
  },
  supervity: {
    linear: { id: '5a4d0b03-0001-4000-8000-000000000301', name: 'Invoice intake' },
    long: { id: '5a4d0b03-0006-4000-8000-000000000306', name: 'Month-end close (long run, ~60 s)' },
  },
} as const;

/** How a connection labels a workflow in the tree and the pick: by name on every face (issue 13). */
export function sampleLabel(_face: Face, sample: { id: string; name: string }): string {
  return sample.name;
}

// ---------------------------------------------------------------------------
// The explorer tree as data
// ---------------------------------------------------------------------------

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
  const row = treeRow(page, label).nth(nth);
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'true', 10_000);
}

export async function collapseRow(page: Page, label: string): Promise<void> {
  const row = treeRow(page, label).first();
  if ((await row.count()) === 0) return;
  if ((await row.getAttribute('aria-expanded')) === 'true') await row.locator('.monaco-tl-twistie').click();
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

// ---------------------------------------------------------------------------
// Commands with prompts
// ---------------------------------------------------------------------------

/** Runs "Flowscope: Start Sandbox" from the palette and waits for the three connections. */
export async function startSandbox(vscode: VsCode): Promise<string> {
  await vscode.runCommand('Flowscope: Start Sandbox');
  await waitForConnections(vscode.page);
  return sandboxUrl(vscode);
}

export async function waitForConnections(page: Page): Promise<void> {
  await waitFor(
    async () => {
      const labels = (await treeRows(page)).filter((r) => r.level === 1).map((r) => r.label);
      return Object.values(CONNECTIONS).every((c) => labels.includes(c));
    },
    60_000,
    250,
  );
}

/**
 * Answers the input prompts of Trigger Run: one input box per declared variable (its prompt
 * starts with the variable's name) or one JSON box when the API declares none, then Supervity's
 * environment overrides step (`envs` added one by one, none by default). Returns once the quick
 * input closed.
 */
export async function answerInputs(page: Page, inputs: Readonly<Record<string, string>>, supervity?: { readonly envs?: Readonly<Record<string, string>> }): Promise<void> {
  const qi = quickInput(page);
  const pendingEnvs = Object.entries(supervity?.envs ?? {});
  let envsAdded = 0;
  // A Supervity trigger ends with the environment overrides step: another prompt follows until it is answered.
  let moreToCome = supervity !== undefined;
  for (let step = 0; step < 10 + 3 * pendingEnvs.length; step++) {
    const open = await qi.waitOpen(moreToCome ? 10_000 : 5_000).then(
      () => true,
      () => false,
    );
    if (!open) {
      if (moreToCome) throw new Error('Trigger Run never asked for environment overrides');
      return;
    }
    const title = await qi.title();
    const prompt = await qi.message();
    if (/: environment overrides$/.test(title)) {
      const adding = envsAdded < pendingEnvs.length;
      moreToCome = adding;
      if (adding) await qi.pick('Add an environment override…');
      else await qi.pick(envsAdded ? 'Run with these overrides' : 'Run without environment overrides');
    } else if (/: override name$/.test(title)) {
      await qi.submit(pendingEnvs[envsAdded]?.[0] ?? '');
    } else if (/: value of /.test(title)) {
      await qi.submit(pendingEnvs[envsAdded++]?.[1] ?? '');
    } else if (/JSON object/.test(prompt)) {
      await qi.submit(JSON.stringify(inputs));
    } else {
      const name = /^(\S+)/.exec(prompt)?.[1];
      const value = name !== undefined ? inputs[name] : undefined;
      if (value === undefined) throw new Error(`Trigger asks for an input the test does not know: "${prompt}" (${title})`);
      await qi.submit(value);
    }
    // The next field replaces this one in the same widget: wait until it did, or it closed.
    await waitFor(async () => !(await qi.widget.isVisible()) || (await qi.title()) !== title, 10_000);
    if (!moreToCome && !(await qi.widget.isVisible())) return;
  }
  throw new Error('Trigger Run kept asking for inputs');
}

/**
 * Trigger Run from the command palette: pick the connection, then the workflow, then fill in the
 * inputs. The tree's selection must not hold a workflow (it would be used as the target).
 */
export async function triggerFromPalette(
  vscode: VsCode,
  connection: string,
  workflowLabel: string,
  inputs: Readonly<Record<string, string>>,
  envs: Readonly<Record<string, string>> = {},
): Promise<void> {
  const page = vscode.page;
  await runCommand(page, 'Flowscope: Trigger Run…');
  const qi = quickInput(page);
  await qi.waitOpen();
  await qi.pick(connection);
  // The workflow pick replaces the connection pick.
  await waitFor(async () => (await qi.items()).includes(workflowLabel), 20_000);
  await qi.pick(workflowLabel);
  await answerInputs(page, inputs, connection === CONNECTIONS.supervity ? { envs } : undefined);
}

/** Opens a workspace file by name through Quick Open (Ctrl+P) and waits for its editor. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const qi = quickInput(page);
  await qi.waitOpen();
  await qi.input.fill(name);
  const row = qi.widget.locator('.monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Enter');
  await qi.waitClosed(15_000);
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: 15_000 });
}

/**
 * Replaces the active editor's text as a paste would: select all, then insert the text in one
 * input event (typing it key by key would trigger auto-closing brackets and auto-indent).
 */
export async function replaceEditorText(page: Page, text: string): Promise<void> {
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  // Delete first: a "{" typed over a selection would surround it instead of replacing it.
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Clicks the button labelled `button` on the toast whose message matches `message`. */
export async function clickNotificationButton(page: Page, message: RegExp, button: string, timeoutMs = 30_000): Promise<void> {
  const toast = page.locator('.notifications-toasts .notification-list-item').filter({ has: page.locator('.notification-list-item-message', { hasText: message }) }).first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: new RegExp(`^\\s*${escapeRegExp(button)}\\s*$`) }).click();
}

/** Waits until a toast whose text matches `pattern` is shown, and returns its text. */
export async function waitForNotification(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  let found: string | undefined;
  await waitFor(
    async () => {
      found = (await notifications(page)).find((n) => pattern.test(n));
      return found !== undefined;
    },
    timeoutMs,
    200,
  );
  return found as string;
}

/** Closes every toast, so later waits see only new ones. */
export async function clearNotifications(vscode: VsCode): Promise<void> {
  if ((await notifications(vscode.page)).length === 0) return;
  await vscode.runCommand('Notifications: Clear All Notifications');
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
