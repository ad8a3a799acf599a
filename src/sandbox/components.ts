import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { findModule } from './catalog';
import { Hub } from './events';
import type { ComponentEvent } from './events';
import type { Store } from './store';
import type { ComponentExecution } from './types';
import { delay, errorMessage, newId, nowIso } from './util';

export const isComponentTerminal = (c: ComponentExecution): boolean => c.status === 'COMPLETED' || c.status === 'FAILED';

/** Hosts the sandbox will deliver callbacks to: it never calls beyond loopback. */
export function isLoopbackUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return (u.protocol === 'http:' || u.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}

/**
 * Runs White Rabbit standalone component executions: CREATED → EXECUTING → COMPLETED|FAILED,
 * retrying failed attempts with exponential backoff up to `attempts`, and delivering the signed
 * callback (docs.shiroi-usagi.com variant) when a loopback `callbackUrl` was given.
 */
export class ComponentRunner {
  readonly events = new Hub<ComponentEvent>();
  private readonly ctl = new AbortController();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly timeScale: number,
    private readonly log: (line: string) => void,
  ) {}

  get(id: string): ComponentExecution | undefined {
    return this.store.components.get(id);
  }

  start(init: Pick<ComponentExecution, 'module' | 'input' | 'config' | 'attempts' | 'callbackUrl' | 'callbackSecret' | 'callbackHeaders'>): ComponentExecution {
    const now = nowIso();
    const exec: ComponentExecution = {
      ...init,
      id: newId(),
      status: 'CREATED',
      attempt: 0,
      output: null,
      error: null,
      totalUsage: 0,
      callbackAttempts: 0,
      callbackLastAttemptAt: null,
      callbackDeliveredAt: null,
      callbackLastError: null,
      createdAt: now,
      updatedAt: now,
    };
    this.store.components.set(exec.id, exec);
    this.store.save('components', exec.id);
    this.track(this.execute(exec));
    return exec;
  }

  /** Restarts executions that were in flight when the process died. */
  resumeAll(): void {
    for (const c of this.store.components.values()) {
      if (!isComponentTerminal(c)) this.track(this.execute(c));
    }
  }

  async shutdown(): Promise<void> {
    this.ctl.abort(new Error('shutdown'));
    await Promise.allSettled([...this.pending]);
  }

  /** Redelivers the callback of a finished execution; false when it has no callback url. */
  async redeliver(exec: ComponentExecution): Promise<boolean> {
    if (!exec.callbackUrl) return false;
    await this.deliver(exec);
    return true;
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private update(exec: ComponentExecution, patch: Partial<ComponentExecution>): void {
    Object.assign(exec, patch, { updatedAt: nowIso() });
    this.store.save('components', exec.id);
    this.events.emit(exec.id, { type: 'component', execution: exec });
  }

  private async execute(exec: ComponentExecution): Promise<void> {
    const signal = this.ctl.signal;
    const spec = findModule(exec.module);
    try {
      await delay(50 * this.timeScale, signal);
      if (!spec) {
        this.update(exec, { status: 'FAILED', error: { code: 'UNKNOWN_MODULE', message: `Unknown module ${exec.module}` } });
        return;
      }
      for (;;) {
        this.update(exec, { status: 'EXECUTING', attempt: exec.attempt + 1 });
        await delay(spec.durationMs * this.timeScale, signal);
        try {
          const output = spec.run(exec.input, exec.config);
          this.update(exec, { status: 'COMPLETED', output, error: null, totalUsage: exec.totalUsage + spec.credits });
          break;
        } catch (e) {
          if (exec.attempt >= exec.attempts) {
            this.update(exec, { status: 'FAILED', error: { code: 'EXECUTION_FAILED', message: errorMessage(e) } });
            break;
          }
          await delay(200 * 2 ** (exec.attempt - 1) * this.timeScale, signal);
        }
      }
      if (exec.callbackUrl) await this.deliver(exec);
    } catch (e) {
      if (!signal.aborted) this.log(`components: ${exec.id}: ${errorMessage(e)}`);
    }
  }

  private async deliver(exec: ComponentExecution): Promise<void> {
    if (!exec.callbackUrl || !isLoopbackUrl(exec.callbackUrl)) return;
    const attempt = exec.callbackAttempts + 1;
    const body = JSON.stringify(componentRecord(exec));
    const ts = nowIso();
    const headers: Record<string, string> = {
      ...exec.callbackHeaders,
      'content-type': 'application/json',
      'x-delivery-id': `${exec.id}:${attempt}`,
      'x-event': 'component.execution.terminal',
      'x-signature-version': 'v1',
      'x-signature-timestamp': ts,
    };
    if (exec.callbackSecret) headers['x-signature'] = `sha256=${createHmac('sha256', exec.callbackSecret).update(`${ts}.${body}`).digest('hex')}`;
    let error: unknown = null;
    try {
      const res = await request(exec.callbackUrl, { method: 'POST', headers, body, headersTimeout: 5000, bodyTimeout: 5000, signal: this.ctl.signal });
      await res.body.dump();
      if (res.statusCode >= 300) error = { code: 'CALLBACK_HTTP_ERROR', status: res.statusCode };
    } catch (e) {
      error = { code: 'CALLBACK_FAILED', message: errorMessage(e) };
    }
    Object.assign(exec, {
      callbackAttempts: attempt,
      callbackLastAttemptAt: ts,
      callbackLastError: error,
      callbackDeliveredAt: error ? exec.callbackDeliveredAt : nowIso(),
    });
    this.store.save('components', exec.id);
  }
}

/** The execution record as White Rabbit returns it (`ExecuteComponentResponse`). */
export function componentRecord(c: ComponentExecution): Record<string, unknown> {
  return {
    id: c.id,
    module: c.module,
    status: c.status,
    completed: isComponentTerminal(c),
    output: c.output,
    error: c.error,
    totalUsage: c.totalUsage,
    callback: {
      url: c.callbackUrl,
      signed: !!c.callbackSecret,
      signatureAlgorithm: c.callbackSecret ? 'hmac-sha256-v1' : null,
      headerNames: Object.keys(c.callbackHeaders),
      lastAttemptAt: c.callbackLastAttemptAt,
      deliveredAt: c.callbackDeliveredAt,
      attemptCount: c.callbackAttempts,
      lastError: c.callbackLastError,
    },
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
