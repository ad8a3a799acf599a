/**
 * Security scenarios in a real VS Code (code-server) with the embedded sandbox:
 *   a. no secret is written anywhere it should not be: after the usual flows (sandbox, a run on
 *      each API, a wrong key then the right one through the password box, a graph panel) with the
 *      log at trace level, the bytes of every key used are searched for in VS Code's logs, the
 *      user settings, the workspace, the extension's global storage (except the sandbox server's
 *      own credentials file), and the browser's storage (extension globalState and webview state
 *      live there in code-server) except SecretStorage's own entries;
 *   b. workspace trust: security-trust.e2e.test.ts;
 *   c. a workspace `.vscode/settings.json` that defines `flowscope.connections` (one named like a
 *      sandbox connection, pointing at a trap server) changes nothing: the sandbox connections
 *      work, no other connection appears, and the trap gets no request.
 *
 * Run: node esbuild.mjs && node --import tsx --test --test-concurrency=1 test/e2e/security.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { quickInput, waitFor, withVsCode } from './harness';
import type { VsCode } from './harness';
import {
  CONNECTIONS,
  FACES,
  SAMPLES,
  sampleLabel,
  childrenOf,
  clearNotifications,
  collapseRow,
  expandRow,
  flowscopeLog,
  listFiles,
  sandboxCredentials,
  sandboxState,
  sandboxStateDir,
  selectRow,
  startSandbox,
  treeRows,
  triggerFromPalette,
  waitForNotification,
  waitForSandboxRun,
} from './flowscope';
import type { TreeRow } from './flowscope';
import { graphFrame, selectNode, treeContextAction, waitForGraph } from './graph';
import { browserStorage, isSecretStorageRecord, secretsOutsideTheirStore } from './browserStorage';

const WRONG_KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.wrong-key-typed-by-the-security-e2e';

// ---------------------------------------------------------------------------
// a. secrets
// ---------------------------------------------------------------------------

/** "Update API Key…" for the Powabase sandbox connection, typed into the password box. */
async function updatePowabaseKey(vscode: VsCode, key: string): Promise<void> {
  await vscode.runCommand('Flowscope: Update API Key…');
  const qi = quickInput(vscode.page);
  await qi.waitOpen();
  await qi.pick(CONNECTIONS.powabase);
  await waitFor(async () => /API key/.test(await qi.title()), 10_000);
  assert.equal(await qi.input.getAttribute('type'), 'password');
  await qi.fill(key);
  await qi.accept();
  await qi.waitClosed();
}

test('no secret leaks into logs, settings, the workspace, global storage, globalState or webview state', { timeout: 300_000 }, async () => {
  const workspace = await mkdtemp(join(tmpdir(), 'flowscope-secrets-e2e-'));
  await mkdir(join(workspace, '.vscode'));
  await writeFile(join(workspace, '.vscode', 'settings.json'), '{}\n');
  await writeFile(join(workspace, 'notes.md'), '# scratch\n');
  try {
    // LOG_LEVEL is code-server's equivalent of `--log trace`: it passes it on to VS Code, whose
    // log services (the Flowscope LogOutputChannel included) start at that level.
    await withVsCode({ workspace, env: { LOG_LEVEL: 'trace' } }, 'security-secrets', async (vscode) => {
      const page = vscode.page;
      const url = await startSandbox(vscode);
      const creds = await sandboxCredentials(vscode);

      // A run on each API, through the UI.
      for (const face of FACES) {
        for (const other of FACES) await collapseRow(page, CONNECTIONS[other]);
        await selectRow(page, CONNECTIONS[face]);
        const since = new Date().toISOString();
        await triggerFromPalette(vscode, CONNECTIONS[face], sampleLabel(face, SAMPLES[face].linear), { topic: `secrets scan via ${face}` });
        const run = await waitForSandboxRun(url, (r) => r.origin === face && r.createdAt >= since);
        await waitForSandboxRun(url, (r) => r.id === run.id && r.status === 'completed', 30_000);
      }

      // A wrong key, refused; then the right one, which recovers the connection.
      await clearNotifications(vscode);
      await updatePowabaseKey(vscode, WRONG_KEY);
      await waitForNotification(page, /authenticat|unauthori|401/i, 30_000);
      await clearNotifications(vscode);
      await updatePowabaseKey(vscode, creds.powabase.apiKey);
      for (const face of FACES) await collapseRow(page, CONNECTIONS[face]);
      await expandRow(page, CONNECTIONS.powabase);
      await waitFor(async () => childrenOf(await treeRows(page), CONNECTIONS.powabase).some((r) => r.label === SAMPLES.powabase.linear.name), 30_000, 250);

      // A graph panel with a selection, so the webview has persisted state (setState).
      await expandRow(page, SAMPLES.powabase.linear.name);
      let runRow: TreeRow | undefined;
      await waitFor(async () => (runRow = childrenOf(await treeRows(page), SAMPLES.powabase.linear.name).find((r) => /^Run /.test(r.label))) !== undefined, 30_000, 250).catch(
        () => undefined,
      );
      assert.ok(runRow, 'the Powabase run is listed');
      await treeContextAction(page, runRow.label, 'Open Graph');
      const frame = graphFrame(page);
      await waitForGraph(frame);
      await selectNode(frame, 'Research');
      // The workbench writes editor (and so webview) state to its storage when it saves state, at
      // the latest on shutdown: reload the window, which saves it, and revives the panel through
      // Flowscope's serializer from that persisted state.
      await selectRow(page, CONNECTIONS.powabase); // focus back in the workbench: F1 inside the webview is the webview's
      await vscode.runCommand('Developer: Reload Window');
      await page.waitForEvent('load', { timeout: 60_000 });
      await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
      await waitForGraph(graphFrame(page), undefined, 60_000);
      await vscode.screenshot('security-secrets');

      // The level really is trace: debug lines (HTTP requests) are in the Flowscope log.
      assert.match(await flowscopeLog(vscode), /\[debug\] /, 'the Flowscope log is not at debug/trace level');

      const secrets: Record<string, string> = {
        'White Rabbit apiKey': creds.whiterabbit.apiKey,
        'White Rabbit apiSecret': creds.whiterabbit.apiSecret,
        'Powabase apiKey': creds.powabase.apiKey,
        'Supervity apiKey': creds.supervity.apiKey,
        'the wrong key typed': WRONG_KEY,
      };
      for (const [name, value] of Object.entries(secrets)) assert.ok(value.length >= 16, `${name} is too short to search for`);

      // Let buffered log writers flush before reading the files.
      await sleep(2_000);

      // Files: VS Code's logs (every file, output channels included), the server's own output, the
      // user settings, the workspace (with .vscode), and global storage except the server's keys.
      const credentialsFile = join(sandboxStateDir(vscode), 'credentials.json');
      const files = [
        ...(await listFiles(vscode.logsDir)),
        join(dirname(vscode.userDataDir), 'code-server.log'),
        join(vscode.userDataDir, 'User', 'settings.json'),
        ...(await listFiles(workspace)),
        ...(await listFiles(join(vscode.userDataDir, 'User', 'globalStorage'))).filter((f) => f !== credentialsFile),
        // Desktop VS Code keeps globalState in SQLite files; if this build writes any, they are
        // covered by the globalStorage listing (state.vscdb) or here.
        ...(await listFiles(join(vscode.userDataDir, 'User', 'workspaceStorage'))),
      ];
      assert.ok(files.some((f) => f.endsWith(join('flowscope.flowscope', 'Flowscope.log'))), 'the Flowscope log is among the files scanned');
      const leaks: string[] = [];
      for (const file of files) {
        const bytes = await readFile(file).catch(() => undefined);
        if (!bytes) continue;
        for (const [name, value] of Object.entries(secrets)) {
          if (bytes.includes(Buffer.from(value, 'utf8'))) leaks.push(`${name} in ${relative(dirname(vscode.userDataDir), file)}`);
        }
      }

      // Browser storage: the workbench keeps extension globalState and webview state there.
      const records = await browserStorage(page);
      const secretStorage = records.filter(isSecretStorageRecord);
      const scanned = records.filter((r) => !isSecretStorageRecord(r));
      // Positive controls: the dump holds the extension's globalState (the inputs of the last
      // runs, a Flowscope-only string) and the graph panel's persisted state.
      assert.ok(scanned.some((r) => r.value.includes('secrets scan via powabase')), `no Flowscope globalState in the browser storage dump (${records.length} records)`);
      assert.ok(
        // The panel state is JSON inside the editor state's JSON: its quotes are escaped there.
        scanned.some((r) => r.value.includes('Sandbox · Powabase') && /\\*"kind\\*":\\*"run\\*"/.test(r.value)),
        `no graph panel state in the browser storage dump: ${JSON.stringify(records.map((r) => `${r.where} ${r.key}`).slice(0, 80))}`,
      );
      // Every record but SecretStorage's own, recognised by its exact name: a record whose key only
      // looks like a secret's is scanned too.
      leaks.push(...secretsOutsideTheirStore(records, secrets));
      assert.deepEqual(leaks, [], 'secrets found outside their stores');
      // SecretStorage itself was found (code-server keeps it sealed, so its values are not searched).
      assert.ok(secretStorage.length > 0, 'no SecretStorage entries in the browser storage');
    });
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------
// c. workspace settings cannot redirect connections
// ---------------------------------------------------------------------------

test('flowscope.connections in a workspace .vscode/settings.json does not change the connections used', { timeout: 240_000 }, async () => {
  // A trap: what a hostile repository would point a user's credentials at. It counts requests.
  const hits: string[] = [];
  const trap = createServer((req, res) => {
    hits.push(`${req.method} ${req.url} apikey=${req.headers.apikey ? 'yes' : 'no'}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"workflows":[],"total":0}');
  });
  await new Promise<void>((res) => trap.listen(0, '127.0.0.1', res));
  const trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
  const workspace = await mkdtemp(join(tmpdir(), 'flowscope-redirect-e2e-'));
  await mkdir(join(workspace, '.vscode'));
  await writeFile(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify(
      {
        'flowscope.connections': [
          { name: CONNECTIONS.powabase, kind: 'powabase', baseUrl: trapUrl },
          { name: 'Workspace · Evil', kind: 'powabase', baseUrl: trapUrl },
        ],
      },
      null,
      2,
    ),
  );
  try {
    await withVsCode({ workspace }, 'security-settings-redirect', async (vscode) => {
      const page = vscode.page;
      const url = await startSandbox(vscode);

      // Exactly the sandbox's connections, each healthy and listing the sandbox's workflows.
      const state = await sandboxState(url);
      const roots = (await treeRows(page)).filter((r) => r.level === 1).map((r) => r.label);
      assert.deepEqual([...roots].sort(), Object.values(CONNECTIONS).sort(), JSON.stringify(roots));
      for (const face of FACES) await collapseRow(page, CONNECTIONS[face]);
      await expandRow(page, CONNECTIONS.powabase);
      // The Powabase connection lists Powabase's own workflows: each sandbox API has its own.
      const powabaseWorkflows = state.workflows.filter((w) => w.face === 'powabase');
      let listed: string[] = [];
      await waitFor(async () => (listed = childrenOf(await treeRows(page), CONNECTIONS.powabase).map((r) => r.label)).length === powabaseWorkflows.length, 30_000, 250).catch(
        () => undefined,
      );
      assert.deepEqual([...listed].sort(), powabaseWorkflows.map((w) => w.name).sort());
      const row = (await treeRows(page)).find((r) => r.label === CONNECTIONS.powabase);
      assert.equal(row?.description, 'ok', JSON.stringify(row));

      // It works for real: a run goes to the sandbox.
      await selectRow(page, CONNECTIONS.powabase);
      await triggerFromPalette(vscode, CONNECTIONS.powabase, SAMPLES.powabase.linear.name, { topic: 'not redirected' });
      await waitForSandboxRun(url, (r) => r.origin === 'powabase' && r.inputs.topic === 'not redirected');
      await vscode.screenshot('security-settings-redirect');

      // Nothing went to the trap, and the user's settings do not name it.
      assert.deepEqual(hits, [], 'requests to the workspace-configured URL');
      const userSettings = await readFile(join(vscode.userDataDir, 'User', 'settings.json'), 'utf8');
      assert.ok(!userSettings.includes(trapUrl) && !userSettings.includes('Workspace · Evil'), userSettings);
      assert.ok(!(await flowscopeLog(vscode)).includes(trapUrl), 'the trap URL appears in the Flowscope log');
    });
  } finally {
    await new Promise<void>((res) => trap.close(() => res()));
    await rm(workspace, { recursive: true, force: true });
  }
});
