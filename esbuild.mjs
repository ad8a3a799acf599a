// Bundles every entry point of Flowscope. Type-checking is a separate step (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  logOverride: { 'import-is-undefined': 'error' },
};

/** Node targets: the extension host (vscode is provided by the host), the sandbox server and the CLI. */
const nodeEntries = [
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/sandbox/main.ts', out: 'sandbox' },
  { in: 'src/cli/main.ts', out: 'cli' },
].filter((e) => existsSync(e.in));

const contexts = [
  await esbuild.context({
    ...common,
    entryPoints: nodeEntries,
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  }),
];

if (existsSync('src/webview/main.ts')) {
  contexts.push(
    await esbuild.context({
      ...common,
      entryPoints: { webview: 'src/webview/main.ts' },
      outdir: 'dist/webview',
      platform: 'browser',
      format: 'iife',
      target: 'chrome120',
      loader: { '.css': 'css' },
    }),
  );
}

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
