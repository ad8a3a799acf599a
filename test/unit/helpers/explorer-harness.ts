// A ConnectionSource over real adapters (createBackend) for the explorer tests: what the
// extension's registry does, minus SecretStorage and settings, which need VS Code.
import type { Backend, LiveOptions, RunRef } from '../../../src/core/backend';
import { createBackend } from '../../../src/core/adapters/registry';
import type { ConnectionConfig, Credentials, Run } from '../../../src/core/model';
import type { ConnectionSource, ExplorerConnection } from '../../../src/extension/tree/viewModel';
import type { Disposable } from '../../../src/core/util/disposable';
import { Emitter } from '../../../src/core/util/emitter';
import type { Sandbox } from '../../../src/sandbox/server';

export class TestConnections implements ConnectionSource {
  private readonly configs = new Map<string, ExplorerConnection>();
  private readonly credentials = new Map<string, Credentials>();
  private readonly built = new Map<string, Backend>();
  private readonly emitter = new Emitter<void>();
  /** Live follows currently open per connection (counts calls into the real adapter). */
  readonly follows = new Map<string, number>();
  readonly onDidChange = (listener: () => void): Disposable => this.emitter.event(listener);

  add(config: ExplorerConnection, credentials?: Credentials): void {
    this.configs.set(config.name, config);
    if (credentials) this.credentials.set(config.name, credentials);
    this.built.delete(config.name);
    this.emitter.fire();
  }

  /** Like storing a corrected key in SecretStorage: the backend is rebuilt. */
  setCredentials(name: string, credentials: Credentials): void {
    this.credentials.set(name, credentials);
    this.built.delete(name);
    this.emitter.fire();
  }

  list(): readonly ExplorerConnection[] {
    return [...this.configs.values()];
  }

  backend(name: string): Backend | undefined {
    return this.built.get(name);
  }

  async resolve(name: string): Promise<Backend | undefined> {
    const existing = this.built.get(name);
    if (existing) return existing;
    const config = this.configs.get(name);
    const credentials = this.credentials.get(name);
    if (!config || !credentials) return undefined;
    const backend = this.counting(name, createBackend(config, credentials, { pollMinMs: 50, pollMaxMs: 200, timeoutMs: 5_000 }));
    this.built.set(name, backend);
    return backend;
  }

  openFollows(name: string): number {
    return this.follows.get(name) ?? 0;
  }

  /** Wraps `follow` to count open follows; everything else is the real adapter. */
  private counting(name: string, backend: Backend): Backend {
    const follows = this.follows;
    const follow = backend.follow.bind(backend);
    return Object.assign(Object.create(backend) as Backend, {
      follow(ref: RunRef, options?: LiveOptions): AsyncIterable<Run> {
        return {
          async *[Symbol.asyncIterator]() {
            follows.set(name, (follows.get(name) ?? 0) + 1);
            try {
              yield* follow(ref, options);
            } finally {
              follows.set(name, (follows.get(name) ?? 0) - 1);
            }
          },
        };
      },
    });
  }
}

export function sandboxConnections(sb: Sandbox): Array<{ config: ConnectionConfig; credentials: Credentials }> {
  return [
    {
      config: { name: 'wr', kind: 'whiterabbit', baseUrl: sb.url, workflowIds: sb.info.whiterabbit.workflowIds },
      credentials: { apiKey: sb.info.whiterabbit.apiKey, apiSecret: sb.info.whiterabbit.apiSecret },
    },
    { config: { name: 'pb', kind: 'powabase', baseUrl: sb.url }, credentials: { apiKey: sb.info.powabase.apiKey } },
    {
      config: { name: 'sv', kind: 'supervity', baseUrl: sb.url, org: sb.info.supervity.org, workflowIds: sb.info.supervity.workflowIds },
      credentials: { apiKey: sb.info.supervity.apiKey },
    },
  ];
}

/** Resolves when `check` holds, polling every 20 ms; fails with `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 8_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
