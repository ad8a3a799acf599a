import { stableJson } from './diff';
import type { Node } from './jsonc';
import { parseTree } from './jsonc';

/**
 * Writes a graph file the way the file on disk is written: its line ending, its indentation
 * unit, its final newline, and, for every top-level value and every block or edge that did not
 * change, its exact text. Only what changed is re-serialised, at the depth where it sits. This is
 * what makes a pull of what was just pushed give back the same bytes, and a pull that changes
 * one block leave the rest of the file alone.
 */

interface Style {
  readonly eol: string;
  readonly indent: string;
  readonly finalNewline: boolean;
}

/** The style of `text`, or the project's default (two spaces, LF, final newline) when it shows none. */
export function styleOf(text: string | undefined): Style {
  if (text === undefined) return { eol: '\n', indent: '  ', finalNewline: true };
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // The first indented line that starts a key or a value gives the unit (a tab or N spaces).
  const indent = /^([ \t]+)["{[\d-tfn]/m.exec(text)?.[1] ?? '  ';
  return { eol, indent, finalNewline: /\r?\n$/.test(text) };
}

/** `value` serialised in `style`, as it would sit `depth` levels deep (first line not indented). */
function serialise(value: unknown, style: Style, depth: number): string {
  const pad = style.indent.repeat(depth);
  return (JSON.stringify(value, null, style.indent) ?? 'null')
    .split('\n')
    .map((line, i) => (i === 0 ? line : pad + line))
    .join(style.eol);
}

function slice(text: string, node: Node): string {
  return text.slice(node.offset, node.offset + node.length);
}

function valueOfNode(text: string, node: Node): unknown {
  try {
    return JSON.parse(slice(text, node));
  } catch {
    return undefined;
  }
}

/**
 * An array of objects (blocks, edges) at depth 1: elements equal to one of the local elements
 * keep that element's text; others are written fresh. Kept on one line if the local array was.
 */
function writeArray(items: readonly unknown[], local: Node | undefined, text: string, style: Style): string {
  if (items.length === 0) return '[]';
  const pool = new Map<string, string[]>();
  for (const child of local?.type === 'array' ? (local.children ?? []) : []) {
    const key = stableJson(valueOfNode(text, child));
    pool.set(key, [...(pool.get(key) ?? []), slice(text, child)]);
  }
  const parts = items.map((item) => pool.get(stableJson(item))?.shift() ?? serialise(item, style, 2));
  if (local?.type === 'array' && !slice(text, local).includes('\n') && parts.every((p) => !p.includes('\n'))) return `[${parts.join(', ')}]`;
  const pad = style.indent.repeat(2);
  return `[${style.eol}${parts.map((p) => pad + p).join(`,${style.eol}`)}${style.eol}${style.indent}]`;
}

/**
 * The text of `file` (a plain object whose key order is the wanted order), written over
 * `localText`'s formatting. Without a readable local object, it is plain JSON in the default style.
 */
export function writeGraphFileText(file: Readonly<Record<string, unknown>>, localText: string | undefined): string {
  const style = styleOf(localText);
  const root = localText === undefined ? undefined : safeTree(localText);
  const end = style.finalNewline ? style.eol : '';
  if (!root || root.type !== 'object' || localText === undefined) return serialise(file, style, 0) + end;
  const text = localText;
  const props = new Map<string, Node>();
  for (const prop of root.children ?? []) {
    const [key, value] = prop.children ?? [];
    if (key && value && typeof key.value === 'string') props.set(key.value, value);
  }
  const lines = Object.entries(file)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const local = props.get(key);
      const unchanged = local !== undefined && stableJson(valueOfNode(text, local)) === stableJson(value);
      const written = unchanged ? slice(text, local) : Array.isArray(value) && (key === 'blocks' || key === 'edges') ? writeArray(value, local, text, style) : serialise(value, style, 1);
      return `${style.indent}${JSON.stringify(key)}: ${written}`;
    });
  return `{${style.eol}${lines.join(`,${style.eol}`)}${style.eol}}${end}`;
}

function safeTree(text: string): Node | undefined {
  try {
    const errors: Parameters<typeof parseTree>[1] = [];
    const root = parseTree(text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text, errors, { disallowComments: true, allowTrailingComma: false });
    return errors && errors.length > 0 ? undefined : root;
  } catch {
    return undefined;
  }
}

/**
 * A text that carries only `text`'s style (line ending, indentation, final newline), for writing
 * a fresh file in the style of one that could not be read.
 */
export function styleSample(text: string): string {
  const style = styleOf(text);
  return `{${style.eol}${style.indent}"_": 0${style.eol}}${style.finalNewline ? style.eol : ''}`;
}
