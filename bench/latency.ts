/**
 * Event to screen: the time from the server writing a run event to (1) the RunStore's change
 * event and (2) the message posted to the graph panel, at 10, 1,000 and 10,000 events per second.
 *
 * The chain under test is the production one: WhiteRabbitBackend.follow() (HttpClient → readSseBatches →
 * zod → RunTracker → followLive) → RunStore.watch → onDidChange. The server (bench/sseServer.ts)
 * runs in another process and stamps each event with CLOCK_MONOTONIC right before writing it;
 * the stamp rides in `totalUsage`, so each Run the store publishes says when its event was sent.
 *
 * Beside it, the staleness that the competing extensions' polling intervals imply (from
 * shared/reference/anchors.md): a change at a uniformly random moment waits T/2 on average and T
 * at worst for the next poll, before any request time.
 */
import { FRAME_MS, FramePacer } from '../src/core/util/framePacer';
import { Throttle } from '../src/core/util/throttle';
import { WhiteRabbitBackend } from '../src/core/adapters/whiterabbit/adapter';
import { RunStore } from '../src/core/runs/runStore';
import type { Run } from '../src/core/model';
import { diffStates, graphFromStages, graphViewOf, nodeStatesOf } from '../src/extension/panels/viewModel';
import type { HostToWebview, NodeState } from '../src/shared/protocol';
import type { Figure, GroupOptions, GroupResult, Row } from './util';
import { figure, fmt, isMain, log, monoMs, quantile, runAsChild, spawnNode, stopChild } from './util';

/** Stages of the simulated run: a mid-sized workflow, so each snapshot copies a realistic Run. */
const STAGES = 20;

/** The graph panel's former coalescing window, kept as the comparison: a leading-edge throttle of 50 ms. */
const FORMER_WINDOW_MS = 50;

/**
 * The host side of the graph panel between a store change and `webview.postMessage`, minus
 * vscode: RunPanelModel.setRun → DagPanel's FramePacer (at most one patch per display frame) → flush, which builds
 * the content (graphViewOf(graphFromStages(run)) and nodeStatesOf, as RunPanelModel.content does),
 * diffs it (diffStates) and builds the patch message. Every event folded into a patch gets that
 * patch's build time as its arrival time.
 */
class PanelPatchPath {
  private run: Run | undefined;
  private readonly throttle: { schedule(): void; dispose(): void };
  private readonly waitMs: number;
  private sentStates: Readonly<Record<string, NodeState>> = {};
  private version = 0;
  private pending: number[] = [];
  readonly samples: number[] = [];
  patches = 0;

  /** `frame`: the panel's own pacer (src/core/util/framePacer.ts); a number: a throttle of that window (the former setting). */
  constructor(pacing: 'frame' | number) {
    this.throttle = pacing === 'frame' ? new FramePacer(() => this.flush()) : new Throttle(pacing, () => this.flush());
    this.waitMs = pacing === 'frame' ? FRAME_MS : pacing;
  }

  onChange(run: Run, stamp: number): void {
    this.run = run;
    this.pending.push(stamp);
    this.throttle.schedule();
  }

  private flush(): void {
    const graph = graphViewOf(graphFromStages(this.run), 'stages');
    const states = nodeStatesOf(graph, this.run);
    const changes = diffStates(this.sentStates, states);
    this.sentStates = states;
    const message: HostToWebview = { type: 'patch', version: ++this.version, changes, header: { title: 'bench', runStatus: this.run?.status ?? 'unknown' } };
    // The message is what postMessage would serialize: make sure it is built, not optimised away.
    if (message.version > 0) this.patches++;
    const now = monoMs();
    for (const stamp of this.pending) this.samples.push(now - stamp);
    this.pending = [];
  }

  async settle(): Promise<void> {
    await new Promise((r) => setTimeout(r, this.waitMs + 20));
    this.throttle.dispose();
  }
}

/** Polling intervals of the competing extensions, from shared/reference/anchors.md §1 and the table. */
export const POLLERS: ReadonlyArray<{ readonly who: string; readonly seconds: number }> = [
  { who: 'Databricks (run status, jobs.getRun)', seconds: 3 },
  { who: 'Airflow (DAG webview) / Logic Apps (runs list)', seconds: 5 },
  { who: 'Logic Apps (running run) / Airflow (tree)', seconds: 10 },
  { who: 'GitHub Actions (pinned workflows, opt-in)', seconds: 30 },
];

interface RepResult {
  readonly sent: number;
  readonly received: number;
  readonly store: number[];
  readonly panel: number[];
  readonly frame: number[];
  readonly patches: number;
}

const CREDENTIALS = { apiKey: 'ws_bench', apiSecret: '11'.repeat(32) };

async function oneStream(base: string, rate: number, seconds: number): Promise<RepResult> {
  const count = Math.max(10, Math.round(rate * seconds));
  const backend = new WhiteRabbitBackend({ name: 'bench', kind: 'whiterabbit', baseUrl: base }, CREDENTIALS, { streamIdleMs: 30_000 });
  const store = new RunStore({ backendFor: () => backend });
  const panel = new PanelPatchPath('frame');
  // The same path behind the former 50 ms throttle, on the same events, for comparison.
  const frame = new PanelPatchPath(FORMER_WINDOW_MS);
  const storeMs: number[] = [];
  let lastStamp = 0;
  const done = new Promise<void>((resolveDone, reject) => {
    const timer = setTimeout(() => reject(new Error(`latency: ${rate}/s stream did not finish`)), seconds * 1000 + 30_000);
    store.onDidChange((change) => {
      const stamp = change.run.totalUsage ?? -1;
      // endLive re-publishes the last Run: count each event once.
      if (stamp > 0 && stamp !== lastStamp) {
        lastStamp = stamp;
        storeMs.push(monoMs() - stamp);
        panel.onChange(change.run, stamp);
        frame.onChange(change.run, stamp);
      }
      if (change.run.status === 'completed') {
        clearTimeout(timer);
        resolveDone();
      }
    });
    store.onDidFail((e) => {
      clearTimeout(timer);
      reject(e.error);
    });
  });
  const watch = store.watch('bench', { id: `lat_${rate}_${count}_${STAGES}`, workflowId: 'wf' });
  await done;
  await Promise.all([panel.settle(), frame.settle()]);
  watch.dispose();
  store.dispose();
  return { sent: count, received: storeMs.length, store: storeMs, panel: panel.samples, frame: frame.samples, patches: panel.patches };
}

export async function latency(opts: GroupOptions): Promise<GroupResult> {
  const started = performance.now();
  const plan = opts.quick
    ? [
        { rate: 10, seconds: 2, reps: 2 },
        { rate: 1_000, seconds: 1, reps: 2 },
        { rate: 10_000, seconds: 0.5, reps: 2 },
      ]
    : [
        // At 10/s a repetition holds only 60 events: its p99 is close to its max. Three repetitions.
        { rate: 10, seconds: 6, reps: 3 },
        { rate: 1_000, seconds: 3, reps: 5 },
        { rate: 10_000, seconds: 2, reps: 5 },
      ];
  const { child, firstLine } = await spawnNode('bench/sseServer.ts', []);
  const base = (JSON.parse(firstLine) as { url: string }).url;
  const rows: Row[] = [];
  const raw: Record<string, unknown> = { stages: STAGES, plan };
  const notes: string[] = [];
  try {
    // Warm-up: JIT, the socket pool and zod's first parses are not part of any measurement.
    await oneStream(base, 1_000, 0.5);
    for (const { rate, seconds, reps } of plan) {
      const results: RepResult[] = [];
      for (let r = 0; r < reps; r++) results.push(await oneStream(base, rate, seconds));
      const per = (pick: (r: RepResult) => number[], q: number | 'max'): Figure =>
        figure(
          results.map((r) => (q === 'max' ? Math.max(...pick(r)) : quantile(pick(r), q))),
          'ms',
        );
      const s = { p50: per((r) => r.store, 0.5), p99: per((r) => r.store, 0.99), max: per((r) => r.store, 'max') };
      const lost = results.reduce((n, r) => n + (r.sent - r.received), 0);
      raw[`rate${rate}`] = {
        reps: results.map((r) => ({ sent: r.sent, received: r.received, patches: r.patches, store: r.store, panel: r.panel, former50msWindow: r.frame })),
        store: s,
      };
      const label = `${rate.toLocaleString('en-US')} events/s`;
      const p99Target = rate === 1_000 ? { text: 'p99 < 50 ms', met: s.p99.median < 50 } : undefined;
      rows.push({ group: 'Event → store', measure: `${label}: p50`, figure: s.p50 });
      rows.push({
        group: 'Event → store',
        measure: `${label}: p99`,
        figure: s.p99,
        compared: `${fmt(5_000 / s.p99.median)}× fresher than a 5 s poll's average staleness`,
        target: p99Target,
      });
      rows.push({
        group: 'Event → store',
        measure: `${label}: max`,
        figure: s.max,
        compared: lost > 0 ? `${lost} event(s) not seen` : `all ${results.reduce((n, r) => n + r.sent, 0).toLocaleString('en-US')} events seen`,
      });
      const p = { p50: per((r) => r.panel, 0.5), p99: per((r) => r.panel, 0.99), max: per((r) => r.panel, 'max') };
      const w = { p50: per((r) => r.frame, 0.5), p99: per((r) => r.frame, 0.99) };
      const patchesPerSecond = fmt(results.reduce((n, r) => n + r.patches, 0) / results.length / seconds);
      rows.push({ group: 'Event → panel patch message', measure: `${label}: p50`, figure: p.p50, compared: `${patchesPerSecond} patches/s; former 50 ms throttle: ${fmt(w.p50.median)} ms` });
      rows.push({
        group: 'Event → panel patch message',
        measure: `${label}: p99`,
        figure: p.p99,
        compared: `${fmt(5_000 / p.p99.median)}× fresher than a 5 s poll's average staleness; former 50 ms throttle: ${fmt(w.p99.median)} ms`,
        target: rate >= 1_000 ? { text: 'p99 < 20 ms', met: p.p99.median < 20 } : undefined,
      });
      rows.push({ group: 'Event → panel patch message', measure: `${label}: max`, figure: p.max });
      log(`latency ${label}: p50 ${fmt(s.p50.median)} ms, p99 ${fmt(s.p99.median)} ms, max ${fmt(s.max.median)} ms, lost ${lost}`);
    }
  } finally {
    await stopChild(child);
  }
  for (const p of POLLERS) {
    const avg = (p.seconds * 1000) / 2;
    rows.push({
      group: 'Polling staleness (peers)',
      measure: `${p.who}: every ${p.seconds} s`,
      figure: { median: avg, min: 0, max: p.seconds * 1000, iqr: Number.NaN, n: 0, unit: 'ms', values: [] },
      compared: `average T/2, worst T = ${p.seconds * 1000} ms (before request time)`,
    });
  }
  notes.push(
    `Event → panel patch message: DagPanel is vscode-bound, so its path is rebuilt from the functions it calls (graphViewOf(graphFromStages), nodeStatesOf, diffStates, the patch message) behind the same FramePacer (at most one patch per 1000/60 ms frame, src/core/util/framePacer.ts); webview.postMessage itself and the webview are not included. The "former 50 ms throttle" figures run the same path behind the previous setting (a leading-edge 50 ms throttle) on the same events, for comparison.`,
    `Event → store: the server (separate process) stamps each White Rabbit event with CLOCK_MONOTONIC before writing it; the figure is the store's onDidChange time minus that stamp. Each figure is the median over repetitions of that repetition's percentile; runs have ${STAGES} stages.`,
    'Polling staleness rows are computed, not measured: a change at a random moment waits T/2 on average (shown as the figure) and T at worst (the spread column) for the next poll.',
  );
  return { group: 'latency', rows, raw, notes, seconds: (performance.now() - started) / 1000 };
}

if (isMain(import.meta.url)) runAsChild(latency);
