/**
 * Hostile names from a service are text, everywhere Flowscope shows them. A graph whose block
 * names (and one error and one output) are HTML/script payloads is pushed straight to the
 * sandbox's Powabase API with its own key, as a compromised or careless service would serve it;
 * it is run, then looked at in the tree (stage rows) and in the graph panel (node labels, the
 * details pane). Every string must appear literally, no element may have been injected in the
 * workbench or in the webview, no dialog may open, and no console message may tell of a script
 * being blocked or run.
 *
 * Run: node esbuild.mjs && node --import tsx --test --test-concurrency=1 test/e2e/hostile.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ConsoleMessage, Dialog, Frame } from 'playwright-core';
import { waitFor, withVsCode } from './harness';
import {
  CONNECTIONS,
  FACES,
  answerInputs,
  childrenOf,
  collapseRow,
  expandRow,
  sandboxCredentials,
  selectRow,
  startSandbox,
  treeRows,
  waitForSandboxRun,
} from './flowscope';
import { graphFrame, graphHeader, graphNodes, selectNode, timelineRows, treeContextAction, waitForGraph } from './graph';

const NAMES = {
  img: '<img src=x onerror=alert(1)>',
  script: '</script><script>alert(2)</script>',
  svg: '"><svg onload=alert(3)>',
} as const;
const HOSTILE_ERROR = '<svg onload=alert(4)><img src=x onerror=alert(5)>';
const HOSTILE_OUTPUT = { html: '<img src=x onerror=alert(6)>', quote: '"><script>alert(7)</script>' };
const WORKFLOW_NAME = 'Hostile block names (e2e)';

/** Elements the payloads would create if any of them were parsed as HTML. */
const INJECTED_SELECTOR = 'img[src="x"], svg[onload], [onerror], [onload]';

/** What injectedIn() returns for a frame it could not read. */
const UNREADABLE = Symbol('unreadable');

/** Console text that tells of a payload executing or being stopped by a CSP / sandbox. */
const SCRIPT_TROUBLE = /alert\(|Refused to (execute|load|apply)|Content Security Policy|allow-modals|inline event handler/i;

test('hostile block names show literally in the tree and the graph; nothing is injected or run', { timeout: 240_000 }, async () => {
  const workspace = await mkdtemp(join(tmpdir(), 'flowscope-hostile-e2e-'));
  try {
    await withVsCode({ workspace }, 'hostile-names', async (vscode) => {
      const page = vscode.page;
      // Listen before anything hostile exists. Playwright reports dialogs and console messages of
      // every frame of the page, webview iframes included (they are frames of this page).
      const dialogs: string[] = [];
      const consoleLines: string[] = [];
      page.on('dialog', (dialog: Dialog) => {
        dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss().catch(() => undefined);
      });
      page.on('console', (msg: ConsoleMessage) => consoleLines.push(`[${msg.type()}] ${msg.text()} @ ${msg.location().url}`));

      const url = await startSandbox(vscode);
      const creds = await sandboxCredentials(vscode);
      const headers = { apikey: creds.powabase.apiKey, authorization: `Bearer ${creds.powabase.apiKey}`, 'content-type': 'application/json' };

      // A new workflow on the service, then its graph with hostile names, through the public API.
      const created = await fetch(`${url}/api/workflows`, { method: 'POST', headers, body: JSON.stringify({ name: WORKFLOW_NAME }) });
      assert.equal(created.status, 201, await created.clone().text());
      const { id: workflowId } = (await created.json()) as { id: string };
      const graph = {
        blocks: [
          { id: 'start', type: 'starter', name: 'Start' },
          { id: 'img', type: 'code', name: NAMES.img, config: { durationMs: 200, output: HOSTILE_OUTPUT } },
          { id: 'script', type: 'code', name: NAMES.script, config: { durationMs: 200 } },
          { id: 'svg', type: 'code', name: NAMES.svg, config: { durationMs: 200, failAttempts: 1, attempts: 1, error: HOSTILE_ERROR } },
        ],
        edges: [
          { source: 'start', target: 'img' },
          { source: 'img', target: 'script' },
          { source: 'script', target: 'svg' },
        ],
      };
      const put = await fetch(`${url}/api/workflows/${workflowId}/graph`, { method: 'PUT', headers, body: JSON.stringify(graph) });
      assert.equal(put.status, 200, await put.clone().text());

      consoleLines.push('--- tree: refresh and trigger');
      // The tree lists it after a refresh; trigger it from there.
      await vscode.runCommand('Flowscope: Refresh');
      for (const face of FACES) await collapseRow(page, CONNECTIONS[face]);
      await expandRow(page, CONNECTIONS.powabase);
      await waitFor(async () => childrenOf(await treeRows(page), CONNECTIONS.powabase).some((r) => r.label === WORKFLOW_NAME), 30_000, 250);
      await selectRow(page, WORKFLOW_NAME);
      await vscode.runCommand('Flowscope: Trigger Run…');
      await answerInputs(page, {});
      const run = await waitForSandboxRun(url, (r) => r.workflowId === workflowId && r.origin === 'powabase');
      const ended = await waitForSandboxRun(url, (r) => r.id === run.id && r.status !== 'running' && r.status !== 'queued', 30_000);
      // Every block ran (the last one failed with the hostile error), so each name reaches the client.
      assert.deepEqual(
        Object.values(ended.blocks).map((b) => [b.name, b.status]).sort(),
        [['Start', 'completed'], [NAMES.img, 'completed'], [NAMES.script, 'completed'], [NAMES.svg, 'failed']].sort(),
      );

      consoleLines.push('--- tree: run ended, stage rows');
      // Tree: the run's stage rows are labelled with the names, character for character.
      const runLabel = `Run ${run.id.slice(0, 8)}`;
      await expandRow(page, runLabel);
      // While the run streams, Powabase names no block (its frames carry ids and types only); the
      // names arrive with the logs read when it ends. Wait for that, then compare exactly.
      const expected = JSON.stringify(['Start', ...Object.values(NAMES)].sort());
      let stages: string[] = [];
      await waitFor(async () => JSON.stringify((stages = childrenOf(await treeRows(page), runLabel).map((r) => r.label)).sort()) === expected, 30_000, 250).catch(
        () => undefined,
      );
      assert.equal(JSON.stringify([...stages].sort()), expected);
      await vscode.screenshot('hostile-tree');

      consoleLines.push('--- graph: open from the run row');
      // Graph: node labels, then each node's details pane.
      await treeContextAction(page, runLabel, 'Open Graph');
      const frame = graphFrame(page);
      await waitForGraph(frame, 4);
      await waitFor(async () => (await graphHeader(frame)).runStatus !== '', 15_000).catch(() => undefined);
      const labels = (await graphNodes(frame)).map((n) => n.label);
      assert.deepEqual([...labels].sort(), ['Start', ...Object.values(NAMES)].sort(), JSON.stringify(labels));
      // The node's tooltip and accessible name carry the name as plain text too.
      const titles = await frame.locator('.nodes .node').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
      for (const name of Object.values(NAMES)) assert.ok(titles.some((t) => t.startsWith(`${name}\n`)), `title attribute: ${JSON.stringify(titles)}`);

      // The run's timeline names its stages as plain text too.
      let bars: string[] = [];
      await waitFor(
        async () => {
          bars = (await timelineRows(frame)).map((r) => r.label);
          return Object.values(NAMES).every((n) => bars.includes(n));
        },
        15_000,
      ).catch(() => undefined);
      for (const name of Object.values(NAMES)) assert.ok(bars.includes(name), `timeline rows: ${JSON.stringify(bars)}`);

      consoleLines.push('--- graph: details panes');
      for (const name of Object.values(NAMES)) {
        const pane = await selectNode(frame, name);
        assert.equal(pane.heading, name);
      }
      const failedPane = await selectNode(frame, NAMES.svg);
      assert.equal(failedPane.sections.Error, HOSTILE_ERROR);
      const outputPane = await selectNode(frame, NAMES.img);
      assert.deepEqual(JSON.parse(outputPane.sections.Output ?? 'null'), HOSTILE_OUTPUT);
      await vscode.screenshot('hostile-graph');

      consoleLines.push('--- checks');
      // Nothing was injected, in any frame of the page: the workbench, the webview host frames
      // and the panel's own document.
      const frames = page.frames();
      assert.ok(frames.length >= 3, `expected the workbench and the webview frames, got ${frames.length}`);
      const injected: string[] = [];
      const searched = new Set<Frame>();
      const unreadable: Frame[] = [];
      for (const f of frames) {
        const found = await injectedIn(f);
        if (found === UNREADABLE) {
          unreadable.push(f);
          continue;
        }
        searched.add(f);
        if (found.length) injected.push(`${f.url()}: ${found.join(', ')}`);
      }
      assert.deepEqual(injected, [], 'injected elements');
      // A frame that could not be read was not searched: that is only acceptable for a frame that
      // went away while being read (nothing is left in it to inject into), never for a live one.
      assert.deepEqual(
        unreadable.filter((f) => !f.isDetached()).map((f) => f.url()),
        [],
        'frames still attached that could not be searched',
      );
      // Positive controls: the panel's own document was among the frames actually searched, and
      // this listener does receive console messages from inside the webview.
      const panelFrame = frames.find((f) => f.name() === 'active-frame' || /fake\.html|index\.html/.test(f.url()));
      assert.ok(panelFrame, `no webview frame among ${frames.map((f) => f.url()).join(', ')}`);
      assert.ok(searched.has(panelFrame), `the panel document (${panelFrame.url()}) could not be searched`);
      await frame.locator('body').evaluate(() => console.info('flowscope-e2e console probe'));
      await waitFor(async () => consoleLines.some((l) => l.includes('flowscope-e2e console probe')), 5_000);

      assert.deepEqual(dialogs, [], 'dialogs opened');
      // Console: nothing about scripts from Flowscope's own documents (the panel and its host
      // frames). The workbench itself is different: hovering a tree row whose label is
      // `<img src=x onerror=…>` makes VS Code 1.100.3's workbench.js build an element from the
      // label, and the workbench's CSP blocks its handler ("Executing inline event handler
      // violates … The action has been blocked"). That is VS Code's, not Flowscope's: a ten-line
      // extension with `new TreeItem('<img src=x onerror=alert(5)>')` and a plain tooltip does
      // the same (see this suite's report). So from the workbench only that blocked shape is
      // tolerated; anything else (a handler or script that ran, another CSP report) fails.
      const trouble = consoleLines.filter((l) => SCRIPT_TROUBLE.test(l));
      const fromWorkbench = (l: string): boolean => / @ https?:\/\/[^ ]+\/vs\/code\/browser\/workbench\/workbench\.js$/.test(l);
      const context = `\n${consoleLines.filter((l) => l.startsWith('--- ') || SCRIPT_TROUBLE.test(l)).join('\n')}`;
      assert.deepEqual(trouble.filter((l) => !fromWorkbench(l)), [], `console messages about scripts in Flowscope's documents:${context}`);
      const knownVsCodeBlock = /^\[error\] Executing inline event handler violates the following Content Security Policy directive 'script-src [^]*The action has been blocked\./;
      assert.deepEqual(trouble.filter((l) => fromWorkbench(l) && !knownVsCodeBlock.test(l)), [], `console messages about scripts in the workbench:${context}`);
    });
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
});

/**
 * Descriptions of elements in `frame` that only an injected payload would create, or UNREADABLE
 * when the frame could not be read (the caller decides whether that is acceptable).
 */
async function injectedIn(frame: Frame): Promise<string[] | typeof UNREADABLE> {
  return frame
    .locator('html')
    .evaluate(
      (html, selector) =>
        [...html.querySelectorAll(selector), ...[...html.querySelectorAll('script')].filter((s) => (s.textContent ?? '').includes('alert('))].map((e) =>
          e.outerHTML.slice(0, 120),
        ),
      INJECTED_SELECTOR,
      { timeout: 5_000 },
    )
    .catch(() => UNREADABLE);
}
