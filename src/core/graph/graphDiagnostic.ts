import type { TextRange } from './textRange';

/**
 * Every diagnostic code the graph validator emits. The codes are stable: tests assert them, the
 * host keys quick fixes on them, and the CLI prints them.
 */
export const GRAPH_DIAGNOSTIC_CODES = [
  // The text is not JSON.
  'json-syntax',
  // The JSON does not match the file schema (the same schema VS Code's JSON editor uses).
  'schema',
  'unknown-property',
  // Graph semantics.
  'duplicate-block-id',
  'duplicate-edge-id',
  'missing-block',
  'cycle',
  'unreachable-block',
  'missing-starter',
  'missing-response',
  'unknown-block-type',
  'webhook-missing-id',
  'webhook-invalid-id',
  'webhook-missing-secret',
  'webhook-weak-secret',
  'condition-edge-missing-condition',
  'variable-default-type',
  'target-no-graph',
  // Reported by the server on push (Powabase VALIDATION_ERROR).
  'server-validation',
  // A bug in the validator itself; reported rather than thrown so an editor never loses diagnostics.
  'internal-error',
] as const;
export type GraphDiagnosticCode = (typeof GRAPH_DIAGNOSTIC_CODES)[number];

export type GraphSeverity = 'error' | 'warning' | 'info';

export interface GraphDiagnostic {
  readonly range: TextRange;
  readonly severity: GraphSeverity;
  readonly code: GraphDiagnosticCode;
  readonly message: string;
  /** Blocks the diagnostic is about, for the graph preview to highlight. */
  readonly relatedBlockIds?: readonly string[];
}

/** Codes VS Code's own JSON language service also reports, from the contributed JSON Schema. */
export const SCHEMA_LEVEL_CODES: ReadonlySet<GraphDiagnosticCode> = new Set(['json-syntax', 'schema', 'unknown-property']);

export function hasErrors(diagnostics: readonly GraphDiagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** One line per diagnostic, 1-based like editors and compilers print them. */
export function formatDiagnostic(d: GraphDiagnostic, file?: string): string {
  const where = `${file ? `${file}:` : ''}${d.range.start.line + 1}:${d.range.start.character + 1}`;
  return `${where} ${d.severity} ${d.code}: ${d.message}`;
}
