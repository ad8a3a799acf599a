/**
 * A purpose-built SSE server for the ingest and latency groups, run as its own process so that
 * producing events never competes with the client under test for its event loop (on loopback the
 * two processes then use the machine's two cores).
 *
 *   GET /ingest?size=S&count=N
 *       N identical White Rabbit-shaped events of exactly S bytes each (frame included), written
 *       as fast as the socket takes them. Every client under test reads the very same bytes.
 *   GET /cpu
 *       `{"micros": N}`: this process's CPU time so far, so a trial can tell whether the server
 *       was its bound.
 *   GET /v1/sdk/workflows/executions/lat_<rate>_<count>_<stages>/stream
 *       White Rabbit run events paced at <rate> per second. Each event carries its send time
 *       (CLOCK_MONOTONIC ms, see monoMs) in `output.totalUsage`, the one numeric run field the
 *       adapter passes through unchanged, so the client can tell each event's latency from the
 *       Run it ends up in. The stream ends with a COMPLETED event.
 *   GET /v1/sdk/workflows/executions/<id>
 *       The run detail the adapter reads once the stream says the run ended.
 *
 * Prints `{"url": ...}` on stdout once listening. Signatures are not checked: the benchmark
 * measures reading, not authentication.
 */
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monoMs } from './util';

/** One SSE frame of exactly `size` bytes, padded inside the JSON so it stays valid. */
export function ingestFrame(size: number): string {
  const head = 'data: {"id":"run-ingest","status":"EXECUTING","timestamp":"2026-01-01T00:00:00.000Z","output":{"pad":"';
  const tail = '"}}\n\n';
  const pad = size - head.length - tail.length;
  if (pad < 0) throw new Error(`an ingest frame cannot be smaller than ${head.length + tail.length} bytes`);
  return `${head}${'x'.repeat(pad)}${tail}`;
}

async function serveIngest(res: ServerResponse, size: number, count: number): Promise<void> {
  const frame = ingestFrame(size);
  // Write in ~64 KiB chunks of whole frames: cheap for the server, and the chunk boundaries the
  // client sees are then set by TCP, as with a real server under load.
  const perChunk = Math.max(1, Math.floor(65_536 / size));
  const chunk = Buffer.from(frame.repeat(perChunk), 'utf8');
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-events': String(count) });
  let left = count;
  while (left > 0) {
    const n = Math.min(left, perChunk);
    const ok = res.write(n === perChunk ? chunk : chunk.subarray(0, n * size));
    left -= n;
    if (!ok) await new Promise<void>((r) => res.once('drain', () => r()));
    if (res.destroyed) return;
  }
  res.end();
}

const STAGE_MODULES = ['agent', 'code', 'general_api', 'platform_api'];

function latencyEvent(seq: number, stages: number, sentAt: number, terminal: boolean): string {
  // Three stages in flight, moving forward by one each event, so consecutive Runs really differ
  // in their stages (not only in the time stamp) as they would in a real run.
  const nonTerminalStages = terminal
    ? []
    : [0, 1, 2].map((j) => {
        const s = (seq + j) % stages;
        return { id: `stage-${s}`, module: STAGE_MODULES[s % STAGE_MODULES.length], status: j === 0 ? 'EXECUTING' : 'CREATED', executionAttempt: 1 };
      });
  const event = {
    id: 'run',
    status: terminal ? 'COMPLETED' : 'EXECUTING',
    timestamp: new Date().toISOString(),
    output: { totalUsage: sentAt, pendingStageCount: stages - (seq % stages), failedStageCount: 0, nonTerminalStages },
  };
  return `data: ${JSON.stringify(event)}\n\n`;
}

function serveLatency(res: ServerResponse, rate: number, count: number, stages: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const t0 = monoMs();
  let sent = 0;
  let closed = false;
  res.on('close', () => (closed = true));
  const tick = (): void => {
    if (closed) return;
    // Catch up on every event due by now: timers fire late, the schedule does not drift.
    const due = Math.min(count, Math.floor(((monoMs() - t0) * rate) / 1000) + 1);
    while (sent < due) {
      // The stamp is taken right before the write of that very event.
      res.write(latencyEvent(sent, stages, monoMs(), false));
      sent++;
    }
    if (sent < count) {
      // Sleep until the next event is due; timers have ~1 ms granularity, so at high rates
      // several events go out per tick (and may share a TCP segment, as with a real server).
      setTimeout(tick, Math.max(1, t0 + (sent * 1000) / rate - monoMs()));
    } else {
      res.end(latencyEvent(sent, stages, -1, true));
    }
  };
  tick();
}

function serveDetail(res: ServerResponse, id: string): void {
  const body = JSON.stringify({
    id,
    status: 'COMPLETED',
    pendingStageCount: 0,
    failedStageCount: 0,
    // Negative: the client ignores it as a latency sample.
    totalUsage: -1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: new Date().toISOString(),
    runStages: [],
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function main(): void {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://bench.local');
    const num = (name: string, fallback: number): number => Number(url.searchParams.get(name) ?? fallback);
    if (url.pathname === '/cpu') {
      // The server's own CPU time so far (µs), read by the ingest group before and after a trial:
      // a server busy for the whole trial is the bound, not the client under test.
      const { user, system } = process.cpuUsage();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ micros: user + system }));
      return;
    }
    if (url.pathname === '/ingest') {
      void serveIngest(res, num('size', 1024), num('count', 1000));
      return;
    }
    const stream = /^\/v1\/sdk\/workflows\/executions\/lat_(\d+)_(\d+)_(\d+)\/stream$/.exec(url.pathname);
    if (stream) {
      serveLatency(res, Number(stream[1]), Number(stream[2]), Number(stream[3]));
      return;
    }
    const detail = /^\/v1\/sdk\/workflows\/executions\/([^/]+)$/.exec(url.pathname);
    if (detail) {
      serveDetail(res, decodeURIComponent(detail[1] ?? ''));
      return;
    }
    res.writeHead(404).end();
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

if (process.argv[1]?.endsWith('sseServer.ts')) main();
