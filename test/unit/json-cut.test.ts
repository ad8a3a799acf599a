/**
 * How a JSON text is cut into an envelope and the entries of one array (src/core/jsonCut.ts),
 * here White Rabbit stream frames and their in-flight entries. Frames are `RunStreamEvent`s (seed 000 lines
 * 98-118): `output.nonTerminalStages` lists every stage in flight, in every frame. The cut must
 * be exact: wherever it is made, the envelope and the entries parse to what the whole text does,
 * and they fail to parse exactly when the whole text does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ArrayCut } from '../../src/core/jsonCut';
import { cutArray } from '../../src/core/jsonCut';

const DEPTH = 512;
const IN_FLIGHT = ['output', 'nonTerminalStages'];

describe('cutting a frame: written examples', () => {
  it('cuts the envelope from the entries, and names an entry the last frame had by its index', () => {
    const text =
      '{"id":"r1","status":"EXECUTING","output":{"pendingStageCount":2,"nonTerminalStages":[{"id":"a","status":"RUNNING"}, {"id":"b","status":"CREATED"}]},"timestamp":"t"}';
    assert.deepEqual(cutArray(text, IN_FLIGHT, DEPTH, ['{"id":"x"}', '{"id":"b","status":"CREATED"}']), {
      envelope: '{"id":"r1","status":"EXECUTING","output":{"pendingStageCount":2,"nonTerminalStages":[]},"timestamp":"t"}',
      entries: ['{"id":"a","status":"RUNNING"}', 1],
    });
  });

  it('finds the keys wherever they stand, and brackets inside strings are text', () => {
    const text = ' { "timestamp" : "]}" , "output" : { "nonTerminalStages" : [ {"id":"{\\"a\\\\"} ] , "x" : [1] } , "id" : "r" } ';
    assert.deepEqual(cutArray(text, IN_FLIGHT, DEPTH), {
      envelope: ' { "timestamp" : "]}" , "output" : { "nonTerminalStages" : [] , "x" : [1] } , "id" : "r" } ',
      entries: ['{"id":"{\\"a\\\\"}'],
    });
  });

  it('cuts a detail read at runStages, a key of the root object', () => {
    const text = '{"id":"r1","runStages":[{"id":"a","status":"COMPLETED","output":{"runStages":[1]}},{"id":"b"}],"status":"EXECUTING"}';
    assert.deepEqual(cutArray(text, ['runStages'], DEPTH, ['{"id":"b"}']), {
      envelope: '{"id":"r1","runStages":[],"status":"EXECUTING"}',
      entries: ['{"id":"a","status":"COMPLETED","output":{"runStages":[1]}}', 0],
    });
    assert.equal(cutArray('{"runStages":[],"x":{"runStages":[]},"runStages":[{"id":"a"}]}', ['runStages'], DEPTH), undefined, 'runStages twice');
  });

  it('declines what it cannot cut exactly, so that the frame is parsed whole', () => {
    const declined = [
      '{"output":{"nonTerminalStages":[{"id":"a"}]},"output":{"nonTerminalStages":[]}}', // `output` twice: JSON.parse keeps the last
      '{"output":{"nonTerminalStages":[{"id":"a"}],"nonTerminalStages":[]}}', // the array twice
      '{"output":{"nonTerminalStages":[{"id":"a"}],"nonTerminal\\u0053tages":[]}}', // the array's key spelled with an escape
      '{"\\u006futput":{"nonTerminalStages":[]},"output":{"nonTerminalStages":[{"id":"a"}]}}', // `output` spelled with an escape
      '{"output":{"nonTerminalStages":["a"]}}', // an entry that is not an object
      '{"output":{"nonTerminalStages":[{"id":"a"},]}}', // a trailing comma
      '{"output":{"nonTerminalStages":[,{"id":"a"}]}}', // a leading comma
      '{"output":{"nonTerminalStages":[{"id":"a"},,{"id":"b"}]}}', // two commas
      '{"output":{"nonTerminalStages":[{"id":"a"} {"id":"b"}]}}', // a missing comma
      '{"output":{"nonTerminalStages":{"id":"a"}}}', // not an array
      '{"output":{"nonTerminalStages":null}}',
      '{"output":null}',
      '{"id":"r","status":"COMPLETED"}',
      '{"output":{"nonTerminalStages":[{"id":"a}]}}', // an unterminated string
      '{"output":{"nonTerminalStages":[{"id":{"deeper":{"than":"four"}}}]}}', // past maxDepth 5 below
    ];
    for (const text of declined) assert.equal(cutArray(text, IN_FLIGHT, 5), undefined, text);
  });
});

// ---------------------------------------------------------------------------
// Generated frames: hostile strings, any whitespace, keys in any order, extra members, nesting
// ---------------------------------------------------------------------------

/** A JSON text written as pieces, so that whitespace and escapes vary and keys can repeat. */
type Node = { readonly obj: ReadonlyArray<readonly [string, Node]> } | { readonly arr: readonly Node[] } | { readonly raw: string };

/** A key or string as JSON text, some characters escaped as `\uXXXX` (still the same string). */
const jsonString = (value: string, escapeEvery: number): string =>
  JSON.stringify(value).replace(/[a-z]/g, (c, at: number) => (escapeEvery > 0 && at % escapeEvery === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c));

const hostile = fc.oneof(fc.string(), fc.constantFrom('"', '\\', '\\"', '{', '}', '[', ']', ',', ':', '"nonTerminalStages":[', '\\u0022', 'output'));

const scalar: fc.Arbitrary<Node> = fc.oneof(
  fc.tuple(hostile, fc.nat(3)).map(([s, e]) => ({ raw: jsonString(s, e) })),
  fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)).map((v) => ({ raw: JSON.stringify(v) })),
);

const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('node'), { maxLength: 3 }).map((arr) => ({ arr })),
    fc.array(fc.tuple(hostile.map((k) => jsonString(k, 0)), tie('node')), { maxLength: 3 }).map((obj) => ({ obj })),
  ),
}));

/** One in-flight entry: a stage (seed 000 lines 106-112) with extra members, sometimes nested. */
const entry: fc.Arbitrary<Node> = fc
  .tuple(fc.uuid(), fc.constantFrom('CREATED', 'RUNNING'), fc.array(fc.tuple(hostile.map((k) => jsonString(k, 0)), node), { maxLength: 2 }))
  .map(([id, status, extra]) => ({ obj: [['"id"', { raw: JSON.stringify(id) }], ['"status"', { raw: JSON.stringify(status) }], ...extra] }));

/** Writes a node, with whitespace from `ws` between tokens. */
function write(n: Node, ws: () => string): string {
  if ('raw' in n) return n.raw;
  if ('arr' in n) return `[${ws()}${n.arr.map((x) => write(x, ws)).join(`${ws()},${ws()}`)}${ws()}]`;
  return `{${ws()}${n.obj.map(([k, v]) => `${k}${ws()}:${ws()}${write(v, ws)}`).join(`${ws()},${ws()}`)}${ws()}}`;
}

/** Whitespace from a seed: mostly none, sometimes any of JSON's four characters. */
function whitespace(seed: number): () => string {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % 4 === 0 ? [' ', '\n', '\t', '\r', '  '][(state >>> 8) % 5] ?? '' : '';
  };
}

/**
 * A text around entries already written (so that two texts can share them word for word): a
 * stream frame, the array at `output.nonTerminalStages`, or a detail read (seed 000 lines 45-64),
 * the array at `runStages`.
 */
function textAround(entries: readonly string[], around: { extra: Node[]; order: number; ws: number }, shape: Shape): string {
  const ws = whitespace(around.ws);
  const array: Node = { raw: `[${ws()}${entries.join(`${ws()},${ws()}`)}${ws()}]` };
  const extra = (from: number, name: string) => around.extra.slice(from).map((v, i): [string, Node] => [`"${name}${i}"`, v]);
  const output: Node = { obj: [['"pendingStageCount"', { raw: String(entries.length) }], ['"nonTerminalStages"', array], ...extra(2, 'x')] };
  const members: Array<[string, Node]> = [
    ['"id"', { raw: '"5a4d0b01-0001-4000-8000-000000000101"' }],
    ['"status"', { raw: '"EXECUTING"' }],
    ...(shape === 'frame'
      ? [['"output"', output] satisfies [string, Node]]
      : [['"runStages"', array] satisfies [string, Node], ['"pendingStageCount"', { raw: '1' }] satisfies [string, Node]]),
    ['"timestamp"', { raw: '"2026-04-20T10:00:05Z"' }],
    ...extra(0, 'extra').slice(0, 2),
  ];
  const rotated = [...members.slice(around.order % members.length), ...members.slice(0, around.order % members.length)];
  return write({ obj: rotated }, ws);
}

type Shape = 'frame' | 'detail';
const PATHS: Record<Shape, readonly string[]> = { frame: IN_FLIGHT, detail: ['runStages'] };

const surroundings = fc.record({ extra: fc.array(node, { maxLength: 3 }), order: fc.nat(8), ws: fc.integer() });

/**
 * Two frames: the second keeps some of the first's entries, word for word and in order, and adds
 * others. At most three entries in a row leave between two kept ones: a repeat is looked for
 * within four entries of the last one found (`LOOKAHEAD`), as when stages end a few at a time.
 */
const kept = fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }).filter((k) => !k.join().includes('false,false,false,false'));
const framePair = fc
  .tuple(fc.array(entry, { maxLength: 8 }), kept, fc.array(entry, { maxLength: 4 }), fc.integer(), surroundings, surroundings, fc.constantFrom<Shape>('frame', 'detail'))
  .map(([firstEntries, kept, added, entryWs, a, b, shape]) => {
    const ws = whitespace(entryWs);
    const first = firstEntries.map((e) => write(e, ws));
    const second = first.filter((_, i) => kept[i]);
    for (const [i, e] of added.entries()) second.splice((i * 3) % (second.length + 1), 0, write(e, ws));
    return { first: textAround(first, a, shape), second: textAround(second, b, shape), path: PATHS[shape] };
  });

const tryParse = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

/** The entries' texts as the reader keeps them for the next frame. */
const textsOf = (cut: ArrayCut, previous: readonly string[]): string[] => cut.entries.map((e) => (typeof e === 'number' ? (previous[e] as string) : e));

/** The value the cut pieces make together, or not ok when one of them does not parse. */
function assemble(cut: ArrayCut, path: readonly string[], previous: readonly string[]): { ok: true; value: unknown } | { ok: false } {
  const envelope = tryParse(cut.envelope);
  if (!envelope.ok) return envelope;
  const values: unknown[] = [];
  for (const text of textsOf(cut, previous)) {
    const parsed = tryParse(text);
    if (!parsed.ok) return parsed;
    values.push(parsed.value);
  }
  let holder = envelope.value as Record<string, unknown>;
  for (const key of path.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  assert.deepEqual(holder[last], [], 'the envelope keeps an empty array');
  holder[last] = values;
  return { ok: true, value: envelope.value };
}

describe('cutting a frame or a detail read: generated texts', () => {
  it('cuts every frame of the documented shape, and the pieces make the whole frame; repeated entries are named, not copied', () => {
    fc.assert(
      fc.property(framePair, ({ first, second, path }) => {
        const one = cutArray(first, path, DEPTH);
        assert.ok(one, first);
        assert.deepEqual(assemble(one, path, []), { ok: true, value: JSON.parse(first) });
        const previous = textsOf(one, []);
        const two = cutArray(second, path, DEPTH, previous);
        assert.ok(two, second);
        assert.deepEqual(assemble(two, path, previous), { ok: true, value: JSON.parse(second) });
        // Every entry kept from the first frame is named by its index there.
        const kept = textsOf(two, previous).filter((t) => previous.includes(t)).length;
        assert.equal(two.entries.filter((e) => typeof e === 'number').length, kept);
      }),
      { numRuns: 400 },
    );
  });

  it('a frame broken anywhere: the pieces fail to parse exactly when the whole text does', () => {
    // Half the damage lands anywhere, half in the array (from its key on), where the cut is made.
    const damage = fc.tuple(fc.nat(), fc.boolean(), fc.constantFrom('delete', 'insert'), fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', 'a', '1', ' '));
    fc.assert(
      fc.property(framePair, damage, ({ first, second, path }, [at, inArray, how, c]) => {
        const previous = textsOf(cutArray(first, path, DEPTH) as ArrayCut, []);
        const from = inArray ? second.lastIndexOf(`"${path[path.length - 1] as string}"`) : 0;
        const i = from + (at % (second.length + 1 - from));
        const broken = how === 'delete' ? second.slice(0, i) + second.slice(i + 1) : second.slice(0, i) + c + second.slice(i);
        const cut = cutArray(broken, path, DEPTH, previous);
        if (!cut) return; // parsed whole by the reader: nothing to compare
        assert.deepEqual(assemble(cut, path, previous), tryParse(broken), broken);
      }),
      { numRuns: 2000 },
    );
  });

  it('nothing nested deeper than the limit is cut', () => {
    const depthOf = (v: unknown): number => (typeof v === 'object' && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
    fc.assert(
      fc.property(framePair, fc.integer({ min: 3, max: 7 }), ({ second, path }, limit) => {
        const cut = cutArray(second, path, limit);
        if (cut) assert.ok(depthOf(JSON.parse(second)) <= limit, `cut at depth limit ${limit}: ${second}`);
      }),
      { numRuns: 400 },
    );
  });
});
