import { Response } from 'undici';
import { header, HttpError } from '../http';
import type { Ctx } from '../http';
import { UUID_RE } from '../util';

/** Multipart uploads may carry files, so they get a larger cap than JSON bodies. */
const MULTIPART_CAP = 8 * 1024 * 1024;

/** Supervity validates with zod; errors carry zod's message and issues. */
export function zodError(message: string, issue: Record<string, unknown>): HttpError {
  return new HttpError(400, message, { message, issues: [{ ...issue, message }] });
}

export interface ExecuteRequest {
  workflowId: string;
  inputs: Record<string, unknown>;
  envs: Record<string, string>;
}

/**
 * Reads an execute request. Only multipart with one field per input (`inputs[name]`,
 * `envs[NAME]`) is accepted. A JSON-string `inputs` field fails zod's record check exactly as
 * the live service does; a JSON body (or any non-multipart body) gets an immediate 500 — the
 * real service answers 500 or hangs, and a sandbox must never hang.
 */
export async function readExecuteRequest(ctx: Ctx): Promise<ExecuteRequest> {
  const ct = header(ctx.req, 'content-type') ?? '';
  if (!/^multipart\/form-data/i.test(ct)) {
    await ctx.body().catch(() => undefined);
    throw new HttpError(500, 'Multipart: Boundary not found', { error: 'Internal Server Error', message: 'Multipart: Boundary not found' });
  }
  const raw = await ctx.body(MULTIPART_CAP);
  let form: Awaited<ReturnType<Response['formData']>>;
  try {
    form = await new Response(raw, { headers: { 'content-type': ct } }).formData();
  } catch {
    throw new HttpError(400, 'Malformed multipart body', { message: 'Malformed multipart body' });
  }
  let workflowId: string | undefined;
  const inputs: Record<string, unknown> = {};
  const envs: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [key, value] of form.entries()) {
    const isFile = typeof value !== 'string';
    if (key === 'workflowId') {
      workflowId = typeof value === 'string' ? value.trim() : undefined;
      continue;
    }
    if (key === 'inputs' || key === 'envs') {
      throw zodError(`expected record, received ${isFile ? 'file' : 'string'}`, { code: 'invalid_type', expected: 'record', received: isFile ? 'file' : 'string', path: [key] });
    }
    const m = /^(inputs|envs)\[(.+)\]$/.exec(key);
    if (!m) {
      unknown.push(key);
      continue;
    }
    const name = m[2] as string;
    if (m[1] === 'envs') {
      if (typeof value !== 'string') throw zodError('expected string, received file', { code: 'invalid_type', expected: 'string', received: 'file', path: ['envs', name] });
      envs[name] = value;
    } else if (typeof value === 'string') {
      inputs[name] = value;
    } else {
      // Files are scoped to the run; the sandbox keeps their metadata, not their bytes.
      inputs[name] = { fileName: value.name, size: value.size, contentType: value.type || 'application/octet-stream' };
    }
  }
  if (unknown.length) throw zodError(`Unrecognized key(s) in object: ${unknown.map((k) => `'${k}'`).join(', ')}`, { code: 'unrecognized_keys', keys: unknown, path: [] });
  if (!workflowId) throw zodError('Required', { code: 'invalid_type', expected: 'string', received: 'undefined', path: ['workflowId'] });
  if (!UUID_RE.test(workflowId)) throw zodError('Invalid uuid', { code: 'invalid_string', validation: 'uuid', path: ['workflowId'] });
  return { workflowId, inputs, envs };
}
