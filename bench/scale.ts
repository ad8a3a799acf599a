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
import type { Run } from '../src/core/model';
import { isTerminalRun } from '../src/core/model';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { BIG_GRAPH, sandboxAlone, startSandbox } from './scaleSandbox';
import type { GroupOptions, GroupResult, Row } from './util';
import { collectGarbage, figure, fmt, isMain, log, monoMs, runAsChild, sleep, stopChild } from './util';

const CONNECTION = 'sandbox';
const TRIGGER_WAVE = 100;

interface RoundResult {
  readonly runs: number;
  readonly wallMs: number;
  /** Client CPU time over the round / wall time, in % of one core. */
  readonly cpuPercent: number;
  readonly peakCpuPercent: number;
  readonly changes: number;
  readonly heapStartMB: number;
  readonly heapPeakMB: number;
  /** The largest heapUsed read just after a full (mark-sweep) collection: the live data, not garbage. */
  readonly liveAfterFullGcMB: number;
  /** Full collections V8 made during the round on its own. */
  readonly fullGcs: number;
  readonly heapEndedMB: number;
  readonly heapForgottenMB: number;
  readonly rssPeakMB: number;
  /** Per run: from its trigger resolving to its first state read from the stream. */
  readonly firstLiveMs: number[];
  readonly streamErrors: number;
  /** Client CPU time over the round, in ms. */
  readonly cpuMs: number;
  /** Runs whose final state in the store differs from the sandbox's own record of them. */
  readonly wrongFinal: number;
}

/** The final state as the store holds it and as the server tells it: status and every stage's status. */
function finalState(run: Run): string {
  return `${run.status} ${[...run.stages].sort((a, b) => a.id.localeCompare(b.id)).map((st) => `${st.id}=${st.status}`).join(',')}`;
}

/**
 * "No event lost, every run reaches its true final state": each run's state in the store, once it
 * ended, against a fresh read of the run from the sandbox (its detail endpoint), read 32 at a time.
 */
async function countWrongFinals(store: RunStore, backend: WhiteRabbitBackend, ids: readonly string[]): Promise<number> {
  let wrong = 0;
  for (let i = 0; i < ids.length; i += 32) {
    await Promise.all(
      ids.slice(i, i + 32).map(async (id) => {
        const held = store.get(CONNECTION, id);
        const truth = await backend.getRun({ id, workflowId: BIG_GRAPH });
        if (!held || finalState(held) !== finalState(truth)) wrong++;
      }),
    );
  }
  return wrong;
}

const mb = (bytes: number): number => bytes / 1024 / 1024;

/** Slow or stuck: the runs that did not end, by status and whether still followed, and the follows' failures. */
function unendedSummary(store: RunStore, ids: readonly string[], ended: ReadonlySet<string>, failures: ReadonlyMap<string, number>): string {
  const states = new Map<string, number>();
  for (const id of ids) {
    if (ended.has(id)) continue;
    const state = `${store.get(CONNECTION, id)?.status ?? 'unknown'}, ${store.isLive(CONNECTION, id) ? 'still followed' : 'no longer followed'}`;
    states.set(state, (states.get(state) ?? 0) + 1);
  }
  const list = (m: ReadonlyMap<string, number>): string => [...m].map(([k, n]) => `${n} × ${k}`).join('; ') || 'none';
  return `not ended: ${list(states)}; follow failures: ${list(failures)}`;
}

function heapNow(): number {
  collectGarbage();
  return mb(process.memoryUsage().heapUsed);
}

export async function round(store: RunStore, backend: WhiteRabbitBackend, runs: number): Promise<RoundResult> {
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
  // Why a follow stopped, by message (run ids stripped): what a run that never ended ran into.
  const failures = new Map<string, number>();
  const onFail = store.onDidFail((e) => {
    streamErrors++;
    const why = e.error.message.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<run>');
    failures.set(why, (failures.get(why) ?? 0) + 1);
  });

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

  // What the heap holds, as opposed to what it has not yet collected: heapUsed read as soon as V8
  // reports a full collection it made by itself (the observer runs just after it, so a little
  // allocation may come in between). The sampled peak above includes the garbage V8 lets build up
  // before it collects, which on a machine with plenty of memory is most of it.
  let liveAfterFullGc = 0;
  let fullGcs = 0;
  const gcWatch = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as { detail?: { kind?: number } }).detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      fullGcs++;
      liveAfterFullGc = Math.max(liveAfterFullGc, mb(process.memoryUsage().heapUsed));
    }
  });
  gcWatch.observe({ entryTypes: ['gc'] });

  const cpu0 = process.cpuUsage();
  const t0 = monoMs();
  try {
    // Triggered in waves of TRIGGER_WAVE: the store follows every run at once, but a thousand
    // signed POSTs queued together behind the REST pool could wait past the 30 s validity of their
    // signature on a loaded machine (the service refuses them, and a trigger is never retried).
    for (let first = 0; first < runs; first += TRIGGER_WAVE) {
      await Promise.all(
        Array.from({ length: Math.min(TRIGGER_WAVE, runs - first) }, async () => {
          const run = await store.trigger(CONNECTION, BIG_GRAPH, {});
          triggeredAt.set(run.id, monoMs());
        }),
      );
    }
    // A run may have ended before its trigger resolved in this loop: count those too.
    for (const id of triggeredAt.keys()) {
      const run = store.get(CONNECTION, id);
      if (run && isTerminalRun(run.status) && !store.isLive(CONNECTION, id)) ended.add(id);
    }
    if (ended.size < runs) await Promise.race([finished, sleep(300_000)]);
  } finally {
    clearInterval(sampler);
    gcWatch.disconnect();
    onChange.dispose();
    onFail.dispose();
  }
  const wallMs = monoMs() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (ended.size < runs) throw new Error(`scale: only ${ended.size} of ${runs} runs ended within 300 s; ${unendedSummary(store, [...triggeredAt.keys()], ended, failures)}`);

  const heapEnded = heapNow();
  const wrongFinal = await countWrongFinals(store, backend, [...triggeredAt.keys()]);
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
    liveAfterFullGcMB: liveAfterFullGc,
    fullGcs,
    heapEndedMB: heapEnded,
    heapForgottenMB: heapForgotten,
    rssPeakMB: Math.max(...samples.map((s) => s.rss)),
    firstLiveMs: [...firstLive.values()],
    streamErrors,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wrongFinal,
  };
}

/** The rows of one step (N runs at once): cost per run beside the totals, so growth shows. */
function stepRows(runs: number, results: readonly RoundResult[], targets: boolean): Row[] {
  const group = `Scale (${runs.toLocaleString('en-US')} runs)`;
  const f = (pick: (r: RoundResult) => number, unit: string) => figure(results.map(pick), unit);
  const growth = f((r) => r.heapForgottenMB - r.heapStartMB, 'MB');
  const baselineDrift = (results[results.length - 1]?.heapForgottenMB ?? 0) - (results[0]?.heapStartMB ?? 0);
  // "No growth left": within 1 MB of the start (GC bookkeeping and caches wobble by that much).
  const leakOk = growth.median < 1 && baselineDrift < 1;
  const cpu = f((r) => r.cpuPercent, '% of 1 core');
  const peak = f((r) => r.heapPeakMB, 'MB');
  const wrong = results.reduce((n, r) => n + r.wrongFinal, 0);
  const errors = results.reduce((n, r) => n + r.streamErrors, 0);
  return [
    { group, measure: `Wall time for ${runs.toLocaleString('en-US')} concurrent runs`, figure: f((r) => r.wallMs / 1000, 's'), compared: `${fmt(f((r) => r.changes / (r.wallMs / 1000), 'changes/s').median)} store changes/s` },
    {
      group,
      measure: 'Client CPU while streaming (mean)',
      figure: cpu,
      compared: `${fmt(f((r) => r.cpuMs / r.runs, 'ms').median)} ms of CPU per run; peak 250 ms sample ${fmt(f((r) => r.peakCpuPercent, '%').median)}%`,
      ...(targets ? { target: { text: '< 40% of one core', met: cpu.median < 40 } } : {}),
    },
    {
      group,
      measure: 'Heap peak while streaming',
      figure: peak,
      compared: `from ${fmt(f((r) => r.heapStartMB, 'MB').median)} MB before (after GC); ${fmt(f((r) => ((r.heapPeakMB - r.heapStartMB) * 1024) / r.runs, 'KB').median)} KB per run; RSS peak ${fmt(f((r) => r.rssPeakMB, 'MB').median)} MB`,
      ...(targets ? { target: { text: '< 64 MB', met: peak.median < 64 } } : {}),
    },
    {
      group,
      measure: 'Heap just after V8\'s own full collections while streaming, largest',
      figure: f((r) => r.liveAfterFullGcMB, 'MB'),
      compared: `the live data under the peak above; ${fmt(f((r) => r.fullGcs, 'collections').median)} full collections per round`,
    },
    { group, measure: `Heap after all ended, store still holding ${runs.toLocaleString('en-US')} finished runs`, figure: f((r) => r.heapEndedMB, 'MB'), compared: `${fmt(f((r) => ((r.heapEndedMB - r.heapStartMB) * 1024) / r.runs, 'KB').median)} KB retained per finished 200-stage run` },
    { group, measure: 'Heap growth left after the store forgot them (leak check)', figure: growth, compared: `baseline drift over ${results.length} rep(s): ${fmt(baselineDrift)} MB`, target: { text: 'no growth (< 1 MB)', met: leakOk } },
    {
      group,
      measure: 'Runs whose final state differs from the sandbox\'s (no event lost)',
      figure: f((r) => r.wrongFinal, 'runs'),
      compared: `every run ended; stream errors ${errors}; ${results.length} rep(s) of ${runs.toLocaleString('en-US')}`,
      target: { text: '0 (every run reaches its true final state)', met: wrong === 0 && errors === 0 },
    },
    {
      group,
      measure: `Trigger → first live state, slowest of the ${runs.toLocaleString('en-US')} runs`,
      figure: f((r) => Math.max(...r.firstLiveMs), 'ms'),
      compared: `median run ${fmt(figure(results.map((r) => figure(r.firstLiveMs, 'ms').median), 'ms').median)} ms; runs > 1 s late: ${fmt(f((r) => r.firstLiveMs.filter((ms) => ms > 1000).length, 'runs').median)} of ${runs}`,
    },
  ];
}

/**
 * For profiling one step alone, when run directly: `--steps 100x1,1000x1` ([runs]x[repetitions])
 * and `--no-alone` (skip the sandbox-alone measure). The runner passes neither.
 */
function stepsFromArgv(): Array<[number, number]> | undefined {
  const at = process.argv.indexOf('--steps');
  const spec = at >= 0 ? process.argv[at + 1] : undefined;
  return spec?.split(',').map((s) => s.split('x').map(Number) as [number, number]);
}

export async function scale(opts: GroupOptions): Promise<GroupResult> {
  const started = performance.now();
  // Time scale 8 stretches the 1.6 s sample to ~13 s; the quick run keeps it short.
  const timeScale = opts.quick ? 1.5 : 8;
  // [runs at once, repetitions]: the 100-run step carries the targets; 1,000 runs once (a minute or more).
  const steps: Array<[number, number]> = stepsFromArgv() ?? (opts.quick ? [[10, 1], [100, 1], [1000, 1]] : [[10, 3], [100, 3], [1000, 1]]);
  const { child, info } = await startSandbox(timeScale);
  const backend = new WhiteRabbitBackend({ name: CONNECTION, kind: 'whiterabbit', baseUrl: info.url, workflowIds: [BIG_GRAPH] }, info.whiterabbit);
  const store = new RunStore({ backendFor: () => backend });
  const byStep = new Map<number, RoundResult[]>();
  const failed = new Map<number, string>();
  try {
    // Warm-up with a few runs, so JIT code and lazily built tables are in the baseline.
    await round(store, backend, 5);
    for (const [runs, reps] of steps) {
      const results: RoundResult[] = [];
      for (let r = 0; r < reps; r++) {
        const last = await round(store, backend, runs).catch((error: unknown) => {
          // One step failing (a starved machine cannot serve 1,000 runs) must not hide the others.
          failed.set(runs, error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error));
          log(`scale ${runs} runs, rep ${r + 1} failed: ${failed.get(runs) ?? ''}`);
          store.forgetConnection(CONNECTION);
          return undefined;
        });
        if (!last) break;
        results.push(last);
        log(
          `scale ${runs} runs, rep ${r + 1}: ${fmt(last.wallMs / 1000)} s, cpu ${fmt(last.cpuPercent)}%, heap ${fmt(last.heapStartMB)} → peak ${fmt(last.heapPeakMB)} → ended ${fmt(last.heapEndedMB)} → forgotten ${fmt(last.heapForgottenMB)} MB, ${last.changes} changes, wrong finals ${last.wrongFinal}, first live max ${fmt(Math.max(...last.firstLiveMs))} ms`,
        );
      }
      byStep.set(runs, results);
    }
  } finally {
    store.dispose();
    await stopChild(child);
  }
  const rows = steps.flatMap(([runs]) => {
    const results = byStep.get(runs) ?? [];
    const why = failed.get(runs);
    const missing: Row[] = why ? [{ group: `Scale (${runs.toLocaleString('en-US')} runs)`, measure: `A repetition of ${runs.toLocaleString('en-US')} runs`, note: `not measured: ${why}` }] : [];
    return [...(results.length > 0 ? stepRows(runs, results, runs === 100) : []), ...missing];
  });
  const skipAlone = process.argv.includes('--no-alone');
  const alone = await (skipAlone ? Promise.reject(new Error('skipped (--no-alone)')) : sandboxAlone(1000, 1, timeScale)).catch((error: unknown) => ({
    rows: [{ group: 'Sandbox alone (1,000 runs)', measure: 'Serving 1,000 runs', note: `not measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` }] as Row[],
    raw: undefined,
    note: 'Sandbox alone: not measured in this run.',
  }));
  rows.push(...alone.rows);
  return {
    group: 'scale',
    rows,
    raw: { timeScale, steps, results: Object.fromEntries(byStep), sandboxAlone: alone.raw },
    notes: [
      `Scale: ${steps.map(([n, reps]) => `${n} runs × ${reps}`).join(', ')} of the sandbox's 200-block sample at time scale ${timeScale}, triggered at once through RunStore.trigger (White Rabbit face, production HttpClient and its shared undici Agent), in one process after a 5-run warm-up. CPU is this process's user+system time over wall time; the sandbox is a separate process. Heap figures are heapUsed (after a forced GC for before/ended/forgotten; sampled every 250 ms for the peak). After each round every run's final state in the store is compared with a fresh read of it from the sandbox.`,
      alone.note,
    ],
    seconds: (performance.now() - started) / 1000,
  };
}

if (isMain(import.meta.url)) runAsChild(scale);
