/**
 * Issue 13, "The graph panel", "Graph files" and Show Run Logs, as a user meets them in a real VS
 * Code (code-server) with the embedded sandbox:
 *   1. an 8-block chain previewed from its file: Fit draws labels at 11 px or more, from the
 *      start; the details pane sits under the graph in a split editor and beside it in a full
 *      one, the selected block staying in view; a drag that starts on a block pans without
 *      selecting it; a wheel notch zooms 10%;
 *   2. a graph file that loops is previewed with the loop highlighted, not dropped;
 *   3. a "did you mean" quick fix applied with Ctrl+. on an edge to a missing block;
 *   4. a White Rabbit workflow with no run: its panel says why it is empty and offers the next
 *      steps; Trigger a Run fills it with the run's stages;
 *   5. Show Run Logs opens a tab named after the run, with readable lines, and the details pane
 *      shows a stage's logs the same way.
 *
 * The tests share one VS Code window and run in order.
 *
 * Run: npm run build && node --import tsx --test --test-concurrency=1 test/e2e/graphui.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { quickInput, readProblems, waitFor } from './harness';
import { CONNECTIONS, SAMPLES, answerInputs, expandRow, openFile, selectRow, startSandbox, treeRows, waitForSandboxRun } from './flowscope';
import { closeAllEditors, detailsPane, graphFrame, graphHeader, graphNode, graphNodes, selectNode, treeContextAction, waitForGraph } from './graph';
import { sharedWindow } from './window';

const CHAIN = {
  name: 'Eight in a row',
  blocks: ['Start', 'Step 2', 'Step 3', 'Step 4', 'Step 5', 'Step 6', 'Step 7', 'Respond'].map((name, i) => ({
    id: `b${i + 1}`,
    type: i === 0 ? 'starter' : i === 7 ? 'response' : 'code',
    name,
  })),
  edges: Array.from({ length: 7 }, (_, i) => ({ source: `b${i + 1}`, target: `b${i + 2}` })),
};

const LOOP = {
  name: 'Loops on purpose',
  blocks: [
    { id: 'start', type: 'starter', name: 'Start' },
    { id: 'fetch', type: 'code', name: 'Fetch' },
    { id: 'gate', type: 'condition', name: 'Gate', config: { route: 'yes' } },
    { id: 'think', type: 'agent', name: 'Think' },
    { id: 'respond', type: 'response', name: 'Respond' },
  ],
  edges: [
    { source: 'start', target: 'fetch' },
    { source: 'fetch', target: 'gate' },
    { source: 'gate', target: 'think', condition: 'no' },
    { source: 'think', target: 'fetch' },
    { source: 'gate', target: 'respond', condition: 'yes' },
  ],
};

const TYPO = `{
  "name": "Typo",
  "blocks": [
    { "id": "start", "type": "starter", "name": "Start" },
    { "id": "fetch", "type": "code", "name": "Fetch" },
    { "id": "respond", "type": "response", "name": "Respond" }
  ],
  "edges": [
    { "source": "start", "target": "fetch" },
    { "source": "fecth", "target": "respond" }
  ]
}
`;

const win = sharedWindow('graphui', {
  sandbox: false,
  files: {
    'chain.workflow.json': `${JSON.stringify(CHAIN, null, 2)}\n`,
    'loop.workflow.json': `${JSON.stringify(LOOP, null, 2)}\n`,
    'typo.workflow.json': TYPO,
  },
});
const { step } = win;

/** The sandbox's URL, once the White Rabbit test has started it (the file tests need none before). */
let url: string;

/**
 * Opens a workspace file through Quick Open; a second try when the first finds nothing (right
 * after the window opens, the file search may not have indexed the workspace yet: seen once).
 */
async function openWorkspaceFile(name: string): Promise<void> {
  try {
    await openFile(win.vscode.page, name);
  } catch {
    await win.vscode.page.keyboard.press('Escape');
    await openFile(win.vscode.page, name);
  }
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What the panel shows, read from its DOM: the canvas's zoom and label size, the areas, the nodes' boxes. */
interface PanelGeometry {
  labelPx: number;
  k: number;
  tx: number;
  ty: number;
  graph: Rect;
  details: Rect | undefined;
  nodes: Record<string, Rect>;
}

async function geometry(frame: FrameLocator): Promise<PanelGeometry> {
  // No named helper inside: tsx (esbuild keepNames) would wrap it in `__name`, which does not
  // exist in the page where Playwright evaluates the function (see graph.ts).
  return frame.locator('#app').evaluate((app) => {
    const graph = app.querySelector('.graph');
    const aside = app.querySelector('aside.details');
    const world = app.querySelector('.world');
    const m = /translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([-\d.e]+)\)/.exec(world?.getAttribute('style') ?? '');
    const nodes: Record<string, { x: number; y: number; w: number; h: number }> = {};
    for (const n of app.querySelectorAll('.nodes .node')) {
      const r = n.getBoundingClientRect();
      nodes[n.querySelector('.label')?.textContent ?? ''] = { x: r.x, y: r.y, w: r.width, h: r.height };
    }
    const g = graph?.getBoundingClientRect();
    const d = aside && !aside.hasAttribute('hidden') ? aside.getBoundingClientRect() : undefined;
    return {
      labelPx: Number(graph?.getAttribute('data-label-px') ?? 'NaN'),
      tx: Number(m?.[1] ?? 'NaN'),
      ty: Number(m?.[2] ?? 'NaN'),
      k: Number(m?.[3] ?? 'NaN'),
      graph: g ? { x: g.x, y: g.y, w: g.width, h: g.height } : { x: 0, y: 0, w: 0, h: 0 },
      details: d ? { x: d.x, y: d.y, w: d.width, h: d.height } : undefined,
      nodes,
    };
  });
}

function inside(inner: Rect | undefined, outer: Rect): boolean {
  return !!inner && inner.x >= outer.x - 1 && inner.y >= outer.y - 1 && inner.x + inner.w <= outer.x + outer.w + 1 && inner.y + inner.h <= outer.y + outer.h + 1;
}

test('an 8-block chain at Fit reads at 11 px or more; the details pane never covers the graph; a drag on a block pans; a wheel notch zooms 10%', { timeout: 240_000 }, () =>
  step('graphui-fit', async () => {
    const page = win.vscode.page;
    await openWorkspaceFile('chain.workflow.json');
    await win.vscode.runCommand('Flowscope: Preview Graph File');
    const frame = graphFrame(page);
    await waitForGraph(frame, 8);

    // Beside the file, the panel is a narrow split editor: Fit still draws labels readably, from the start.
    let g = await geometry(frame);
    assert.ok(g.graph.w < 640, `the split panel is narrow: ${JSON.stringify(g.graph)}`);
    assert.ok(g.labelPx >= 11, `labels at Fit: ${g.labelPx} px`);
    assert.ok(inside(g.nodes.Start, g.graph), `the start block is in view: ${JSON.stringify(g)}`);
    await win.vscode.screenshot('graphui-fit-narrow');

    // Narrow: the details pane opens under the graph, which keeps the selected block in view.
    await selectNode(frame, 'Step 3');
    g = await geometry(frame);
    assert.ok(g.details, 'the details pane is shown');
    assert.ok(g.details.y >= g.graph.y + g.graph.h - 1, `details under the graph: ${JSON.stringify({ graph: g.graph, details: g.details })}`);
    assert.ok(g.graph.h >= 150, `the graph keeps its height: ${JSON.stringify(g.graph)}`);
    await waitFor(async () => inside((g = await geometry(frame)).nodes['Step 3'], g.graph), 5_000, 100);
    await win.vscode.screenshot('graphui-details-narrow');

    // Full width (the file's editor closed): the pane sits beside the graph, which shrinks.
    await page.locator('.tabs-container .tab', { hasText: 'chain.workflow.json' }).first().click();
    await page.keyboard.press('Control+W');
    await waitFor(async () => (g = await geometry(frame)).graph.w + (g.details?.w ?? 0) >= 800, 15_000, 100);
    assert.ok(g.details, 'the details pane is still shown');
    assert.ok(g.details.x >= g.graph.x + g.graph.w - 1, `details beside the graph: ${JSON.stringify({ graph: g.graph, details: g.details })}`);
    assert.ok(g.graph.w >= 1.4 * g.details.w, `the graph keeps most of the width: ${JSON.stringify({ graph: g.graph, details: g.details })}`);
    await waitFor(async () => inside((g = await geometry(frame)).nodes['Step 3'], g.graph), 5_000, 100);
    assert.equal((await detailsPane(frame)).heading, 'Step 3');
    await win.vscode.screenshot('graphui-details-beside');
    await frame.locator('aside.details button.close').click();
    await frame.locator('aside.details').waitFor({ state: 'hidden', timeout: 5_000 });

    // A drag that starts on a block pans the view by the drag, and selects nothing.
    await frame.locator('.tools button', { hasText: /^Fit$/ }).click();
    const before = await geometry(frame);
    const box = await graphNode(frame, 'Step 2').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 120, box.y + box.height / 2 + 30, { steps: 8 });
    await page.mouse.up();
    let moved = before;
    await waitFor(async () => (moved = await geometry(frame)).tx !== before.tx, 5_000, 50);
    assert.ok(Math.abs(moved.tx - before.tx - -120) <= 1 && Math.abs(moved.ty - before.ty - 30) <= 1, `panned by the drag: ${JSON.stringify([before, moved].map((x) => [x.tx, x.ty]))}`);
    assert.ok((await graphNodes(frame)).every((n) => !n.selected), 'a drag selects nothing');
    assert.equal(moved.details, undefined, 'no details pane after a drag');

    // The wheel: one notch in zooms by 10%, one notch out comes back.
    const graphArea = await frame.locator('.graph').boundingBox();
    assert.ok(graphArea);
    await page.mouse.move(graphArea.x + graphArea.width / 2, graphArea.y + graphArea.height / 2);
    await page.mouse.wheel(0, -100);
    let zoomed = moved;
    await waitFor(async () => (zoomed = await geometry(frame)).k !== moved.k, 5_000, 50);
    assert.equal((zoomed.k / moved.k).toFixed(2), '1.10', `one notch: ${moved.k} → ${zoomed.k}`);
    await page.mouse.wheel(0, 100);
    let back = zoomed;
    await waitFor(async () => (back = await geometry(frame)).k !== zoomed.k, 5_000, 50);
    assert.equal(back.k.toFixed(4), moved.k.toFixed(4));
    await win.vscode.screenshot('graphui-panned-zoomed');
  }));

test('a graph file that loops is previewed with the loop highlighted, every block drawn', { timeout: 120_000 }, () =>
  step('graphui-cycle', async () => {
    const page = win.vscode.page;
    await closeAllEditors(win.vscode);
    await openWorkspaceFile('loop.workflow.json');
    await win.vscode.runCommand('Flowscope: Preview Graph File');
    const frame = graphFrame(page);
    const nodes = await waitForGraph(frame, 5);
    assert.deepEqual(nodes.map((n) => n.label), ['Start', 'Fetch', 'Gate', 'Think', 'Respond']);
    let header = await graphHeader(frame);
    await waitFor(async () => (header = await graphHeader(frame)).notice !== '', 10_000, 100);
    assert.equal(header.notice, 'The graph loops through Fetch, Gate, Think (dashed in red): a workflow graph must not loop.');
    // The canvas draws the three edges of the loop as such.
    assert.equal(await frame.locator('.graph').getAttribute('data-cycle-edges'), '3');
    // The whole loop in sight: the preview alone in the window, fitted once its layout is final.
    await page.locator('.tabs-container .tab', { hasText: 'loop.workflow.json' }).first().click();
    await page.keyboard.press('Control+W');
    await waitFor(async () => /5 blocks, 5 edges/.test(await frame.locator('.footer').innerText()), 30_000, 200);
    await frame.locator('.tools button', { hasText: /^Fit$/ }).click();
    await win.vscode.screenshot('graphui-cycle-preview');
  }));

test('Ctrl+. on an edge to a missing block offers "did you mean", which fixes the file', { timeout: 120_000 }, () =>
  step('graphui-quickfix', async () => {
    const page = win.vscode.page;
    await closeAllEditors(win.vscode);
    await openWorkspaceFile('typo.workflow.json');
    const problem = 'Edge source "fecth" is not a block in this graph. Did you mean "fetch"?';
    await waitFor(async () => (await readProblems(page)).includes(problem), 30_000, 500);
    // To the problem (F8), then the quick fixes there.
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('F8');
    await page.locator('.marker-widget').first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Change "fecth" to "fetch"' }).first();
    await fix.waitFor({ state: 'visible', timeout: 15_000 });
    await win.vscode.screenshot('graphui-quickfix-menu');
    // The fix is the focused row (the menu blocks pointer events while it opens): accept it as a keyboard user does.
    assert.match((await fix.getAttribute('class')) ?? '', /\bfocused\b/);
    await page.keyboard.press('Enter');
    await fix.waitFor({ state: 'hidden', timeout: 10_000 });
    await page.keyboard.press('Control+S');
    await waitFor(async () => (await readFile(join(win.workspace, 'typo.workflow.json'), 'utf8')) === TYPO.replace('"fecth"', '"fetch"'), 15_000, 200);
    await waitFor(async () => !(await readProblems(page)).includes(problem), 20_000, 500);
    await win.vscode.screenshot('graphui-quickfix-applied');
  }));

test('a White Rabbit workflow with no run offers the next steps; Trigger a Run draws its stages', { timeout: 180_000 }, () =>
  step('graphui-wr-empty', async () => {
    const page = win.vscode.page;
    await closeAllEditors(win.vscode);
    url = await startSandbox(win.vscode);
    const sample = SAMPLES.whiterabbit.linear;
    await win.vscode.runCommand('Flowscope: Open Graph');
    const qi = quickInput(page);
    await qi.waitOpen();
    await qi.pick(CONNECTIONS.whiterabbit);
    // Listed by its name where Flowscope knows one, else by its id.
    let label = '';
    await waitFor(async () => {
      const items = await qi.items();
      label = items.find((i) => i === sample.name || i === sample.id || i.startsWith(sample.id.slice(0, 8))) ?? '';
      return label !== '';
    }, 20_000);
    await qi.pick(label);
    const frame = graphFrame(page);
    const empty = frame.locator('.empty-state:not([hidden])');
    await empty.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await empty.locator('p').innerText(), /^No graph to show yet: this service does not serve workflow graphs, no workspace graph file is bound to this workflow, and it has no run yet\./);
    assert.deepEqual(await empty.locator('button').allInnerTexts(), ['Trigger a Run', 'Bind a Graph File…']);
    const header = await graphHeader(frame);
    assert.match(header.subtitle, /No graph yet$/);
    assert.doesNotMatch(header.subtitle, /stages/);
    await win.vscode.screenshot('graphui-wr-empty');

    // The first step, from the panel: the run starts and its stages are drawn as they come.
    const since = new Date().toISOString();
    await empty.locator('button', { hasText: 'Trigger a Run' }).click();
    const run = await waitForSandboxRun(url, (r) => r.origin === 'whiterabbit' && r.workflowId === sample.id && r.createdAt >= since, 30_000);
    await waitForGraph(frame, undefined, 30_000);
    await empty.waitFor({ state: 'hidden', timeout: 10_000 });
    let subtitle = '';
    await waitFor(async () => /Built from the run’s stages/.test((subtitle = (await graphHeader(frame)).subtitle)), 15_000, 100);
    assert.match(subtitle, new RegExp(`latest run ${run.id.slice(0, 8)}`));
    await win.vscode.screenshot('graphui-wr-triggered');
  }));

test('Show Run Logs opens a tab named after the run with readable lines; the details pane shows a stage’s logs the same way', { timeout: 180_000 }, () =>
  step('graphui-logs', async () => {
    const page = win.vscode.page;
    await closeAllEditors(win.vscode);
    const sample = SAMPLES.powabase.linear;
    await expandRow(page, CONNECTIONS.powabase);
    // The selected workflow row is Trigger Run's target (the White Rabbit one is selected now).
    await selectRow(page, sample.name);
    const since = new Date().toISOString();
    await win.vscode.runCommand('Flowscope: Trigger Run…');
    await answerInputs(page, { topic: 'owls' });
    const started = await waitForSandboxRun(url, (r) => r.origin === 'powabase' && r.workflowId === sample.id && r.createdAt >= since);
    const run = await waitForSandboxRun(url, (r) => r.id === started.id && r.status === 'completed', 60_000);
    const names = Object.values(run.blocks).map((b) => b.name);
    const runLabel = `Run ${run.id.slice(0, 8)}`;
    await waitFor(async () => /^completed/.test((await treeRows(page)).find((r) => r.label === runLabel)?.description ?? ''), 30_000, 250);

    await treeContextAction(page, runLabel, 'Show Run Logs');
    const title = `Logs of run ${run.id.slice(0, 8)} (${sample.name})`;
    await page.locator('.tabs-container .tab.active', { hasText: title }).waitFor({ state: 'visible', timeout: 30_000 });
    let lines: string[] = [];
    await waitFor(async () => {
      lines = (await page.locator('.editor-instance .view-lines .view-line').allTextContents()).map((l) => l.replace(/\u00a0/g, ' '));
      return lines.length >= names.length + 3;
    }, 15_000, 200);
    assert.ok(lines.some((l) => l === `Run ${run.id} · ${sample.name} · completed · ${CONNECTIONS.powabase}`), JSON.stringify(lines));
    assert.ok(lines.some((l) => /^Started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC([+-]\d\d:\d\d)?\)$/.test(l)), JSON.stringify(lines));
    for (const name of names) {
      const line = new RegExp(`^\\d\\d:\\d\\d:\\d\\d  ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +INFO +success in \\d`);
      assert.ok(lines.some((l) => line.test(l)), `a readable line for ${name}: ${JSON.stringify(lines)}`);
    }
    assert.ok(!lines.some((l) => /^\s*[{[]/.test(l)), `no JSON dump: ${JSON.stringify(lines)}`);
    await win.vscode.screenshot('graphui-run-logs');

    // The same lines, for one stage, in its details pane.
    await closeAllEditors(win.vscode);
    await treeContextAction(page, runLabel, 'Open Graph');
    const frame = graphFrame(page);
    await waitForGraph(frame, names.length);
    const first = names[0] ?? '';
    let pane = await selectNode(frame, first);
    await waitFor(async () => (pane = await detailsPane(frame)).sections.Logs !== undefined, 15_000, 100);
    assert.match(pane.sections.Logs ?? '', new RegExp(`^\\d\\d:\\d\\d:\\d\\d  ${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  INFO   success in \\d`));
    await win.vscode.screenshot('graphui-details-logs');
  }));
