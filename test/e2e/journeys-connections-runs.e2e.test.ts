/**
 * Issue 16, connection journeys that involve runs and pushes, in one code-server window, in order:
 *   5. a connection added as protected asks before a trigger (a modal "Continue": Cancel starts
 *      nothing, Continue starts the run) and before a push (the workflow's name typed: a wrong
 *      answer is refused in the box and nothing is pushed; the right one pushes);
 *   6. `flowscope.notifications.runEnded` at each of its values (package.json: all, failures,
 *      none): a run that ends shows its notification, word for word, or does not;
 *   4. a Supervity Auto connection whose service answers 429 with a long `Retry-After` shows the
 *      rate-limited row with its countdown; once the service answers again, its workflows appear.
 *
 * Run: npm run build && node --import tsx --test --test-concurrency=1 test/e2e/journeys-connections-runs.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { quickInput, waitFor } from './harness';
import type { VsCode } from './harness';
import {
  CONNECTIONS,
  FACES,
  SAMPLES,
  childrenOf,
  clearNotifications,
  collapseRow,
  escapeRegExp,
  expandRow,
  replaceEditorText,
  sandboxCredentials,
  selectRow,
  sandboxState,
  treeRows,
  triggerFromPalette,
  waitForNotification,
  waitForSandboxRun,
} from './flowscope';
import type { SandboxCredentials, SandboxRun } from './flowscope';
import { addConnection, allNotifications, setUserSetting, startForwarder } from './connections';
import type { Forwarder } from './connections';
import { TYPED_AS_TYPED, sharedWindow } from './window';

const PROTECTED = 'Production Powabase';
const LIMITED = 'Limited Supervity';
const PULLED = 'research-brief-linear.workflow.json';

let keys: SandboxCredentials;
let forwarder: Forwarder;

const win = sharedWindow('journeys-connections-runs', {
  settings: TYPED_AS_TYPED,
  setUp: async ({ vscode, url }) => {
    keys = await sandboxCredentials(vscode);
    forwarder = await startForwarder(url);
    for (const face of FACES) await collapseRow(vscode.page, CONNECTIONS[face]);
  },
  tearDown: async () => forwarder?.close(),
});
const { step } = win;

const modal = (): ReturnType<VsCode['page']['locator']> => win.vscode.page.locator('.monaco-dialog-box');

test('a protected connection asks before a trigger and a push; a wrong answer does nothing, the right one goes ahead', { timeout: 300_000 }, () =>
  step('journeys-connections-protected', async () => {
    const page = win.vscode.page;
    const qi = quickInput(page);
    const linear = SAMPLES.powabase.linear;
    await addConnection(win.vscode, { service: 'Powabase', name: PROTECTED, url: win.url, protected: true, apiKey: keys.powabase.apiKey });
    await waitForNotification(page, new RegExp(`^${PROTECTED} works: \\d+ workflow\\(s\\)\\.$`), 30_000);
    // The row says so (with its health once the tree has loaded it).
    assert.match((await treeRows(page)).find((r) => r.label === PROTECTED)?.description ?? '', /^protected( · ok)?$/);

    // Trigger, declined at the question: no run.
    const runsOfLinear = async (topic: string): Promise<SandboxRun[]> => (await sandboxState(win.url)).runs.filter((r) => r.workflowId === linear.id && r.inputs.topic === topic);
    await triggerFromPalette(win.vscode, PROTECTED, linear.name, { topic: 'protected, declined' });
    await modal().waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await modal().innerText(), /"Production Powabase" is a protected connection\./);
    const buttons = (await modal().locator('.dialog-buttons .monaco-button').allTextContents()).map((b) => b.trim()).sort();
    assert.deepEqual(buttons, ['Cancel', 'Continue']);
    await win.vscode.screenshot('journeys-connections-protected-trigger-question');
    await modal().locator('.dialog-buttons .monaco-button', { hasText: /^Cancel$/ }).click();
    await modal().waitFor({ state: 'hidden', timeout: 10_000 });

    // Trigger, confirmed: the run starts. The declined one, asked first, never did.
    await triggerFromPalette(win.vscode, PROTECTED, linear.name, { topic: 'protected, confirmed' });
    await modal().waitFor({ state: 'visible', timeout: 15_000 });
    await modal().locator('.dialog-buttons .monaco-button', { hasText: /^Continue$/ }).click();
    const run = await waitForSandboxRun(win.url, (r) => r.workflowId === linear.id && r.inputs.topic === 'protected, confirmed');
    await waitForSandboxRun(win.url, (r) => r.id === run.id && r.status === 'completed', 60_000);
    assert.equal((await runsOfLinear('protected, declined')).length, 0);
    assert.equal((await runsOfLinear('protected, confirmed')).length, 1);

    // Push: the workflow's name must be typed. A graph file bound to the protected connection first.
    await win.vscode.runCommand('Flowscope: Pull Graph…');
    await qi.waitOpen();
    await qi.pick(PROTECTED);
    await waitFor(async () => (await qi.items()).includes(linear.name), 20_000);
    await qi.pick(linear.name);
    await waitForNotification(page, new RegExp(`into ${escapeRegExp(PULLED)}, bound to that workflow`), 30_000);
    const file = join(win.workspace, PULLED);
    const pulled = await readFile(file, 'utf8');
    assert.match(pulled, /"name": "Start"/);
    const edited = pulled.replace('"name": "Start"', '"name": "Start, pushed with a typed name"');
    await replaceEditorText(page, edited);
    await page.keyboard.press('Control+S');
    await waitFor(async () => (await readFile(file, 'utf8')) === edited, 15_000, 200);
    const version = (await sandboxState(win.url)).workflows.find((w) => w.id === linear.id)?.version;
    assert.ok(version !== undefined);

    const pushUpToTheName = async (): Promise<void> => {
      await win.vscode.runCommand('Flowscope: Push Graph…');
      await waitFor(async () => (await qi.items()).includes('Push these changes'), 30_000);
      await qi.pick('Push these changes');
      await waitFor(async () => (await qi.title()) === '"Production Powabase" is a protected connection', 15_000);
    };
    await pushUpToTheName();
    // The prompt, then VS Code's own hint.
    assert.equal(await qi.message(), "Type the workflow's name (Research brief (linear)) or id to push (Press 'Enter' to confirm or 'Escape' to cancel)");
    await qi.submit('Research brief');
    await waitFor(async () => (await qi.message()) === 'Type "Research brief (linear)" exactly', 10_000);
    assert.ok(await qi.widget.isVisible(), 'a wrong name does not close the box');
    await win.vscode.screenshot('journeys-connections-protected-push-wrong-name');
    await qi.cancel();
    await qi.waitClosed();
    assert.equal((await sandboxState(win.url)).workflows.find((w) => w.id === linear.id)?.version, version);

    await pushUpToTheName();
    await qi.submit(linear.name);
    await waitFor(async () => (await sandboxState(win.url)).workflows.find((w) => w.id === linear.id)?.version === version + 1, 30_000, 250);
    const pushed = (await sandboxState(win.url)).workflows.find((w) => w.id === linear.id);
    assert.ok(pushed?.blocks.some((b) => b.name === 'Start, pushed with a typed name'));
    await win.vscode.screenshot('journeys-connections-protected-pushed');
    await win.vscode.runCommand('View: Close All Editors');
    await collapseRow(page, PROTECTED);
  }));

/** Triggers a Powabase sample on the sandbox connection and waits until the sandbox says it ended. */
async function runToEnd(sample: { id: string; name: string }, topic: string, status: SandboxRun['status']): Promise<string> {
  // A selected workflow or run would be the trigger's target: select the connection instead.
  await selectRow(win.vscode.page, CONNECTIONS.powabase);
  await triggerFromPalette(win.vscode, CONNECTIONS.powabase, sample.name, { topic });
  const run = await waitForSandboxRun(win.url, (r) => r.workflowId === sample.id && r.inputs.topic === topic);
  await waitForSandboxRun(win.url, (r) => r.id === run.id && r.status === status, 60_000);
  return run.id.slice(0, 8);
}

/** Waits until the tree shows the run (under its workflow) as ended: the run store has seen the end. */
async function treeShowsEnded(workflow: string, shortId: string, status: string): Promise<void> {
  await expandRow(win.vscode.page, workflow);
  await waitFor(async () => childrenOf(await treeRows(win.vscode.page), workflow, CONNECTIONS.powabase).some((r) => r.label === `Run ${shortId}` && r.description.startsWith(status)), 60_000, 250);
}

test('the run-ended notification at each setting: all, failures, none', { timeout: 300_000 }, () =>
  step('journeys-connections-run-ended', async () => {
    const page = win.vscode.page;
    const { linear, failing } = SAMPLES.powabase;
    await collapseRow(page, PROTECTED);
    await expandRow(page, CONNECTIONS.powabase);
    await clearNotifications(win.vscode);

    // none: a failed run says nothing. (Powabase records a run whose step failed for good as
    // "completed with errors", which counts as a failure.)
    await setUserSetting(win.vscode, 'flowscope.notifications.runEnded', 'none');
    const silentFailure = await runToEnd(failing, 'ended, none', 'failed');
    await treeShowsEnded(failing.name, silentFailure, 'completed with errors');

    // failures: a completed run says nothing, a failed one says so. Each toast would come in the
    // order the runs ended, so once the failure's shows, the ones before it would have too.
    await setUserSetting(win.vscode, 'flowscope.notifications.runEnded', 'failures');
    const quietSuccess = await runToEnd(linear, 'ended, failures, completed', 'completed');
    await treeShowsEnded(linear.name, quietSuccess, 'completed');
    const loudFailure = await runToEnd(failing, 'ended, failures, failed', 'failed');
    const failureToast = await waitForNotification(page, new RegExp(`^Run ${loudFailure} `), 60_000);
    assert.equal(
      failureToast,
      `Run ${loudFailure} of Broken upstream (fails for good) (Sandbox · Powabase) completed with errors. Block Call upstream (broken) failed: upstream returned 502 Bad Gateway`,
    );
    await win.vscode.screenshot('journeys-connections-run-ended-failures');
    let shown = await allNotifications(win.vscode);
    assert.deepEqual(
      shown.filter((n) => n.includes(silentFailure) || n.includes(quietSuccess)),
      [],
      JSON.stringify(shown),
    );

    // all: a completed run says so too. (Clear the center as well: the failure's toast moved there.)
    await win.vscode.runCommand('Notifications: Clear All Notifications');
    await setUserSetting(win.vscode, 'flowscope.notifications.runEnded', 'all');
    const loudSuccess = await runToEnd(linear, 'ended, all', 'completed');
    assert.equal(await waitForNotification(page, new RegExp(`^Run ${loudSuccess} `), 60_000), `Run ${loudSuccess} of Research brief (linear) (Sandbox · Powabase) completed.`);
    await win.vscode.screenshot('journeys-connections-run-ended-all');
    shown = await allNotifications(win.vscode);
    assert.deepEqual(shown.filter((n) => n.startsWith('Run ')), [`Run ${loudSuccess} of Research brief (linear) (Sandbox · Powabase) completed.`]);
    await collapseRow(page, CONNECTIONS.powabase);
  }));

test('a rate-limited service: the row counts down, and the workflows appear once it answers again', { timeout: 240_000 }, () =>
  step('journeys-connections-rate-limited', async () => {
    const page = win.vscode.page;
    const typed = 'Invoice intake (typed)';
    // Longer than the client waits by itself (30 s, src/core/http.ts): the row must say it.
    forwarder.retryAfterSeconds = 40;
    await clearNotifications(win.vscode);
    await addConnection(win.vscode, {
      service: 'Supervity Auto',
      name: LIMITED,
      url: forwarder.url,
      org: keys.supervity.org,
      workflows: [{ id: SAMPLES.supervity.linear.id, name: typed }],
      apiKey: keys.supervity.apiKey,
    });
    assert.match(await waitForNotification(page, /Rate limited/, 30_000), /Rate limited by the service: try again in 40 s\.$/);
    // The connection's row says it, counting down.
    const limitedRow = async (): Promise<string> => (await treeRows(page)).find((r) => r.label === LIMITED)?.description ?? '';
    let first = 0;
    await waitFor(async () => (first = Number(/^Supervity Auto · rate limited, retrying in (\d+) s$/.exec(await limitedRow())?.[1] ?? 0)) > 0, 30_000, 250);
    assert.ok(first <= 40, `the countdown starts at most at the Retry-After: ${first}`);
    await win.vscode.screenshot('journeys-connections-rate-limited');
    await waitFor(async () => Number(/retrying in (\d+) s$/.exec(await limitedRow())?.[1] ?? 99) < first, 15_000, 250);
    assert.ok(forwarder.limited > 0);

    // The service answers again: once the countdown ran out, the hold is lifted and the next read
    // (the connection expanded) lists the workflows.
    forwarder.retryAfterSeconds = undefined;
    await waitFor(async () => !/rate limited/.test(await limitedRow()), 90_000, 500);
    await expandRow(page, LIMITED);
    await waitFor(async () => childrenOf(await treeRows(page), LIMITED).some((r) => r.label === typed), 30_000, 250);
    assert.equal(await limitedRow(), 'Supervity Auto · ok');
    await win.vscode.screenshot('journeys-connections-rate-limit-over');
  }));
