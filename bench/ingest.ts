/**
 * Stream ingest: how fast events get through Flowscope's SSE reader (HttpClient + readSseBatches, the
 * production path of every adapter's follow()), against the `eventsource` npm client and against
 * the raw limit: the same bytes read with undici and not parsed at all. Same server process, same
 * events, three event sizes. Each trial reads a whole stream; throughput = bytes / wall time from
 * request to last event.
 */
import { EventSource } from 'eventsource';
import { request } from 'undici';
import { HttpClient } from '../src/core/http';
import { readSseBatches } from '../src/core/sse';
import type { Figure, GroupOptions, GroupResult, Row } from './util';
import { figure, fmt, isMain, log, ratio, runAsChild, spawnNode, stopChild } from './util';

type Client = 'raw' | 'flowscope' | 'eventsource';
const CLIENTS: readonly Client[] = ['raw', 'flowscope', 'eventsource'];

/** Event sizes (bytes per frame): a bare status change, a typical run event, a fat output. */
const SIZES = [128, 1024, 16_384];

interface Trial {
  readonly events: number;
  readonly bytes: number;
  readonly ms: number;
}

async function readRaw(url: string): Promise<number> {
  const res = await request(url);
  let bytes = 0;
  for await (const chunk of res.body) bytes += (chunk as Buffer).length;
  return bytes;
}

async function readFlowscope(base: string, path: string): Promise<number> {
  const http = new HttpClient({ baseUrl: base, service: 'bench', authorize: () => ({}) });
  const res = await http.send({ method: 'GET', path }, true);
  let events = 0;
  // Batches, as the adapters read them: one async step per chunk, a plain loop per event.
  for await (const batch of readSseBatches(res.body)) for (const message of batch) if (message.data.length > 0) events++;
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

async function trial(client: Client, base: string, size: number, count: number): Promise<Trial> {
  const path = `/ingest?size=${size}&count=${count}`;
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
  if (events !== count) throw new Error(`${client}: got ${events} events, expected ${count}`);
  return { events, bytes: size * count, ms };
}

export async function ingest(opts: GroupOptions): Promise<GroupResult> {
  const started = performance.now();
  const reps = opts.quick ? 2 : 7;
  // Bytes per trial: enough for a stream to last ~0.1–1 s on this kind of machine.
  const volume = opts.quick ? 8 * 1024 * 1024 : 64 * 1024 * 1024;
  const { child, firstLine } = await spawnNode('bench/sseServer.ts', []);
  const base = (JSON.parse(firstLine) as { url: string }).url;
  const rows: Row[] = [];
  const raw: Record<string, unknown> = { reps, bytesPerTrial: volume, sizes: SIZES };
  try {
    for (const size of SIZES) {
      const count = Math.floor(volume / size);
      // Warm-up: one small untimed stream per client (JIT, sockets).
      for (const c of CLIENTS) await trial(c, base, size, Math.min(count, 2_000));
      const trials: Record<Client, Trial[]> = { raw: [], flowscope: [], eventsource: [] };
      // Interleave clients within each repetition so slow drift (thermal, other load) hits all alike.
      for (let r = 0; r < reps; r++) for (const c of CLIENTS) trials[c].push(await trial(c, base, size, count));
      const mbps = (c: Client): Figure => figure(trials[c].map((t) => t.bytes / 1e6 / (t.ms / 1000)), 'MB/s');
      const eps = (c: Client): Figure => figure(trials[c].map((t) => t.events / (t.ms / 1000)), 'events/s');
      const f = { raw: mbps('raw'), flowscope: mbps('flowscope'), eventsource: mbps('eventsource') };
      const e = { raw: eps('raw'), flowscope: eps('flowscope'), eventsource: eps('eventsource') };
      raw[`size${size}`] = { count, trials, mbps: f, eventsPerSecond: e };
      const label = size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
      const halfRaw = f.flowscope.median >= 0.5 * f.raw.median;
      const aheadOfPeer = f.flowscope.median > f.eventsource.median;
      rows.push({
        group: 'Ingest',
        measure: `${label} events: raw limit (undici, no parsing)`,
        figure: f.raw,
        compared: `${fmt(e.raw.median)} events/s`,
      });
      rows.push({
        group: 'Ingest',
        measure: `${label} events: Flowscope (HttpClient + readSseBatches)`,
        figure: f.flowscope,
        compared: `${fmt(e.flowscope.median)} events/s; ${ratio(f.flowscope.median, f.raw.median)} raw, ${ratio(f.flowscope.median, f.eventsource.median)} eventsource`,
        target: { text: '≥ 0.5× raw and > eventsource', met: halfRaw && aheadOfPeer },
      });
      rows.push({
        group: 'Ingest',
        measure: `${label} events: eventsource@3 client`,
        figure: f.eventsource,
        compared: `${fmt(e.eventsource.median)} events/s; ${ratio(f.eventsource.median, f.raw.median)} raw`,
      });
      log(`ingest ${label}: raw ${fmt(f.raw.median)} MB/s, flowscope ${fmt(f.flowscope.median)} MB/s, eventsource ${fmt(f.eventsource.median)} MB/s`);
    }
  } finally {
    await stopChild(child);
  }
  return {
    group: 'ingest',
    rows,
    raw,
    notes: [
      `Ingest: ${reps} repetitions per client and size, ${Math.round(volume / 1024 / 1024)} MiB per stream, server in a separate process on loopback; Flowscope counts parsed messages (readSseBatches, one batch per chunk read, as the adapters consume them), eventsource counts \`message\` events, raw counts bytes.`,
    ],
    seconds: (performance.now() - started) / 1000,
  };
}

if (isMain(import.meta.url)) runAsChild(ingest);
