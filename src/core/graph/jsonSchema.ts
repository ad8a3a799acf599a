import * as z from 'zod';
import { GraphFile } from './graphFile';

/** Where the generated schema is committed; VS Code reads it through `contributes.jsonValidation`. */
export const GRAPH_SCHEMA_PATH = 'schemas/graph.schema.json';

/**
 * The JSON Schema of `*.workflow.json`, generated from the zod schema the validator uses.
 * Draft 7 because it is the draft VS Code's JSON language service supports most completely.
 * `io: 'input'` describes what a user may write (optional keys stay optional).
 */
export function graphJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(GraphFile, { target: 'draft-7', io: 'input' });
  return { ...schema, title: 'Flowscope workflow graph' };
}

/** The exact text of the committed file: stable key order, two-space indent, final newline. */
export function graphJsonSchemaText(): string {
  return `${JSON.stringify(graphJsonSchema(), null, 2)}\n`;
}
