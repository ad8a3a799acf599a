/**
 * Rendering benchmark of the graph webview in headless Chromium (Debian's /usr/bin/chromium via
 * playwright-core), side by side: the current renderer (dist/webview, canvas) and the former one
 * (dist/webview-baseline, all-DOM nodes over an SVG of edges, built by bench/baseline-webview.mjs
 * from git). Serves both on 127.0.0.1 with a harness page that carries the same CSP as the real
 * panel (so the blob: layout worker is exercised under it) and a fake `acquireVsCodeApi`, posts
 * a snapshot of N blocks, and measures, per renderer and size:
 *   - first paint: snapshot posted → the frame after the graph was drawn (quick layout);
 *   - final layout: snapshot posted → ELK's layout applied (or the quick one when N > ELK_MAX_NODES);
 *   - patch: one status change applied (synchronous handler time) and to the next painted frame,
 *     plus how many elements the change mutated;
 *   - pan/zoom: a scripted gesture with real input events (wheel zoom in to readable size, drag,
 *     zoom back out, drag) while the page records every animation frame: the frame intervals'
 *     p95, median and max.
 * Run after `node esbuild.mjs`: `node bench/graph-render.mjs [sizes…]` (default 100 1000 5000 10000).
 * Knobs: RENDERERS=canvas,svg (default both; svg needs `node bench/baseline-webview.mjs`, and is
 * skipped above SVG_MAX=5000 blocks, where one run takes minutes); SHOT=dir saves a screenshot per
 * renderer and size; DEBUG=1 prints the page's console; CSSRULE='…' inserts one CSS rule before
 * the snapshot.
 */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const DIRS = { canvas: join(import.meta.dirname, '..', 'dist', 'webview'), svg: join(import.meta.dirname, '..', 'dist', 'webview-baseline') };
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const SIZES = sizes.length ? sizes : [100, 1000, 5000, 10000];
const RENDERERS = (process.env.RENDERERS ?? 'canvas,svg').split(',').filter((r) => r in DIRS && existsSync(join(DIRS[r], 'webview.js')));
const SVG_MAX = Number(process.env.SVG_MAX ?? 5000);
const NONCE = 'YmVuY2htYXJrbm9uY2UxMjM0NQ==';

const fakeHost = `
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(m),
    getState: () => undefined,
    setState: () => {},
  });`;

/** A few of the variables VS Code injects into every webview (Dark Modern values). */
const theme = `:root {
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-foreground: #cccccc;
  --vscode-editor-background: #1f1f1f; --vscode-descriptionForeground: #9d9d9d; --vscode-editorWidget-background: #202020;
  --vscode-editorWidget-border: #454545; --vscode-focusBorder: #0078d4; --vscode-charts-green: #89d185; --vscode-charts-blue: #3794ff;
  --vscode-testing-iconPassed: #73c991; --vscode-testing-iconFailed: #f14c4c; --vscode-errorForeground: #f85149;
  --vscode-badge-background: #616161; --vscode-badge-foreground: #f8f8f8; --vscode-button-secondaryBackground: #313131;
  --vscode-button-secondaryForeground: #cccccc; --vscode-sideBar-background: #181818; --vscode-panel-border: #2b2b2b;
  --vscode-editor-font-family: monospace; --vscode-editor-font-size: 13px; --vscode-textCodeBlock-background: #2b2b2b;
}`;

function page(origin, renderer) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${NONCE}'; style-src ${origin}; img-src ${origin} data:; font-src ${origin}; worker-src blob:;">
<link rel="stylesheet" href="${origin}/theme.css"><link rel="stylesheet" href="${origin}/${renderer}/webview.css"></head>
<body class="vscode-dark"><div id="app"></div>
<script nonce="${NONCE}" src="${origin}/fake-host.js"></script>
<script nonce="${NONCE}" src="${origin}/${renderer}/webview.js"></script></body></html>`;
}

const server = createServer(async (req, res) => {
  const origin = `http://127.0.0.1:${server.address().port}`;
  try {
    const home = /^\/(canvas|svg)\/$/.exec(req.url ?? '');
    if (home) return void res.writeHead(200, { 'content-type': 'text/html' }).end(page(origin, home[1]));
    if (req.url === '/theme.css') return void res.writeHead(200, { 'content-type': 'text/css' }).end(theme);
    if (req.url === '/fake-host.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(fakeHost);
    const file = /^\/(canvas|svg)\/(webview\.(?:js|css))$/.exec(req.url ?? '');
    if (!file) return void res.writeHead(404).end();
    const name = file[2];
    const body = await readFile(join(DIRS[file[1]], name));
    res.writeHead(200, { 'content-type': name.endsWith('.css') ? 'text/css' : 'text/javascript' }).end(body);
  } catch {
    res.writeHead(500).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  for (const n of SIZES) for (const renderer of RENDERERS) {
    if (renderer === 'svg' && n > SVG_MAX) continue;
    const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    if (process.env.DEBUG) tab.on('console', (m) => console.log(`  page: ${m.text()}`));
    tab.on('console', (m) => m.type() === 'error' && !/favicon|404/.test(m.text()) && errors.push(m.text()));
    await tab.goto(`${base}/${renderer}/`);
    await tab.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
    if (process.env.CSSRULE) await tab.evaluate((rule) => document.styleSheets[document.styleSheets.length - 1].insertRule(rule, document.styleSheets[document.styleSheets.length - 1].cssRules.length), process.env.CSSRULE);
    const result = await tab.evaluate(async (n) => {
      // The same shape as bench/layout.ts: layers of ~√N, one or two parents in the previous layer.
      let seed = n;
      const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      const width = Math.max(2, Math.round(Math.sqrt(n)));
      const nodes = [];
      const edges = [];
      const layers = [];
      for (let i = 0; i < n; i++) {
        const layer = Math.floor(i / width);
        const id = `b${i}`;
        nodes.push({ id, label: `Step ${layer}.${i % width}`, kind: ['code', 'agent', 'general_api'][i % 3] });
        (layers[layer] ??= []).push(id);
        const prev = layers[layer - 1];
        if (!prev) continue;
        edges.push({ id: `e${edges.length}`, source: prev[Math.floor(rand() * prev.length)], target: id });
        if (rand() < 0.5) edges.push({ id: `e${edges.length}`, source: prev[Math.floor(rand() * prev.length)], target: id, label: 'yes' });
      }
      const states = {};
      // A run half done: the first half completed one layer after another (so the timeline has as
      // many bars as the graph has finished blocks), the rest queued.
      const base = Date.now() - 120_000;
      for (let i = 0; i < n; i++) states[`b${i}`] = i < n / 2 ? { status: 'completed', durationMs: 1200, startedAt: base + Math.floor(i / width) * 1300 } : { status: 'queued' };
      const snapshot = {
        type: 'snapshot', version: 1, graphKey: `g${n}`, graph: { nodes, edges, origin: 'server' }, states,
        header: { title: `Bench ${n}`, runStatus: 'running' }, persist: { kind: 'run', connection: 'c', workflowId: 'w' },
      };
      const marks = (name) => performance.getEntriesByName(name);
      const waitFor = (pred) => new Promise((resolve) => {
        const tick = () => (pred() ? resolve() : setTimeout(tick, 5));
        tick();
      });
      const t0 = performance.now();
      window.postMessage(snapshot, '*');
      await waitFor(() => marks('flowscope:painted').length > 0);
      const painted = marks('flowscope:painted')[0].startTime - t0;
      const footer = document.querySelector('.footer');
      await waitFor(() => !/refining|Laying/.test(footer.textContent ?? ''));
      const finalMs = performance.now() - t0;

      // Status changes, each dispatched synchronously so the handler's own time can be read, then
      // timed to the end of the next frame (rAF, then a task: it runs after that frame's paint).
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      for (let i = 0; i < 10; i++) await frame(); // let the first render settle
      const mutated = new Set();
      const observer = new MutationObserver((records) => records.forEach((r) => mutated.add(r.target.nodeType === 1 ? r.target : r.target.parentNode)));
      observer.observe(document.querySelector('.world'), { subtree: true, attributes: true, childList: true, characterData: true });
      const handlerMs = [];
      const frameMs = [];
      const statuses = ['running', 'completed', 'failed', 'running', 'completed', 'cancelled', 'running', 'completed', 'failed', 'completed'];
      let version = 1;
      for (const [k, status] of statuses.entries()) {
        const target = `b${Math.floor(n * 0.75) + k}`;
        const p0 = performance.now();
        window.dispatchEvent(new MessageEvent('message', { data: { type: 'patch', version: ++version, changes: [{ id: target, state: { status, attempt: 2, durationMs: 1500, startedAt: Date.now() - 1500 } }] } }));
        handlerMs.push(performance.now() - p0);
        await frame();
        frameMs.push(performance.now() - p0);
        if (k === 0) observer.disconnect();
      }
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      return { painted, finalMs, handler: median(handlerMs), toFrame: median(frameMs), maxFrame: Math.max(...frameMs), mutatedElements: mutated.size, dom: document.querySelectorAll('*').length };
    }, n);

    // Scripted pan and zoom with real input events, while the page records every animation frame.
    await tab.evaluate(() => {
      window.__frames = [];
      const tick = (ts) => {
        window.__frames.push(ts);
        if (!window.__stopFrames) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const box = await tab.locator('.graph').boundingBox();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await tab.mouse.move(cx, cy);
    const zoom = async (steps, dy) => {
      for (let i = 0; i < steps; i++) await tab.mouse.wheel(0, dy);
    };
    // Drags start in the fit view's empty margin (a drag that starts on a node of the former renderer does not pan).
    const drag = async (dx, dy) => {
      await tab.mouse.move(box.x + 6, box.y + 6);
      await tab.mouse.down();
      for (let i = 1; i <= 30; i++) await tab.mouse.move(box.x + 6 + (dx * i) / 30, box.y + 6 + (dy * i) / 30);
      await tab.mouse.up();
      await tab.mouse.move(cx, cy);
    };
    await zoom(20, -100); // 0.86× per notch: from the fit view to about 20× closer, readable text
    await drag(300, 200);
    await zoom(20, 100);
    await drag(-300, -200);
    const pan = await tab.evaluate(() => {
      window.__stopFrames = true;
      const f = window.__frames;
      const gaps = f.slice(1).map((t, i) => t - f[i]).sort((a, b) => a - b);
      const at = (q) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))];
      return { p95: at(0.95), median: at(0.5), max: gaps[gaps.length - 1], frames: gaps.length };
    });
    if (process.env.SHOT) await tab.screenshot({ path: join(process.env.SHOT, `graph-${renderer}-${n}.png`) });
    console.log(
      `${renderer.padEnd(6)} ${String(n).padStart(5)} blocks | first paint ${result.painted.toFixed(0).padStart(5)} ms | final layout ${result.finalMs.toFixed(0).padStart(6)} ms | ` +
        `patch (median of 10): handler ${result.handler.toFixed(2)} ms, to painted frame ${result.toFrame.toFixed(1)} ms (max ${result.maxFrame.toFixed(0)}), ${result.mutatedElements} elements mutated by one | ` +
        `pan/zoom frames: p95 ${pan.p95.toFixed(1)} ms, median ${pan.median.toFixed(1)} ms, max ${pan.max.toFixed(0)} ms (${pan.frames} frames) | DOM ${result.dom}` +
        (errors.length ? ` | errors: ${errors.join('; ')}` : ''),
    );
    await tab.close();
  }
} finally {
  await browser.close();
  server.close();
}
