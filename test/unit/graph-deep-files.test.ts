// A workspace graph file nested tens of thousands deep (issue 18): jsonc-parser recurses once per
// level, so reading such a file overflowed the stack in readBinding, which runs at activation, for
// diagnostics and in every run panel's graph lookup. The text is depth-checked before parsing;
// each reader answers "no binding" / a diagnostic / an error message instead of throwing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nestingBeyond } from '../../src/core/graph/jsonc';
import { serverValidationDiagnostics } from '../../src/core/graph/serverDiagnostics';
import { validateGraphText } from '../../src/core/graph/validate';
import { readBinding } from '../../src/extension/authoring/graphFiles';
import { parseGraphText } from '../../src/extension/panels/graphText';

const HEAD = '{"binding":{"connection":"c","workflowId":"w"},"blocks":[{"id":"a","type":"starter","config":';
const deep = (levels: number): string => `${HEAD}${'['.repeat(levels)}${']'.repeat(levels)}}],"edges":[]}`;
const HOSTILE = deep(60_000);
const MESSAGE = 'The file nests arrays and objects deeper than 512 levels; Flowscope does not read it.';

describe('a graph file nested 60,000 deep', () => {
  it('has no binding, and reading it does not throw', () => {
    assert.equal(readBinding(HOSTILE), undefined);
  });

  it('validates to one diagnostic at the bracket past the limit', () => {
    const diagnostics = validateGraphText(HOSTILE);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]?.code, 'json-syntax');
    assert.equal(diagnostics[0]?.message, MESSAGE);
    // HEAD opens 3 levels; the 510th bracket of the config is the 513th level.
    assert.deepEqual(diagnostics[0]?.range.start, { line: 0, character: HEAD.length + 509 });
  });

  it('the panel reads an error, and a server rejection still gets a diagnostic', () => {
    assert.deepEqual(parseGraphText(HOSTILE), { spans: [], error: MESSAGE });
    assert.equal(serverValidationDiagnostics(HOSTILE, 'Unknown block type: x').length, 1);
  });
});

describe('the depth check counts only real nesting', () => {
  it('brackets in strings and comments do not count; honest nesting is read', () => {
    const text = `// ${'['.repeat(2_000)}\n/* ${'{'.repeat(2_000)} */\n${deep(100).replace('"starter"', `"starter","note":"${'['.repeat(2_000)}"`)}`;
    assert.equal(nestingBeyond(text), undefined);
    assert.deepEqual(readBinding(text), { connection: 'c', workflowId: 'w' });
    assert.ok(parseGraphText(text).spans.length === 1);
  });

  it('the limit is 512 levels: 512 parse, 513 do not', () => {
    assert.equal(nestingBeyond('['.repeat(512) + ']'.repeat(512)), undefined);
    assert.equal(nestingBeyond('['.repeat(513) + ']'.repeat(513)), 512);
  });

  it('stray closing brackets do not buy depth: the parser skips them while it recovers', () => {
    // `{"a": ]]]…` then 60,500 `[`: a scanner that counted every `]` would see about 500 levels,
    // while jsonc-parser skips the stray `]` and nests 60,500 deep.
    const stray = `{"a": ${']'.repeat(60_000)}, "b": ${'['.repeat(60_500)}`;
    // `{"a": ` is 6 characters and `, "b": ` 7; the `{` is level 1, so the 512th `[` is level 513.
    assert.equal(nestingBeyond(stray), 6 + 60_000 + 7 + 511);
    assert.equal(readBinding(stray), undefined);
    assert.equal(validateGraphText(stray)[0]?.message, MESSAGE);
  });
});
