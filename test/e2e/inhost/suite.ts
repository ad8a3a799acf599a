/**
 * In-host tests: run inside the real VS Code's extension host through `extensionTestsPath`
 * (see ../inhost.e2e.test.ts, which bundles this file with esbuild). They use the `vscode` API
 * the way another extension would, against the Flowscope extension under development.
 *
 * The workspace folder holds a copy of samples/broken.workflow.json. The profile is fresh: no
 * connection is configured when run() starts.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { BROKEN_SAMPLE_SEVERITIES_UNBOUND } from '../brokenSample';

const EXTENSION_ID = 'flowscope.flowscope';
const BROKEN = 'broken.workflow.json';

interface Manifest {
  contributes: { commands: Array<{ command: string }> };
}

/** Each check runs even when an earlier one failed; run() fails at the end with all failures. */
const failures: string[] = [];
async function check(name: string, fn: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await fn();
    console.log(`inhost ok: ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    failures.push(`${name}: ${text}`);
    console.error(`inhost FAILED: ${name}: ${text}`);
  }
}

/**
 * Resolves once `ok()` holds, checked now and after each `event`; after `timeoutMs` it resolves
 * anyway and the caller's assertion reports what was there (a limit, not a wait for time).
 */
function waitForEvent(event: vscode.Event<unknown>, ok: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (ok()) return resolve();
    const timer = setTimeout(done, timeoutMs);
    const subscription = event(() => {
      if (ok()) done();
    });
    function done(): void {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    }
  });
}

/**
 * Replaces `vscode.window[name]` with `spy` for the duration of `fn`. The `vscode` module is this
 * extension's own API object (the test module sits in the extension's folder), so Flowscope's
 * commands call the spy. A check that relies on the spy fails if it cannot be installed.
 */
async function withWindowSpy<K extends 'showInformationMessage' | 'showQuickPick'>(name: K, spy: (typeof vscode.window)[K], fn: () => Promise<void>): Promise<void> {
  const original = vscode.window[name];
  Object.defineProperty(vscode.window, name, { value: spy, configurable: true, writable: true });
  try {
    assert.equal(vscode.window[name], spy, `window.${name} could not be replaced by the test's spy`);
    await fn();
  } finally {
    Object.defineProperty(vscode.window, name, { value: original, configurable: true, writable: true });
  }
}

export async function run(): Promise<void> {
  // run() starts once the eager extensions are up; Flowscope activates on events, so activate it
  // explicitly (this is also the first check: activation must not throw).
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  await check('the extension is installed and activates', async () => {
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });
  if (!extension?.isActive) throw new Error(failures.join('\n'));

  await check('every command contributed in package.json is registered', async () => {
    const contributed = (extension.packageJSON as Manifest).contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 30, `only ${contributed.length} commands contributed`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
      'contributed but not registered',
    );
  });

  await check('opening broken.workflow.json yields Flowscope diagnostics with the expected codes', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace is open');
    const uri = vscode.Uri.joinPath(folder.uri, BROKEN);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    // Written down (../brokenSample.ts): schema-level problems are left to VS Code's JSON
    // language service (through the contributed schema), all the others are Flowscope's.
    const expected = Object.entries(BROKEN_SAMPLE_SEVERITIES_UNBOUND).sort(([a], [b]) => a.localeCompare(b));
    const severityName = (s: vscode.DiagnosticSeverity): string => (s === vscode.DiagnosticSeverity.Error ? 'error' : s === vscode.DiagnosticSeverity.Warning ? 'warning' : `severity ${s}`);
    const got = (): Array<[string, string]> =>
      [
        ...new Map(
          vscode.languages
            .getDiagnostics(uri)
            .filter((d) => d.source === 'flowscope')
            .map((d) => [String(typeof d.code === 'object' ? d.code.value : d.code), severityName(d.severity)] as [string, string]),
        ),
      ].sort(([a], [b]) => a.localeCompare(b));
    await waitForEvent(vscode.languages.onDidChangeDiagnostics, () => got().length >= expected.length, 15_000);
    assert.deepEqual(got(), expected);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  await check('flowscope.graph.open without a connection argument, and none configured, says so instead of throwing', async () => {
    assert.equal((vscode.workspace.getConfiguration('flowscope').get<unknown[]>('connections') ?? []).length, 0, 'the profile starts without connections');
    const shown: string[] = [];
    let messageShown!: () => void;
    const message = new Promise<void>((resolve) => (messageShown = resolve));
    const original = vscode.window.showInformationMessage as (m: string, ...r: unknown[]) => Thenable<unknown>;
    const spy = ((text: string, ...rest: unknown[]) => {
      shown.push(text);
      messageShown();
      return original(text, ...rest);
    }) as typeof vscode.window.showInformationMessage;
    await withWindowSpy('showInformationMessage', spy, async () => {
      // The message offers Start Sandbox and Add Connection, so the command waits for an answer:
      // the check waits for the message, then dismisses it as a user would.
      const pending = Promise.resolve(vscode.commands.executeCommand('flowscope.graph.open'));
      await Promise.race([message, pending]);
      assert.deepEqual(shown, ['No Flowscope connection is configured yet.']);
      await vscode.commands.executeCommand('notifications.clearAll');
      await pending;
    });
  });

  await check('flowscope.graph.open without a connection argument asks for one in a pick listing the connections, and resolves when dismissed', async () => {
    const config = vscode.workspace.getConfiguration('flowscope');
    await config.update(
      'connections',
      [
        { name: 'In-host A', kind: 'powabase', baseUrl: 'http://127.0.0.1:9' },
        { name: 'In-host B', kind: 'supervity', baseUrl: 'http://127.0.0.1:9', org: 'acme', workflowIds: ['wf-1'] },
      ],
      vscode.ConfigurationTarget.Global,
    );
    // The pick's items and placeholder, recorded as the real pick opens (so it stays open until
    // the test dismisses it, as a user would).
    const picks: Array<{ items: unknown; placeHolder: string | undefined }> = [];
    let pickOpened!: () => void;
    const opened = new Promise<void>((resolve) => (pickOpened = resolve));
    const original = vscode.window.showQuickPick as (items: unknown, options?: vscode.QuickPickOptions) => Thenable<unknown>;
    const spy = ((items: unknown, options?: vscode.QuickPickOptions) => {
      const shown = original(items, options);
      picks.push({ items, placeHolder: options?.placeHolder });
      pickOpened();
      return shown;
    }) as typeof vscode.window.showQuickPick;
    try {
      await withWindowSpy('showQuickPick', spy, async () => {
        let settled: 'resolved' | 'rejected' | undefined;
        let failure: unknown;
        const pending = Promise.resolve(vscode.commands.executeCommand('flowscope.graph.open', { connection: 42 })).then(
          () => (settled = 'resolved'),
          (error: unknown) => {
            settled = 'rejected';
            failure = error;
          },
        );
        // Whichever comes first: the pick opens, or the command ends without asking.
        await Promise.race([opened, pending]);
        assert.equal(settled, undefined, `the command ended without asking (${String(failure)})`);
        assert.deepEqual(picks, [
          {
            items: [
              { label: 'In-host A', description: 'Powabase', detail: 'http://127.0.0.1:9', connection: 'In-host A' },
              { label: 'In-host B', description: 'Supervity Auto', detail: 'http://127.0.0.1:9', connection: 'In-host B' },
            ],
            placeHolder: 'Connection',
          },
        ]);
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        await pending;
        assert.equal(settled, 'resolved', `after dismissing the prompt: ${String(failure)}`);
        assert.equal(picks.length, 1, 'no second prompt after the first was dismissed');
      });
    } finally {
      await config.update('connections', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  if (failures.length) throw new Error(`${failures.length} in-host check(s) failed:\n${failures.join('\n')}`);
}
