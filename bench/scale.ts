/**
 * Scale: 100 runs streaming at once through one RunStore, as a window following a busy
 * workspace would. The runs are the sandbox's "Big graph" sample (200 blocks, White Rabbit face,
 * one SSE stream per run), stretched with the sandbox's time scale so they last ~10–15 s. The
 * sandbox runs in its own process: the CPU and heap figures are the client's alone.
 *
 * Leak check: the heap (after a forced GC) before the runs, after they all ended while the store
 * still holds them (that is retained data, not a leak), and after the store forgot them: that
 * last one must come back to the start. Repetitions run in the same process, so a leak would also
 * show as a baseline creeping up from one repetition to the next.
 */
import { WhiteRabbitBackend } from '../src/core/adapters/whiterabbit/adapter';
import { RunStore } from '../src/core/runs/runStore';
import { isTerminalRun } from '../src/core/model';
import type { GroupOptions, GroupResult, Row } from './util';
import { collectGarbage, figure, fmt, isMain, log, monoMs, runAsChild, sleep, spawnNode, stopChild } from './util';

/** White Rabbit's "Big graph (200 components)" sample (src/sandbox/samples/whiterabbit.ts). */
const BIG_GRAPH = '5a4d0b01-0007-4000-8000-000000000107';
const CONNECTION = 'sandbox';

interface SandboxInfo {
  url: string;
  whiterabbit: { apiKey: string; apiSecret: string };
}

interface RoundResult {
  readonly runs: number;
  readonly wallMs: number;
  /** Client CPU time over the round / wall time, in % of one core. */
  readonly cpuPercent: number;
  readonly peakCpuPercent: number;
  readonly changes: number;
  readonly heapStartMB: number;
  readonly heapPeakMB: number;
  readonly heapEndedMB: number;
  readonly heapForgottenMB: number;
  readonly rssPeakMB: number;
  /** Per run: from its trigger resolving to its first state read from the stream. */
  readonly firstLiveMs: number[];
  readonly streamErrors: number;
}

const mb = (bytes: number): number => bytes / 1024 / 1024;

function heapNow(): number {
  collectGarbage();
  return mb(process.memoryUsage().heapUsed);
}

async function round(store: RunStore, runs: number): Promise<RoundResult> {
  const heapStart = heapNow();
  let changes = 0;
  let streamErrors = 0;
  const triggeredAt = new Map<string, number>();
  const firstLive = new Map<string, number>();
  const ended = new Set<string>();
  let allEnded: () => void = () => undefined;
  const finished = new Promise<void>((r) => (allEnded = r));
  const onChange = store.onDidChange((c) => {
    changes++;
    const t = triggeredAt.get(c.run.id);
    // The trigger's own answer is `queued`; anything else came through the stream.
    if (t !== undefined && !firstLive.has(c.run.id) && c.run.status !== 'queued') firstLive.set(c.run.id, monoMs() - t);
    if (isTerminalRun(c.run.status) && !store.isLive(CONNECTION, c.run.id) && triggeredAt.has(c.run.id)) {
      ended.add(c.run.id);
      if (ended.size === runs) allEnded();
    }
  });
  const onFail = store.onDidFail(() => streamErrors++);

  const samples: Array<{ cpu: number; heap: number; rss: number }> = [];
  let lastCpu = process.cpuUsage();
  let lastAt = monoMs();
  const sampler = setInterval(() => {
    const cpu = process.cpuUsage(lastCpu);
    const at = monoMs();
    const mem = process.memoryUsage();
    samples.push({ cpu: ((cpu.user + cpu.system) / 1000 / (at - lastAt)) * 100, heap: mb(mem.heapUsed), rss: mb(mem.rss) });
    lastCpu = process.cpuUsage();
    lastAt = at;
  }, 250);

  const cpu0 = process.cpuUsage();
  const t0 = monoMs();
  await Promise.all(
    Array.from({ length: runs }, async () => {
      const run = await store.trigger(CONNECTION, BIG_GRAPH, {});
      triggeredAt.set(run.id, monoMs());
    }),
  );
  // A run may have ended before its trigger resolved in this loop: count those too.
  for (const id of triggeredAt.keys()) {
    const run = store.get(CONNECTION, id);
    if (run && isTerminalRun(run.status) && !store.isLive(CONNECTION, id)) ended.add(id);
  }
  if (ended.size < runs) await Promise.race([finished, sleep(120_000)]);
  const wallMs = monoMs() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  onChange.dispose();
  onFail.dispose();
  if (ended.size < runs) throw new Error(`scale: only ${ended.size} of ${runs} runs ended within 120 s`);

  const heapEnded = heapNow();
  store.forgetConnection(CONNECTION);
  // Let aborted sockets and timers settle before measuring what is left.
  await sleep(500);
  const heapForgotten = heapNow();
  return {
    runs,
    wallMs,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    peakCpuPercent: Math.max(...samples.map((s) => s.cpu)),
    changes,
    heapStartMB: heapStart,
    heapPeakMB: Math.max(heapStart, ...samples.map((s) => s.heap)),
    heapEndedMB: heapEnded,
    heapForgottenMB: heapForgotten,
    rssPeakMB: Math.max(...samples.map((s) => s.rss)),
    firstLiveMs: [...firstLive.values()],
    streamErrors,
  };
}

export async function scale(opts: GroupOptions): Promise<GroupResult> {
  const started = performance.now();
  const runs = 100;
  // Time scale 8 stretches the 1.6 s sample to ~13 s; the quick run keeps it short.
  const timeScale = opts.quick ? 1.5 : 8;
  const reps = opts.quick ? 1 : 3;
  const { child, firstLine } = await spawnNode('dist/sandbox.js', ['--time-scale', String(timeScale), '--heartbeat-ms', '5000', '--quiet'], {
    tsx: false,
    // The sandbox's engine puts one abort listener per running block on a run's signal, so a
    // 22-wide layer trips Node's MaxListeners warning (harmless, sandbox-side); keep it off the output.
    noWarnings: true,
  });
  const info = JSON.parse(firstLine) as SandboxInfo;
  const backend = new WhiteRabbitBackend({ name: CONNECTION, kind: 'whiterabbit', baseUrl: info.url, workflowIds: [BIG_GRAPH] }, info.whiterabbit);
  const store = new RunStore({ backendFor: () => backend });
  const results: RoundResult[] = [];
  try {
    // Warm-up with a few runs, so JIT code and lazily built tables are in the baseline.
    await round(store, 5);
    for (let r = 0; r < reps; r++) {
      results.push(await round(store, runs));
      const last = results[results.length - 1] as RoundResult;
      log(
        `scale rep ${r + 1}: ${fmt(last.wallMs / 1000)} s, cpu ${fmt(last.cpuPercent)}%, heap ${fmt(last.heapStartMB)} → peak ${fmt(last.heapPeakMB)} → ended ${fmt(last.heapEndedMB)} → forgotten ${fmt(last.heapForgottenMB)} MB, ${last.changes} changes, first live p max ${fmt(Math.max(...last.firstLiveMs))} ms`,
      );
    }
  } finally {
    store.dispose();
    await stopChild(child);
  }
  const f = (pick: (r: RoundResult) => number, unit: string) => figure(results.map(pick), unit);
  const growth = f((r) => r.heapForgottenMB - r.heapStartMB, 'MB');
  const baselineDrift = (results[results.length - 1]?.heapForgottenMB ?? 0) - (results[0]?.heapStartMB ?? 0);
  // "No growth left": within 1 MB of the start (GC bookkeeping and caches wobble by that much).
  const leakOk = growth.median < 1 && baselineDrift < 1;
  const eventsPerSecond = f((r) => r.changes / (r.wallMs / 1000), 'changes/s');
  const rows: Row[] = [
    { group: 'Scale (100 runs)', measure: 'Wall time for 100 concurrent runs', figure: f((r) => r.wallMs / 1000, 's'), compared: `${fmt(eventsPerSecond.median)} store changes/s` },
    { group: 'Scale (100 runs)', measure: 'Client CPU while streaming (mean)', figure: f((r) => r.cpuPercent, '% of 1 core'), compared: `peak 250 ms sample ${fmt(figure(results.map((r) => r.peakCpuPercent), '%').median)}%` },
    { group: 'Scale (100 runs)', measure: 'Heap before (after GC)', figure: f((r) => r.heapStartMB, 'MB') },
    { group: 'Scale (100 runs)', measure: 'Heap peak while streaming', figure: f((r) => r.heapPeakMB, 'MB'), compared: `RSS peak ${fmt(figure(results.map((r) => r.rssPeakMB), 'MB').median)} MB` },
    { group: 'Scale (100 runs)', measure: 'Heap after all ended, store still holding 100 finished runs', figure: f((r) => r.heapEndedMB, 'MB'), compared: `${fmt(f((r) => (r.heapEndedMB - r.heapStartMB) * 1024 / r.runs, 'KB').median)} KB retained per finished 200-stage run` },
    {
      group: 'Scale (100 runs)',
      measure: 'Heap growth left after the store forgot them (leak check)',
      figure: growth,
      compared: `baseline drift over ${results.length} reps: ${fmt(baselineDrift)} MB`,
      target: { text: 'no growth (< 1 MB)', met: leakOk },
    },
    {
      group: 'Scale (100 runs)',
      measure: 'Trigger → first live state, slowest of the 100 runs',
      figure: f((r) => Math.max(...r.firstLiveMs), 'ms'),
      compared: `median run ${fmt(figure(results.map((r) => figure(r.firstLiveMs, 'ms').median), 'ms').median)} ms; runs > 1 s late: ${fmt(figure(results.map((r) => r.firstLiveMs.filter((ms) => ms > 1000).length), 'runs').median)} of ${runs}; stream errors ${results.reduce((n, r) => n + r.streamErrors, 0)}`,
    },
  ];
  return {
    group: 'scale',
    rows,
    raw: { runs, timeScale, reps, results },
    notes: [
      `Scale: ${runs} runs of the sandbox's 200-block sample at time scale ${timeScale}, triggered at once through RunStore.trigger (White Rabbit face, production HttpClient and its shared undici Agent), ${reps} repetition(s) in one process after a 5-run warm-up. CPU is this process's user+system time over wall time; the sandbox is a separate process. Heap figures are heapUsed after a forced GC.`,
    ],
    seconds: (performance.now() - started) / 1000,
  };
}

if (isMain(import.meta.url)) runAsChild(scale);
