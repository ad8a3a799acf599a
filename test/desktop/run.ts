/**
 * Runs the in-host suite (test/e2e/inhost/suite.ts) in desktop VS Code through
 * @vscode/test-electron, the standard runner: `npm run test:desktop`.
 *
 * It downloads VS Code from Microsoft's update service, which the CI machines of this project
 * cannot reach, so CI runs the same suite in code-server instead (test/e2e/inhost.e2e.test.ts).
 * On a desktop machine with a display (or under xvfb-run), this is the check that the suite holds
 * in an Electron VS Code too.
 *
 * Environment:
 *   FLOWSCOPE_DESKTOP_VSCODE   VS Code version to download: `stable` (default), `insiders`, or
 *                              a version such as 1.100.3 (the manifest's minimum)
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildInHostSuite, prepareInHostWorkspace } from '../e2e/inhost/build';
import { REPO_ROOT } from '../e2e/workbench/paths';

async function main(): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'flowscope-desktop-'));
  try {
    // The suite expects a fresh profile and a workspace holding samples/broken.workflow.json.
    const workspace = join(root, 'workspace');
    const userDataDir = join(root, 'user-data');
    await mkdir(workspace, { recursive: true });
    await mkdir(join(userDataDir, 'User'), { recursive: true });
    await prepareInHostWorkspace(workspace);
    await writeFile(
      join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none' }, null, 2),
    );
    const suite = join(root, 'suite.js');
    await buildInHostSuite(suite);
    return await runTests({
      version: process.env.FLOWSCOPE_DESKTOP_VSCODE || 'stable',
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: suite,
      launchArgs: [workspace, '--user-data-dir', userDataDir, '--disable-extensions', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`desktop in-host tests could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
