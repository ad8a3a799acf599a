import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GRAPH_SCHEMA_PATH, graphJsonSchema, graphJsonSchemaText } from '../../src/core/graph/jsonSchema';
import { BLOCK_TYPE_ALIASES, BLOCK_TYPES } from '../../src/core/graph/schema';

const REPO = join(import.meta.dirname, '..', '..');

test('the committed JSON Schema equals a fresh generation from the zod schema', () => {
  const committed = readFileSync(join(REPO, GRAPH_SCHEMA_PATH), 'utf8');
  assert.equal(committed, graphJsonSchemaText(), 'schemas/graph.schema.json is stale: run `node --import tsx scripts/generate-schema.ts`');
});

test('the manifest contributes the schema for *.workflow.json', () => {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    contributes?: { jsonValidation?: Array<{ fileMatch: string | string[]; url: string }> };
  };
  const entry = manifest.contributes?.jsonValidation?.find((v) => v.url === `./${GRAPH_SCHEMA_PATH}`);
  assert.ok(entry, 'contributes.jsonValidation has no entry for the graph schema');
  assert.deepEqual([entry.fileMatch].flat(), ['*.workflow.json']);
});

test('completion offers every block type and alias', () => {
  const text = JSON.stringify(graphJsonSchema());
  for (const type of [...BLOCK_TYPES, ...Object.keys(BLOCK_TYPE_ALIASES)]) assert.ok(text.includes(`"${type}"`), type);
});

test('the schema is draft-07 and strict at the top level, so typos are flagged in the editor', () => {
  const schema = graphJsonSchema();
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(schema.required, ['blocks', 'edges']);
});
