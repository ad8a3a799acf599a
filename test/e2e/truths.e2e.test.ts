/**
 * Issue 13, "what the user sees is true", read off the screen of code-server with the embedded
 * sandbox, in one window (the tests build on each other, in order):
 *   1. workflows are named, not ids: a bare id is shortened, its tooltip has it in full; each row
 *      says its service once;
 *   2. the White Rabbit panel with no run binds a graph file from its "Bind a Graph File…" step:
 *      the file gets the binding, the panel draws it, the tree names the workflow after it, and a
 *      run's live stages carry the file's component names (White Rabbit stages carry only their
 *      module); credits read "3 credits", never "1 credits" or "0 credits";
 *   3. two live Supervity runs: the status bar counts them; a running stage shows its duration, a
 *      stage that never started (run cancelled early) shows none; live stage labels are step names
 *      from the first update; Cancel on the ended run says so;
 *   4. every connection and workflow expanded (by keyboard), then two runs started: each run row
 *      is listed once, the status bar and its picker count two, no "already registered" error;
 *   5. the push progress toast's Cancel closes the open review: nothing is sent.
 * Other points of issue 13 are covered in actions, graphui, graph, runs and journeys-affordances.
 *
 * Run: npm run build && node --import tsx --test --test-concurrency=1 test/e2e/truths.e2e.test.ts
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
  clickNotificationButton,
  collapseRow,
  expandRow,
  flowscopeLog,
  replaceEditorText,
  sandboxCredentials,
  sandboxState,
  selectRow,
  treeRows,
  waitForNotification,
  waitForSandboxRun,
} from './flowscope';
import type { SandboxRun, TreeRow } from './flowscope';
import { closeAllEditors, graphFrame, graphHeader, graphNodes, waitForGraph } from './graph';
import { addWhiteRabbitConnection, rowTooltip, statusBarLive } from './truthSteps';
import { expandEverything, listedLabels } from './treeWalk';
import { TYPED_AS_TYPED, sharedWindow } from './window';

/** A White Rabbit connection added with the linear sample's id and no name for it. */
const BARE = 'Bare WR';
/** How the tree shows a bare workflow id: its first 8 characters and an ellipsis (written out). */
const SHORT = '5a4d0b01…';
const GRAPH_FILE = 'treasury.workflow.json';
/** The graph file bound from the panel: its name and its components' names (with their modules). */
const FILE_NAME = 'Treasury balance, from my file';
const GRAPH = {
  name: FILE_NAME,
  blocks: [
    { id: 'call', type: 'starter', name: 'Call received', config: { module: 'ON_API_CALLED' } },
    { id: 'wallet', type: 'code', name: 'Treasury wallet', config: { module: 'STRING_CONSTANT' } },
    { id: 'balance', type: 'platform_api', name: 'Read the balance', config: { module: 'GET_EVM_ACCOUNT_BALANCE' } },
    { id: 'post', type: 'general_api', name: 'Tell accounting', config: { module: 'API_CALL' } },
  ],
  edges: [
    { source: 'call', target: 'wallet' },
    { source: 'wallet', target: 'balance' },
    { source: 'balance', target: 'post' },
  ],
};
/** A duration as the tree words it ("850 ms", "4.2 s", "12 s", "1m 05s"), as one part of a description. */
const DURATION = /(^|· )(\d+ ms|\d+(\.\d)? s|\d+m \d\ds)( ·|$)/;

const win = sharedWindow('truths', {
  // Saving is explicit, so the pushed file is exactly the one typed.
  settings: TYPED_AS_TYPED,
  files: { [GRAPH_FILE]: `${JSON.stringify(GRAPH, null, 2)}\n` },
});
const { step } = win;

const rowOf = async (label: string): Promise<TreeRow | undefined> => (await treeRows(win.vscode.page)).find((r) => r.label === label);

test('workflows named, not ids: a bare id is shortened with the full id in its tooltip; each row says its service once', { timeout: 180_000 }, () =>
  step('truths-names', async () => {
    const page = win.vscode.page;
    const keys = await sandboxCredentials(win.vscode);
    await addWhiteRabbitConnection(win.vscode, { name: BARE, url: win.url, ...keys.whiterabbit, workflowId: SAMPLES.whiterabbit.linear.id, workflowName: '' });
    await expandRow(page, BARE);
    await waitFor(async () => childrenOf(await treeRows(page), BARE).length === 1, 30_000, 250);
    // "Bare WR" does not name its service: the row says it, once, before its health.
    await waitFor(async () => (await rowOf(BARE))?.description === 'White Rabbit · ok', 30_000, 250);
    assert.deepEqual(
      childrenOf(await treeRows(page), BARE).map((r) => r.label),
      [SHORT],
    );
    assert.match(await rowTooltip(page, SHORT), /Id: 5a4d0b01-0001-4000-8000-000000000101/);
    // The sandbox's own White Rabbit connection names the same workflow by the name it carries.
    await expandRow(page, CONNECTIONS.whiterabbit);
    await waitFor(async () => childrenOf(await treeRows(page), CONNECTIONS.whiterabbit).some((r) => r.label === SAMPLES.whiterabbit.linear.name), 30_000, 250);
    // "Sandbox · White Rabbit" names its service: only the health follows.
    await waitFor(async () => (await rowOf(CONNECTIONS.whiterabbit))?.description === 'ok', 30_000, 250);
    await win.vscode.screenshot('truths-names');
    await collapseRow(page, CONNECTIONS.whiterabbit);
  }));

test('the White Rabbit panel binds a graph file from its next step; the run’s stages take the file’s component names', { timeout: 240_000 }, () =>
  step('truths-bind', async () => {
    const page = win.vscode.page;
    const qi = quickInput(page);
    await closeAllEditors(win.vscode);
    await win.vscode.runCommand('Flowscope: Open Graph');
    await qi.waitOpen();
    await qi.pick(BARE);
    await waitFor(async () => (await qi.items()).includes(SHORT), 20_000);
    await qi.pick(SHORT);
    const frame = graphFrame(page);
    const empty = frame.locator('.empty-state:not([hidden])');
    await empty.waitFor({ state: 'visible', timeout: 30_000 });
    // A bare id is named as the tree names it: short, not the full UUID.
    assert.equal((await graphHeader(frame)).title, SHORT);
    await win.vscode.screenshot('truths-bind-empty');

    await empty.locator('button', { hasText: 'Bind a Graph File…' }).click();
    await waitFor(async () => (await qi.items()).includes(GRAPH_FILE), 20_000);
    await qi.pick(GRAPH_FILE);
    // The binding is written into the file and saved.
    await waitFor(async () => /"binding"/.test(await readFile(join(win.workspace, GRAPH_FILE), 'utf8')), 20_000, 200);
    const written = JSON.parse(await readFile(join(win.workspace, GRAPH_FILE), 'utf8')) as { binding?: unknown; name?: string };
    assert.deepEqual(written.binding, { connection: BARE, workflowId: SAMPLES.whiterabbit.linear.id });
    assert.equal(written.name, FILE_NAME);
    // It takes effect: the panel draws the file, the tree names the workflow after it.
    await waitForGraph(frame, 4, 30_000);
    assert.deepEqual((await graphNodes(frame)).map((n) => n.label), ['Call received', 'Treasury wallet', 'Read the balance', 'Tell accounting']);
    // The open panel takes the file's name too, and so does its tab.
    await waitFor(async () => (await graphHeader(frame)).title === FILE_NAME, 20_000, 200);
    await page.locator('.tabs-container .tab', { hasText: FILE_NAME }).waitFor({ timeout: 20_000 });
    await waitFor(
      async () => {
        await expandRow(page, BARE);
        return childrenOf(await treeRows(page), BARE).map((r) => r.label).join() === FILE_NAME;
      },
      30_000,
      250,
    );
    await win.vscode.screenshot('truths-bind-bound');

    // A run: its stages are named by the file's components from the first update on; the module
    // the file does not name (ARRAY_BUILDER) is said in words.
    const since = new Date().toISOString();
    await selectRow(page, FILE_NAME);
    await win.vscode.runCommand('Flowscope: Trigger Run…');
    await answerInputs(page, {});
    const run = await waitForSandboxRun(win.url, (r) => r.origin === 'whiterabbit' && r.workflowId === SAMPLES.whiterabbit.linear.id && r.createdAt >= since, 30_000);
    const runLabel = `Run ${run.id.slice(0, 8)}`;
    const named = ['Array builder', 'Call received', 'Read the balance', 'Tell accounting', 'Treasury wallet'];
    const seen = new Set<string>();
    let stages: TreeRow[] = [];
    await waitFor(
      async () => {
        const rows = await treeRows(page);
        stages = childrenOf(rows, runLabel);
        for (const s of stages) seen.add(s.label);
        return /^completed/.test(rows.find((r) => r.label === runLabel)?.description ?? '') && stages.length === 5 && stages.every((s) => s.icon === 'pass');
      },
      60_000,
      150,
    );
    assert.deepEqual([...seen].sort(), named);
    assert.deepEqual(stages.map((s) => s.label).sort(), named);
    // The module stays beside the name; credits are counted in words that agree with the number.
    const balance = stages.find((s) => s.label === 'Read the balance');
    assert.match(balance?.description ?? '', /^GET_EVM_ACCOUNT_BALANCE · .*\b3 credits\b/);
    assert.match(stages.find((s) => s.label === 'Tell accounting')?.description ?? '', /\b2 credits\b/);
    for (const s of stages) assert.doesNotMatch(s.description, /\b0 credits?\b|\b1 credits\b/, s.label);
    await win.vscode.screenshot('truths-bind-run-named');
    await collapseRow(page, BARE);
  }));

/** Starts the long Supervity sample from its selected row (no picker asked). */
async function triggerLong(period: string): Promise<void> {
  await selectRow(win.vscode.page, SAMPLES.supervity.long.name);
  await win.vscode.runCommand('Flowscope: Trigger Run…');
  await answerInputs(win.vscode.page, { period }, { envs: {} });
}

/** Waits until the sandbox runs `count` runs of the long Supervity sample started since `since`. */
async function runningLong(since: string, count: number): Promise<SandboxRun[]> {
  let runs: SandboxRun[] = [];
  await waitFor(
    async () => {
      runs = (await sandboxState(win.url)).runs.filter((r) => r.workflowId === SAMPLES.supervity.long.id && r.createdAt >= since && r.status === 'running');
      return runs.length === count;
    },
    30_000,
    250,
  );
  return runs;
}

test('live runs: counted once in the status bar; durations only for stages that ran; names from the first update; Cancel on an ended run says so', { timeout: 300_000 }, () =>
  step('truths-live', async () => {
    const page = win.vscode.page;
    const qi = quickInput(page);
    await closeAllEditors(win.vscode);
    await clearNotifications(win.vscode);
    await expandRow(page, CONNECTIONS.supervity);
    await waitFor(async () => (await treeRows(page)).some((r) => r.label === SAMPLES.supervity.long.name), 30_000, 250);
    await expandRow(page, SAMPLES.supervity.long.name);
    const since = new Date().toISOString();
    await triggerLong('e2e-truths-1');
    await triggerLong('e2e-truths-2');
    await runningLong(since, 2);
    await waitFor(async () => (await statusBarLive(page)) === '2 live', 20_000, 200);

    // The newest run is revealed: its running stage shows how long it has run. Step names from the
    // first update (live events carry only step ids; the names come from the run detail).
    const steps = new Set((await sandboxState(win.url)).workflows.find((w) => w.id === SAMPLES.supervity.long.id)?.blocks.map((b) => b.name));
    const newest = (await runningLong(since, 2)).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0] as SandboxRun;
    const runLabel = `Run ${newest.id.slice(0, 8)}`;
    let running: TreeRow | undefined;
    await waitFor(
      async () => {
        const stages = childrenOf(await treeRows(page), runLabel);
        for (const s of stages) assert.ok(steps.has(s.label), `stage label "${s.label}" is not a step name`);
        running = stages.find((s) => s.icon === 'sync');
        return running !== undefined && DURATION.test(running.description);
      },
      30_000,
      200,
    );
    await win.vscode.screenshot('truths-live-running');

    // Cancelled early: the steps that never started show no duration.
    await selectRow(page, runLabel);
    await win.vscode.runCommand('Flowscope: Cancel Run…');
    await qi.waitOpen();
    await qi.submit('truths e2e');
    await waitForNotification(page, new RegExp(`^Run ${newest.id.slice(0, 8)} cancelled\\.$`));
    const cancelled = await waitForSandboxRun(win.url, (r) => r.id === newest.id && r.status === 'cancelled', 20_000);
    const started = Object.values(cancelled.blocks).filter((b) => b.startedAt !== null).map((b) => b.name);
    assert.ok(started.length < Object.keys(cancelled.blocks).length - 2, JSON.stringify(cancelled.blocks));
    await waitFor(async () => /^cancelled/.test((await rowOf(runLabel))?.description ?? ''), 30_000, 200);
    const stages = childrenOf(await treeRows(page), runLabel);
    assert.ok(stages.length > 0);
    for (const s of stages.filter((row) => !started.includes(row.label))) assert.doesNotMatch(s.description, DURATION, `${s.label} never started: ${s.description}`);
    await waitFor(async () => (await statusBarLive(page)) === '1 live', 20_000, 200);
    await win.vscode.screenshot('truths-live-cancelled');

    // Cancel again on the ended run: it says so, and asks nothing.
    await clearNotifications(win.vscode);
    await selectRow(page, runLabel);
    await win.vscode.runCommand('Flowscope: Cancel Run…');
    await waitForNotification(page, new RegExp(`^Run ${newest.id.slice(0, 8)} has already ended \\(cancelled\\): there is nothing to cancel\\.$`));
    assert.equal(await qi.widget.isVisible(), false);

    // The other run is cancelled too: nothing is live, the status bar hides its count.
    const other = (await runningLong(since, 1))[0] as SandboxRun;
    await selectRow(page, `Run ${other.id.slice(0, 8)}`);
    await win.vscode.runCommand('Flowscope: Cancel Run…');
    await qi.waitOpen();
    await qi.submit('truths e2e');
    await waitForNotification(page, new RegExp(`^Run ${other.id.slice(0, 8)} cancelled\\.$`));
    await waitFor(async () => (await statusBarLive(page)) === '', 20_000, 200);
  }));

test('every connection and workflow expanded, then two runs started: each listed once, counted once, no "already registered"', { timeout: 240_000 }, () =>
  step('truths-expanded', async () => {
    const page = win.vscode.page;
    const qi = quickInput(page);
    await clearNotifications(win.vscode);
    await expandEverything(page);
    await win.vscode.screenshot('truths-expanded-everything');
    const since = new Date().toISOString();
    await triggerLong('e2e-truths-3');
    await triggerLong('e2e-truths-4');
    const live = await runningLong(since, 2);
    await waitFor(async () => (await statusBarLive(page)) === '2 live', 20_000, 200);
    // Each run row once (the trigger revealed the newest; the other is next to it).
    const labels = live.map((r) => `Run ${r.id.slice(0, 8)}`);
    let listed: string[] = [];
    await waitFor(async () => {
      listed = await listedLabels(page);
      return labels.every((label) => listed.includes(label));
    }, 30_000, 200);
    for (const label of labels) assert.equal(listed.filter((l) => l === label).length, 1, `${label} in ${JSON.stringify(listed)}`);
    await win.vscode.screenshot('truths-expanded-live');
    // The status bar's picker lists the same two runs.
    await page.locator('.part.statusbar .statusbar-item', { hasText: /^\s*2 live\s*$/ }).first().click();
    await qi.waitOpen();
    let picked: string[] = [];
    await waitFor(async () => (picked = await qi.widget.locator('.monaco-list-row:visible').allInnerTexts()).length === 2, 10_000).catch(() => undefined);
    assert.equal(picked.length, 2, JSON.stringify(picked));
    for (const label of labels) assert.equal(picked.filter((t) => t.includes(label)).length, 1, `${label} in ${JSON.stringify(picked)}`);
    await qi.cancel();
    assert.deepEqual((await notifications(page)).filter((n) => /already registered/.test(n)), []);
    assert.doesNotMatch(await flowscopeLog(win.vscode), /already registered/);
    // Leave nothing running for the next test.
    for (const label of labels) {
      await selectRow(page, label);
      await win.vscode.runCommand('Flowscope: Cancel Run…');
      await qi.waitOpen();
      await qi.submit('truths e2e');
    }
    await waitFor(async () => (await statusBarLive(page)) === '', 30_000, 200);
  }));

const PULLED = 'research-brief-linear.workflow.json';

test('the push progress toast’s Cancel closes the open review; nothing is sent', { timeout: 180_000 }, () =>
  step('truths-push-cancel', async () => {
    const page = win.vscode.page;
    const qi = quickInput(page);
    const file = join(win.workspace, PULLED);
    await closeAllEditors(win.vscode);
    await clearNotifications(win.vscode);
    await win.vscode.runCommand('Flowscope: Pull Graph…');
    await qi.waitOpen();
    await qi.pick(CONNECTIONS.powabase);
    await waitFor(async () => (await qi.items()).includes(SAMPLES.powabase.linear.name), 20_000);
    await qi.pick(SAMPLES.powabase.linear.name);
    await waitForNotification(page, /into research-brief-linear\.workflow\.json, bound to that workflow/, 30_000);
    const pulled = await readFile(file, 'utf8');
    const before = (await sandboxState(win.url)).workflows.find((w) => w.id === SAMPLES.powabase.linear.id);
    assert.ok(before);

    const edited = pulled.replace('"name": "Draft"', '"name": "Draft, push cancelled"');
    assert.notEqual(edited, pulled);
    await replaceEditorText(page, edited);
    await page.keyboard.press('Control+S');
    await waitFor(async () => (await readFile(file, 'utf8')) === edited, 15_000, 200);
    await clearNotifications(win.vscode);
    await win.vscode.runCommand('Flowscope: Push Graph…');
    await waitFor(async () => (await qi.items()).includes("Don't push"), 30_000);
    const diffs = (): Promise<number> => page.locator('.monaco-diff-editor:visible').count();
    await waitFor(async () => (await diffs()) > 0, 10_000);
    await win.vscode.screenshot('truths-push-review-open');

    await clickNotificationButton(page, /^Pushing research-brief-linear\.workflow\.json to /, 'Cancel');
    await waitForNotification(page, new RegExp(`^Push cancelled: nothing was sent to ${CONNECTIONS.powabase}/${SAMPLES.powabase.linear.id}\\.$`), 15_000);
    await waitFor(async () => (await diffs()) === 0, 10_000);
    await qi.waitClosed(10_000);
    const tabs = await page.locator('.tabs-container .tab .label-name').allTextContents();
    assert.ok(!tabs.some((t) => t.includes('↔')), `no review tab left: ${JSON.stringify(tabs)}`);
    const after = (await sandboxState(win.url)).workflows.find((w) => w.id === SAMPLES.powabase.linear.id);
    assert.equal(after?.version, before.version);
    await win.vscode.screenshot('truths-push-cancelled');
  }));
