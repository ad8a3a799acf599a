import { closingQuote } from './json';

/**
 * A JSON text cut in two: the text with one array emptied, and the text of each entry of that
 * array. The array is named by a path of keys from the root object, such as White Rabbit's
 * `output.nonTerminalStages`: every stream frame lists the run's whole in-flight list again
 * (seed 000 lines 98-118), so most entries are, character for character, entries of the previous
 * frame, and the reader parses only the envelope and the entries it has not seen. Parsing whole
 * frames was the largest cost of following many runs (bench/analysis.md, "Scale").
 *
 * The cut is exact. `JSON.parse(text)` succeeds exactly when `JSON.parse(envelope)` and every
 * `JSON.parse(entry)` do, and its value is the envelope's with the entries' values as the array:
 * - the array is the value of the last key of the path, each key the only one of its name in the
 *   object that is the value of the one before (a repeated key, whose last value JSON.parse would
 *   keep, or a key spelled with an escape, in one of those objects declines the cut);
 * - between its entries the array holds exactly what JSON allows: whitespace and one comma;
 * - each entry is an object, delimited by its brackets outside strings; an entry that is not
 *   valid JSON on its own fails its own parse.
 *
 * Anything else (no such array, an entry that is not an object, text deeper than `maxDepth`,
 * an unterminated string) returns undefined, and the caller parses the text whole.
 */
export interface ArrayCut {
  /** The text with the array emptied (`[]`). */
  readonly envelope: string;
  /** Each entry in order: the index of the `previous` entry it repeats, or its own text. */
  readonly entries: ReadonlyArray<number | string>;
}

/**
 * How far past the last matched entry a repeat is looked for: entries that leave the array (a
 * stage no longer in flight) are skipped this way. Entries not found are parsed: the window
 * bounds the cost of a text that shares nothing with the last one.
 */
const LOOKAHEAD = 4;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Where the scan is inside the array: what may come next at its own depth. */
const enum InArray {
  No,
  /** Just after `[`: an entry or `]`. */
  First,
  /** After an entry: `,` or `]`. */
  Separator,
  /** After `,`: an entry. */
  Entry,
}

/**
 * Cuts the array at `path` out of `text`, matching its entries against `previous` (the entries'
 * texts in the last text read): a repeated entry is compared in place, neither scanned nor copied.
 */
export function cutArray(text: string, path: readonly string[], maxDepth: number, previous: readonly string[] = []): ArrayCut | undefined {
  // The root object is at depth 1; the object that is the value of path[k - 1] at depth k + 1.
  const arrayDepth = path.length + 1;
  const entryDepth = path.length + 2;
  let depth = 0;
  /** How many containers of the path the scan is in: keys at depth `level + 1` are compared with path[level]. */
  let level = 0;
  /** Which keys of the path were met, each in its own object: a second one declines the cut. */
  const seen = path.map(() => false);
  /** The path's key just read, while its value has not started. */
  let awaiting = false;
  let array = InArray.No;
  let arrayOpen = -1;
  let arrayClose = -1;
  let entryStart = -1;
  /** The `previous` entry after the last one matched: where the next match is looked for first. */
  let cursor = 0;
  const entries: Array<number | string> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isWhitespace(c)) continue;
    const valueOfKey = awaiting;
    awaiting = false;
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (end < 0) return undefined;
      if (depth === level + 1 && array === InArray.No) {
        let colon = end + 1;
        while (isWhitespace(text.charCodeAt(colon))) colon++;
        if (text.charCodeAt(colon) === COLON) {
          const key = text.slice(i + 1, end);
          // An escaped spelling could name a key of the path: declined rather than decoded.
          if (key.includes('\\')) return undefined;
          if (key === path[level]) {
            if (seen[level]) return undefined;
            seen[level] = true;
            awaiting = true;
          }
          i = colon;
          continue;
        }
      }
      if (depth === arrayDepth && array !== InArray.No) return undefined; // an entry that is a string
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return undefined;
      if (valueOfKey) {
        if (level < path.length - 1) {
          if (c !== OPEN_BRACE) return undefined;
          level++;
        } else {
          if (c !== OPEN_BRACKET) return undefined;
          array = InArray.First;
          arrayOpen = i;
        }
      } else if (depth === entryDepth && array !== InArray.No) {
        if (c !== OPEN_BRACE || array === InArray.Separator) return undefined;
        const repeated = repeatAt(text, i, previous, cursor);
        if (repeated >= 0) {
          // A balanced entry read before: the scan would close it at its last character.
          entries.push(repeated);
          cursor = repeated + 1;
          i += (previous[repeated] as string).length - 1;
          depth--;
          array = InArray.Separator;
        } else entryStart = i;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === entryDepth && array !== InArray.No) {
        entries.push(ownCopy(text.slice(entryStart, i + 1)));
        array = InArray.Separator;
      } else if (depth === arrayDepth && array !== InArray.No) {
        if (array === InArray.Entry) return undefined; // a trailing comma
        array = InArray.No;
        arrayClose = i;
      } else if (depth === level + 1 && level > 0) level--;
      depth--;
    } else if (depth === arrayDepth && array !== InArray.No) {
      // At the array's own depth only commas may stand between entries.
      if (c !== COMMA || array !== InArray.Separator) return undefined;
      array = InArray.Entry;
    }
  }
  if (arrayClose < 0) return undefined;
  return { envelope: `${text.slice(0, arrayOpen + 1)}${text.slice(arrayClose)}`, entries };
}

/** The index of the `previous` entry, from `cursor` on within the window, that `text` repeats at `at`; else -1. */
function repeatAt(text: string, at: number, previous: readonly string[], cursor: number): number {
  const last = Math.min(previous.length, cursor + LOOKAHEAD);
  for (let k = cursor; k < last; k++) {
    const entry = previous[k] as string;
    // A slice and `===` (V8 compares the characters natively): `startsWith(entry, at)` was eight times slower.
    if (text.slice(at, at + entry.length) === entry) return k;
  }
  return -1;
}

/**
 * The entry's text in a string of its own. A slice keeps the whole frame it was cut from alive,
 * and an entry is kept as long as it repeats: frames of a whole run would pile up behind a list of
 * entries each cut from another. Slicing a concatenation copies it (V8 flattens it first).
 */
function ownCopy(slice: string): string {
  return ` ${slice}`.slice(1);
}
