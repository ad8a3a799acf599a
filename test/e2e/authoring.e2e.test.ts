/**
 * Issue 7, graph-file authoring: open samples/broken.workflow.json and read every error in the
 * Problems panel; fix the file in the editor, push it (the diff opens, then the confirmation),
 * and find the new graph in the sandbox.
 *
 * The expected problems are written down in ./brokenSample.ts (Flowscope's own messages) and
 * here (the schema problem, in the words of VS Code's JSON language service).
 *
 * Run: node esbuild.mjs && node --import tsx --test --test-concurrency=1 test/e2e/authoring.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BROKEN_SAMPLE_MESSAGES } from './brokenSample';
import { REPO_ROOT, notifications, quickInput, readProblems, waitFor, withVsCode } from './harness';
import { CONNECTIONS, openFile, replaceEditorText, sandboxState, startSandbox, waitForNotification } from './flowscope';

const FILE = 'broken.workflow.json';
const TARGET = { id: '5a4d0b02-0002-4000-8000-000000000202', name: 'Regional quotes (fan-out / fan-in)' };

/** broken.workflow.json with each of its problems fixed (ids made unique, the loop cut, …). */
const FIXED = {
  name: 'Fixed on purpose',
  description: 'Every problem of broken.workflow.json, fixed.',
  blocks: [
    { id: 'start', type: 'starter', name: 'Start' },
    { id: 'fetch', type: 'general_api', name: 'Fetch' },
    { id: 'fetch-again', type: 'code', name: 'Fetch again' },
    { id: 'think', type: 'agent', name: 'Think' },
    { id: 'gate', type: 'condition', name: 'Gate', config: { route: 'yes' } },
    { id: 'respond', type: 'response', name: 'Respond' },
  ],
  edges: [
    { source: 'start', target: 'fetch' },
    { source: 'fetch', target: 'fetch-again' },
    { source: 'fetch-again', target: 'gate' },
    { source: 'gate', target: 'think', condition: 'no' },
    { source: 'gate', target: 'respond', condition: 'yes' },
    { source: 'think', target: 'respond' },
  ],
};

test('an invalid graph file shows each error in Problems; fixed, it is pushed after the diff and lands in the sandbox', { timeout: 240_000 }, async () => {
  const workspace = await mkdtemp(join(tmpdir(), 'flowscope-authoring-e2e-'));
  const file = join(workspace, FILE);
  await copyFile(join(REPO_ROOT, 'samples', FILE), file);
  // One line: inserted into the editor in one input event, multi-line text would be re-indented.
  const fixedText = JSON.stringify(FIXED);
  try {
    // The fix is inserted like a paste; the editor must not add closing quotes and brackets of its own.
    const settings = { 'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.autoSurround': 'never', 'editor.autoIndent': 'none', 'editor.formatOnType': false };
    await withVsCode({ workspace, settings }, 'authoring-problems-push', async (vscode) => {
      const page = vscode.page;
      const url = await startSandbox(vscode);
      await openFile(page, FILE);

      // Every problem of the sample is listed in the Problems panel; the schema-level one comes
      // from VS Code's JSON language service (through the contributed schema), in its words.
      let problems: string[] = [];
      const beyondSchema = BROKEN_SAMPLE_MESSAGES;
      await waitFor(
        async () => {
          problems = await readProblems(page);
          return beyondSchema.every((m) => problems.includes(m)) && problems.some((p) => /Incorrect type\. Expected "(number|integer)"/.test(p));
        },
        30_000,
        500,
      ).catch(() => undefined);
      for (const message of beyondSchema) assert.ok(problems.includes(message), `"${message}" not in Problems: ${JSON.stringify(problems)}`);
      assert.ok(problems.some((p) => /Incorrect type\. Expected "(number|integer)"/.test(p)), `no schema problem for durationMs: ${JSON.stringify(problems)}`);
      await vscode.screenshot('authoring-problems');

      const before = (await sandboxState(url)).workflows.find((w) => w.id === TARGET.id);
      assert.ok(before, 'the fan-out sample exists');

      // Fix it in the editor and save: the problems go away.
      await replaceEditorText(page, fixedText);
      await page.keyboard.press('Control+S');
      await waitFor(async () => JSON.stringify(JSON.parse(await readFile(file, 'utf8'))) === JSON.stringify(FIXED), 15_000, 200);
      await waitFor(async () => (await readProblems(page)).length === 0, 20_000, 500);

      // Push: pick the target, review the diff, confirm.
      await vscode.runCommand('Flowscope: Push Graph…');
      const qi = quickInput(page);
      await qi.waitOpen();
      await qi.pick(CONNECTIONS.powabase);
      await waitFor(async () => (await qi.items()).includes(TARGET.name), 20_000);
      await qi.pick(TARGET.name);
      // Bind the file for next time? A step of the flow; not now.
      await waitFor(async () => (await qi.items()).includes('Just this once'), 20_000);
      await qi.pick('Just this once');
      // The diff between the server's graph and the file opens, with the question beside it
      // (a quick pick, not a modal over the diff).
      await waitFor(async () => (await qi.items()).includes('Push these changes'), 30_000);
      // The question names the target, not the file's own "name" (which a repository controls).
      assert.match(await qi.title(), new RegExp(`Push \\d+ change\\(s\\) to workflow ${TARGET.id} on connection "${CONNECTIONS.powabase}"\\?`));
      assert.doesNotMatch(await qi.title(), /Fixed on purpose/);
      await page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 10_000 });
      const tabs = await page.locator('.tabs-container .tab .label-name').allTextContents();
      assert.ok(tabs.some((t) => t.includes(TARGET.id) && t.includes('server')), `diff tab: ${JSON.stringify(tabs)}`);
      await vscode.screenshot('authoring-push-diff');
      await qi.pick('Push these changes');
      await waitForNotification(page, new RegExp(`Pushed to ${CONNECTIONS.powabase}/${TARGET.id}`), 30_000);

      // The sandbox now holds the file's graph.
      const after = (await sandboxState(url)).workflows.find((w) => w.id === TARGET.id);
      assert.ok(after);
      assert.deepEqual(after.blocks.map((b) => [b.id, b.type, b.name]).sort(), FIXED.blocks.map((b) => [b.id, b.type, b.name]).sort());
      assert.deepEqual(
        after.edges.map((e) => [e.source, e.target, e.condition ?? null]).sort(),
        FIXED.edges.map((e) => [e.source, e.target, e.condition ?? null]).sort(),
      );
      assert.ok(after.version > before.version, `version ${before.version} → ${after.version}`);
      assert.ok(!(await notifications(page)).some((n) => /error|failed/i.test(n)), JSON.stringify(await notifications(page)));
      await vscode.screenshot('authoring-pushed');
    });
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
});
