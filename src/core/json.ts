import { FlowscopeError } from './errors';

/** JSON nested deeper than this is refused before it can exhaust the stack of a recursive reader. */
export const MAX_JSON_DEPTH = 512;

/**
 * `JSON.parse` for answers from a server: refuses text nested deeper than `maxDepth` (a
 * recursive reader such as `JSON.stringify` or a schema walk would overflow the stack on it)
 * with a protocol error, and throws JSON.parse's SyntaxError for text that is not JSON.
 */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (text.length > maxDepth) {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === 0x5c) i++; // backslash: skip the escaped character
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x5b || c === 0x7b) {
        if (++depth > maxDepth) throw new FlowscopeError('protocol', `JSON nested deeper than ${maxDepth} levels, which is refused`);
      } else if (c === 0x5d || c === 0x7d) depth--;
    }
  }
  return JSON.parse(text);
}
