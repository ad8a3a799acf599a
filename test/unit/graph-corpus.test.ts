import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { GraphDiagnostic } from '../../src/core/graph/graphDiagnostic';
import { validateGraphText } from '../../src/core/graph/validate';
import type { ValidateOptions } from '../../src/core/graph/validate';

/**
 * The validator corpus. Every valid file must produce no diagnostic at all, not even a warning.
 * Every invalid file has a sibling `.expected.json` listing its diagnostics exactly, in order,
 * with ranges written `startLine:startCol-endLine:endCol`, 1-based as editors show them.
 */
const ROOT = join(import.meta.dirname, '..', 'fixtures', 'graphs');

interface Expected {
  readonly range: string;
  readonly severity: string;
  readonly code: string;
  readonly message: string;
}

function options(dir: string): Record<string, ValidateOptions> {
  try {
    return JSON.parse(readFileSync(join(ROOT, dir, 'options.json'), 'utf8')) as Record<string, ValidateOptions>;
  } catch {
    return {};
  }
}

function graphFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.workflow.json'))
    .sort();
}

export function compact(d: GraphDiagnostic): Expected {
  const { start, end } = d.range;
  return {
    range: `${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1}`,
    severity: d.severity,
    code: d.code,
    message: d.message,
  };
}

const validOptions = options('valid');
for (const file of graphFiles('valid')) {
  test(`valid: ${file} has no diagnostics`, () => {
    const text = readFileSync(join(ROOT, 'valid', file), 'utf8');
    assert.deepEqual(validateGraphText(text, validOptions[file]).map(compact), []);
  });
}

const invalidOptions = options('invalid');
for (const file of graphFiles('invalid')) {
  test(`invalid: ${file} has exactly the expected diagnostics`, () => {
    const text = readFileSync(join(ROOT, 'invalid', file), 'utf8');
    const expected = JSON.parse(readFileSync(join(ROOT, 'invalid', file.replace(/\.workflow\.json$/, '.expected.json')), 'utf8')) as Expected[];
    assert.ok(expected.length > 0, 'an invalid fixture must expect at least one diagnostic');
    assert.deepEqual(validateGraphText(text, invalidOptions[file]).map(compact), expected);
  });
}

test('the samples shipped with the extension validate as documented', () => {
  const samples = join(import.meta.dirname, '..', '..', 'samples');
  for (const file of readdirSync(samples).filter((f) => f.endsWith('.workflow.json'))) {
    const errors = validateGraphText(readFileSync(join(samples, file), 'utf8')).filter((d) => d.severity === 'error');
    if (file === 'broken.workflow.json') assert.ok(errors.length >= 5, `${file} should show several errors`);
    else assert.deepEqual(errors, [], file);
  }
});
