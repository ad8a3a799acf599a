// What activation loads: dist/extension.js holds only the activation shell; the features (zod and
// every schema, the adapters, the run store, the tree's presentation, authoring, the panels) are
// in dist/workbench.js, required on first use (src/extension/extension.ts says why). A value
// import added to the shell by mistake would pull them back into activation: this test reads
// esbuild's metafile of both entries, bundled as esbuild.mjs bundles them, and fails on it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';

const root = join(import.meta.dirname, '..', '..');

/** The modules (repository-relative paths) an entry's bundle is made of. */
async function inputsOf(entry: string): Promise<string[]> {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    // As esbuild.mjs builds the extension host's bundles.
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    supported: { 'dynamic-import': false },
    plugins: [{ name: 'undici-apart', setup: (b) => b.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true })) }],
    logLevel: 'error',
  });
  return Object.keys(result.metafile.inputs).sort();
}

describe('the activation bundle (dist/extension.js)', () => {
  it('is made of the activation shell only: no npm package, no feature module', async () => {
    assert.deepEqual(await inputsOf('src/extension/extension.ts'), [
      'src/core/errors.ts',
      'src/core/graph/fileSuffix.ts',
      'src/core/model.ts',
      'src/core/redact.ts',
      'src/core/util/once.ts',
      'src/extension/authoring/isGraphDocument.ts',
      'src/extension/authoring/startOnGraphFile.ts',
      'src/extension/commandIds.ts',
      'src/extension/commands/register.ts',
      'src/extension/contextKeys.ts',
      'src/extension/extension.ts',
      'src/extension/log.ts',
      'src/extension/rawConnections.ts',
      'src/extension/tree/shell.ts',
      'src/extension/walkthrough.ts',
    ]);
  });

  it('leaves the heavy modules to the features bundle (dist/workbench.js), which has them', async () => {
    const workbench = new Set(await inputsOf('src/extension/workbench.ts'));
    // Each is listed because it was a large part of activation before the split (bench/moduleCost.ts).
    for (const heavy of [
      'node_modules/zod/v4/classic/schemas.js',
      'src/core/adapters/whiterabbit/adapter.ts',
      'src/core/adapters/powabase/adapter.ts',
      'src/core/adapters/supervity/adapter.ts',
      'src/core/graph/schema.ts',
      'src/shared/protocol.ts',
      'src/extension/authoring/register.ts',
      'src/extension/panels/register.ts',
      'src/extension/tree/present.ts',
      'src/extension/connections/registry.ts',
    ]) {
      assert.ok(workbench.has(heavy), `${heavy} is in the features bundle`);
    }
  });
});
