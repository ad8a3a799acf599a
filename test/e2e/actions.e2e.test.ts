/**
 * Issue 13, "actions that do what they say", as a user meets them in code-server with the
 * embedded sandbox:
 *   1. Add Connection with a workflow name: steps numbered to the end, the URL box empty with
 *      the expected shape as its placeholder, and the name (not the id) in the tree;
 *   2. Cancel All Runs of Workflow on Supervity, with a reason and without one (Escape in the
 *      reason box is "no reason"): the buttons say what they do, one message with the outcome;
 *   3. Pull over local edits, saved and then unsaved: the diff is shown with the question, and
 *      nothing is replaced without a yes;
 *   4. Push declined at the diff: the server is unchanged and the diff tab closes.
 *
 * The tests share one VS Code window and run in order (3 and 4 use the file pulled in 3).
 *
 * Run: npm run build && node --import tsx --test --test-concurrency=1 test/e2e/actions.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { notifications, quickInput, waitFor } from './harness';
import {
  CONNECTIONS,
  SAMPLES,
  answerInputs,
  childrenOf,
  clearNotifications,
  collapseRow,
  expandRow,
  replaceEditorText,
  sandboxCredentials,
  sandboxState,
  selectRow,
  treeRows,
  waitForNotification,
  waitForSandboxRun,
} from './flowscope';
import type { SandboxRun } from './flowscope';
import { treeContextAction } from './graph';
import { TYPED_AS_TYPED, sharedWindow } from './window';

const win = sharedWindow('actions', { settings: TYPED_AS_TYPED });
const { step } = win;

const diffEditors = (): Promise<number> => win.vscode.page.locator('.monaco-diff-editor:visible').count();
/** The text the diff editor shows (Monaco draws spaces as no-break spaces). */
const diffText = async (): Promise<string> => (await win.vscode.page.locator('.monaco-diff-editor:visible').first().innerText()).replace(/\u00a0/g, ' ');

test('Add Connection asks a name for each workflow, numbers its steps to the end, and the tree shows the name', { timeout: 180_000 }, () =>
  step('actions-add-connection', async () => {
    const page = win.vscode.page;
    const keys = await sandboxCredentials(win.vscode);
    const qi = quickInput(page);
    await win.vscode.runCommand('Flowscope: Add Connection…');
    await qi.waitOpen();
    assert.equal(await qi.title(), 'Add Connection (1/…): service');
    await qi.pick('White Rabbit');
    await waitFor(async () => (await qi.title()) === 'Add Connection (2/7): name', 10_000);
    await qi.submit('My White Rabbit');
    await waitFor(async () => (await qi.title()) === 'Add Connection (3/7): URL', 10_000);
    // The expected shape is a placeholder, not text to delete first.
    assert.equal(await qi.input.inputValue(), '');
    assert.equal(await qi.input.getAttribute('placeholder'), 'https://api.whiterabbit.app');
    await qi.submit(win.url);
    await waitFor(async () => (await qi.title()) === 'Add Connection (4/7): workflow ids', 10_000);
    await qi.submit(SAMPLES.whiterabbit.linear.id);
    await waitFor(async () => (await qi.title()) === 'Add Connection (4/7): workflow names (1/1)', 10_000);
    await qi.submit('Treasury, named by me');
    await waitFor(async () => (await qi.title()) === 'Add Connection (5/7): protection', 10_000);
    await qi.pick('Not protected');
    await waitFor(async () => (await qi.title()) === 'Add Connection (6/7): API key', 10_000);
    await qi.submit(keys.whiterabbit.apiKey);
    await waitFor(async () => (await qi.title()) === 'Add Connection (7/7): API secret', 10_000);
    await qi.submit(keys.whiterabbit.apiSecret);
    await waitForNotification(page, /^My White Rabbit works: 1 workflow\(s\)\.$/, 30_000);

    // The settings keep the name with the id.
    const settings = JSON.parse(await readFile(join(win.vscode.userDataDir, 'User', 'settings.json'), 'utf8')) as {
      'flowscope.connections'?: Array<{ name: string; workflowIds?: unknown[] }>;
    };
    const added = settings['flowscope.connections']?.find((c) => c.name === 'My White Rabbit');
    assert.deepEqual(added?.workflowIds, [{ id: SAMPLES.whiterabbit.linear.id, name: 'Treasury, named by me' }]);

    await expandRow(page, 'My White Rabbit');
    await waitFor(async () => childrenOf(await treeRows(page), 'My White Rabbit').length === 1, 30_000, 250);
    const rows = childrenOf(await treeRows(page), 'My White Rabbit');
    assert.deepEqual(
      rows.map((r) => r.label),
      ['Treasury, named by me'],
    );
    await win.vscode.screenshot('actions-add-connection-named');
    await collapseRow(page, 'My White Rabbit');
  }));

/** Starts two runs of the long Supervity sample and waits until the sandbox runs both. */
async function twoLongRuns(period: string): Promise<SandboxRun[]> {
  const since = new Date().toISOString();
  for (const n of [1, 2]) await triggerLong(`${period}-${n}`);
  const runs: SandboxRun[] = [];
  await waitFor(
    async () => {
      const state = await sandboxState(win.url);
      runs.splice(0, runs.length, ...state.runs.filter((r) => r.workflowId === SAMPLES.supervity.long.id && r.createdAt >= since && r.status === 'running'));
      return runs.length === 2;
    },
    30_000,
    250,
  );
  return runs;
}

/** Trigger Run on the long Supervity sample, selected in the tree (so no picker is asked). */
async function triggerLong(period: string): Promise<void> {
  await selectRow(win.vscode.page, SAMPLES.supervity.long.name);
  await win.vscode.runCommand('Flowscope: Trigger Run…');
  await answerInputs(win.vscode.page, { period }, { envs: {} });
}

/** Cancel All Runs of Workflow from the long Supervity sample's context menu, up to its reason box. */
async function cancelAllUpToReason(): Promise<void> {
  const qi = quickInput(win.vscode.page);
  await treeContextAction(win.vscode.page, SAMPLES.supervity.long.name, 'Cancel All Runs of Workflow…');
  await qi.waitOpen();
  await waitFor(async () => (await qi.title()) === `Cancel all runs of ${SAMPLES.supervity.long.name} (1/2): reason`, 10_000);
}

/** The confirmation: its buttons say what they do; confirms with "Cancel 2 runs". */
async function confirmCancelTwo(detail: RegExp, screenshot: string): Promise<void> {
  const dialog = win.vscode.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  const buttons = (await dialog.locator('.dialog-buttons .monaco-button').allTextContents()).map((b) => b.trim()).sort();
  assert.deepEqual(buttons, ['Cancel 2 runs', 'Keep running']);
  assert.match(await dialog.innerText(), detail);
  await win.vscode.screenshot(screenshot);
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: /^Cancel 2 runs$/ }).click();
}

/** One message says how it went, with both runs; no second notification repeats it. */
async function oneCancelMessage(runs: readonly SandboxRun[]): Promise<void> {
  const ids = runs.map((r) => r.id.slice(0, 8));
  const message = await waitForNotification(win.vscode.page, new RegExp(`^Cancelled 2 runs of ${escape(SAMPLES.supervity.long.name)}: `), 30_000);
  for (const id of ids) assert.ok(message.includes(id), message);
  for (const run of runs) await waitForSandboxRun(win.url, (r) => r.id === run.id && r.status === 'cancelled', 20_000);
  // The tree has read the runs back (both rows cancelled) by the time any run-ended toast would show.
  await waitFor(
    async () => {
      const rows = await treeRows(win.vscode.page);
      return ids.every((id) => rows.some((r) => r.label === `Run ${id}` && /^cancelled/.test(r.description)));
    },
    30_000,
    250,
  ).catch(() => undefined);
  const cancelToasts = (await notifications(win.vscode.page)).filter((n) => /cancel/i.test(n));
  assert.deepEqual(cancelToasts, [message]);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('Cancel All Runs of Workflow: the reason first, "Cancel 2 runs", one message; Escape in the reason box is no reason', { timeout: 300_000 }, () =>
  step('actions-cancel-all', async () => {
    const qi = quickInput(win.vscode.page);
    await clearNotifications(win.vscode);
    await expandRow(win.vscode.page, CONNECTIONS.supervity);
    await waitFor(async () => (await treeRows(win.vscode.page)).some((r) => r.label === SAMPLES.supervity.long.name), 30_000, 250);
    await expandRow(win.vscode.page, SAMPLES.supervity.long.name);

    // With a reason.
    const first = await twoLongRuns('e2e-cancel-all');
    await cancelAllUpToReason();
    await qi.submit('month closed early');
    await confirmCancelTwo(/Reason recorded by the service: month closed early/, 'actions-cancel-all-confirm');
    await oneCancelMessage(first);
    for (const run of first) assert.equal((await waitForSandboxRun(win.url, (r) => r.id === run.id)).cancelReason, 'month closed early');
    await win.vscode.screenshot('actions-cancel-all-cancelled');

    // Escape in the reason box: no reason, and the confirmation still comes.
    await clearNotifications(win.vscode);
    const second = await twoLongRuns('e2e-cancel-all-escape');
    await cancelAllUpToReason();
    await qi.cancel();
    await confirmCancelTwo(/No reason is recorded\./, 'actions-cancel-all-no-reason-confirm');
    await oneCancelMessage(second);
    for (const run of second) assert.equal((await waitForSandboxRun(win.url, (r) => r.id === run.id)).cancelReason ?? null, null);
    await win.vscode.screenshot('actions-cancel-all-no-reason-cancelled');
    await collapseRow(win.vscode.page, CONNECTIONS.supervity);
  }));

const PULLED = 'research-brief-linear.workflow.json';
let pulledText = '';

test('Pull over local edits, saved and unsaved: the diff and a question first; nothing replaced without a yes', { timeout: 240_000 }, () =>
  step('actions-pull-over-edits', async () => {
    const page = win.vscode.page;
    const qi = quickInput(page);
    const file = join(win.workspace, PULLED);
    await win.vscode.runCommand('View: Close All Editors');
    await clearNotifications(win.vscode);

    // No graph file open: Pull writes a new bound file.
    await win.vscode.runCommand('Flowscope: Pull Graph…');
    await qi.waitOpen();
    await qi.pick(CONNECTIONS.powabase);
    await waitFor(async () => (await qi.items()).includes(SAMPLES.powabase.linear.name), 20_000);
    await qi.pick(SAMPLES.powabase.linear.name);
    await waitForNotification(page, new RegExp(`into ${escape(PULLED)}, bound to that workflow`), 30_000);
    pulledText = await readFile(file, 'utf8');
    // The edits below rename the first block, whose line the diff shows without scrolling.
    assert.match(pulledText, /"name": "Start"/);

    // A saved edit the server does not have.
    const saved = pulledText.replace('"name": "Start"', '"name": "Start, saved edit"');
    await replaceEditorText(page, saved);
    await page.keyboard.press('Control+S');
    await waitFor(async () => (await readFile(file, 'utf8')) === saved, 15_000, 200);
    await clearNotifications(win.vscode);
    await win.vscode.runCommand('Flowscope: Pull Graph…');
    await waitFor(async () => (await qi.items()).includes('Keep my file'), 30_000);
    assert.equal(await qi.title(), `${PULLED} has edits the server does not have. Replace them with the server's graph?`);
    // The difference is on screen, beside the question.
    await waitFor(async () => (await diffEditors()) > 0, 10_000);
    await waitFor(async () => /Start, saved edit/.test(await diffText()), 10_000, 200);
    await win.vscode.screenshot('actions-pull-saved-edit-diff');
    await qi.pick('Keep my file');
    await waitForNotification(page, new RegExp(`^Pull cancelled: ${escape(PULLED)} is unchanged\\.$`), 15_000);
    assert.equal(await readFile(file, 'utf8'), saved);
    await waitFor(async () => (await diffEditors()) === 0, 10_000);

    // An unsaved edit: asked the same way; this time the user says yes.
    const unsaved = pulledText.replace('"name": "Start"', '"name": "Start, unsaved edit"');
    await replaceEditorText(page, unsaved);
    await clearNotifications(win.vscode);
    await win.vscode.runCommand('Flowscope: Pull Graph…');
    await waitFor(async () => (await qi.items()).includes("Replace with the server's graph"), 30_000);
    assert.equal(await qi.title(), `${PULLED} has edits the server does not have. Replace them with the server's graph?`);
    await waitFor(async () => (await diffEditors()) > 0, 10_000);
    await waitFor(async () => /Start, unsaved edit/.test(await diffText()), 10_000, 200);
    await win.vscode.screenshot('actions-pull-unsaved-edit-diff');
    await qi.pick("Replace with the server's graph");
    await waitForNotification(page, new RegExp(`^Pulled into ${escape(PULLED)} `), 15_000);
    // The server's graph, in the file's own formatting: the very text first pulled.
    await waitFor(async () => (await readFile(file, 'utf8')) === pulledText, 15_000, 200);
    await waitFor(async () => (await diffEditors()) === 0, 10_000);
    await win.vscode.screenshot('actions-pull-replaced');
  }));

test('Push declined at the diff: nothing is sent and the diff closes', { timeout: 180_000 }, () =>
  step('actions-push-declined', async () => {
    assert.ok(pulledText, 'the pull test must have written the bound file');
    const page = win.vscode.page;
    const qi = quickInput(page);
    const file = join(win.workspace, PULLED);
    const before = (await sandboxState(win.url)).workflows.find((w) => w.id === SAMPLES.powabase.linear.id);
    assert.ok(before);

    const edited = pulledText.replace('"name": "Draft"', '"name": "Draft, not to be pushed"');
    await replaceEditorText(page, edited);
    await page.keyboard.press('Control+S');
    await waitFor(async () => (await readFile(file, 'utf8')) === edited, 15_000, 200);
    await clearNotifications(win.vscode);
    await win.vscode.runCommand('Flowscope: Push Graph…');
    await waitFor(async () => (await qi.items()).includes("Don't push"), 30_000);
    assert.equal(await qi.title(), `Push 1 change(s) to workflow ${SAMPLES.powabase.linear.id} on connection "${CONNECTIONS.powabase}"?`);
    // The diff is visible while the question is asked (no modal over it). Its sides list blocks by
    // id, so "draft" is the first block shown.
    await waitFor(async () => (await diffEditors()) > 0, 10_000);
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0);
    await waitFor(async () => /Draft, not to be pushed/.test(await diffText()), 10_000, 200);
    await win.vscode.screenshot('actions-push-diff');
    await qi.pick("Don't push");
    await waitForNotification(page, new RegExp(`^Push cancelled: nothing was sent to ${escape(CONNECTIONS.powabase)}/${SAMPLES.powabase.linear.id}\\.$`), 15_000);
    await waitFor(async () => (await diffEditors()) === 0, 10_000);
    const tabs = await page.locator('.tabs-container .tab .label-name').allTextContents();
    assert.ok(!tabs.some((t) => t.includes('↔')), `no review tab left: ${JSON.stringify(tabs)}`);

    const after = (await sandboxState(win.url)).workflows.find((w) => w.id === SAMPLES.powabase.linear.id);
    assert.ok(after);
    assert.equal(after.version, before.version);
    assert.deepEqual(
      after.blocks.map((b) => b.name),
      before.blocks.map((b) => b.name),
    );
    await win.vscode.screenshot('actions-push-declined');
  }));
