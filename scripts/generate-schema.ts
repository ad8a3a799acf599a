// Regenerates schemas/graph.schema.json from the zod schema of graph files (the one source of
// truth). Run after changing src/core/graph/graphFile.ts or schema.ts; a unit test fails when
// the committed file and a fresh generation differ.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GRAPH_SCHEMA_PATH, graphJsonSchemaText } from '../src/core/graph/jsonSchema';

const target = resolve(import.meta.dirname, '..', GRAPH_SCHEMA_PATH);
writeFileSync(target, graphJsonSchemaText());
console.log(`wrote ${GRAPH_SCHEMA_PATH}`);
