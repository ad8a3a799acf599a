/**
 * Graph: layout time at 100, 1,000 and 5,000 blocks, and rendering in headless Chromium.
 *
 * Layout uses the webview's own code, not a copy: `elkLayout` (src/webview/layout/elkLayout.ts,
 * ELK layered with the options the panel uses at that size), `quickLayout` (the provisional
 * layout the panel paints first, and keeps as final above ELK_MAX_NODES), and @dagrejs/dagre as
 * the main alternative to ELK. Graphs are generated like bench/layout.ts and
 * bench/graph-render.mjs (layers of ~√N blocks, each fed by one or two blocks of the previous
 * layer), so all three benchmarks talk about the same graphs. Each (library, size) runs in its
 * own process with a time cap: dagre is synchronous and super-linear, and must be stopped from
 * outside when it would blow the ten-minute budget.
 *
 * Rendering is the webview engineer's bench/graph-render.mjs (the real dist/webview bundle under
 * the panel's CSP in Debian's Chromium), run several times and parsed.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import dagre from '@dagrejs/dagre';
import { ELK_MAX_NODES, elkLayout } from '../src/webview/layout/elkLayout';
import { quickLayout } from '../src/webview/layout/quickLayout';
import type { LayoutInput } from '../src/webview/layout/types';
import type { Figure, GroupOptions, GroupResult, Row } from './util';
import { figure, fmt, isMain, log, ratio, REPO_ROOT, runAsChild } from './util';

type Lib = 'elk' | 'quick' | 'dagre';
const NODE_W = 200;
const NODE_H = 52;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** The benchmark DAG of `n` blocks (deterministic: every library lays out the same graph). */
export function generate(n: number): LayoutInput {
  const rand = lcg(n);
  const width = Math.max(2, Math.round(Math.sqrt(n)));
  const nodes: string[] = [];
  const edges: Array<readonly [number, number]> = [];
  const layers: number[][] = [];
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / width);
    nodes.push(`b${i}`);
    (layers[layer] ??= []).push(i);
    const prev = layers[layer - 1];
    if (!prev) continue;
    edges.push([prev[Math.floor(rand() * prev.length)] as number, i]);
    if (rand() < 0.5) edges.push([prev[Math.floor(rand() * prev.length)] as number, i]);
    const far = layers[layer - 3];
    if (far && rand() < 0.05) edges.push([far[Math.floor(rand() * far.length)] as number, i]);
  }
  const seen = new Set<string>();
  return { nodeWidth: NODE_W, nodeHeight: NODE_H, nodes, edges: edges.filter(([s, t]) => !seen.has(`${s}>${t}`) && seen.add(`${s}>${t}`)) };
}

function layoutDagre(input: LayoutInput): void {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 20, ranksep: 72 });
  g.setDefaultEdgeLabel(() => ({}));
  input.nodes.forEach((id) => g.setNode(id, { width: input.nodeWidth, height: input.nodeHeight }));
  for (const [s, t] of input.edges) g.setEdge(input.nodes[s] as string, input.nodes[t] as string);
  dagre.layout(g);
}

async function layoutOnce(lib: Lib, input: LayoutInput): Promise<number> {
  const t0 = performance.now();
  if (lib === 'elk') await elkLayout(input);
  else if (lib === 'quick') quickLayout(input);
  else layoutDagre(input);
  return performance.now() - t0;
}

/** Child mode: `--layout-child lib n reps` prints one JSON line with the times, one per finished rep. */
async function layoutChild(lib: Lib, n: number, reps: number): Promise<void> {
  const input = generate(n);
  const times: number[] = [];
  // Warm-up on a small graph only: a full warm-up at 5,000 would double the cost of the slow cases.
  await layoutOnce(lib, generate(100));
  for (let r = 0; r < reps; r++) {
    times.push(await layoutOnce(lib, input));
    process.stdout.write(`${JSON.stringify({ times })}\n`);
  }
}

/** Runs one (lib, size) in a child; returns the reps that finished within `capMs` and whether it was stopped. */
function layoutTrial(lib: Lib, n: number, reps: number, capMs: number): Promise<{ times: number[]; stopped: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', 'graph.ts'), '--layout-child', lib, String(n), String(reps)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let times: number[] = [];
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    const lines = out.split('\n').filter(Boolean);
    const last = lines[lines.length - 1];
    if (last) {
      try {
        times = (JSON.parse(last) as { times: number[] }).times;
      } catch {
        // a partial line: the next chunk completes it
      }
    }
  });
  return new Promise((resolveTrial) => {
    let stopped = false;
    const timer = setTimeout(() => {
      stopped = true;
      child.kill('SIGKILL');
    }, capMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveTrial({ times, stopped });
    });
  });
}

type Renderer = 'canvas' | 'svg';

interface RenderRun {
  readonly firstPaint: number;
  readonly finalLayout: number;
  readonly handler: number;
  readonly toFrame: number;
  readonly maxFrame: number;
  readonly panP95: number;
  readonly panMedian: number;
}

/** One run of bench/graph-render.mjs for these renderers; its lines parsed, keyed `${renderer} ${size}`. */
function renderOnce(sizes: readonly number[], renderers: readonly Renderer[]): Promise<Map<string, RenderRun>> {
  return new Promise((resolveRun, reject) => {
    const env = { ...process.env, RENDERERS: renderers.join(',') };
    execFile(process.execPath, [join(REPO_ROOT, 'bench', 'graph-render.mjs'), ...sizes.map(String)], { cwd: REPO_ROOT, env, timeout: 900_000 }, (error, stdout) => {
      if (error) return reject(error);
      const out = new Map<string, RenderRun>();
      const re =
        /^(canvas|svg)\s+(\d+) blocks \| first paint\s+(\d+) ms \| final layout\s+(\d+) ms \| patch \(median of \d+\): handler ([\d.]+) ms, to painted frame ([\d.]+) ms \(max (\d+)\).*?\| pan\/zoom frames: p95 ([\d.]+) ms, median ([\d.]+) ms/gm;
      for (const m of stdout.matchAll(re)) {
        out.set(`${m[1]} ${m[2]}`, {
          firstPaint: Number(m[3]),
          finalLayout: Number(m[4]),
          handler: Number(m[5]),
          toFrame: Number(m[6]),
          maxFrame: Number(m[7]),
          panP95: Number(m[8]),
          panMedian: Number(m[9]),
        });
      }
      if (out.size === 0) return reject(new Error(`graph-render.mjs printed nothing parsable: ${stdout.slice(0, 300)}`));
      resolveRun(out);
    });
  });
}

/** Builds the former renderer for the side-by-side figures (bench/baseline-webview.mjs); false when it cannot. */
function buildBaseline(): Promise<boolean> {
  return new Promise((resolveBuild) => {
    execFile(process.execPath, [join(REPO_ROOT, 'bench', 'baseline-webview.mjs')], { cwd: REPO_ROOT, timeout: 120_000 }, (error) => {
      if (error) log(`baseline webview not built: ${error.message.split('\n')[0]}`);
      resolveBuild(!error);
    });
  });
}

function renderUnavailable(): string | undefined {
  const paths = (process.env.PATH ?? '').split(':');
  if (!existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium') && !paths.some((p) => existsSync(join(p, 'chromium')))) {
    return 'chromium is not installed (run `npm run setup:vscode`, which installs Debian chromium)';
  }
  if (!existsSync(join(REPO_ROOT, 'bench', 'graph-render.mjs'))) return 'bench/graph-render.mjs is missing';
  if (!existsSync(join(REPO_ROOT, 'dist', 'webview', 'webview.js'))) return 'dist/webview/webview.js is not built (npm run build)';
  return undefined;
}

export async function graph(opts: GroupOptions): Promise<GroupResult> {
  const started = performance.now();
  const sizes = opts.quick ? [100, 1_000] : [100, 1_000, 5_000];
  const rows: Row[] = [];
  const notes: string[] = [];
  const raw: Record<string, unknown> = { sizes, elkMaxNodes: ELK_MAX_NODES };

  // --- Layout ---
  const layoutFigures = new Map<string, Figure>();
  for (const n of sizes) {
    const edges = generate(n).edges.length;
    const plan: Array<{ lib: Lib; reps: number; capMs: number }> = [
      { lib: 'quick', reps: 5, capMs: 30_000 },
      { lib: 'elk', reps: opts.quick ? 1 : n >= 5_000 ? 3 : 5, capMs: opts.quick ? 20_000 : 90_000 },
      // dagre: 11–40 s at 1,000 blocks on this machine and minutes at 5,000; capped so the run stays in budget.
      { lib: 'dagre', reps: n <= 100 ? 5 : 1, capMs: opts.quick ? 15_000 : n >= 5_000 ? 20_000 : 45_000 },
    ];
    for (const { lib, reps, capMs } of plan) {
      const { times, stopped } = await layoutTrial(lib, n, reps, capMs);
      const name = lib === 'elk' ? 'elkjs (chosen; panel options)' : lib === 'quick' ? "quick layout (panel's first paint)" : 'dagre (alternative)';
      raw[`layout_${lib}_${n}`] = { times, stopped, capMs };
      if (times.length === 0) {
        rows.push({ group: 'Graph layout', measure: `${n.toLocaleString('en-US')} blocks (${edges} edges): ${name}`, note: `> ${fmt(capMs / 1000)} s: stopped at the cap, not finished` });
        log(`layout ${lib} ${n}: stopped after ${capMs} ms`);
        continue;
      }
      const f = figure(times, 'ms');
      layoutFigures.set(`${lib}${n}`, f);
      const elk = layoutFigures.get(`elk${n}`);
      const compared =
        lib === 'dagre' && elk ? `${ratio(f.median, elk.median)} elk's time` : lib === 'elk' && n > ELK_MAX_NODES ? `not used by the panel above ${ELK_MAX_NODES} blocks (quick layout is final)` : undefined;
      rows.push({ group: 'Graph layout', measure: `${n.toLocaleString('en-US')} blocks (${edges} edges): ${name}`, figure: f, compared: [compared, stopped ? `only ${times.length} rep(s) within ${fmt(capMs / 1000)} s` : undefined].filter(Boolean).join('; ') || undefined });
      log(`layout ${lib} ${n}: ${fmt(f.median)} ms (${times.length} reps${stopped ? ', stopped' : ''})`);
    }
  }

  // --- Render in Chromium: the canvas renderer, and the former SVG one beside it ---
  const why = renderUnavailable();
  if (why) {
    rows.push({ group: 'Graph render (Chromium)', measure: 'first paint / status change', note: `not measured: ${why}` });
  } else {
    const renderSizes = opts.quick ? sizes : [...sizes, 10_000];
    const reps = opts.quick ? 1 : 3;
    const runs: Array<Map<string, RenderRun>> = [];
    const baselineRuns: Array<Map<string, RenderRun>> = [];
    try {
      // The former renderer once (at 5,000 blocks one run of it takes minutes); the current one `reps` times.
      if (await buildBaseline()) baselineRuns.push(await renderOnce(renderSizes.filter((n) => n <= 5_000), ['svg']));
      for (let r = 0; r < reps; r++) {
        runs.push(await renderOnce(renderSizes, ['canvas']));
        log(`render run ${r + 1}/${reps} done`);
      }
    } catch (error) {
      rows.push({ group: 'Graph render (Chromium)', measure: 'first paint / status change', note: `not measured: graph-render.mjs failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` });
    }
    raw.render = runs.map((m) => Object.fromEntries(m));
    raw.renderBaseline = baselineRuns.map((m) => Object.fromEntries(m));
    for (const n of renderSizes) {
      const got = runs.map((m) => m.get(`canvas ${n}`)).filter((x): x is RenderRun => x !== undefined);
      if (got.length === 0) continue;
      const svg = baselineRuns[0]?.get(`svg ${n}`);
      const label = `${n.toLocaleString('en-US')} blocks`;
      const fp = figure(got.map((g) => g.firstPaint), 'ms');
      const fl = figure(got.map((g) => g.finalLayout), 'ms');
      const h = figure(got.map((g) => g.handler), 'ms');
      const tf = figure(got.map((g) => g.toFrame), 'ms');
      const pan = figure(got.map((g) => g.panP95), 'ms');
      const versus = (mine: number, theirs: number | undefined, what: string): string | undefined =>
        theirs === undefined ? undefined : `former SVG renderer ${fmt(theirs)} ms${what} (${ratio(theirs, mine)} this figure)`;
      const paintTarget =
        n === 1_000 ? { text: 'layout + first paint < 1 s', met: fp.median < 1_000 } : n === 5_000 ? { text: '< 1.5 s', met: fp.median < 1_500 } : n === 10_000 ? { text: '< 3 s', met: fp.median < 3_000 } : undefined;
      rows.push({ group: 'Graph render (Chromium)', measure: `${label}: snapshot → first paint (quick layout)`, figure: fp, compared: versus(fp.median, svg?.firstPaint, ''), target: paintTarget });
      rows.push({ group: 'Graph render (Chromium)', measure: `${label}: snapshot → final layout applied`, figure: fl, compared: n > ELK_MAX_NODES ? 'quick layout is final at this size' : 'ELK in the layout worker' });
      rows.push({
        group: 'Graph render (Chromium)',
        measure: `${label}: one status change, to the painted frame`,
        figure: tf,
        compared: [`patch handler alone ${fmt(h.median)} ms; slowest of 10 changes ${fmt(figure(got.map((g) => g.maxFrame), 'ms').median)} ms; a 60 Hz frame is 16.7 ms`, versus(tf.median, svg?.toFrame, '')].filter(Boolean).join('; '),
        target: n >= 5_000 ? { text: '< 17 ms (next frame)', met: tf.median < 17 } : undefined,
      });
      rows.push({
        group: 'Graph render (Chromium)',
        measure: `${label}: scripted pan and zoom, frame interval p95`,
        figure: pan,
        compared: [`median frame ${fmt(figure(got.map((g) => g.panMedian), 'ms').median)} ms`, versus(pan.median, svg?.panP95, ' p95')].filter(Boolean).join('; '),
        target: n === 5_000 ? { text: 'p95 < 20 ms', met: pan.median < 20 } : undefined,
      });
    }
    notes.push(
      `Graph render: bench/graph-render.mjs (the built dist/webview under the panel's CSP, headless Debian Chromium, --disable-gpu so canvas and compositing are in software, 1400×900), ${reps} run(s) of the canvas renderer and 1 of the former SVG renderer (built from git ${'eccd8da'} by bench/baseline-webview.mjs, up to 5,000 blocks) in the same benchmark run; each run's status-change figure is already the median of 10 changes. "To the painted frame" is measured to a task queued after the next animation frame, so it includes waiting for that frame (≥ one 16.7 ms vsync at best). The pan and zoom script is 20 wheel notches in, a 30-step drag, 20 notches out and another drag, with real input events; the figure is the p95 of the intervals between animation frames while it runs. The run's snapshot has start times, so the timeline beside the graph is live in every figure.`,
    );
  }
  notes.push(
    `Graph layout: the webview's own elkLayout() and quickLayout() in Node (as in its layout worker, single thread), dagre 3 with the same direction and spacing; each (library, size) in a fresh process after a 100-block warm-up; 5 reps, 3 for ELK at 5,000, 1 for dagre above 100 blocks (capped) — dagre is too slow to repeat.`,
  );
  return { group: 'graph', rows, raw, notes, seconds: (performance.now() - started) / 1000 };
}

if (isMain(import.meta.url)) {
  const i = process.argv.indexOf('--layout-child');
  if (i >= 0) {
    layoutChild(process.argv[i + 1] as Lib, Number(process.argv[i + 2]), Number(process.argv[i + 3])).then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`${String(e)}\n`);
        process.exit(1);
      },
    );
  } else {
    runAsChild(graph);
  }
}
