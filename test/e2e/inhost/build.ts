/**
 * What both runners of the in-host suite need, so they build it the same way: code-server
 * (../inhost.e2e.test.ts) and desktop VS Code through @vscode/test-electron (test/desktop/run.ts).
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from '../workbench/paths';

/**
 * Bundles suite.ts into `outfile`: the extension host loads plain CommonJS, and `vscode` stays
 * external as it is for the extension itself.
 */
export async function buildInHostSuite(outfile: string): Promise<void> {
  await esbuild.build({
    entryPoints: [join(REPO_ROOT, 'test', 'e2e', 'inhost', 'suite.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

/** The workspace the suite expects: a copy of samples/broken.workflow.json and nothing else. */
export async function prepareInHostWorkspace(workspace: string): Promise<void> {
  await copyFile(join(REPO_ROOT, 'samples', 'broken.workflow.json'), join(workspace, 'broken.workflow.json'));
}
