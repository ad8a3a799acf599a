/**
 * Security scenario b (see security.e2e.test.ts for a and c), in a real VS Code (code-server) with
 * the embedded sandbox: in an untrusted (restricted mode) folder, graph files are still
 * validated, but Trigger Run and Push are refused with a message about trust, and the sandbox
 * sees nothing.
 *
 * Run: npm run build && node --import tsx --test --test-concurrency=1 test/e2e/security-trust.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { BROKEN_SAMPLE_MESSAGES } from './brokenSample';
import { REPO_ROOT, quickInput, readProblems, waitFor, withVsCode } from './harness';
import { CONNECTIONS, FACES, clearNotifications, collapseRow, openFile, sandboxState, selectRow, startSandbox, waitForNotification } from './flowscope';


const VALID_GRAPH = {
  name: 'Trust check',
  blocks: [
    { id: 'start', type: 'starter', name: 'Start' },
    { id: 'respond', type: 'response', name: 'Respond' },
  ],
  edges: [{ source: 'start', target: 'respond' }],
};

test('in an untrusted folder graph files are validated, but Trigger Run and Push are refused and reach nothing', { timeout: 240_000 }, async () => {
  const workspace = await mkdtemp(join(tmpdir(), 'flowscope-trust-e2e-'));
  const broken = 'broken.workflow.json';
  await copyFile(join(REPO_ROOT, 'samples', broken), join(workspace, broken));
  await writeFile(join(workspace, 'valid.workflow.json'), JSON.stringify(VALID_GRAPH, null, 2));
  const expected = BROKEN_SAMPLE_MESSAGES;
  try {
    await withVsCode({ workspace, settings: { 'security.workspace.trust.enabled': true } }, 'security-trust', async (vscode) => {
      const page = vscode.page;
      // The startup prompt asks whether to trust the folder's authors: the user says no.
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await dialog.innerText(), /trust the authors/i);
      await dialog.locator('.monaco-button', { hasText: /don.t trust/i }).first().click();
      await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
      // Restricted mode is shown in the status bar.
      await page.locator('.statusbar-item', { hasText: /Restricted Mode/ }).first().waitFor({ state: 'visible', timeout: 20_000 });

      const url = await startSandbox(vscode);
      const before = await sandboxState(url);
      assert.equal(before.runs.length, 0);

      // Validation works: Flowscope's own errors for the broken file reach Problems.
      await openFile(page, broken);
      let problems: string[] = [];
      await waitFor(
        async () => {
          problems = await readProblems(page);
          return expected.every((m) => problems.includes(m));
        },
        30_000,
        500,
      ).catch(() => undefined);
      for (const m of expected) assert.ok(problems.includes(m), `"${m}" not in Problems: ${JSON.stringify(problems)}`);

      // Trigger Run: refused, with a message about trust; nothing reaches the sandbox.
      await clearNotifications(vscode);
      for (const face of FACES) await collapseRow(page, CONNECTIONS[face]);
      await selectRow(page, CONNECTIONS.powabase);
      await vscode.runCommand('Flowscope: Trigger Run…');
      const triggerToast = await waitForNotification(page, /trust/i, 15_000);
      assert.match(triggerToast, /Trigger/i, triggerToast);
      assert.equal(await quickInput(page).widget.isVisible(), false, 'no prompt after the refusal');

      // Push: refused likewise.
      await clearNotifications(vscode);
      await openFile(page, 'valid.workflow.json');
      await vscode.runCommand('Flowscope: Push Graph…');
      const pushToast = await waitForNotification(page, /trust/i, 15_000);
      assert.match(pushToast, /Push/, pushToast);
      assert.equal(await quickInput(page).widget.isVisible(), false, 'no target pick after the refusal');
      await vscode.screenshot('security-trust-refused');

      // The sandbox saw no run and no graph change.
      await sleep(1_000);
      const after = await sandboxState(url);
      assert.equal(after.runs.length, 0, JSON.stringify(after.runs.map((r) => r.id)));
      assert.deepEqual(
        after.workflows.map((w) => [w.id, w.version]),
        before.workflows.map((w) => [w.id, w.version]),
      );
    });
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
});
