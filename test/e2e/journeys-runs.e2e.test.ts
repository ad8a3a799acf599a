/**
 * Issue 16, run journeys never driven end to end, through the UI of a real VS Code (code-server)
 * with the embedded sandbox:
 *   1. Stop Following a White Rabbit run from its row's menu: the row stops saying "live", the run
 *      goes on in the sandbox, and a Refresh reads how far it got;
 *   2. Powabase's Stop Run, clicked on the row of a run started in this window: the confirmation
 *      says what the service will do, and the sandbox records the run completed with the outputs of
 *      the steps that finished (README "Connecting a real service"; contracts B.2/B.3/B.5);
 *   3. Deploy, Undeploy and Arm from a Powabase workflow row's menu: the row's state follows the
 *      service's, and the webhook the service refuses until then runs once armed;
 *   4. Execute Component… on the White Rabbit connection: the catalog, the inputs checked against
 *      the component's schema, and the execution's result in a tab, as the sandbox recorded it.
 *
 * The tests share one VS Code window and run in order.
 *
 * Run: npm run build && node --import tsx --test --test-concurrency=1 test/e2e/journeys-runs.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quickInput, waitFor } from './harness';
import {
  CONNECTIONS,
  FACES,
  SAMPLES,
  childrenOf,
  clearNotifications,
  collapseRow,
  expandRow,
  sandboxState,
  selectRow,
  treeRows,
  triggerFromPalette,
  waitForNotification,
  waitForSandboxRun,
} from './flowscope';
import type { Face, SandboxRun } from './flowscope';
import { treeContextAction } from './graph';
import { activeEditorText, answerDialog, clickInlineAction, readDialog, waitForRow } from './journeys';
import { sharedWindow } from './window';

const win = sharedWindow('journeys-runs');
const { step } = win;

/** Only `face`'s connection expanded, its workflow `workflow` listed. */
async function showOnly(face: Face, workflow: string): Promise<void> {
  const page = win.vscode.page;
  for (const other of FACES) await collapseRow(page, CONNECTIONS[other]);
  await expandRow(page, CONNECTIONS[face]);
  await waitFor(async () => childrenOf(await treeRows(page), CONNECTIONS[face]).some((r) => r.label === workflow), 30_000, 250);
}

/** The text of the status bar's live-runs item ('' while it is hidden). */
async function liveStatus(): Promise<string> {
  const item = win.vscode.page.locator('.part.statusbar .statusbar-item', { hasText: / live$/ });
  return (await item.count()) > 0 ? ((await item.first().innerText()).trim()) : '';
}

const completedBlocks = (run: SandboxRun): string[] =>
  Object.values(run.blocks)
    .filter((b) => b.status === 'completed')
    .map((b) => b.name)
    .sort();

test('Stop Following a White Rabbit run: the row stops saying live, the run goes on, Refresh reads it', { timeout: 180_000 }, () =>
  step('journeys-stop-following', async () => {
    const page = win.vscode.page;
    const long = SAMPLES.whiterabbit.long;
    await showOnly('whiterabbit', long.name);
    await selectRow(page, CONNECTIONS.whiterabbit);
    const since = new Date().toISOString();
    await triggerFromPalette(win.vscode, CONNECTIONS.whiterabbit, long.name, {});
    const run = await waitForSandboxRun(win.url, (r) => r.origin === 'whiterabbit' && r.workflowId === long.id && r.createdAt >= since);
    const runLabel = `Run ${run.id.slice(0, 8)}`;
    // Started here, so followed live: the row says so, and its first stage spins.
    await waitForRow(page, runLabel, (r) => /^running · .* · live$/.test(r.description));
    await waitFor(async () => (await liveStatus()) === '1 live', 10_000, 150);
    await waitFor(async () => childrenOf(await treeRows(page), runLabel).some((s) => s.icon === 'sync'), 30_000, 200);
    await win.vscode.screenshot('journeys-stop-following-live');

    await treeContextAction(page, runLabel, 'Stop Following Run');
    const stopped = await waitForRow(page, runLabel, (r) => !/live/.test(r.description));
    assert.match(stopped.description, /^running · /);
    const atStop = await waitForSandboxRun(win.url, (r) => r.id === run.id);
    // Nothing else is followed now: the status bar's live count goes away with it.
    await waitFor(async () => !(await liveStatus()).includes('live'), 10_000, 150);
    await win.vscode.screenshot('journeys-stop-following-stopped');

    // The run goes on on the server: one more stage completes there after the stop.
    const later = await waitForSandboxRun(win.url, (r) => r.id === run.id && completedBlocks(r).length > completedBlocks(atStop).length, 30_000);
    assert.equal(later.status, 'running');
    const newlyDone = completedBlocks(later).filter((b) => !completedBlocks(atStop).includes(b));
    // The run row's Refresh reads the run once (White Rabbit lists no runs, so the view's Refresh
    // has nothing to re-list): its stages as the service reports them (its stage records carry
    // the module, which the tree says in words), still not followed.
    await treeContextAction(page, runLabel, 'Refresh');
    const moduleWords: Record<string, string> = {
      'Generate root key': 'Generate root key',
      'Derivation path': 'Get EVM derivation path',
      'Compute public key': 'Compute public key',
      'Compute address': 'Compute EVM address',
      'Encrypt backup': 'Generate age encryption',
    };
    await expandRow(page, runLabel);
    await waitFor(
      async () => {
        const stages = childrenOf(await treeRows(page), runLabel);
        return newlyDone.every((name) => stages.find((s) => s.label === moduleWords[name])?.icon === 'pass');
      },
      30_000,
      250,
    );
    const refreshed = await waitForRow(page, runLabel, () => true);
    assert.match(refreshed.description, /^running · /);
    assert.doesNotMatch(refreshed.description, /live/);
    await win.vscode.screenshot('journeys-stop-following-refreshed');
  }));

test('Powabase Stop Run on a run started here: the confirmation says what happens; recorded completed with the outputs so far', { timeout: 180_000 }, () =>
  step('journeys-stop-run', async () => {
    const page = win.vscode.page;
    const long = SAMPLES.powabase.long;
    await showOnly('powabase', long.name);
    await selectRow(page, CONNECTIONS.powabase);
    const since = new Date().toISOString();
    await triggerFromPalette(win.vscode, CONNECTIONS.powabase, long.name, { dataset: 'stop-run.csv' });
    const run = await waitForSandboxRun(win.url, (r) => r.origin === 'powabase' && r.workflowId === long.id && r.createdAt >= since);
    // Powabase names its run only in `done` (contracts B.3): until then the row carries a
    // provisional id, so the run row is found as the live one under its workflow.
    let runLabel = '';
    await waitFor(async () => {
      runLabel = childrenOf(await treeRows(page), long.name).find((r) => /^Run /.test(r.label) && / · live$/.test(r.description))?.label ?? '';
      return runLabel !== '';
    }, 30_000, 200);
    await expandRow(page, runLabel);
    await waitFor(async () => childrenOf(await treeRows(page), runLabel).find((s) => s.label === 'Collect')?.icon === 'sync', 30_000, 200);
    await win.vscode.screenshot('journeys-stop-run-running');

    await clickInlineAction(page, runLabel, 'Stop Run…');
    const dialog = await readDialog(page);
    await win.vscode.screenshot('journeys-stop-run-confirm');
    assert.equal(dialog.message, `Stop ${runLabel.replace(/^Run/, 'run')}?`);
    assert.equal(
      dialog.detail,
      'Powabase stops a run at its next step when the connection that started it closes. It records the run as completed, with the outputs of the steps that finished; the steps after it do not run. This cannot be undone.',
    );
    assert.ok(dialog.buttons.includes('Stop Run'), JSON.stringify(dialog.buttons));
    await answerDialog(page, 'Stop Run');

    // The service stops it after the step that was running, and records it completed.
    const ended = await waitForSandboxRun(win.url, (r) => r.id === run.id && r.status !== 'running' && r.status !== 'queued', 40_000);
    assert.equal(ended.status, 'completed');
    assert.deepEqual(completedBlocks(ended), ['Collect', 'Start']);
    // The tree shows the service's record, under the run's real id.
    const finalLabel = `Run ${run.id.slice(0, 8)}`;
    const row = await waitForRow(page, finalLabel, (r) => /^completed/.test(r.description), 30_000, long.name);
    assert.doesNotMatch(row.description, /live/);
    await win.vscode.screenshot('journeys-stop-run-completed');
  }));

/** Powabase's webhook trigger (contracts B.2 "Webhook trigger"): the block's secret as a Bearer token. */
async function fireWebhook(webhookUrl: string, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(webhookUrl, {
    method: 'POST',
    headers: { authorization: 'Bearer whsec_sandbox_linear_demo', 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test('Deploy, Undeploy and Arm from the workflow row: the row follows the service; armed, the webhook runs', { timeout: 180_000 }, () =>
  step('journeys-lifecycle', async () => {
    const page = win.vscode.page;
    const linear = SAMPLES.powabase.linear;
    const webhookUrl = `${win.url}/api/webhooks/5a4d0b02-00a1-4000-8000-0000000002a1`;
    await showOnly('powabase', linear.name);
    await clearNotifications(win.vscode);
    const stateOf = async (): Promise<string | undefined> => ((await sandboxState(win.url)).workflows.find((w) => w.id === linear.id) as { state?: string } | undefined)?.state;
    await waitForRow(page, linear.name, (r) => /^internal\b/.test(r.description));
    assert.equal(await stateOf(), 'internal');
    // Neither deployed nor armed: the service refuses the webhook (contracts B.2, 403).
    assert.deepEqual(await fireWebhook(webhookUrl, {}), { status: 403, json: { error: 'Webhook is not active' } });

    // From the palette the workflow is only the selected row (a row's menu can also reach the
    // command without its row while the tree reloads): the change names it and asks first.
    await selectRow(page, linear.name);
    await win.vscode.runCommand('Flowscope: Deploy Workflow');
    const asked = await readDialog(page);
    assert.deepEqual({ ...asked, buttons: [...asked.buttons].sort() }, {
      message: 'Deploy Research brief (linear)?',
      detail: 'This is the workflow selected in the Flowscope view, on Sandbox · Powabase.',
      buttons: ['Cancel', 'Continue'],
    });
    await win.vscode.screenshot('journeys-lifecycle-deploy-selection-asks');
    await answerDialog(page, 'Cancel');
    assert.equal(await stateOf(), 'internal');

    await treeContextAction(page, linear.name, 'Deploy Workflow');
    await waitForNotification(page, /^Research brief \(linear\) is now deployed\.$/);
    await waitForRow(page, linear.name, (r) => /^deployed\b/.test(r.description));
    assert.equal(await stateOf(), 'deployed');
    await win.vscode.screenshot('journeys-lifecycle-deployed');

    await clearNotifications(win.vscode);
    await treeContextAction(page, linear.name, 'Undeploy Workflow');
    await waitForNotification(page, /^Research brief \(linear\) is now internal\.$/);
    await waitForRow(page, linear.name, (r) => /^internal\b/.test(r.description));
    assert.equal(await stateOf(), 'internal');
    assert.equal((await fireWebhook(webhookUrl, {})).status, 403);

    await clearNotifications(win.vscode);
    await treeContextAction(page, linear.name, 'Arm Webhooks for 10 Minutes');
    const armed = await waitForNotification(page, /is armed for/);
    assert.match(armed, new RegExp(`^Research brief \\(linear\\) is armed for (10:00|9:[0-5]\\d)\\. Webhook: ${webhookUrl.replace(/[.?]/g, '\\$&')}`));
    await waitForRow(page, linear.name, (r) => /^internal · armed (10:00|9:[0-5]\d)\b/.test(r.description));
    await win.vscode.screenshot('journeys-lifecycle-armed');

    // Armed, the service takes the webhook and runs the workflow with its body as the variables.
    const fired = await fireWebhook(webhookUrl, { topic: 'owls by webhook' });
    assert.equal(fired.status, 200);
    assert.equal(fired.json.status, 'completed');
    const runId = String(fired.json.execution_id);
    const run = await waitForSandboxRun(win.url, (r) => r.id === runId);
    assert.equal(run.origin, 'webhook');
    assert.equal(run.inputs.topic, 'owls by webhook');
    // The run the webhook started is listed under the workflow after a refresh.
    await win.vscode.runCommand('Flowscope: Refresh');
    await expandRow(page, linear.name);
    await waitForRow(page, `Run ${runId.slice(0, 8)}`, (r) => /^completed/.test(r.description), 30_000, linear.name);
    await win.vscode.screenshot('journeys-lifecycle-webhook-run');
  }));

test('Execute Component… on White Rabbit: the catalog, the config checked against its schema, the result in a tab', { timeout: 120_000 }, () =>
  step('journeys-component', async () => {
    const page = win.vscode.page;
    for (const other of FACES) await collapseRow(page, CONNECTIONS[other]);
    await treeContextAction(page, CONNECTIONS.whiterabbit, 'Execute Component…');
    const qi = quickInput(page);
    await qi.waitOpen();
    await waitFor(async () => (await qi.items()).includes('STRING_CONSTANT'), 20_000);
    assert.ok((await qi.items()).includes('RANDOM_UUID'), JSON.stringify(await qi.items()));
    await qi.pick('STRING_CONSTANT');
    await waitFor(async () => (await qi.title()) === 'STRING_CONSTANT: input', 10_000);
    await qi.submit('{}');
    await waitFor(async () => (await qi.title()) === 'STRING_CONSTANT: config', 10_000);
    // The config schema requires `value` (the catalog's `configs`, contracts A): the box says so.
    await qi.fill('{"other": 1}');
    let message = '';
    await waitFor(async () => /required/.test((message = await qi.message())), 10_000);
    await win.vscode.screenshot('journeys-component-config-invalid');
    assert.equal(message, 'value: required');
    await qi.fill('{"value": "hello from the component journey"}');
    await waitFor(async () => !/required/.test(await qi.message()), 10_000);
    await qi.accept();

    // The result opens in a tab named after the module and the execution.
    const tab = page.locator('.tabs-container .tab.active', { hasText: /^STRING_CONSTANT-/ });
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    const id = /^STRING_CONSTANT-(.+)\.json/.exec((await tab.innerText()).trim())?.[1] ?? '';
    const execution = (await sandboxState(win.url).then((s) => (s as unknown as { components: Array<Record<string, unknown>> }).components)).find((c) => c.id === id);
    assert.ok(execution, `execution ${id} in the sandbox`);
    assert.equal(execution.status, 'COMPLETED');
    assert.deepEqual(execution.output, { value: 'hello from the component journey' });
    let text = '';
    await waitFor(async () => /"completed": true/.test((text = await activeEditorText(page))), 10_000, 200);
    assert.deepEqual(JSON.parse(text), {
      id,
      module: 'STRING_CONSTANT',
      status: 'COMPLETED',
      completed: true,
      output: { value: 'hello from the component journey' },
    });
    await win.vscode.screenshot('journeys-component-result');
  }));
