/**
 * jsonc-parser, from its ES module build. The package's `main` is a UMD bundle whose factory
 * calls `require('./impl/…')` at run time; esbuild cannot see those requires, so a bundle built
 * from `main` fails to load ("Cannot find module './impl/format'"). Every import of jsonc-parser
 * goes through this file so that choice is made once.
 */
export { applyEdits, findNodeAtLocation, findNodeAtOffset, getNodeValue, modify, parse, parseTree, printParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
export type { FormattingOptions, Node, ParseError } from 'jsonc-parser/lib/esm/main.js';
