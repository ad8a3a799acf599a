/**
 * Issue 7, a wrong API key: entered through "Update API Key…", it shows as a clear error on its
 * connection (the connection's description, an error row under it, a notification); entering the
 * right key recovers the connection without a reload, and a run started afterwards reaches the
 * sandbox.
 *
 * Run: node esbuild.mjs && node --import tsx --test --test-concurrency=1 test/e2e/keys.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { quickInput, waitFor, withVsCode } from './harness';
import {
  CONNECTIONS,
  FACES,
  SAMPLES,
  childrenOf,
  clearNotifications,
  collapseRow,
  escapeRegExp,
  expandRow,
  sandboxCredentials,
  sandboxState,
  selectRow,
  startSandbox,
  treeRows,
  triggerFromPalette,
  waitForNotification,
  waitForSandboxRun,
} from './flowscope';

const CONNECTION = CONNECTIONS.powabase;
const WRONG_KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.not-the-sandbox-signature';

/** "Update API Key…" from the palette: pick the connection, type the key into the password box. */
async function updateKey(page: Page, runCommand: (title: string) => Promise<void>, key: string): Promise<void> {
  await runCommand('Flowscope: Update API Key…');
  const qi = quickInput(page);
  await qi.waitOpen();
  await qi.pick(CONNECTION);
  await waitFor(async () => /API key/.test(await qi.title()), 10_000);
  assert.equal(await qi.title(), `${CONNECTION}: API key`);
  // A password box: the key is never shown on screen.
  assert.equal(await qi.input.getAttribute('type'), 'password');
  await qi.fill(key);
  await qi.accept();
  await qi.waitClosed();
}

test('a wrong API key is a clear error on its connection; the right one recovers without a reload', { timeout: 240_000 }, async () => {
  const workspace = await mkdtemp(join(tmpdir(), 'flowscope-keys-e2e-'));
  try {
    await withVsCode({ workspace }, 'keys-wrong-key', async (vscode) => {
      const page = vscode.page;
      const url = await startSandbox(vscode);
      const creds = await sandboxCredentials(vscode);
      for (const face of FACES) await collapseRow(page, CONNECTIONS[face]);
      await expandRow(page, CONNECTION);
      await waitFor(async () => childrenOf(await treeRows(page), CONNECTION).some((r) => r.label === SAMPLES.powabase.linear.name), 30_000, 250);

      // The sandbox really refuses this key (so the error the user sees is the service's answer).
      const probe = await fetch(`${url}/api/workflows`, { headers: { apikey: WRONG_KEY, authorization: `Bearer ${WRONG_KEY}` } });
      assert.equal(probe.status, 401);

      await clearNotifications(vscode);
      await updateKey(page, vscode.runCommand, WRONG_KEY);
      // The error names the connection and says the service refused the credentials.
      const toast = await waitForNotification(page, /authenticat|unauthori|401/i, 30_000);
      assert.match(toast, new RegExp(escapeRegExp(CONNECTION)), `notification: ${toast}`);

      // The connection says what is wrong, and offers the fix right under it.
      let rows = await treeRows(page);
      await waitFor(
        async () => {
          rows = await treeRows(page);
          const conn = rows.find((r) => r.label === CONNECTION);
          return conn?.icon === 'error' && childrenOf(rows, CONNECTION).some((r) => /^Authentication failed — update the API key/.test(r.label));
        },
        30_000,
        250,
      );
      const conn = rows.find((r) => r.label === CONNECTION);
      assert.match(conn?.description ?? '', /authentication failed/);
      const errorRow = childrenOf(rows, CONNECTION).find((r) => /^Authentication failed/.test(r.label));
      assert.equal(errorRow?.icon, 'error');
      // No workflow is listed with a key the service refused.
      assert.ok(!childrenOf(rows, CONNECTION).some((r) => r.label === SAMPLES.powabase.linear.name), JSON.stringify(rows));
      await vscode.screenshot('keys-wrong-key');
      // The wrong key did not start anything on the service.
      assert.equal((await sandboxState(url)).runs.length, 0);

      // The right key: the connection recovers in place (no reload), workflows come back.
      await clearNotifications(vscode);
      await updateKey(page, vscode.runCommand, creds.powabase.apiKey);
      await waitFor(
        async () => {
          rows = await treeRows(page);
          const c = rows.find((r) => r.label === CONNECTION);
          return c?.icon === 'beaker' && c.description === 'ok' && childrenOf(rows, CONNECTION).some((r) => r.label === SAMPLES.powabase.linear.name);
        },
        30_000,
        250,
      );
      assert.ok(!childrenOf(rows, CONNECTION).some((r) => /^Authentication failed/.test(r.label)));
      await vscode.screenshot('keys-recovered');

      // And it works for real: a run started now reaches the sandbox through this connection.
      await selectRow(page, CONNECTION);
      await triggerFromPalette(vscode, CONNECTION, SAMPLES.powabase.linear.name, { topic: 'after the key fix' });
      const run = await waitForSandboxRun(url, (r) => r.origin === 'powabase' && r.inputs.topic === 'after the key fix');
      await waitForSandboxRun(url, (r) => r.id === run.id && r.status === 'completed', 30_000);
    });
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
});
