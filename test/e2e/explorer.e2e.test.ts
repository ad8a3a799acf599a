/**
 * The run explorer in a real VS Code (code-server) with the embedded sandbox: one action starts
 * the sandbox and creates a connection per API; a run triggered from the palette appears in the
 * tree and its stages change live without pressing anything. (A bad key: keys.e2e.test.ts.)
 *
 * Run: node esbuild.mjs && node --import tsx --test test/e2e/explorer.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchVsCode, notifications, quickInput, treeItems, waitFor } from './harness';
import type { VsCode } from './harness';

const VIEW = 'Workflows & Runs';

async function expand(vscode: VsCode, label: string): Promise<void> {
  const row = vscode.page.locator('.part.sidebar .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  // The pointer rests on the row, whose hover card then covers the rows below it: move it away.
  await vscode.page.mouse.move(900, 700);
}

test('sandbox → connections → live run in the tree', { timeout: 240_000 }, async () => {
  const workspace = await mkdtemp(join(tmpdir(), 'flowscope-explorer-e2e-'));
  const vscode = await launchVsCode({ workspace });
  try {
    await vscode.runCommand('Flowscope: Start Sandbox');
    await waitFor(async () => (await treeItems(vscode.page, VIEW)).some((l) => l.includes('Sandbox · Powabase')), 60_000);
    const roots = await treeItems(vscode.page, VIEW);
    for (const name of ['Sandbox · White Rabbit', 'Sandbox · Powabase', 'Sandbox · Supervity Auto']) assert.ok(roots.some((l) => l.includes(name)), `${name} in ${roots.join(' | ')}`);

    await expand(vscode, 'Sandbox · Powabase');
    await waitFor(async () => (await treeItems(vscode.page, VIEW)).some((l) => l.includes('Research brief (linear)')), 30_000);
    await expand(vscode, 'Research brief (linear)');

    await vscode.runCommand('Flowscope: Trigger Run…');
    const quick = quickInput(vscode.page);
    await quick.waitOpen();
    // The selected workflow (the row just expanded) is the target: no connection or workflow pick.
    assert.match(await quick.title(), /Run Research brief \(linear\)/);
    // One field per declared variable, pre-filled with its default: accept each.
    for (let i = 0; i < 5; i++) {
      const open = await quick.waitOpen(3_000).then(() => true, () => false);
      if (!open) break;
      await quick.accept();
      await vscode.page.waitForTimeout(300);
    }
    await waitFor(async () => (await treeItems(vscode.page, VIEW)).some((l) => /^Run [0-9a-f]{8}/.test(l)), 30_000);
    await vscode.screenshot('explorer-run-started');
    // The run was revealed and expanded: stages arrive and finish without any refresh.
    await waitFor(
      async () => {
        const rows = vscode.page.locator('.part.sidebar .monaco-list-row');
        const texts = await rows.allTextContents();
        return texts.some((t) => /completed/.test(t) && /Run [0-9a-f]{8}/.test(t));
      },
      90_000,
      500,
    );
    await vscode.screenshot('explorer-run-completed');
    await waitFor(async () => (await notifications(vscode.page)).some((n) => /completed/.test(n)), 30_000);
  } catch (error) {
    await vscode.collectFailureArtifacts('explorer');
    throw error;
  } finally {
    await vscode.close();
    await rm(workspace, { recursive: true, force: true });
  }
});
