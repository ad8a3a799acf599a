/**
 * Issue 16, connection journeys driven through the UI in one code-server window, in order:
 *   1. a White Rabbit connection added by hand with its API key and Ed25519 secret lists its
 *      workflows; its URL edited to one nobody listens on shows the unreachable row, whose inline
 *      Retry (once something listens there) and Edit Connection URL… (back to the sandbox) do what
 *      they say; a wrong key set through Update API Key… shows the authentication row, whose inline
 *      action takes the right one; Test Connection says it works; Remove deletes the row and the
 *      stored keys (the same connection written back into settings has no key);
 *   2. the secrets scan of that journey: the key, the secret and the wrong key typed appear
 *      nowhere Flowscope writes (logs at trace level, settings, the workspace, global storage,
 *      the browser's storage except SecretStorage's own records, recognised by their exact names).
 *
 * Run: npm run build && node --import tsx --test --test-concurrency=1 test/e2e/journeys-connections.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { freePort, quickInput, waitFor } from './harness';
import {
  CONNECTIONS,
  FACES,
  SAMPLES,
  childrenOf,
  clearNotifications,
  collapseRow,
  expandRow,
  flowscopeLog,
  listFiles,
  sandboxCredentials,
  sandboxStateDir,
  treeRow,
  treeRows,
  waitForNotification,
} from './flowscope';
import type { SandboxCredentials } from './flowscope';
import { browserStorage, isSecretStorageRecord, secretsOutsideTheirStore } from './browserStorage';
import { addConnection, inlineAction, readUserSettings, rowUnder, setUserSetting, startForwarder } from './connections';
import { sharedWindow } from './window';

const NAME = 'Hand-made White Rabbit';
const WORKFLOWS = [
  { id: SAMPLES.whiterabbit.linear.id, name: 'Treasury (typed by hand)' },
  { id: SAMPLES.whiterabbit.long.id, name: 'Cold wallet (typed by hand)' },
];
/** A White Rabbit-shaped key the sandbox does not know (src/sandbox/keys.ts mints `ws_` keys). */
const WRONG_KEY = 'ws_wrong_key_typed_by_the_connections_journey_0001';

let keys: SandboxCredentials;

const win = sharedWindow('journeys-connections', {
  files: { '.vscode/settings.json': '{}\n' },
  // LOG_LEVEL=trace reaches VS Code's log services (the Flowscope channel included): the scan
  // then reads the most talkative log Flowscope can write.
  env: { LOG_LEVEL: 'trace' },
  setUp: async ({ vscode }) => {
    keys = await sandboxCredentials(vscode);
    for (const face of FACES) await collapseRow(vscode.page, CONNECTIONS[face]);
  },
});
const { step } = win;

/** The workflow rows under the hand-made connection, once they are `expected`. */
async function waitForWorkflows(expected: readonly string[]): Promise<void> {
  let shown: string[] = [];
  await waitFor(async () => JSON.stringify((shown = childrenOf(await treeRows(win.vscode.page), NAME).map((r) => r.label))) === JSON.stringify(expected), 45_000, 250).catch(() => {
    throw new Error(`the workflows of ${NAME} are ${JSON.stringify(shown)}, not ${JSON.stringify(expected)}`);
  });
}

/** Waits for the connection's single error row, whose label matches `label`. */
async function waitForErrorRow(label: RegExp): Promise<string> {
  let found: string | undefined;
  await waitFor(async () => (found = (await rowUnder(win.vscode.page, NAME, label))?.label) !== undefined, 60_000, 250);
  return found as string;
}

const TYPED_NAMES = WORKFLOWS.map((w) => w.name);

test('a White Rabbit connection added by hand: listed, URL edited, error rows fixed from the row, key set, tested, removed', { timeout: 360_000 }, () =>
  step('journeys-connections-lifecycle', async () => {
    const page = win.vscode.page;
    const qi = quickInput(page);

    // Add, with the sandbox's key and its Ed25519 secret typed into the password boxes.
    await addConnection(win.vscode, { service: 'White Rabbit', name: NAME, url: win.url, workflows: WORKFLOWS, apiKey: keys.whiterabbit.apiKey, apiSecret: keys.whiterabbit.apiSecret });
    await waitForNotification(page, /^Hand-made White Rabbit works: 2 workflow\(s\)\.$/, 30_000);
    await expandRow(page, NAME);
    await waitForWorkflows(TYPED_NAMES);
    await win.vscode.screenshot('journeys-connections-added');

    // Edit Connection… → URL: a port nobody listens on. The unreachable row replaces the workflows.
    const deadPort = await freePort();
    const deadUrl = `http://127.0.0.1:${deadPort}`;
    await win.vscode.runCommand('Flowscope: Edit Connection…');
    await qi.waitOpen();
    await qi.pick(NAME);
    await waitFor(async () => (await qi.title()) === `Edit ${NAME}`, 10_000);
    await qi.pick('URL');
    await waitFor(async () => (await qi.input.inputValue()) === win.url, 10_000);
    await qi.submit(deadUrl);
    assert.equal(await waitForErrorRow(/^Service unreachable/), 'Service unreachable — retry');
    const settings = (await readUserSettings(win.vscode))['flowscope.connections'] as Array<{ name: string; baseUrl: string }>;
    assert.equal(settings.find((c) => c.name === NAME)?.baseUrl, deadUrl);
    await waitFor(async () => (await treeRows(page)).find((r) => r.label === NAME)?.description === 'unreachable', 10_000);
    await win.vscode.screenshot('journeys-connections-unreachable');

    // Something listens there now (a forwarder to the sandbox). Nothing asks it until Retry is clicked.
    const forwarder = await startForwarder(win.url, deadPort);
    try {
      assert.equal(forwarder.requests, 0);
      await (await inlineAction(page, 'Service unreachable — retry', 'Retry')).click();
      await waitForWorkflows(TYPED_NAMES);
      assert.ok(forwarder.requests > 0, 'Retry asked the service again');
      await win.vscode.screenshot('journeys-connections-retried');
    } finally {
      await forwarder.close();
    }

    // Another dead URL through Edit Connection URL…, then the row's own Edit URL action back to the sandbox.
    const otherDeadUrl = `http://127.0.0.1:${await freePort()}`;
    await win.vscode.runCommand('Flowscope: Edit Connection URL…');
    await qi.waitOpen();
    await qi.pick(NAME);
    await waitFor(async () => (await qi.input.inputValue()) === deadUrl, 10_000);
    await qi.submit(otherDeadUrl);
    await waitForErrorRow(/^Service unreachable/);
    await (await inlineAction(page, 'Service unreachable — retry', 'Edit Connection URL')).click();
    await qi.waitOpen();
    assert.equal(await qi.input.inputValue(), otherDeadUrl);
    await qi.submit(win.url);
    await waitForWorkflows(TYPED_NAMES);
    await win.vscode.screenshot('journeys-connections-url-fixed-from-row');

    // Update API Key… with a wrong key: refused, and the row says so; its inline action takes the right one.
    await clearNotifications(win.vscode);
    await win.vscode.runCommand('Flowscope: Update API Key…');
    await qi.waitOpen();
    await qi.pick(NAME);
    await waitFor(async () => (await qi.title()) === `${NAME}: API key`, 10_000);
    assert.equal(await qi.input.getAttribute('type'), 'password');
    await qi.submit(WRONG_KEY);
    await waitFor(async () => (await qi.title()) === `${NAME}: API secret`, 10_000);
    assert.equal(await qi.input.getAttribute('type'), 'password');
    await qi.submit(keys.whiterabbit.apiSecret);
    assert.equal(await waitForErrorRow(/^Authentication failed/), 'Authentication failed — update the API key…');
    await win.vscode.screenshot('journeys-connections-wrong-key');
    await (await inlineAction(page, 'Authentication failed — update the API key…', 'Update API Key')).click();
    await qi.waitOpen();
    await waitFor(async () => (await qi.title()) === `${NAME}: API key`, 10_000);
    await qi.submit(keys.whiterabbit.apiKey);
    await waitFor(async () => (await qi.title()) === `${NAME}: API secret`, 10_000);
    await qi.submit(keys.whiterabbit.apiSecret);
    await waitForWorkflows(TYPED_NAMES);

    // Test Connection: its message, word for word.
    await clearNotifications(win.vscode);
    await win.vscode.runCommand('Flowscope: Test Connection');
    await qi.waitOpen();
    await qi.pick(NAME);
    assert.equal(await waitForNotification(page, /works/, 30_000), 'Hand-made White Rabbit works: 2 workflow(s).');
    await win.vscode.screenshot('journeys-connections-tested');

    // Remove: the question says what goes; the row goes.
    await win.vscode.runCommand('Flowscope: Remove Connection…');
    await qi.waitOpen();
    await qi.pick(NAME);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await dialog.innerText(), /Remove the connection "Hand-made White Rabbit"\?/);
    assert.match(await dialog.innerText(), /Its settings and stored keys are deleted\. Nothing changes on the service\./);
    await win.vscode.screenshot('journeys-connections-remove-question');
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: /^Remove$/ }).click();
    await waitFor(async () => (await treeRow(page, NAME).count()) === 0, 20_000);
    const remaining = (await readUserSettings(win.vscode))['flowscope.connections'] as Array<{ name: string }>;
    assert.deepEqual(
      remaining.map((c) => c.name),
      Object.values(CONNECTIONS),
    );

    // The keys went with it: the same connection written back into the settings has none.
    await setUserSetting(win.vscode, 'flowscope.connections', [...remaining, { name: NAME, kind: 'whiterabbit', baseUrl: win.url, workflowIds: WORKFLOWS }]);
    await expandRow(page, NAME);
    assert.equal(await waitForErrorRow(/^API key missing/), 'API key missing — set it…');
    await win.vscode.screenshot('journeys-connections-removed-keys-gone');
    await setUserSetting(win.vscode, 'flowscope.connections', remaining);
    await waitFor(async () => (await treeRow(page, NAME).count()) === 0, 20_000);
  }));

test('the secrets typed in that journey appear nowhere Flowscope writes, secret-looking record keys included', { timeout: 180_000 }, () =>
  step('journeys-connections-secrets-scan', async () => {
    const secrets: Record<string, string> = {
      'the White Rabbit API secret typed': keys.whiterabbit.apiSecret,
      'the White Rabbit API key typed': keys.whiterabbit.apiKey,
      'the wrong key typed': WRONG_KEY,
    };
    // The journey logged at trace level, and its lines are there to be searched.
    const log = await flowscopeLog(win.vscode);
    assert.match(log, /\[debug\] /, 'the Flowscope log is not at debug/trace level');
    assert.match(log, /added connection Hand-made White Rabbit \(whiterabbit at /);
    await waitFor(async () => /removed connection Hand-made White Rabbit/.test(await flowscopeLog(win.vscode)), 15_000, 250);

    // Files: every log, the server's output, both settings files, the workspace, global and
    // workspace storage (except the sandbox server's own credentials file, which holds its keys).
    const credentialsFile = join(sandboxStateDir(win.vscode), 'credentials.json');
    const files = [
      ...(await listFiles(win.vscode.logsDir)),
      join(dirname(win.vscode.userDataDir), 'code-server.log'),
      join(win.vscode.userDataDir, 'User', 'settings.json'),
      ...(await listFiles(win.workspace)),
      ...(await listFiles(join(win.vscode.userDataDir, 'User', 'globalStorage'))).filter((f) => f !== credentialsFile),
      ...(await listFiles(join(win.vscode.userDataDir, 'User', 'workspaceStorage'))),
    ];
    assert.ok(files.some((f) => f.endsWith(join('flowscope.flowscope', 'Flowscope.log'))), 'the Flowscope log is among the files scanned');
    assert.ok(files.includes(join(win.workspace, '.vscode', 'settings.json')), 'the workspace settings are among the files scanned');
    const leaks: string[] = [];
    for (const file of files) {
      const bytes = await readFile(file).catch(() => undefined);
      if (!bytes) continue;
      for (const [name, value] of Object.entries(secrets)) {
        if (bytes.includes(Buffer.from(value, 'utf8'))) leaks.push(`${name} in ${relative(dirname(win.vscode.userDataDir), file)}`);
      }
    }

    // The browser's storage (globalState, webview state), every record but SecretStorage's own.
    const records = await browserStorage(win.vscode.page);
    assert.ok(records.some((r) => !isSecretStorageRecord(r) && r.value.includes('flowscope')), `no Flowscope record in the browser storage dump (${records.length} records)`);
    leaks.push(...secretsOutsideTheirStore(records, secrets));
    assert.deepEqual(leaks, [], 'secrets found outside their stores');
  }));
