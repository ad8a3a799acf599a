/**
 * How the SSE reader turns bytes into text: the WHATWG UTF-8 decoding the EventSource standard
 * asks for ("decode the stream as UTF-8", HTML Living Standard §9.2.5, which also says one leading
 * byte order mark is ignored), wherever the chunks are cut.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { readSse } from '../../src/core/sse';
import type { SseMessage } from '../../src/core/sse';

async function* chunks(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of cuts) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of readSse(source)) out.push(m);
  return out;
}

/** The stream whole, cut once at every byte, and one byte per chunk: each must read as `expected`. */
async function assertEveryCut(bytes: Uint8Array, expected: SseMessage[]): Promise<void> {
  assert.deepEqual(await collect(chunks(bytes, [])), expected, 'whole');
  for (let cut = 1; cut < bytes.length; cut++) assert.deepEqual(await collect(chunks(bytes, [cut])), expected, `split at byte ${cut}`);
  const everyByte = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
  assert.deepEqual(await collect(chunks(bytes, everyByte)), expected, 'one byte per chunk');
}

test('one leading byte order mark is ignored, even cut between chunks; a BOM later in the stream is data', async () => {
  const bytes = new TextEncoder().encode('\uFEFFdata: a\n\ndata: \uFEFFb\n\n');
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the stream starts with the BOM bytes');
  await assertEveryCut(bytes, [
    { event: 'message', data: 'a' },
    { event: 'message', data: '\uFEFFb' },
  ]);
});

test('invalid UTF-8 becomes U+FFFD, one per maximal invalid subpart, the same wherever the chunks are cut', async () => {
  const bytes = Uint8Array.from([
    ...new TextEncoder().encode('data: a'),
    0xc3, // a lead byte without its continuation
    ...new TextEncoder().encode('b'),
    0xe2, 0x9c, // a three-byte character cut short
    0xf0, 0x9f, 0x90, 0x87, // 🐇, whole
    0xff, // never valid
    0xed, 0xa0, 0x80, // an encoded surrogate: three replacement characters
    ...new TextEncoder().encode('é\n\n'),
  ]);
  await assertEveryCut(bytes, [{ event: 'message', data: 'a\uFFFDb\uFFFD🐇\uFFFD\uFFFD\uFFFD\uFFFDé' }]);
});

test('a character cut at the very end of the stream becomes U+FFFD in the last frame', async () => {
  // The last frame has no blank line: it still counts, and its unfinished character is replaced.
  const bytes = Uint8Array.from([...new TextEncoder().encode('data: z'), 0xf0, 0x9f, 0x90]);
  await assertEveryCut(bytes, [{ event: 'message', data: 'z\uFFFD' }]);
});

/**
 * Pieces of SSE streams, in bytes: fields, line ends of the three kinds, multi-byte and invalid
 * UTF-8, a BOM. The invalid pieces include the ones where a decoder that buffers an unfinished
 * character (StringDecoder) could part from one that checks each byte as it comes (TextDecoder):
 * lead bytes whose second byte has a narrower range than 80..BF (E0 needs A0..BF, ED 80..9F,
 * F0 90..BF, F4 80..8F; Unicode 15 table 3-7), each followed by a second byte just outside it;
 * the same leads with an allowed second byte (F4 8F, ED 9F), lone continuation bytes to complete
 * or break them, and a 4-byte character cut after three bytes.
 */
const PIECES: readonly Uint8Array[] = [
  'data: ', 'data:', 'event: ', 'id: ', 'retry: 10', ': note', ':', 'x', '{"k":1}', 'é', '✓', '🐇', '\uFEFF', ' ',
  '\n', '\n', '\n\n', '\r', '\r\n', '\r\n\r\n',
].map((s) => new TextEncoder().encode(s))
  .concat([Uint8Array.of(0xff), Uint8Array.of(0xc3), Uint8Array.of(0xe2, 0x9c), Uint8Array.of(0xf0, 0x9f)])
  .concat([Uint8Array.of(0xe0, 0x80), Uint8Array.of(0xed, 0xa0), Uint8Array.of(0xf4, 0x90), Uint8Array.of(0xf0, 0x80)])
  .concat([Uint8Array.of(0xf4, 0x8f), Uint8Array.of(0xed, 0x9f), Uint8Array.of(0x80), Uint8Array.of(0xbf), Uint8Array.of(0xf0, 0x9f, 0x90)]);

/**
 * The reference reading: the whole stream decoded at once by TextDecoder (the WHATWG decoder,
 * which drops one leading BOM) and framed at once by eventsource-parser, plus the reader's one
 * documented addition: a last frame without its blank line still counts.
 */
function referenceRead(bytes: Uint8Array): SseMessage[] {
  const out: SseMessage[] = [];
  const parser = createParser({ onEvent: (m) => out.push(m.id ? { event: m.event || 'message', data: m.data, id: m.id } : { event: m.event || 'message', data: m.data }) });
  parser.feed(`${new TextDecoder().decode(bytes)}\n\n`);
  return out;
}

test('any byte stream, cut anywhere, reads as TextDecoder and eventsource-parser read it whole (property)', async () => {
  const stream = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 30 }).map((parts) => {
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
    return bytes;
  });
  const withCuts = stream.chain((bytes) => fc.tuple(fc.constant(bytes), fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 12 })));
  await fc.assert(
    fc.asyncProperty(withCuts, async ([bytes, cuts]) => {
      const inOrder = cuts.filter((c) => c < bytes.length).sort((a, b) => a - b);
      assert.deepEqual(await collect(chunks(bytes, inOrder)), referenceRead(bytes));
    }),
    { numRuns: 500 },
  );
});
