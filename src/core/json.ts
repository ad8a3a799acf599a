import { FlowscopeError } from './errors';

/** JSON nested deeper than this is refused before it can exhaust the stack of a recursive reader. */
export const MAX_JSON_DEPTH = 512;

/**
 * `JSON.parse` for answers from a server: refuses text nested deeper than `maxDepth` (a
 * recursive reader such as `JSON.stringify` or a schema walk would overflow the stack on it)
 * with a protocol error, and throws JSON.parse's SyntaxError for text that is not JSON.
 */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (text.length > maxDepth && nestedDeeperThan(text, maxDepth)) {
    throw new FlowscopeError('protocol', `JSON nested deeper than ${maxDepth} levels, which is refused`);
  }
  return JSON.parse(text);
}

/**
 * Counts brackets outside strings. Strings are skipped with `indexOf` (native, far faster than a
 * loop over each character: most of a service's JSON is inside strings, and this scan once cost
 * more than `JSON.parse` itself). Text that is not JSON may be mis-scanned; JSON.parse refuses it.
 */
function nestedDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = closingQuote(text, i);
      if (i < 0) return false; // an unterminated string: not JSON
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** The index of the quote that closes the string opened at `open`, or -1: one preceded by an even run of backslashes. */
export function closingQuote(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at >= 0; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}
