import type { FieldIssue } from './errors';
import { parseJson } from './json';

export interface ParsedErrorBody {
  readonly message?: string;
  readonly code?: string;
  readonly issues: readonly FieldIssue[];
  readonly details: Record<string, unknown>;
}

const MAX_MESSAGE = 500;

/**
 * Reads the error message out of any of the three services' error bodies:
 * `{errors:[{code,message}]}`, `{error, message}`, `{error, error_code, ...extra}`,
 * NestJS `{statusCode, message: string|string[]}`, zod-style `{issues:[{path,message}]}`,
 * Kong's `{message}`, and HTML error pages (Flask/Werkzeug), falling back to plain text.
 */
export function parseErrorBody(text: string, contentType = ''): ParsedErrorBody {
  const trimmed = text.trim();
  if (!trimmed) return { issues: [], details: {} };
  if (contentType.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return fromJson(parseJson(trimmed));
    } catch {
      // Not JSON after all: fall through to the text handling.
    }
  }
  if (/^<(!doctype|html|head|body|title|h1|p)\b/i.test(trimmed)) return { message: fromHtml(trimmed), issues: [], details: {} };
  return { message: clip(trimmed), issues: [], details: {} };
}

function fromJson(body: unknown): ParsedErrorBody {
  if (typeof body === 'string') return { message: clip(body), issues: [], details: {} };
  if (!isRecord(body)) return { issues: [], details: {} };
  const issues: FieldIssue[] = [];
  const messages: string[] = [];
  let code = str(body.error_code) ?? str(body.code);

  if (Array.isArray(body.errors)) {
    for (const e of body.errors) {
      if (isRecord(e)) {
        const m = str(e.message) ?? str(e.detail);
        if (m) messages.push(m);
        code ??= str(e.code);
        const path = pathOf(e.path ?? e.field ?? e.property);
        if (path && m) issues.push({ path, message: m });
      } else if (typeof e === 'string') messages.push(e);
    }
  }
  if (Array.isArray(body.issues)) {
    for (const i of body.issues) {
      if (isRecord(i) && typeof i.message === 'string') {
        issues.push({ path: pathOf(i.path) ?? '', message: i.message });
        messages.push(pathOf(i.path) ? `${pathOf(i.path)}: ${i.message}` : i.message);
      }
    }
  }
  if (typeof body.message === 'string') messages.push(body.message);
  else if (Array.isArray(body.message)) messages.push(...body.message.filter((m): m is string => typeof m === 'string'));
  if (typeof body.error === 'string') {
    // `{error: "UNAUTHORIZED", message: "..."}`: the error is a code when a message is present.
    if (messages.length > 0 && /^[A-Z][A-Z0-9_]+$/.test(body.error)) code ??= body.error;
    else messages.unshift(body.error);
  } else if (isRecord(body.error)) {
    const nested = fromJson(body.error);
    if (nested.message) messages.push(nested.message);
    code ??= nested.code;
  }
  if (typeof body.details === 'string' && !messages.includes(body.details)) messages.push(body.details);

  const known = new Set(['error', 'error_code', 'code', 'message', 'errors', 'issues', 'details', 'statusCode']);
  const details: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!known.has(k)) details[k] = v;
  const unique = [...new Set(messages.map((m) => m.trim()).filter(Boolean))];
  return { message: unique.length ? clip(unique.join('; ')) : undefined, code, issues, details };
}

function fromHtml(html: string): string {
  const title = /<title>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const para = /<p>([\s\S]*?)<\/p>/i.exec(html)?.[1];
  const text = [title, para].filter(Boolean).join(': ') || html;
  return clip(decodeEntities(text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim());
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

function pathOf(p: unknown): string | undefined {
  if (typeof p === 'string') return p;
  if (Array.isArray(p)) return p.map(String).join('.');
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clip(s: string): string {
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s;
}
