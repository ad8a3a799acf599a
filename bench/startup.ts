/**
 * Start-up and size.
 *
 * Activation time is the number VS Code itself reports: the "Running Extensions" editor shows
 * `codeLoadingTime + activateCallTime` of each extension (the same figure a user sees with
 * "Developer: Show Running Extensions"). It is read from a real VS Code 1.100.3 (code-server,
 * through the e2e harness) that opens a workspace holding a `.workflow.json`, so Flowscope
 * activates on `workspaceContains` at start-up, as it would for a user.
 *
 * Sizes: the bundles as `npm run build` leaves them in dist/ (development build with source
 * maps), the same bundles built for release (minified, no maps, built by esbuild.mjs
 * --production in a temporary folder so dist/ is not touched while others
 * use it), and the `.vsix` that `vsce package` makes of that release build.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { GroupOptions, GroupResult, Row } from './util';
import { moduleCosts } from './moduleCost';
import { figure, fmt, isMain, log, REPO_ROOT, runAsChild } from './util';

const run = promisify(execFile);
const kb = (bytes: number): number => bytes / 1024;

function fileSize(path: string): number | undefined {
  return existsSync(path) ? statSync(path).size : undefined;
}

/** Total size of the files directly in a folder whose names pass `keep`. */
function folderSize(dir: string, keep: (name: string) => boolean): number | undefined {
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir)
    .filter(keep)
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/**
 * The release build: the project's own esbuild.mjs with --production, run in a scratch folder
 * whose src/ and node_modules/ link to the repository's, so dist/ here is never touched.
 */
async function releaseBuild(scratch: string): Promise<string> {
  await mkdir(scratch, { recursive: true });
  for (const name of ['esbuild.mjs', 'package.json', 'tsconfig.json']) {
    if (existsSync(join(REPO_ROOT, name))) await copyFile(join(REPO_ROOT, name), join(scratch, name));
  }
  await symlink(join(REPO_ROOT, 'src'), join(scratch, 'src'), 'dir');
  await symlink(join(REPO_ROOT, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  await run(process.execPath, ['esbuild.mjs', '--production'], { cwd: scratch, maxBuffer: 16 * 1024 * 1024 });
  return join(scratch, 'dist');
}

/**
 * Packs the release build with vsce in a staging folder holding only what the manifest needs.
 * (Packing the repository root as it stands would also pack src/, test/ and test-results/:
 * there is no .vscodeignore yet.)
 */
async function packageVsix(stage: string, releaseDist: string): Promise<{ bytes: number; files: number; path: string }> {
  await mkdir(stage, { recursive: true });
  for (const name of readdirSync(REPO_ROOT)) {
    if (/^(package\.json|package\.nls(\.[\w-]+)?\.json|README(\.md)?|LICENSE(\.md|\.txt)?|CHANGELOG(\.md)?)$/i.test(name)) {
      await copyFile(join(REPO_ROOT, name), join(stage, name));
    }
  }
  for (const dir of ['media', 'schemas']) if (existsSync(join(REPO_ROOT, dir))) await cp(join(REPO_ROOT, dir), join(stage, dir), { recursive: true });
  await cp(releaseDist, join(stage, 'dist'), { recursive: true });
  // vsce refuses to pack a README that still holds the template text, and warns without one.
  if (!existsSync(join(stage, 'README.md'))) await writeFile(join(stage, 'README.md'), '# Flowscope\n');
  const out = join(stage, 'flowscope.vsix');
  const vsce = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  // --allow-missing-repository / --skip-license: package.json has no "repository" field and the
  // repository has no LICENSE file yet; without them vsce stops to ask. Without a repository,
  // vsce also refuses relative links in README.md unless given a base URL: the placeholder only
  // rewrites those links in the packed copy (a few bytes), it publishes nothing.
  const base = 'https://example.invalid/flowscope/';
  const args = ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--baseContentUrl', base, '--baseImagesUrl', base, '-o', out];
  const { stdout } = await run(process.execPath, [vsce, ...args], {
    cwd: stage,
    maxBuffer: 16 * 1024 * 1024,
  });
  const files = Number(/\((\d+) files?/.exec(stdout)?.[1] ?? Number.NaN);
  return { bytes: statSync(out).size, files, path: out };
}

/** A connection in the bench profile's settings, so the explorer has a row to show without any request. */
const BENCH_CONNECTION = 'Bench connection';

interface ColdStart {
  /** Activation as VS Code reports it (codeLoadingTime + activateCallTime). */
  readonly ms: number;
  readonly text: string;
  /** From the click that opens the Flowscope view to its first row on screen (the first use). */
  readonly firstRowsMs: number;
}

/**
 * One cold start of VS Code with Flowscope: the activation time VS Code reports, then the first
 * use, opening the Flowscope view until its first row shows. Activation no longer loads the
 * explorer (src/extension/extension.ts): its cost moved to that first use, measured here so the
 * move is visible. Runs the build in dist/, or the given .vsix installed as a user installs it.
 */
async function coldStartOnce(vsix?: string): Promise<ColdStart> {
  const harness = await import('../test/e2e/harness');
  const flowscope = await import('../test/e2e/flowscope');
  const workspace = await mkdtemp(join(tmpdir(), 'flowscope-bench-ws-'));
  await copyFile(join(REPO_ROOT, 'samples', 'linear.workflow.json'), join(workspace, 'linear.workflow.json'));
  // Its row is collapsed: the explorer lists it from the settings alone, no request is made.
  const settings = { 'flowscope.connections': [{ name: BENCH_CONNECTION, kind: 'powabase', baseUrl: 'http://127.0.0.1:9' }] };
  const vscode = await harness.launchVsCode({ workspace, settings, ...(vsix ? { installVsix: vsix, extensionPath: null } : {}) });
  try {
    const row = vscode.page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Flowscope' }).first();
    let text = '';
    // The editor renders a snapshot; activation may complete just after it opens: re-open until it shows a time.
    for (let attempt = 0; attempt < 20 && !/Activation: \d+ms/.test(text); attempt++) {
      await vscode.runCommand('Developer: Show Running Extensions');
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      text = (await row.locator('.activation-time').textContent()) ?? '';
      if (!/Activation: \d+ms/.test(text)) await vscode.page.waitForTimeout(500);
    }
    const ms = Number(/Activation: (\d+)ms/.exec(text)?.[1]);
    if (!Number.isFinite(ms)) throw new Error(`no activation time in the Running Extensions editor (row text: ${JSON.stringify(text)})`);
    const opened = performance.now();
    await flowscope.openFlowscopeView(vscode.page);
    await flowscope.treeRow(vscode.page, BENCH_CONNECTION).first().waitFor({ state: 'visible', timeout: 60_000 });
    return { ms, text: text.trim(), firstRowsMs: performance.now() - opened };
  } finally {
    await vscode.close();
    await rm(workspace, { recursive: true, force: true });
  }
}

/** `reps` cold starts of one build, as rows: activation, and the first use it leaves for later. */
async function coldStarts(build: string, reps: number, raw: Record<string, unknown>, vsix?: string): Promise<Row[]> {
  const starts: ColdStart[] = [];
  for (let r = 0; r < reps; r++) {
    const one = await coldStartOnce(vsix);
    starts.push(one);
    log(`${build}, cold start ${r + 1}/${reps}: ${one.text}; view opened → first row ${fmt(one.firstRowsMs)} ms`);
  }
  raw[`coldStarts (${build})`] = starts;
  const activation = figure(starts.map((s) => s.ms), 'ms');
  return [
    {
      group: 'Start-up',
      measure: `Activation time, ${build} (VS Code-reported: code loading + activate())`,
      figure: activation,
      compared: `"${starts[0]?.text ?? ''}" in Running Extensions, cold start of VS Code 1.100.3 (code-server)`,
      target: { text: '< 50 ms', met: activation.median < 50 },
    },
    {
      group: 'Start-up',
      measure: `First use, ${build}: Flowscope view opened → its first row shown (loads the features)`,
      figure: figure(starts.map((s) => s.firstRowsMs), 'ms'),
      compared: 'wall time in the browser, same cold start, after activation; includes rendering the view',
    },
  ];
}

/**
 * Why VS Code cannot be started here, if it cannot. The benchmark installs nothing: the e2e
 * harness would run scripts/setup-vscode.sh (apt + npm) on first use, so check its marker first.
 */
function vscodeMissing(): string | undefined {
  const hint = 'run `npm run setup:vscode` (installs Debian chromium and code-server 4.100.3)';
  const paths = (process.env.PATH ?? '').split(':');
  if (!paths.some((p) => existsSync(join(p, 'chromium')) || existsSync(join(p, 'chromium-browser')))) return `chromium is not installed: ${hint}`;
  const cache = process.env.FLOWSCOPE_CACHE ?? join(homedir(), '.cache', 'flowscope');
  if (!existsSync(join(cache, 'code-server-4.100.3', '.flowscope-setup-complete'))) return `code-server is not installed: ${hint}`;
  return undefined;
}

export async function startup(opts: GroupOptions): Promise<GroupResult> {
  const started = performance.now();
  const rows: Row[] = [];
  const notes: string[] = [];
  const raw: Record<string, unknown> = {};

  // --- Activation and first use: the dev build in dist/ here, the release build's .vsix below ---
  const missing = vscodeMissing();
  const reps = opts.quick ? 1 : 3;
  const measureColdStarts = async (build: string, vsix?: string): Promise<void> => {
    if (missing || (!vsix && !existsSync(join(REPO_ROOT, 'dist', 'extension.js')))) {
      rows.push({ group: 'Start-up', measure: `Activation time, ${build}`, note: `not measured: ${missing ?? 'dist/extension.js is missing (npm run build)'}` });
      return;
    }
    try {
      rows.push(...(await coldStarts(build, reps, raw, vsix)));
    } catch (error) {
      const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
      rows.push({ group: 'Start-up', measure: `Activation time, ${build}`, note: `not measured: ${why}` });
    }
  };
  await measureColdStarts('dev build (dist/)');

  // --- What each module costs to load (plain Node, a breakdown of the figure above) ---
  const costScratch = await mkdtemp(join(tmpdir(), 'flowscope-bench-modules-'));
  try {
    const costs = await moduleCosts(costScratch, opts.quick ? 3 : 7);
    rows.push(...costs.rows);
    raw.moduleCosts = costs.raw;
    notes.push(costs.note);
  } finally {
    await rm(costScratch, { recursive: true, force: true });
  }

  // --- Sizes ---
  const dist = join(REPO_ROOT, 'dist');
  const devExt = fileSize(join(dist, 'extension.js'));
  const devWorkbench = fileSize(join(dist, 'workbench.js'));
  const devWebview = folderSize(join(dist, 'webview'), (n) => !n.endsWith('.map'));
  const scratch = await mkdtemp(join(tmpdir(), 'flowscope-bench-size-'));
  try {
    const release = await releaseBuild(join(scratch, 'build'));
    const relExt = fileSize(join(release, 'extension.js'));
    const relWebview = folderSize(join(release, 'webview'), () => true);
    const gz = (p: string): number => gzipSync(readFileSync(p)).length;
    const size = (group: string, measure: string, bytes: number | undefined, compared?: string): void => {
      if (bytes === undefined) rows.push({ group, measure, note: 'not measured: not built (no entry point in src yet)' });
      else rows.push({ group, measure, figure: figure([kb(bytes)], 'KiB'), compared });
    };
    size('Size', 'Extension bundle, release build (dist/extension.js, minified: what activation loads)', relExt, relExt ? `${fmt(kb(gz(join(release, 'extension.js'))))} KiB gzipped; dev build as in dist/: ${devExt ? `${fmt(kb(devExt))} KiB` : 'absent'}` : undefined);
    size('Size', 'Features bundle, release build (dist/workbench.js, minified: loaded on first use)', fileSize(join(release, 'workbench.js')), devWorkbench ? `dev build as in dist/: ${fmt(kb(devWorkbench))} KiB` : undefined);
    size('Size', 'Webview bundle, release build (dist/webview/*)', relWebview, relWebview !== undefined ? `dev build as in dist/webview: ${devWebview !== undefined ? `${fmt(kb(devWebview))} KiB` : 'absent'}` : undefined);
    try {
      const vsix = await packageVsix(join(scratch, 'stage'), release);
      size('Size', '.vsix (vsce package of the release build)', vsix.bytes, `${vsix.files} files`);
      raw.vsix = { bytes: vsix.bytes, files: vsix.files };
      // What users run: the minified bundles, installed from the package.
      await measureColdStarts('release build (.vsix, minified)', vsix.path);
    } catch (error) {
      const why = error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
      rows.push({ group: 'Size', measure: '.vsix', note: `not measured: vsce failed: ${why}` });
    }
    raw.sizes = { devExt, devWebview, relExt, relWebview };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  notes.push(
    `Start-up: activation is VS Code's own figure (codeLoadingTime + activateCallTime from the Running Extensions editor), ${reps} cold start(s) of code-server 4.100.3 in headless Chromium with a workspace holding one .workflow.json (not opened) and one connection in the settings, for the dev build in dist/ and for the release build's .vsix installed. First use is the wall time from opening the Flowscope view to its first row, in the same session: it loads dist/workbench.js, which activation no longer does. Sizes are single measurements (deterministic); the .vsix is packed from a staging folder holding package.json, package.nls*.json, media/, schemas/ and the release build.`,
  );
  return { group: 'startup', rows, raw, notes, seconds: (performance.now() - started) / 1000 };
}

if (isMain(import.meta.url)) runAsChild(startup);
