import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyGraphEdits, graphFixes } from '../../src/core/graph/fixes';
import type { GraphDiagnosticCode } from '../../src/core/graph/graphDiagnostic';
import { validateGraphText } from '../../src/core/graph/validate';

/**
 * Quick fixes for graph files (issue 13, "Graph files"): each fix is found from the validator's
 * own diagnostic (its code and where it starts), applied, and the whole resulting text compared
 * with what a user would have typed.
 */

/** The fixes offered for the validator's first diagnostic with `code` in `text`. */
function fixesFor(text: string, code: GraphDiagnosticCode): ReturnType<typeof graphFixes> {
  const diagnostic = validateGraphText(text, { targetKind: 'powabase' }).find((d) => d.code === code);
  assert.ok(diagnostic, `the validator reports ${code}`);
  const lines = text.split('\n');
  const offset = lines.slice(0, diagnostic.range.start.line).reduce((sum, l) => sum + l.length + 1, 0) + diagnostic.range.start.character;
  return graphFixes(text, code, offset);
}

const TYPO_EDGE = `{
  "blocks": [
    { "id": "start", "type": "starter" },
    { "id": "fetch", "type": "code" },
    { "id": "respond", "type": "response" }
  ],
  "edges": [
    { "source": "start", "target": "fetch" },
    { "source": "fecth", "target": "respond" }
  ]
}
`;

test('(unit) an edge to a missing block: "did you mean" replaces the id with the nearest block id', () => {
  const fixes = fixesFor(TYPO_EDGE, 'missing-block');
  assert.deepEqual(fixes.map((f) => f.title), ['Change "fecth" to "fetch"']);
  assert.equal(
    applyGraphEdits(TYPO_EDGE, fixes[0]!.edits),
    `{
  "blocks": [
    { "id": "start", "type": "starter" },
    { "id": "fetch", "type": "code" },
    { "id": "respond", "type": "response" }
  ],
  "edges": [
    { "source": "start", "target": "fetch" },
    { "source": "fetch", "target": "respond" }
  ]
}
`,
  );
});

test('(unit) an edge to a block with no near id gets no guess', () => {
  const text = TYPO_EDGE.replace('"fecth"', '"somewhere-else"');
  assert.deepEqual(fixesFor(text, 'missing-block'), []);
});

test('(unit) a duplicate id is renamed to the first free "-N" id, the first block keeps its id', () => {
  const text = `{
  "blocks": [
    { "id": "start", "type": "starter" },
    { "id": "fetch", "type": "code" },
    { "id": "fetch-2", "type": "code" },
    { "id": "fetch", "type": "response" }
  ],
  "edges": [{ "source": "start", "target": "fetch" }, { "source": "fetch", "target": "fetch-2" }]
}`;
  const fixes = fixesFor(text, 'duplicate-block-id');
  assert.deepEqual(fixes.map((f) => f.title), ['Rename this block to "fetch-3"']);
  assert.equal(
    applyGraphEdits(text, fixes[0]!.edits),
    `{
  "blocks": [
    { "id": "start", "type": "starter" },
    { "id": "fetch", "type": "code" },
    { "id": "fetch-2", "type": "code" },
    { "id": "fetch-3", "type": "response" }
  ],
  "edges": [{ "source": "start", "target": "fetch" }, { "source": "fetch", "target": "fetch-2" }]
}`,
  );
});

test('(unit) an unknown block type becomes the nearest known one', () => {
  const text = '{"blocks":[{"id":"s","type":"starter"},{"id":"c","type":"conditon"},{"id":"r","type":"response"}],"edges":[{"source":"s","target":"c"},{"source":"c","target":"r","condition":"yes"}]}';
  const fixes = fixesFor(text, 'unknown-block-type');
  assert.deepEqual(fixes.map((f) => f.title), ['Change the block type to "condition"']);
  assert.equal(
    applyGraphEdits(text, fixes[0]!.edits),
    '{"blocks":[{"id":"s","type":"starter"},{"id":"c","type":"condition"},{"id":"r","type":"response"}],"edges":[{"source":"s","target":"c"},{"source":"c","target":"r","condition":"yes"}]}',
  );
});

test('(unit) a missing starter is added first, with an edge to each block nothing points to, in the file’s layout', () => {
  const text = `{
    "blocks": [
        { "id": "fetch", "type": "code" },
        { "id": "side", "type": "code" },
        { "id": "respond", "type": "response" }
    ],
    "edges": [
        { "source": "fetch", "target": "respond" },
        { "source": "side", "target": "respond" }
    ]
}
`;
  const fixes = fixesFor(text, 'missing-starter');
  assert.deepEqual(fixes.map((f) => f.title), ['Add a starter block "start" before "fetch", "side"']);
  const fixed = applyGraphEdits(text, fixes[0]!.edits);
  assert.equal(
    fixed,
    `{
    "blocks": [
        { "id": "start", "type": "starter", "name": "Start" },
        { "id": "fetch", "type": "code" },
        { "id": "side", "type": "code" },
        { "id": "respond", "type": "response" }
    ],
    "edges": [
        { "source": "start", "target": "fetch" },
        { "source": "start", "target": "side" },
        { "source": "fetch", "target": "respond" },
        { "source": "side", "target": "respond" }
    ]
}
`,
  );
  assert.deepEqual(validateGraphText(fixed, { targetKind: 'powabase' }), []);
});

test('(unit) a missing response is added last, with an edge from each block that leads nowhere; empty edges get one per line', () => {
  const text = `{
  "blocks": [
    { "id": "start", "type": "starter" },
    { "id": "respond", "type": "code" }
  ],
  "edges": []
}`;
  const fixes = fixesFor(text, 'missing-response');
  assert.deepEqual(fixes.map((f) => f.title), ['Add a response block "respond-2" after "start", "respond"']);
  assert.equal(
    applyGraphEdits(text, fixes[0]!.edits),
    `{
  "blocks": [
    { "id": "start", "type": "starter" },
    { "id": "respond", "type": "code" },
    { "id": "respond-2", "type": "response", "name": "Respond" }
  ],
  "edges": [
    { "source": "start", "target": "respond-2" },
    { "source": "respond", "target": "respond-2" }
  ]
}`,
  );
});

test('(unit) an inline blocks array gets its new block inline', () => {
  const text = '{ "blocks": [{ "id": "a", "type": "code" }], "edges": [] }';
  const fixes = fixesFor(text, 'missing-starter');
  assert.equal(
    applyGraphEdits(text, fixes[0]!.edits),
    '{ "blocks": [{ "id": "start", "type": "starter", "name": "Start" }, { "id": "a", "type": "code" }], "edges": [\n  { "source": "start", "target": "a" }\n] }',
  );
});

test('(unit) a diagnostic that no longer matches the text, or a code without a fix, offers nothing', () => {
  assert.deepEqual(graphFixes(TYPO_EDGE, 'missing-block', 3), []);
  assert.deepEqual(graphFixes(TYPO_EDGE, 'cycle', 0), []);
  assert.deepEqual(graphFixes('{ not json', 'missing-starter', 0), []);
});
