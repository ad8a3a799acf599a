import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { request } from 'undici';
import { FlowscopeError } from '../../src/core/errors';
import { readSse, readSseBatches } from '../../src/core/sse';
import type { SseMessage } from '../../src/core/sse';
import type { ServerResponse } from 'node:http';
import { manualTimers } from './helpers/manual-timers';
import { startTestServer } from './helpers/server';

const STREAM =
  ': connected\r\n\r\n' +
  'data: {"n":1,"text":"héllo ✓ 🐇"}\r\n\r\n' +
  'event: activity-run\ndata: {"content":\ndata: {"stepId":"a"}}\n\n' +
  ':ping\n\n' +
  'data: :ping\n\n' +
  'id: 7\rdata: cr-only line endings\r\r' +
  'event: result\ndata: {"ok":true}'; // last frame lacks its blank line

const EXPECTED: SseMessage[] = [
  { event: 'message', data: '{"n":1,"text":"héllo ✓ 🐇"}' },
  { event: 'activity-run', data: '{"content":\n{"stepId":"a"}}' },
  { event: 'message', data: 'cr-only line endings', id: '7' },
  { event: 'result', data: '{"ok":true}' },
];

async function* chunks(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

async function collect(source: AsyncIterable<Uint8Array>, heartbeats?: { n: number }): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of readSse(source, { onHeartbeat: () => heartbeats && heartbeats.n++ })) out.push(m);
  return out;
}

test('a stream split at every single byte parses the same (inside UTF-8 characters, between CR and LF)', async () => {
  const bytes = new TextEncoder().encode(STREAM);
  const whole = await collect(chunks(bytes, []));
  assert.deepEqual(whole, EXPECTED);
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.deepEqual(await collect(chunks(bytes, [cut])), EXPECTED, `split at byte ${cut}`);
  }
  const beats = { n: 0 };
  const byteByByte = await collect(chunks(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)), beats);
  assert.deepEqual(byteByByte, EXPECTED, 'one byte per chunk');
  assert.equal(beats.n, 3, 'the connect comment, :ping and data: :ping are heartbeats, never events');
});

test('any chunking of a stream parses to the same events (property)', async () => {
  const bytes = new TextEncoder().encode(STREAM);
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), async (cuts) => {
      assert.deepEqual(await collect(chunks(bytes, cuts)), EXPECTED);
    }),
    { numRuns: 300 },
  );
});

test('a frame beyond the size limit ends the stream with a clear protocol error', async () => {
  const big = new TextEncoder().encode(`data: ${'x'.repeat(10_000)}\n\n`);
  await assert.rejects(
    async () => {
      for await (const _ of readSse(chunks(big, [4096, 8192]), { maxFrameBytes: 2048 })) void _;
    },
    (e: unknown) => e instanceof FlowscopeError && e.reason === 'protocol' && /larger than 2 KiB/.test(e.message),
  );
});

test('a CRLF cut between its CR and its LF ends one line, not two (multi-line data split at every byte)', async () => {
  const bytes = new TextEncoder().encode('data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n');
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.deepEqual(await collect(chunks(bytes, [cut])), [{ event: 'message', data: 'a\nb' }, { event: 'message', data: 'c' }], `split at byte ${cut}`);
  }
});

test('the events of one read come as one batch, in order, for consumers that loop without awaiting each', async () => {
  const bytes = new TextEncoder().encode('data: 1\n\ndata: 2\n\n: comment\n\nevent: e\ndata: 3\n\ndata: 4');
  const batches: string[][] = [];
  for await (const batch of readSseBatches(chunks(bytes, [24]))) batches.push(batch.map((m) => `${m.event}:${m.data}`));
  // The cut at byte 24 falls inside `event: e`: frame 3 ends in the second read, frame 4 at the end of the stream.
  assert.deepEqual(batches, [['message:1', 'message:2'], ['e:3'], ['message:4']]);
});

test('a line that never ends is refused at the frame limit, before the stream ends', async () => {
  const endless = new TextEncoder().encode(`data: ${'x'.repeat(10_000)}`);
  let reads = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const c of chunks(endless, [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000])) {
      reads++;
      yield c;
    }
  }
  await assert.rejects(
    async () => {
      for await (const _ of readSseBatches(counted(), { maxFrameBytes: 2048 })) void _;
    },
    (e: unknown) => e instanceof FlowscopeError && e.reason === 'protocol' && /larger than 2 KiB/.test(e.message),
  );
  assert.equal(reads, 3, 'refused at the third kilobyte, not after reading all ten');
});

test('the watchdog ends a silent stream over a real socket, when its idle time has passed', async () => {
  const server = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"first":true}\n\n'); // then silence, socket left open
  });
  let body: { destroy(): void } | undefined;
  try {
    const res = await request(`${server.url}/stream`);
    body = res.body;
    // The watchdog's clock moves only when the test says so: the timing is checked, not measured.
    const timers = manualTimers();
    const stream = readSse(res.body, { idleTimeoutMs: 3_000, timers });
    assert.deepEqual(await stream.next(), { done: false, value: { event: 'message', data: '{"first":true}' } });
    const armedBefore = timers.armed;
    let outcome = 'pending' as unknown;
    const second = stream.next().then(
      (r) => (outcome = r),
      (e: unknown) => (outcome = e),
    );
    await timers.armedMoreThan(armedBefore);
    assert.deepEqual(timers.pending(), [3_000], 'one watchdog, set to the idle timeout');
    timers.advance(2_999);
    // Let whatever the clock started run to its end before looking: one macrotask is enough.
    await new Promise((r) => setImmediate(r));
    assert.equal(outcome, 'pending', 'not silent long enough yet');
    timers.advance(1);
    const ended: unknown = await second;
    assert.ok(ended instanceof FlowscopeError && ended.reason === 'timeout', String(ended));
    assert.equal(ended.message, 'The stream was silent for 3 s (no event, no heartbeat).');
  } finally {
    body?.destroy(); // a failed check leaves a read pending: end it, or the server never closes
    await server.close();
  }
});

test('pings keep a slow stream alive past the idle timeout', async () => {
  // The server writes each frame when the test asks; between them the watchdog's clock moves
  // 200 ms, so 1.2 s pass in all against an idle timeout of 250 ms.
  let respond!: (res: ServerResponse) => void;
  const connected = new Promise<ServerResponse>((resolve) => (respond = resolve));
  const server = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    respond(res);
  });
  try {
    const res = await request(`${server.url}/stream`);
    const response = await connected;
    const timers = manualTimers();
    let heartbeats = 0;
    const out: string[] = [];
    const reading = (async () => {
      for await (const m of readSse(res.body, { idleTimeoutMs: 250, timers, onHeartbeat: () => heartbeats++ })) out.push(m.data);
    })();
    for (let i = 0; i < 6; i++) {
      const armed = timers.armed;
      response.write(':ping\n\n');
      // The ping was read and the watchdog set afresh: then 200 ms pass.
      // (If the stream ends instead, for instance on a watchdog that pings did not reset, fail.)
      await Promise.race([timers.armedMoreThan(armed), reading]);
      timers.advance(200);
    }
    response.end('data: done\n\n');
    await reading;
    assert.deepEqual(out, ['done']);
    assert.equal(heartbeats, 6);
  } finally {
    await server.close();
  }
});

test('aborting the signal ends reading promptly with an aborted error', async () => {
  const server = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(':hi\n\n');
  });
  try {
    const res = await request(`${server.url}/stream`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(
      async () => {
        for await (const _ of readSse(res.body, { signal: controller.signal })) void _;
      },
      (e: unknown) => e instanceof FlowscopeError && e.reason === 'aborted',
    );
  } finally {
    await server.close();
  }
});
