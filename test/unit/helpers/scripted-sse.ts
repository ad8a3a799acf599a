import type { ServerResponse } from 'node:http';

/**
 * One step of a scripted event stream. `frame` writes a whole SSE frame; `raw` writes bytes as
 * given (to cut frames, JSON or UTF-8 characters anywhere); `drop` destroys the socket without
 * a terminal event; `silent` keeps the connection open and writes nothing more.
 */
export type SseStep =
  | { readonly frame: unknown; readonly event?: string; readonly delayMs?: number }
  | { readonly raw: string | Buffer; readonly delayMs?: number }
  | { readonly drop: true; readonly delayMs?: number }
  | { readonly silent: true };

export function sseFrame(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
}

/** Plays a script on a response; resolves when the script ends (the stream is then closed, dropped or left open). */
export async function playSse(res: ServerResponse, steps: readonly SseStep[]): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  for (const step of steps) {
    if ('silent' in step) return;
    if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
    if (res.destroyed) return;
    if ('drop' in step) {
      res.socket?.destroy();
      return;
    }
    res.write('raw' in step ? step.raw : sseFrame(step.frame, step.event));
  }
  res.end();
}
