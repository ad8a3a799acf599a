/**
 * The sandbox alone under the scale step's load: N runs of the 200-block sample triggered at
 * once on its White Rabbit face and each run's event stream read to its end by a minimal client
 * (signed requests on undici, frames counted in the raw bytes, nothing parsed), so the figures
 * are the sandbox's: its CPU (from /proc/<pid>/stat), its heap (its own /__sandbox/stats, sampled
 * every 250 ms), and its CPU per event sent.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { parseSigningSecret, signRequest } from '../src/core/adapters/whiterabbit/signing';
import { figure, fmt, monoMs, sleep, spawnNode, stopChild } from './util';
import type { Row } from './util';

/** White Rabbit's "Big graph (200 components)" sample (src/sandbox/samples/whiterabbit.ts). */
export const BIG_GRAPH = '5a4d0b01-0007-4000-8000-000000000107';

export interface SandboxInfo {
  url: string;
  whiterabbit: { apiKey: string; apiSecret: string };
}

interface SandboxRound {
  readonly runs: number;
  readonly wallMs: number;
  readonly cpuPercent: number;
  readonly cpuMs: number;
  readonly events: number;
  readonly bytes: number;
  readonly heapStartMB: number;
  readonly heapPeakMB: number;
  readonly rssPeakMB: number;
  readonly streamsUnfinished: number;
}

/** utime + stime of a process, in ms (Linux: /proc/<pid>/stat fields 14 and 15, in clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const mb = (bytes: number): number => bytes / 1024 / 1024;

/** Starts the sandbox as the scale group does (no warnings: its engine's abort listeners trip MaxListeners on wide layers). */
export async function startSandbox(timeScale: number): Promise<{ child: ChildProcess; info: SandboxInfo }> {
  const { child, firstLine } = await spawnNode('dist/sandbox.js', ['--time-scale', String(timeScale), '--heartbeat-ms', '5000', '--quiet'], { tsx: false, noWarnings: true });
  return { child, info: JSON.parse(firstLine) as SandboxInfo };
}

async function oneRound(info: SandboxInfo, pid: number, runs: number, dispatcher: Agent): Promise<SandboxRound> {
  const seed = parseSigningSecret(info.whiterabbit.apiSecret);
  const signed = async (method: 'GET' | 'POST', path: string, body?: string): Promise<Record<string, string>> => ({
    'x-api-key': info.whiterabbit.apiKey,
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...(await signRequest(seed, method, path, body, Date.now())),
  });
  const stats = async (): Promise<{ heapUsed: number; rss: number }> => {
    const res = await request(`${info.url}/__sandbox/stats`, { dispatcher });
    return ((await res.body.json()) as { memory: { heapUsed: number; rss: number } }).memory;
  };
  const heapStart = mb((await stats()).heapUsed);
  const samples: Array<{ heapUsed: number; rss: number }> = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push(await stats());
      await sleep(250);
    }
  })();

  let events = 0;
  let bytes = 0;
  let unfinished = 0;
  const cpu0 = processCpuMs(pid);
  const t0 = monoMs();
  // Triggered in waves of 100, as the client step does; each run's stream opens as soon as its
  // trigger answered, and every stream stays open at once.
  const readers: Array<Promise<void>> = [];
  const readStream = async (runId: string): Promise<void> => {
    const streamPath = `/v1/sdk/workflows/executions/${runId}/stream`;
    const stream = await request(`${info.url}${streamPath}`, { headers: await signed('GET', streamPath), dispatcher });
    let tail = '';
    let ended = false;
    for await (const chunk of stream.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      // Frames end with a blank line; a frame split across chunks is counted once, where it ends.
      const text = tail + chunk.toString('latin1');
      events += text.split('\n\n').length - 1;
      tail = text.slice(text.lastIndexOf('\n\n') + 2);
      if (/"status":"(COMPLETED|FAILED|CANCELLED)"/.test(text)) ended = true;
    }
    if (!ended) unfinished++;
  };
  for (let first = 0; first < runs; first += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, runs - first) }, async () => {
        const path = `/v1/sdk/workflows/${BIG_GRAPH}`;
        const res = await request(`${info.url}${path}`, { method: 'POST', body: '{}', headers: await signed('POST', path, '{}'), dispatcher });
        readers.push(readStream(((await res.body.json()) as { runId: string }).runId));
      }),
    );
  }
  await Promise.all(readers);
  const wallMs = monoMs() - t0;
  const cpuMs = processCpuMs(pid) - cpu0;
  sampling = false;
  await sampler;
  return {
    runs,
    wallMs,
    cpuMs,
    cpuPercent: (cpuMs / wallMs) * 100,
    events,
    bytes,
    heapStartMB: heapStart,
    heapPeakMB: Math.max(heapStart, ...samples.map((s) => mb(s.heapUsed))),
    rssPeakMB: Math.max(...samples.map((s) => mb(s.rss))),
    streamsUnfinished: unfinished,
  };
}

/** The sandbox alone serving `runs` runs at once, `reps` times (one sandbox process, after a 5-run warm-up). */
export async function sandboxAlone(runs: number, reps: number, timeScale: number): Promise<{ rows: Row[]; raw: unknown; note: string }> {
  const { child, info } = await startSandbox(timeScale);
  const dispatcher = new Agent({ connections: runs + 16, keepAliveTimeout: 1_000 });
  const results: SandboxRound[] = [];
  try {
    await oneRound(info, child.pid as number, 5, dispatcher);
    for (let r = 0; r < reps; r++) results.push(await oneRound(info, child.pid as number, runs, dispatcher));
  } finally {
    await dispatcher.close();
    await stopChild(child);
  }
  const f = (pick: (r: SandboxRound) => number, unit: string) => figure(results.map(pick), unit);
  const group = `Sandbox alone (${runs.toLocaleString('en-US')} runs)`;
  const unfinished = results.reduce((n, r) => n + r.streamsUnfinished, 0);
  const rows: Row[] = [
    { group, measure: `Wall time for ${runs.toLocaleString('en-US')} concurrent runs`, figure: f((r) => r.wallMs / 1000, 's'), compared: `${fmt(f((r) => r.events / (r.wallMs / 1000), 'events/s').median)} events/s sent; ${fmt(f((r) => mb(r.bytes), 'MB').median)} MB; streams without a final frame: ${unfinished}` },
    { group, measure: 'Sandbox CPU while serving (mean)', figure: f((r) => r.cpuPercent, '% of 1 core'), compared: `${fmt(f((r) => r.cpuMs / r.runs, 'ms').median)} ms of CPU per run` },
    { group, measure: 'Sandbox CPU per event sent', figure: f((r) => (r.cpuMs * 1000) / Math.max(1, r.events), 'µs'), compared: `${fmt(f((r) => r.events / r.runs, 'events').median)} events per run` },
    { group, measure: 'Sandbox heap peak while serving', figure: f((r) => r.heapPeakMB, 'MB'), compared: `from ${fmt(f((r) => r.heapStartMB, 'MB').median)} MB before; RSS peak ${fmt(f((r) => r.rssPeakMB, 'MB').median)} MB; ${fmt(f((r) => ((r.heapPeakMB - r.heapStartMB) * 1024) / r.runs, 'KB').median)} KB per run` },
  ];
  const note = `Sandbox alone: ${runs} runs of the 200-block sample at time scale ${timeScale}, ${reps} repetition(s) after a 5-run warm-up, served to a minimal client (bench/scaleSandbox.ts: signed trigger, then the run's stream read raw and its frames counted, nothing parsed). CPU is the sandbox process's utime+stime from /proc over wall time; heap is its heapUsed from /__sandbox/stats every 250 ms (not after a GC, so it includes garbage not yet collected).`;
  return { rows, raw: results, note };
}
