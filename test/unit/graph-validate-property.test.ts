import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BLOCK_TYPES } from '../../src/core/graph/schema';
import { validateGraphText } from '../../src/core/graph/validate';
import type { GraphDiagnostic } from '../../src/core/graph/graphDiagnostic';
import { BACKEND_KINDS } from '../../src/core/model';

/**
 * The validator runs on every keystroke: it must never throw and never fall back to its
 * internal-error diagnostic, whatever the text. Every range must also lie inside the text.
 */
function assertSound(text: string, diagnostics: readonly GraphDiagnostic[]): void {
  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const d of diagnostics) {
    assert.notEqual(d.code, 'internal-error', d.message);
    for (const p of [d.range.start, d.range.end]) {
      assert.ok(p.line >= 0 && p.line < lineCount && p.character >= 0, JSON.stringify(d));
    }
    assert.ok(d.range.start.line < d.range.end.line || (d.range.start.line === d.range.end.line && d.range.start.character <= d.range.end.character));
  }
}

const target = fc.option(fc.constantFrom(...BACKEND_KINDS), { nil: undefined });

test('never throws on arbitrary strings', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 400 }), target, (text, targetKind) => {
      assertSound(text, validateGraphText(text, { targetKind }));
    }),
    { numRuns: 500 },
  );
});

test('never throws on arbitrary JSON values, compact or pretty', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), target, (value, pretty, targetKind) => {
      const text = JSON.stringify(value, null, pretty ? 2 : undefined);
      assertSound(text, validateGraphText(text, { targetKind }));
    }),
    { numRuns: 400 },
  );
});

/** Graph-shaped values reach the semantic checks (cycles, reachability) far more often. */
const id = fc.constantFrom('start', 'a', 'b', 'c', 'respond', '', '__proto__', 'constructor');
const graphish = fc.record(
  {
    blocks: fc.array(
      fc.record(
        {
          id: fc.oneof(id, fc.jsonValue({ maxDepth: 1 })),
          type: fc.oneof(fc.constantFrom(...BLOCK_TYPES, 'llm', ''), fc.jsonValue({ maxDepth: 1 })),
          config: fc.oneof(fc.dictionary(fc.constantFrom('webhook_id', 'webhook_secret', 'route', 'durationMs'), fc.jsonValue({ maxDepth: 1 })), fc.jsonValue({ maxDepth: 1 })),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 8 },
    ),
    edges: fc.array(
      fc.record({ source: fc.oneof(id, fc.jsonValue({ maxDepth: 1 })), target: fc.oneof(id, fc.jsonValue({ maxDepth: 1 })), condition: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
      { maxLength: 12 },
    ),
    variables: fc.dictionary(fc.string(), fc.record({ type: fc.constantFrom('string', 'number', 'array', 'x'), default: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] })),
    binding: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);

test('never throws on graph-shaped values, and truncating them only yields syntax errors', () => {
  fc.assert(
    fc.property(graphish, target, fc.nat(), (value, targetKind, cut) => {
      const text = JSON.stringify(value, null, 2);
      assertSound(text, validateGraphText(text, { targetKind }));
      const truncated = text.slice(0, cut % (text.length + 1));
      const diagnostics = validateGraphText(truncated, { targetKind });
      assertSound(truncated, diagnostics);
      if (truncated.length < text.length) assert.ok(diagnostics.every((d) => d.code === 'json-syntax'));
    }),
    { numRuns: 400 },
  );
});
