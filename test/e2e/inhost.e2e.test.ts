/**
 * In-host tests in a real VS Code (code-server): test/e2e/inhost/suite.ts runs inside the
 * extension host through `extensionTestsPath` and checks activation, command registration,
 * diagnostics and a command's behaviour without arguments through the `vscode` API.
 *
 * The extension host loads the module itself, so the TypeScript suite is bundled here with esbuild
 * (`vscode` external, as for the extension) into a temporary .js inside the repository (the
 * module must sit inside an extension development folder).
 *
 * Run: node esbuild.mjs && node --import tsx --test --test-concurrency=1 test/e2e/inhost.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, RESULTS_DIR, runExtensionTests } from './harness';
import { buildInHostSuite, prepareInHostWorkspace } from './inhost/build';

test('in-host: activation, commands, diagnostics, graph.open without a connection', { timeout: 240_000 }, async () => {
  const workspace = await mkdtemp(join(tmpdir(), 'flowscope-inhost-e2e-'));
  await prepareInHostWorkspace(workspace);
  const buildRoot = join(REPO_ROOT, 'test-results');
  await mkdir(buildRoot, { recursive: true });
  const buildDir = await mkdtemp(join(buildRoot, '.inhost-'));
  const suite = join(buildDir, 'suite.js');
  try {
    await buildInHostSuite(suite);
    const code = await runExtensionTests({ workspace, extensionTestsPath: suite, timeoutMs: 120_000 }, 'inhost');
    if (code !== 0) {
      // The suite's own report: the extension host's console is in the artifacts' browser log.
      const log = await readFile(join(RESULTS_DIR, 'inhost', 'browser-console.log'), 'utf8').catch(() => '');
      const lines = log.split('\n').filter((l) => /inhost (ok|FAILED|note)|in-host check/.test(l));
      assert.fail(`in-host tests exited with ${code}:\n${lines.join('\n')}`);
    }
  } finally {
    await rm(buildDir, { recursive: true, force: true });
    await rm(workspace, { recursive: true, force: true });
    // Keep test-results tidy if an earlier run was interrupted before its cleanup.
    for (const entry of await readdir(buildRoot).catch(() => [])) if (entry.startsWith('.inhost-')) await rm(join(buildRoot, entry), { recursive: true, force: true });
  }
});
