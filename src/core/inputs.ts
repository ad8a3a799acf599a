import type { VariableSpec } from './model';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/**
 * Reads what a user typed for one declared workflow input, by its declared type. Unknown types
 * are kept as text, since the server is the judge of what it accepts.
 */
export function parseInputValue(spec: VariableSpec, text: string): Parsed<unknown> {
  const type = (spec.type ?? 'string').toLowerCase();
  const trimmed = text.trim();
  switch (type) {
    case 'number':
    case 'float':
    case 'integer':
    case 'int': {
      if (trimmed === '') return { ok: false, message: `${spec.name} needs a number.` };
      const n = Number(trimmed);
      if (!Number.isFinite(n)) return { ok: false, message: `"${trimmed}" is not a number.` };
      if ((type === 'integer' || type === 'int') && !Number.isInteger(n)) return { ok: false, message: `${spec.name} needs a whole number.` };
      return { ok: true, value: n };
    }
    case 'boolean':
    case 'bool':
      if (/^(true|yes|1)$/i.test(trimmed)) return { ok: true, value: true };
      if (/^(false|no|0)$/i.test(trimmed)) return { ok: true, value: false };
      return { ok: false, message: `${spec.name} is true or false.` };
    case 'object':
    case 'array':
    case 'json': {
      if (trimmed === '') return { ok: false, message: `${spec.name} needs JSON.` };
      try {
        const value: unknown = JSON.parse(trimmed);
        if (type === 'array' && !Array.isArray(value)) return { ok: false, message: `${spec.name} needs a JSON array.` };
        if (type === 'object' && (typeof value !== 'object' || value === null || Array.isArray(value))) return { ok: false, message: `${spec.name} needs a JSON object.` };
        return { ok: true, value };
      } catch (error) {
        return { ok: false, message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
    default:
      return { ok: true, value: text };
  }
}

/** The text to pre-fill for an input: the last value used, else the declared default. */
export function inputText(spec: VariableSpec, last: unknown): string {
  const value = last !== undefined ? last : spec.default;
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Inputs typed as one JSON object (when the API declares no variables). */
export function parseInputsJson(text: string): Parsed<Record<string, unknown>> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(trimmed);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'Inputs are a JSON object, e.g. {"name": "value"}.' };
    return { ok: true, value: value as Record<string, unknown> };
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Why an environment override's name cannot be sent (Supervity's `envs[NAME]` field), or
 * undefined when it can. Brackets or spaces would change the field's meaning; a name is given once.
 */
export function envNameProblem(name: string, taken: ReadonlySet<string> = new Set()): string | undefined {
  if (!name) return 'An environment override needs a name.';
  if (/[[\]\s]/.test(name)) return `The name "${name}" may not contain brackets or spaces.`;
  if (taken.has(name)) return `${name} is given twice.`;
  return undefined;
}

/**
 * A small JSON Schema check for component inputs (type, required, properties, enum, items,
 * bounds): enough to catch typos before a request, without a schema library. Returns problems
 * as "path: message" lines; an empty list means nothing obvious is wrong.
 */
export function checkJsonSchema(value: unknown, schema: unknown, path = ''): string[] {
  if (!isObject(schema)) return [];
  const problems: string[] = [];
  const at = path || '(root)';
  const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type.filter((t): t is string => typeof t === 'string') : [];
  if (types.length && !types.some((t) => matchesType(value, t))) {
    problems.push(`${at}: expected ${types.join(' or ')}, got ${describe(value)}`);
    return problems;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    problems.push(`${at}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${at}: must be ≥ ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${at}: must be ≤ ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) problems.push(`${at}: must have at least ${schema.minLength} characters`);
    if (typeof schema.pattern === 'string') {
      try {
        if (!new RegExp(schema.pattern, 'u').test(value)) problems.push(`${at}: must match ${schema.pattern}`);
      } catch {
        // A pattern JavaScript cannot compile is the server's to judge.
      }
    }
  }
  if (isObject(value)) {
    const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
    for (const key of required) if (!(key in value)) problems.push(`${path ? `${path}.` : ''}${key}: required`);
    if (isObject(schema.properties)) {
      for (const [key, sub] of Object.entries(schema.properties)) {
        if (key in value) problems.push(...checkJsonSchema(value[key], sub, path ? `${path}.${key}` : key));
      }
      if (schema.additionalProperties === false) {
        for (const key of Object.keys(value)) if (!(key in schema.properties)) problems.push(`${path ? `${path}.` : ''}${key}: not allowed`);
      }
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) value.forEach((item, i) => problems.push(...checkJsonSchema(item, schema.items, `${path}[${i}]`)));
  return problems;
}

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
