import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowscopeError } from '../../src/core/errors';
import { MAX_JSON_DEPTH, parseJson } from '../../src/core/json';

/** `depth` arrays nested in one another, around `inner`. */
const nested = (depth: number, inner = '0'): string => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

const refused = (text: string): void => {
  assert.throws(() => parseJson(text), (e: unknown) => FlowscopeError.is(e, 'protocol') && /nested deeper than 512 levels/.test((e as Error).message));
};

// The scan that guards recursive readers skips strings to go fast: what is inside a string, however
// it is escaped, must never count as nesting, and what follows a string must still count.
describe('parseJson: the nesting guard', () => {
  it('takes exactly the limit and refuses one level more', () => {
    assert.equal(MAX_JSON_DEPTH, 512);
    assert.ok(Array.isArray(parseJson(nested(512))));
    refused(nested(513));
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const brackets = '[{'.repeat(600);
    assert.deepEqual(parseJson(`{"a":"${brackets}"}`), { a: brackets });
    // An escaped quote does not end the string: the brackets after it are still inside.
    assert.deepEqual(parseJson(`["x\\"${brackets}"]`), [`x"${brackets}`]);
    // Three backslashes before a quote: one escaped backslash, then an escaped quote.
    assert.deepEqual(parseJson(`["\\\\\\"${brackets}"]`), [`\\"${brackets}`]);
  });

  it('counts the brackets after a string that ends in an escaped backslash', () => {
    // "a\\" is a whole string (an escaped backslash, then the closing quote): what follows is structure.
    refused(`["a\\\\",${nested(513)}]`);
    assert.ok(Array.isArray(parseJson(`["a\\\\",${nested(500)}]`)));
    // Strings between the levels do not hide them either.
    refused(`${'["s",'.repeat(513)}0${']'.repeat(513)}`);
  });

  it('leaves text that is not JSON to JSON.parse', () => {
    assert.throws(() => parseJson(`["unterminated ${'['.repeat(600)}`), SyntaxError);
  });
});
