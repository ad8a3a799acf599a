/**
 * Stream ingest: how fast events get through Flowscope's SSE reader (HttpClient + readSseBatches, the
 * production path of every adapter's follow(), with its signal and idle watchdog), against the
 * `eventsource` npm client and against the raw limit: the same bytes read with undici and not
 * parsed at all. Same server process, same events, three event sizes. Each trial reads a whole
 * stream; throughput = bytes / wall time from request to last event.
 *
 * What keeps the figures steady (the raw read, a few tens of milliseconds of work per stream, once
 * varied tenfold between repetitions): streams long enough to outlast a scheduler hiccup, a
 * full-length warm-up per client, a forced collection before every trial (so no client pays for
 * the garbage the one before it left), the clients' order rotated each repetition, and two
 * figures that wall time does not skew: the client's own CPU time per trial, and the server's,
 * so a trial whose bound was the server (not the client under test) shows as such.
 */
import { loadavg } from 'node:os';
import { EventSource } from 'eventsource';
import { Agent, request } from 'undici';
import { HttpClient } from '../src/core/http';
import { readSseBatches } from '../src/core/sse';
import type { Figure, GroupOptions, GroupResult, Row } from './util';
import { collectGarbage, figure, fmt, isMain, log, ratio, runAsChild, spawnNode, stopChild } from './util';

type Client = 'raw' | 'flowscope' | 'eventsource';
const CLIENTS: readonly Client[] = ['raw', 'flowscope', 'eventsource'];

/** Event sizes (bytes per frame): a bare status change, a typical run event, a fat output. */
const SIZES = [128, 1024, 16_384];

interface Trial {
  readonly events: number;
  readonly bytes: number;
  readonly ms: number;
  /** The client process's CPU time (user + system) during the trial. */
  readonly cpuMs: number;
  /** The server process's CPU time during the trial: close to `ms`, and the server was the bound. */
  readonly serverCpuMs: number;
}

/**
 * The raw read's transport, set as HttpClient sets its stream agent (a pool of its own, no body
 * timeout: a stream's silence is the watchdog's business): the raw and Flowscope figures then
 * differ by the parsing alone.
 */
const RAW_AGENT = new Agent({ keepAliveTimeout: 1_000 });

export async function readRaw(url: string): Promise<number> {
  const res = await request(url, { dispatcher: RAW_AGENT, bodyTimeout: 0 });
  let bytes = 0;
  for await (const chunk of res.body) bytes += (chunk as Buffer).length;
  return bytes;
}

export async function readFlowscope(base: string, path: string): Promise<number> {
  const http = new HttpClient({ baseUrl: base, service: 'bench', authorize: () => ({}) });
  const res = await http.send({ method: 'GET', path }, true);
  let events = 0;
  // As the adapters read: batches (one async step per chunk, a plain loop per event), with the
  // follow's abort signal and the idle watchdog armed.
  const follow = new AbortController();
  for await (const batch of readSseBatches(res.body, { signal: follow.signal, idleTimeoutMs: 60_000 })) {
    for (const message of batch) if (message.data.length > 0) events++;
  }
  return events;
}

function readEventSource(url: string, expected: number): Promise<number> {
  return new Promise((resolveCount, reject) => {
    const source = new EventSource(url);
    let events = 0;
    source.onmessage = (ev) => {
      if (ev.data.length > 0) events++;
      // The client would reconnect when the server ends the stream: close at the last event.
      if (events === expected) {
        source.close();
        resolveCount(events);
      }
    };
    source.onerror = () => {
      if (events < expected) {
        source.close();
        reject(new Error(`eventsource: stream failed after ${events} of ${expected} events`));
      }
    };
  });
}

/** The server process's CPU time so far, in ms (bench/sseServer.ts, GET /cpu). */
async function serverCpuMs(base: string): Promise<number> {
  const res = await request(`${base}/cpu`);
  const body = (await res.body.json()) as { micros?: unknown };
  if (typeof body.micros !== 'number') throw new Error('the ingest server answered /cpu without a number');
  return body.micros / 1000;
}

async function trial(client: Client, base: string, size: number, count: number): Promise<Trial> {
  const path = `/ingest?size=${size}&count=${count}`;
  // Whatever the previous trial left is collected now, not during this one.
  collectGarbage();
  const server0 = await serverCpuMs(base);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let events = count;
  if (client === 'raw') {
    const bytes = await readRaw(`${base}${path}`);
    if (bytes !== size * count) throw new Error(`raw: read ${bytes} bytes, expected ${size * count}`);
  } else if (client === 'flowscope') {
    events = await readFlowscope(base, path);
  } else {
    events = await readEventSource(`${base}${path}`, count);
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const serverCpu = (await serverCpuMs(base)) - server0;
  if (events !== count) throw new Error(`${client}: got ${events} events, expected ${count}`);
  return { events, bytes: size * count, ms, cpuMs: (cpu.user + cpu.system) / 1000, serverCpuMs: serverCpu };
}

/** The clients in a different order each repetition, so none always follows the same one. */
function rotation(rep: number): Client[] {
  return CLIENTS.map((_, i) => CLIENTS[(i + rep) % CLIENTS.length] as Client);
}

export async function ingest(opts: GroupOptions): Promise<GroupResult> {
  const started = performance.now();
  const reps = opts.quick ? 3 : 7;
  // Bytes per trial: the raw read of 128 MiB lasts ~0.1 s on a quiet machine, the slowest client
  // ~0.5 s; shorter streams made the raw figure a measure of scheduling noise.
  const volume = opts.quick ? 16 * 1024 * 1024 : 128 * 1024 * 1024;
  const { child, firstLine } = await spawnNode('bench/sseServer.ts', []);
  const base = (JSON.parse(firstLine) as { url: string }).url;
  const rows: Row[] = [];
  const raw: Record<string, unknown> = { reps, bytesPerTrial: volume, sizes: SIZES };
  try {
    for (const size of SIZES) {
      const count = Math.floor(volume / size);
      const loadBefore = loadavg()[0] ?? Number.NaN;
      // Warm-up: one untimed stream of a quarter of the volume per client (JIT tiers, sockets).
      for (const c of CLIENTS) await trial(c, base, size, Math.floor(count / 4));
      const trials: Record<Client, Trial[]> = { raw: [], flowscope: [], eventsource: [] };
      for (let r = 0; r < reps; r++) for (const c of rotation(r)) trials[c].push(await trial(c, base, size, count));
      const load = { before: loadBefore, after: loadavg()[0] ?? Number.NaN };
      rows.push(...sizeRows(size, trials));
      raw[`size${size}`] = { count, trials, load };
      log(`ingest ${label(size)} (load ${fmt(load.before)}–${fmt(load.after)}): ${CLIENTS.map((c) => `${c} ${fmt(mbps(trials[c]).median)} MB/s`).join(', ')}`);
    }
  } finally {
    await RAW_AGENT.close();
    await stopChild(child);
  }
  return {
    group: 'ingest',
    rows,
    raw,
    notes: [
      `Ingest: ${reps} repetitions per client and size, ${Math.round(volume / 1024 / 1024)} MiB per stream, clients in rotated order, a forced collection before each trial, one untimed quarter-length warm-up stream per client and size; server in a separate process on loopback. Flowscope counts parsed messages (readSseBatches with a signal and an idle watchdog, one batch per chunk read, as the adapters consume them), eventsource counts \`message\` events, raw counts bytes. "CPU" figures divide the bytes by the client process's own CPU time, which other load on the machine skews far less than wall time; "server busy" is the server's CPU time over the raw read's wall time (near 100%, the server was the raw read's bound).`,
    ],
    seconds: (performance.now() - started) / 1000,
  };
}

function label(size: number): string {
  return size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
}

const mbps = (trials: readonly Trial[]): Figure => figure(trials.map((t) => t.bytes / 1e6 / (t.ms / 1000)), 'MB/s');
const cpuMbps = (trials: readonly Trial[]): Figure => figure(trials.map((t) => t.bytes / 1e6 / (t.cpuMs / 1000)), 'MB/CPU-s');
const eventsPerSecond = (trials: readonly Trial[]): Figure => figure(trials.map((t) => t.events / (t.ms / 1000)), 'events/s');

/** The three rows of one event size: raw limit, Flowscope (with the target), eventsource. */
function sizeRows(size: number, trials: Record<Client, Trial[]>): Row[] {
  const wall = { raw: mbps(trials.raw), flowscope: mbps(trials.flowscope), eventsource: mbps(trials.eventsource) };
  const cpu = { raw: cpuMbps(trials.raw), flowscope: cpuMbps(trials.flowscope), eventsource: cpuMbps(trials.eventsource) };
  const eps = { raw: eventsPerSecond(trials.raw), flowscope: eventsPerSecond(trials.flowscope), eventsource: eventsPerSecond(trials.eventsource) };
  const serverBusy = figure(trials.raw.map((t) => (100 * t.serverCpuMs) / t.ms), '%');
  const halfRaw = wall.flowscope.median >= 0.5 * wall.raw.median;
  const aheadOfPeer = wall.flowscope.median > wall.eventsource.median;
  const cpuText = (c: Client): string => `by client CPU ${fmt(cpu[c].median)} MB/CPU-s (${fmt(cpu[c].min)}–${fmt(cpu[c].max)})`;
  return [
    {
      group: 'Ingest',
      measure: `${label(size)} events: raw limit (undici, no parsing)`,
      figure: wall.raw,
      compared: `${fmt(eps.raw.median)} events/s; ${cpuText('raw')}; server busy ${fmt(serverBusy.median)}% (${fmt(serverBusy.min)}–${fmt(serverBusy.max)}%) of the read`,
    },
    {
      group: 'Ingest',
      measure: `${label(size)} events: Flowscope (HttpClient + readSseBatches)`,
      figure: wall.flowscope,
      compared: `${fmt(eps.flowscope.median)} events/s; ${ratio(wall.flowscope.median, wall.raw.median)} raw, ${ratio(wall.flowscope.median, wall.eventsource.median)} eventsource; ${cpuText('flowscope')}: ${ratio(cpu.flowscope.median, cpu.raw.median)} raw, ${ratio(cpu.flowscope.median, cpu.eventsource.median)} eventsource`,
      target: { text: '≥ 0.5× raw and > eventsource', met: halfRaw && aheadOfPeer },
    },
    {
      group: 'Ingest',
      measure: `${label(size)} events: eventsource@3 client`,
      figure: wall.eventsource,
      compared: `${fmt(eps.eventsource.median)} events/s; ${ratio(wall.eventsource.median, wall.raw.median)} raw; ${cpuText('eventsource')}`,
    },
  ];
}

if (isMain(import.meta.url)) runAsChild(ingest);
