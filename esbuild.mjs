// Bundles every entry point of Flowscope. Type-checking is a separate step (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { existsSync, rmSync } from 'node:fs';

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
  // Activation loads extension.js only; it requires workbench.js (the features) on first use
  // (src/extension/extension.ts says why). test/unit/activation-bundle.test.ts keeps it small.
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/extension/workbench.ts', out: 'workbench' },
  { in: 'src/sandbox/main.ts', out: 'sandbox' },
  { in: 'src/cli/main.ts', out: 'cli' },
  // Loaded by the extension on first use of the sandbox (src/extension/sandbox.ts).
  { in: 'src/sandbox/server.ts', out: 'sandboxServer' },
].filter((e) => existsSync(e.in));

/**
 * undici is half of the extension's code and only needed with the first request (src/core/http.ts
 * imports it lazily). Even unevaluated, its text inside extension.js is read and pre-parsed at
 * every activation, so the extension bundle refers to it as a separate file, dist/undici.js
 * (built below), which Node only reads when the first request loads it. The embedded sandbox
 * (sandboxServer.js, loaded by the extension) shares that file; the CLI and the standalone
 * sandbox keep it inline: they are single-file tools and need it at once.
 */
const undiciApart = {
  name: 'undici-apart',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
  },
};

/** The bundles the extension host loads (the .vsix carries these and dist/undici.js). */
const inExtension = (out) => out === 'extension' || out === 'workbench' || out === 'sandboxServer';

const nodeOptions = {
  ...common,
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  // zod probes `navigator.userAgent` (to skip its eval-based fast path on Cloudflare Workers).
  // VS Code 1.139's extension host answers any read of the global `navigator` with a logged
  // `PendingMigrationError: navigator is now a global in nodejs`. None of these bundles runs in
  // a browser or a worker, so the identifier is replaced at build time (esbuild's documented
  // `define`): zod's `typeof navigator` check becomes `typeof undefined` and reads nothing.
  define: { navigator: 'undefined' },
};

const contexts = [
  await esbuild.context({
    ...nodeOptions,
    entryPoints: nodeEntries.filter((e) => inExtension(e.out)),
    plugins: [undiciApart],
    // A dynamic import() of a file outside the bundle becomes require(): the files are CommonJS,
    // and Node's import() of one would only see the named exports its lexer can guess.
    supported: { 'dynamic-import': false },
  }),
  await esbuild.context({
    ...nodeOptions,
    entryPoints: [...nodeEntries.filter((e) => !inExtension(e.out)), { in: 'undici', out: 'undici' }],
  }),
];

/**
 * The graph webview's layout worker is bundled on its own and inlined into webview.js as a string
 * (`import source from 'layout-worker-source'`): the webview starts it from a blob: URL, because
 * browsers refuse worker scripts from the resource origin, which differs from the webview's.
 */
const layoutWorkerPlugin = {
  name: 'layout-worker-source',
  setup(build) {
    build.onResolve({ filter: /^layout-worker-source$/ }, () => ({ path: 'layout-worker-source', namespace: 'layout-worker' }));
    build.onLoad({ filter: /.*/, namespace: 'layout-worker' }, async () => {
      const result = await esbuild.build({
        entryPoints: ['src/webview/layout/worker.ts'],
        bundle: true,
        write: false,
        metafile: true,
        platform: 'browser',
        format: 'iife',
        target: 'chrome120',
        minify: true,
        logLevel: 'warning',
      });
      return {
        contents: result.outputFiles[0].text,
        loader: 'text',
        watchFiles: Object.keys(result.metafile.inputs),
      };
    });
  },
};

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
      plugins: [layoutWorkerPlugin],
    }),
  );
}

// A release build starts from an empty dist/, so no stale file (a source map) is packaged.
if (production) rmSync('dist', { recursive: true, force: true });

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
