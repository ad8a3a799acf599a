import type * as z from 'zod';
import { parseJson } from '../json';
import type { Logger } from '../util/log';
import type { SseMessage } from '../sse';

/** Renders whatever a service put in an `error` field as one readable line. */
export function errorText(error: unknown): string | undefined {
  if (error === null || error === undefined || error === '') return undefined;
  if (typeof error === 'string') return error;
  if (typeof error === 'object') {
    const e = error as Record<string, unknown>;
    for (const key of ['message', 'error', 'details', 'reason']) if (typeof e[key] === 'string' && e[key]) return e[key] as string;
  }
  return JSON.stringify(error);
}

/**
 * Parses one SSE frame's JSON data with a schema. A malformed frame is logged and skipped
 * (undefined), never allowed to end the stream: one bad event must not hide the rest of a run.
 */
export function parseFrame<T>(message: SseMessage, schema: z.ZodType<T>, log: Logger, what: string): T | undefined {
  let json: unknown;
  try {
    json = parseJson(message.data);
  } catch {
    log.warn(`${what}: skipped a frame whose data is not JSON (${message.data.slice(0, 80)})`);
    return undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    log.warn(`${what}: skipped a "${message.event}" frame with an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`);
    return undefined;
  }
  return parsed.data;
}

export function newAbort(parent?: AbortSignal): AbortController {
  const controller = new AbortController();
  if (parent) {
    if (parent.aborted) controller.abort(parent.reason);
    else parent.addEventListener('abort', () => controller.abort(parent.reason), { once: true });
  }
  return controller;
}
