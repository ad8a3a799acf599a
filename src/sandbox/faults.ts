/**
 * Fault injection for tests: per request via the `x-sandbox-fault` header (loopback peers only), or
 * queued with `POST /__sandbox/faults` for the next `count` requests whose path starts with
 * `pathPrefix`. Spec: semicolon-separated `status=503`, `retry-after=2`, `html`, `delay-ms=500`,
 * `drop-after=3`, `silent`, `malformed-after=2`, `cancel-error`.
 */
export interface Fault {
  status?: number;
  retryAfter?: string;
  html?: boolean;
  delayMs?: number;
  /** SSE: destroy the socket after this many events, without a terminal event. */
  dropAfter?: number;
  /** SSE: send nothing more (no pings either), but keep the connection open. */
  silent?: boolean;
  /** SSE: after this many events send one frame whose data is not valid JSON, then go on. */
  malformedAfter?: number;
  /** Supervity cancel: runs that could be cancelled get the `error` outcome (a Temporal failure) and go on. */
  cancelError?: boolean;
}

export class FaultSpecError extends Error {}

export function parseFault(spec: string): Fault {
  const fault: Fault = {};
  for (const part of spec.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [rawKey, rawValue] = part.split('=', 2).map((s) => s.trim());
    const key = (rawKey ?? '').toLowerCase();
    const num = (): number => {
      const n = Number(rawValue);
      if (rawValue === undefined || rawValue === '' || !Number.isInteger(n) || n < 0) throw new FaultSpecError(`fault "${key}" needs a non-negative integer`);
      return n;
    };
    switch (key) {
      case 'status': {
        const n = num();
        if (n < 400 || n > 599) throw new FaultSpecError('fault status must be 400..599');
        fault.status = n;
        break;
      }
      case 'retry-after':
        if (!rawValue) throw new FaultSpecError('retry-after needs a value');
        fault.retryAfter = rawValue;
        break;
      case 'html':
        fault.html = true;
        break;
      case 'delay-ms':
        fault.delayMs = Math.min(num(), 120_000);
        break;
      case 'drop-after':
        fault.dropAfter = num();
        break;
      case 'silent':
        fault.silent = true;
        break;
      case 'malformed-after':
        fault.malformedAfter = num();
        break;
      case 'cancel-error':
        fault.cancelError = true;
        break;
      default:
        throw new FaultSpecError(`unknown fault "${key}"`);
    }
  }
  if (fault.html && fault.status === undefined) fault.status = 500;
  if (fault.retryAfter !== undefined && fault.status === undefined) fault.status = 429;
  return fault;
}

interface Queued {
  pathPrefix: string;
  fault: Fault;
  remaining: number;
}

export class FaultRegistry {
  private queued: Queued[] = [];

  add(pathPrefix: string, fault: Fault, count: number): void {
    this.queued.push({ pathPrefix, fault, remaining: count });
  }

  clear(): void {
    this.queued = [];
  }

  /** Consumes one use of the first queued fault matching the path. */
  take(path: string): Fault | null {
    const q = this.queued.find((f) => path.startsWith(f.pathPrefix));
    if (!q) return null;
    q.remaining -= 1;
    if (q.remaining <= 0) this.queued = this.queued.filter((f) => f !== q);
    return q.fault;
  }

  list(): { pathPrefix: string; fault: Fault; remaining: number }[] {
    return this.queued.map((q) => ({ ...q }));
  }
}
