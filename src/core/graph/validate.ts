import type { Node, ParseError } from './jsonc';
import { findNodeAtLocation, getNodeValue, JsoncTooDeepError, parseTree, printParseErrorCode } from './jsonc';
import type * as z from 'zod';
import type { BackendKind } from '../model';
import type { GraphDiagnostic } from './graphDiagnostic';
import { Binding, GraphFile, VariableDecl } from './graphFile';
import { checkSemantics } from './semantics';
import { closest } from './suggest';
import { propertyNode, readGraphView } from './syntaxTree';
import { LineIndex } from './textRange';

export interface ValidateOptions {
  /** The kind of service the file is bound to; decides which block types are errors. */
  readonly targetKind?: BackendKind;
}

export interface GraphAnalysis {
  /** Sorted by position, then code. */
  readonly diagnostics: readonly GraphDiagnostic[];
  /** The file as the schema reads it, when it passed the schema (semantic errors may remain). */
  readonly file?: GraphFile;
}

/** Validates a graph file's text. Never throws, whatever the input. */
export function validateGraphText(text: string, options: ValidateOptions = {}): GraphDiagnostic[] {
  return [...analyzeGraphText(text, options).diagnostics];
}

export function analyzeGraphText(text: string, options: ValidateOptions = {}): GraphAnalysis {
  try {
    return analyze(text, options);
  } catch (error) {
    // A validator that throws leaves the editor with stale diagnostics; say what happened instead.
    const message = error instanceof Error ? error.message : String(error);
    const origin = { line: 0, character: 0 };
    return { diagnostics: [{ range: { start: origin, end: origin }, severity: 'error', code: 'internal-error', message: `Flowscope could not validate this file: ${message}` }] };
  }
}

function analyze(input: string, options: ValidateOptions): GraphAnalysis {
  // A byte-order mark is not JSON; blank it rather than strip it so offsets stay true.
  const text = input.charCodeAt(0) === 0xfeff ? ` ${input.slice(1)}` : input;
  const lines = new LineIndex(text);
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch (error) {
    if (!(error instanceof JsoncTooDeepError)) throw error;
    return { diagnostics: [{ range: lines.range(error.offset, 1), severity: 'error', code: 'json-syntax', message: error.message }] };
  }
  if (errors.length > 0 || !root) {
    if (text.trim() === '') {
      const message = 'The file is empty: a graph file is a JSON object with "blocks" and "edges".';
      return { diagnostics: [{ range: lines.range(0, 0), severity: 'error', code: 'json-syntax', message }] };
    }
    return { diagnostics: sorted(errors.map((e) => syntaxDiagnostic(text, e, lines))) };
  }

  const diagnostics: GraphDiagnostic[] = [];
  const parsed = GraphFile.safeParse(valueOf(text, root));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) diagnostics.push(...schemaDiagnostics(issue, root, lines));
  }
  if (root.type === 'object') diagnostics.push(...checkSemantics(readGraphView(root), lines, options.targetKind));
  return { diagnostics: sorted(diagnostics), ...(parsed.success ? { file: parsed.data } : {}) };
}

/**
 * JSON.parse gives `__proto__` keys their JSON meaning (an own property), which a naive tree walk
 * would turn into a prototype; it agrees with the tolerant parser whenever there were no errors.
 */
function valueOf(text: string, root: Node): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return getNodeValue(root);
  }
}

function syntaxDiagnostic(text: string, error: ParseError, lines: LineIndex): GraphDiagnostic {
  const code = printParseErrorCode(error.error);
  // jsonc-parser reports a trailing comma as a missing value at the closing bracket; name it.
  if (code === 'ValueExpected' || code === 'PropertyNameExpected') {
    const closer = text[error.offset];
    let before = error.offset - 1;
    while (before >= 0 && /\s/.test(text[before] ?? '')) before--;
    if ((closer === ']' || closer === '}') && text[before] === ',') {
      return { range: lines.range(before, 1), severity: 'error', code: 'json-syntax', message: 'Trailing commas are not allowed in JSON.' };
    }
  }
  return { range: lines.range(error.offset, Math.max(error.length, 1)), severity: 'error', code: 'json-syntax', message: syntaxMessage(code) };
}

function syntaxMessage(code: string): string {
  const messages: Record<string, string> = {
    InvalidSymbol: 'Invalid symbol.',
    InvalidNumberFormat: 'Invalid number.',
    PropertyNameExpected: 'Property name expected.',
    ValueExpected: 'Value expected.',
    ColonExpected: 'Colon expected.',
    CommaExpected: 'Comma expected.',
    CloseBraceExpected: 'Closing brace "}" expected.',
    CloseBracketExpected: 'Closing bracket "]" expected.',
    EndOfFileExpected: 'End of file expected.',
    InvalidCommentToken: 'Comments are not allowed in JSON.',
    UnexpectedEndOfComment: 'Unterminated comment.',
    UnexpectedEndOfString: 'Unterminated string.',
    UnexpectedEndOfNumber: 'Unterminated number.',
    InvalidUnicode: 'Invalid unicode escape.',
    InvalidEscapeCharacter: 'Invalid escape character.',
    InvalidCharacter: 'Invalid character in string.',
  };
  return messages[code] ?? `JSON syntax error (${code}).`;
}

type Segment = string | number;

/** The keys each strict object allows, for "did you mean" on unknown properties. */
function allowedKeys(path: readonly Segment[]): readonly string[] {
  if (path.length === 0) return Object.keys(GraphFile.shape);
  if (path.length === 1 && path[0] === 'binding') return Object.keys(Binding.shape);
  if (path.length === 2 && path[0] === 'variables') return Object.keys(VariableDecl.shape);
  return [];
}

function schemaDiagnostics(issue: z.core.$ZodIssue, root: Node, lines: LineIndex): GraphDiagnostic[] {
  const path = issue.path.filter((s): s is Segment => typeof s === 'string' || typeof s === 'number');
  const at = (node: Node, message: string, code: GraphDiagnostic['code'] = 'schema'): GraphDiagnostic => ({
    range: lines.range(node.offset, node.length),
    severity: 'error',
    code,
    message,
  });

  if (issue.code === 'unrecognized_keys') {
    const owner = findNodeAtLocation(root, path) ?? root;
    return issue.keys.map((key) => {
      const keyNode = propertyNode(owner, key)?.children?.[0] ?? owner;
      const hint = closest(key, allowedKeys(path));
      return at(keyNode, `Unknown property "${key}".${hint ? ` Did you mean "${hint}"?` : ''}`, 'unknown-property');
    });
  }

  const node = findNodeAtLocation(root, path);
  if (!node) {
    // The value is missing: point at the opening brace of the nearest object that exists.
    let parentPath = path.slice(0, -1);
    let parent = findNodeAtLocation(root, parentPath);
    while (!parent && parentPath.length > 0) {
      parentPath = parentPath.slice(0, -1);
      parent = findNodeAtLocation(root, parentPath);
    }
    const anchor = parent ?? root;
    const last = path[path.length - 1];
    const message = typeof last === 'string' ? `Missing required property "${last}".` : `Missing value at ${describePath(path)}.`;
    return [{ range: lines.range(anchor.offset, 1), severity: 'error', code: 'schema', message }];
  }
  return [at(node, schemaMessage(issue, path, node))];
}

function schemaMessage(issue: z.core.$ZodIssue, path: readonly Segment[], node: Node): string {
  const label = labelOf(path);
  switch (issue.code) {
    case 'invalid_type':
      return `${label} must be ${typeName(issue.expected)}, not ${typeName(node.type)}.`;
    case 'invalid_value':
      return `${label} must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'invalid_union':
      return `${label} must be a non-empty string, not ${typeName(node.type)}.`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return `${label} must not be empty.`;
      return `${label} must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}.`;
    case 'too_big':
      return `${label} must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}.`;
    default:
      return `${label}: ${issue.message}`;
  }
}

function labelOf(path: readonly Segment[]): string {
  const last = path[path.length - 1];
  if (last === undefined) return 'The file';
  if (typeof last === 'number') {
    const owner = path[path.length - 2];
    return typeof owner === 'string' ? `Each item of "${owner}"` : `Item ${last}`;
  }
  return `"${last}"`;
}

function describePath(path: readonly Segment[]): string {
  return path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('') || 'the top level';
}

function typeName(type: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'a boolean',
    object: 'an object',
    record: 'an object',
    array: 'an array',
    null: 'null',
  };
  return names[type] ?? type;
}

function sorted(diagnostics: GraphDiagnostic[]): GraphDiagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}
