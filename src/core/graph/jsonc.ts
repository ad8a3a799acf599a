/**
 * jsonc-parser, from its ES module build. The package's `main` is a UMD bundle whose factory
 * calls `require('./impl/…')` at run time; esbuild cannot see those requires, so a bundle built
 * from `main` fails to load ("Cannot find module './impl/format'"). Every import of jsonc-parser
 * goes through this file so that choice is made once.
 *
 * It is also where workspace text meets a recursive parser: `parse`, `parseTree` and `modify`
 * recurse once per nesting level, so a file nested tens of thousands deep would overflow the
 * stack (and take activation or a panel's graph lookup down with it). They are exported here
 * guarded: text nested deeper than MAX_JSON_DEPTH throws a `JsoncTooDeepError` before parsing.
 */
import type { ParseError, ParseOptions } from 'jsonc-parser/lib/esm/main.js';
import * as jsonc from 'jsonc-parser/lib/esm/main.js';
import { MAX_JSON_DEPTH } from '../json';

export { applyEdits, findNodeAtLocation, findNodeAtOffset, getNodeValue, printParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
export type { FormattingOptions, Node, ParseError } from 'jsonc-parser/lib/esm/main.js';

export class JsoncTooDeepError extends Error {
  override readonly name = 'JsoncTooDeepError';
  constructor(
    /** Offset of the first `[` or `{` beyond the limit. */
    readonly offset: number,
    readonly maxDepth: number,
  ) {
    super(`The file nests arrays and objects deeper than ${maxDepth} levels; Flowscope does not read it.`);
  }
}

/**
 * Where JSON(C) text first nests deeper than `maxDepth` (the offset of that bracket), or undefined.
 * Strings and both comment styles are skipped, so brackets inside them do not count. A closing
 * bracket counts only when it matches the innermost open one: the parser skips a stray `]` or `}`
 * while it recovers from an error, so a scanner that counted it would see less depth than the
 * parser builds (`{"a": ]]]…` followed by as many extra `[` would slip through).
 */
export function nestingBeyond(text: string, maxDepth = MAX_JSON_DEPTH): number | undefined {
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: to its closing quote (or the end of the line, where jsonc-parser ends it too).
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22 || s === 0x0a) break;
      }
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 0x5b || c === 0x7b) {
      open.push(c);
      if (open.length > maxDepth) return i;
    } else if ((c === 0x5d && open.at(-1) === 0x5b) || (c === 0x7d && open.at(-1) === 0x7b)) {
      open.pop();
    }
  }
  return undefined;
}

function guard(text: string): void {
  // Shallow text cannot be deep: skip the scan for the common small file.
  if (text.length <= MAX_JSON_DEPTH) return;
  const offset = nestingBeyond(text);
  if (offset !== undefined) throw new JsoncTooDeepError(offset, MAX_JSON_DEPTH);
}

export function parse(text: string, errors?: ParseError[], options?: ParseOptions): unknown {
  guard(text);
  return jsonc.parse(text, errors, options) as unknown;
}

export function parseTree(text: string, errors?: ParseError[], options?: ParseOptions): jsonc.Node | undefined {
  guard(text);
  return jsonc.parseTree(text, errors, options);
}

export function modify(text: string, path: jsonc.JSONPath, value: unknown, options: jsonc.ModificationOptions): jsonc.EditResult {
  guard(text);
  return jsonc.modify(text, path, value, options);
}
