/**
 * Builds the graph webview as it was before the canvas renderer (all-DOM nodes over one SVG of
 * edges), so bench/graph-render.mjs can measure both side by side on the same machine, in the
 * same run, under the same load: `node bench/baseline-webview.mjs` writes dist/webview-baseline/.
 *
 * The sources are read from git at BASELINE (the last commit with that renderer) into
 * dist/baseline-src/ (inside the repository, so its imports resolve to this node_modules) and
 * bundled like esbuild.mjs bundles the real one, layout worker included.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

export const BASELINE = 'eccd8da';
const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'dist', 'baseline-src');
const OUT = join(ROOT, 'dist', 'webview-baseline');

export async function buildBaseline() {
  rmSync(SRC, { recursive: true, force: true });
  mkdirSync(SRC, { recursive: true });
  const tar = execFileSync('git', ['archive', '--format=tar', BASELINE, 'src/webview', 'src/shared'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', SRC], { input: tar });
  const workerPlugin = {
    name: 'layout-worker-source',
    setup(build) {
      build.onResolve({ filter: /^layout-worker-source$/ }, () => ({ path: 'layout-worker-source', namespace: 'layout-worker' }));
      build.onLoad({ filter: /.*/, namespace: 'layout-worker' }, async () => {
        const result = await esbuild.build({ entryPoints: [join(SRC, 'src/webview/layout/worker.ts')], bundle: true, write: false, platform: 'browser', format: 'iife', target: 'chrome120', minify: true, logLevel: 'warning' });
        return { contents: result.outputFiles[0].text, loader: 'text' };
      });
    },
  };
  await esbuild.build({
    entryPoints: { webview: join(SRC, 'src/webview/main.ts') },
    outdir: OUT,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    loader: { '.css': 'css' },
    plugins: [workerPlugin],
    logLevel: 'warning',
  });
  return OUT;
}

if (process.argv[1] === import.meta.filename) {
  console.log(`baseline webview (${BASELINE}) built in ${await buildBaseline()}`);
}
