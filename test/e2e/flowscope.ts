/**
 * Flowscope-specific helpers for the e2e scenarios: the explorer tree (tree.ts, re-exported), the
 * sandbox's URL, credentials and state (sandboxState.ts, re-exported), the multi-step prompts of
 * Trigger Run and the notifications awaited. Built on harness.ts.
 *
 * Not a test file itself (no `.e2e.test.ts` suffix), so `node --test test/e2e/*.e2e.test.ts`
 * does not run it.
 */
import type { Page } from 'playwright-core';
import { describeNotifications, describeWorkbench, notificationCenter, notifications, quickInput, runCommand, waitFor } from './harness';
import type { VsCode } from './harness';
import { sandboxUrl } from './sandboxState';
import { treeRows } from './tree';

// The sandbox's URL, keys and state live in sandboxState.ts, the explorer tree's rows in tree.ts;
// scenarios import them from here.
export * from './sandboxState';
export * from './tree';

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
    // Every step names itself by a title or a prompt. Read while the previous step's pick fades
    // out and this one's box comes in, both are blank (seen on the newest code-server): wait.
    let title = '';
    let prompt = '';
    await waitFor(async () => {
      [title, prompt] = [await qi.title(), await qi.message()];
      return title !== '' || prompt !== '';
    }, 10_000).catch(() => undefined);
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
  // Enter opens the focused row: wait until it is the file (the search's results arrive after the
  // recently opened ones, and the list re-sorts as they do).
  const focused = qi.widget.locator('.monaco-list-row.focused', { hasText: name }).first();
  await focused.waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
    throw new Error(`Quick Open did not put "${name}" first; it shows ${JSON.stringify(await qi.items())}`);
  });
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

/**
 * Waits until a notification whose text matches `pattern` is shown as a toast, and returns its
 * text. If no toast says it in time, the notification center is read once: VS Code lists there the
 * notifications it did not show as toasts, or hid again (workbench/notifications.ts says when).
 * On failure the error lists every notification and what else the workbench showed (an open quick
 * input or menu, a dialog), so that a failure explains itself. Call clearNotifications first, or an
 * older notification that matches may be found in the center.
 */
export async function waitForNotification(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  let found: string | undefined;
  const toasted = await waitFor(
    async () => {
      found = (await notifications(page)).find((n) => pattern.test(n));
      return found !== undefined;
    },
    timeoutMs,
    200,
  ).then(
    () => true,
    () => false,
  );
  if (toasted) return found as string;
  // Described before the center is opened: opening it hides the toasts.
  const shown = await describeWorkbench(page);
  // The center opens from the palette, which a modal dialog blocks: its failure must not hide this one.
  const center = await notificationCenter(page).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  if (!(center instanceof Error)) {
    found = center.find((n) => pattern.test(n.text))?.text;
    if (found !== undefined) return found;
  }
  const listed = center instanceof Error ? `could not be read (${center.message})` : describeNotifications(center);
  throw new Error(`no notification matching ${String(pattern)} within ${timeoutMs} ms. Workbench: ${shown}. Notification center: ${listed}`);
}

/**
 * Clears every notification, toasts and the center's list, so later waits (which read the center
 * too) see only new ones.
 */
export async function clearNotifications(vscode: VsCode): Promise<void> {
  await vscode.runCommand('Notifications: Clear All Notifications');
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
