/**
 * Issue 7, run scenarios in a real VS Code (code-server) with the embedded sandbox:
 *   1. first run: the welcome view offers the sandbox; one click creates the three connections
 *      and the tree fills with the sandbox's workflows;
 *   2. a sample workflow triggered from the command palette on each of the three APIs, with
 *      inputs; its stages change live in the tree (and in the graph panel);
 *   3. a long Supervity run cancelled from the palette: cancelled in the tree and in the sandbox.
 *
 * The tests share one VS Code window and run in order (each builds on the previous one's state).
 * Every step asserts what the user sees and what the sandbox recorded (GET /__sandbox/state).
 *
 * Run: node esbuild.mjs && node --import tsx --test --test-concurrency=1 test/e2e/runs.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { quickInput, waitFor } from './harness';
import {
  CONNECTIONS,
  FACES,
  SAMPLES,
  childrenOf,
  sampleLabel,
  collapseRow,
  expandRow,
  flowscopeLog,
  openFlowscopeView,
  sandboxState,
  sandboxStateDir,
  sandboxUrl,
  selectRow,
  treeRows,
  triggerFromPalette,
  waitForConnections,
  waitForNotification,
  waitForSandboxRun,
} from './flowscope';
import type { Face, SandboxRun, TreeRow } from './flowscope';
import { sharedWindow } from './window';

// The first test starts the sandbox itself: it is the first-run journey.
const win = sharedWindow('runs', { sandbox: false });
const { step } = win;

/** The sandbox's URL, once the first-run test has started it. */
let url: string;

/** How the tree names the White Rabbit linear sample's modules (written out, not computed by the product). */
const WR_MODULE_WORDS: Record<string, string> = {
  ON_API_CALLED: 'On API called',
  STRING_CONSTANT: 'String constant',
  GET_EVM_ACCOUNT_BALANCE: 'Get EVM account balance',
  API_CALL: 'API call',
  ARRAY_BUILDER: 'Array builder',
};

test('first run: the welcome offers the sandbox, one click creates the connections and the tree fills', { timeout: 180_000 }, () =>
  step('runs-first-run', async () => {
    const page = win.vscode.page;
    await openFlowscopeView(page);
    const welcome = page.locator('.part.sidebar .welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await welcome.innerText(), /Try Flowscope first with the built-in sandbox/);
    // Nothing ran yet: no sandbox state on disk, no URL logged.
    assert.equal(existsSync(sandboxStateDir(win.vscode)), false, 'the sandbox must not start before the user asks');
    assert.doesNotMatch(await flowscopeLog(win.vscode), /sandbox listening/);
    await win.vscode.screenshot('runs-first-run-welcome');

    await welcome.locator('.monaco-button', { hasText: 'Start Sandbox' }).click();
    await waitForConnections(page);
    url = await sandboxUrl(win.vscode);
    await waitForNotification(page, /sandbox is running with sample workflows/);

    // The connections are in the user's settings, without any key.
    const settings = JSON.parse(await readFile(join(win.vscode.userDataDir, 'User', 'settings.json'), 'utf8')) as {
      'flowscope.connections'?: Array<{ name: string; kind: string; sandbox?: boolean }>;
    };
    const configured = settings['flowscope.connections'] ?? [];
    assert.deepEqual(configured.map((c) => [c.name, c.kind, c.sandbox]).sort(), [
      [CONNECTIONS.powabase, 'powabase', true],
      [CONNECTIONS.supervity, 'supervity', true],
      [CONNECTIONS.whiterabbit, 'whiterabbit', true],
    ]);

    // Each connection lists its own face's workflows, and only those, by name (White Rabbit and
    // Supervity cannot serve names: the sandbox connections carry their samples' names).
    const state = await sandboxState(url);
    for (const face of FACES) {
      const own = state.workflows.filter((w) => w.face === face);
      const ids = own.map((w) => w.id).sort();
      const names = own.map((w) => w.name).sort();
      assert.ok(ids.includes(SAMPLES[face].linear.id) && ids.includes(SAMPLES[face].long.id), `${face} workflows: ${names.join(', ')}`);
      const connection = CONNECTIONS[face];
      await expandRow(page, connection);
      let children: TreeRow[] = [];
      await waitFor(async () => (children = childrenOf(await treeRows(page), connection)).length === ids.length, 30_000, 250);
      const shown = children.map((c) => c.label).sort();
      assert.deepEqual(shown, names, `${connection} shows ${shown.join(', ')}`);
      const row = (await treeRows(page)).find((r) => r.label === connection);
      // "Sandbox · White Rabbit" already names its service, so the row says only its health.
      assert.equal(row?.description, 'ok', `${connection}: ${row?.description}`);
      await collapseRow(page, connection);
    }
    await expandRow(page, CONNECTIONS.powabase);
    await win.vscode.screenshot('runs-first-run-tree');
  }));

/** How each connection labels its linear sample in the tree and the pick. */
function linearLabel(face: Face): string {
  return sampleLabel(face, SAMPLES[face].linear);
}

/** The stage rows under the run row labelled `runLabel`. */
async function stagesOf(runLabel: string): Promise<TreeRow[]> {
  return childrenOf(await treeRows(win.vscode.page), runLabel);
}

for (const face of FACES) {
  test(`trigger the linear sample on ${CONNECTIONS[face]} from the palette, with inputs where the API takes them; stages change live`, { timeout: 180_000 }, () =>
    step(`runs-trigger-${face}`, async () => {
      assert.ok(url, 'the first-run test must have started the sandbox');
      const page = win.vscode.page;
      const connection = CONNECTIONS[face];
      for (const other of FACES) await collapseRow(page, CONNECTIONS[other]);
      // Selecting the connection (not a workflow) makes Trigger Run ask for connection and workflow.
      await selectRow(page, connection);
      const topic = `e2e topic via ${face}`;
      const since = new Date().toISOString();
      // White Rabbit's trigger takes no inputs (issue 12): Trigger Run asks for none there.
      // Supervity also takes environment overrides: the form's optional step adds one.
      const envs: Record<string, string> = face === 'supervity' ? { API_BASE_URL: 'https://e2e.example' } : {};
      await triggerFromPalette(win.vscode, connection, linearLabel(face), face === 'whiterabbit' ? {} : { topic }, envs);

      // The sandbox got the run, through this API, with the input typed (White Rabbit: its defaults)
      // and the overrides.
      const run = await waitForSandboxRun(url, (r) => r.origin === face && r.workflowId === SAMPLES[face].linear.id && r.createdAt >= since);
      if (face === 'whiterabbit') assert.notEqual(run.inputs.topic, topic);
      else assert.equal(run.inputs.topic, topic);
      if (face === 'supervity') assert.deepEqual(run.envs, envs);
      const runLabel = `Run ${run.id.slice(0, 8)}`;

      // The run is revealed and expanded; watch its stages until the run completes.
      const seen = new Map<string, Set<string>>();
      let final: TreeRow[] = [];
      await waitFor(
        async () => {
          const rows = await treeRows(page);
          const runRow = rows.find((r) => r.label === runLabel);
          final = childrenOf(rows, runLabel);
          for (const stage of final) {
            const icons = seen.get(stage.label) ?? new Set<string>();
            icons.add(stage.icon);
            seen.set(stage.label, icons);
          }
          return runRow !== undefined && /^completed/.test(runRow.description) && final.length > 0 && final.every((s) => s.icon !== 'sync');
        },
        60_000,
        150,
      );
      await win.vscode.screenshot(`runs-trigger-${face}`);
      const observed = JSON.stringify([...seen].map(([k, v]) => [k, [...v]]));
      // Live: at least one stage was seen running before it finished, without any refresh.
      assert.ok([...seen.values()].some((icons) => icons.has('sync') && icons.has('pass')), `stages seen: ${observed}`);

      // The tree's final picture matches the sandbox's record of the run.
      const done = await waitForSandboxRun(url, (r) => r.id === run.id && r.status === 'completed', 10_000);
      for (const block of Object.values(done.blocks).filter((b) => b.status === 'completed')) {
        // White Rabbit's stage records carry only the module (seed 000): the tree says it in words.
        const row = final.find((s) => s.label === (face === 'whiterabbit' ? WR_MODULE_WORDS[block.module] : block.name));
        assert.equal(row?.icon, 'pass', `stage ${block.name} in the tree: ${JSON.stringify(row)}; seen ${observed}`);
      }
      await waitForNotification(page, new RegExp(`${run.id.slice(0, 8)}.*completed|completed.*${run.id.slice(0, 8)}`));
    }));
}

test('cancel a long Supervity run: cancelled in the tree and in the sandbox', { timeout: 180_000 }, () =>
  step('runs-cancel-supervity', async () => {
    assert.ok(url, 'the first-run test must have started the sandbox');
    const page = win.vscode.page;
    const connection = CONNECTIONS.supervity;
    for (const other of FACES) await collapseRow(page, CONNECTIONS[other]);
    await selectRow(page, connection);
    const since = new Date().toISOString();
    await triggerFromPalette(win.vscode, connection, sampleLabel('supervity', SAMPLES.supervity.long), { period: 'e2e-cancel' });
    const run = await waitForSandboxRun(url, (r) => r.origin === 'supervity' && r.workflowId === SAMPLES.supervity.long.id && r.createdAt >= since);
    const runLabel = `Run ${run.id.slice(0, 8)}`;
    // Running in the tree (a stage spins) and in the sandbox.
    await waitFor(async () => (await stagesOf(runLabel)).some((s) => s.icon === 'sync'), 30_000, 200);
    await waitForSandboxRun(url, (r) => r.id === run.id && r.status === 'running', 10_000);
    await win.vscode.screenshot('runs-cancel-running');

    // The trigger revealed and selected the run: Cancel Run acts on it and asks for a reason.
    await win.vscode.runCommand('Flowscope: Cancel Run…');
    const qi = quickInput(page);
    await qi.waitOpen();
    assert.match(await qi.title(), new RegExp(`Cancel run ${run.id.slice(0, 8)}`));
    await qi.submit('stopped by the e2e test');
    await waitForNotification(page, new RegExp(`^Run ${run.id.slice(0, 8)} cancelled\\.$`));

    const cancelled: SandboxRun = await waitForSandboxRun(url, (r) => r.id === run.id && r.status === 'cancelled', 20_000);
    assert.equal(cancelled.cancelReason, 'stopped by the e2e test');
    assert.ok(Object.values(cancelled.blocks).every((b) => b.status !== 'running'), JSON.stringify(cancelled.blocks));
    await waitFor(
      async () => {
        const row = (await treeRows(page)).find((r) => r.label === runLabel);
        return row !== undefined && /^cancelled/.test(row.description) && row.icon === 'circle-slash';
      },
      30_000,
      200,
    );
    assert.ok((await stagesOf(runLabel)).every((s) => s.icon !== 'sync'), 'no stage still spins');
    await win.vscode.screenshot('runs-cancel-cancelled');
  }));
