import * as vscode from 'vscode';
import type { Backend } from '../../core/backend';
import { createBackend } from '../../core/adapters/registry';
import { missingOrgProblem } from '../../core/adapters/supervity/org';
import type { AdapterDeps } from '../../core/adapters/deps';
import { FlowscopeError } from '../../core/errors';
import type { KnownConnection } from '../../core/connections/states';
import type { Logger } from '../../core/util/log';
import type { SandboxHost } from '../sandbox';
import type { SecretKeyring } from '../secrets';
import type { Settings } from '../settings';

interface Built {
  readonly backend: Backend;
  /** The configuration it was built for; another one means rebuilding. */
  readonly key: string;
}

/** The connections of this window, with their live backends (credentials resolved from SecretStorage). */
export interface ConnectionRegistry {
  list(): readonly KnownConnection[];
  get(name: string): KnownConnection | undefined;
  /** The backend of a connection, or undefined while its secrets are missing or invalid. */
  backend(name: string): Backend | undefined;
  /**
   * The backend, built if needed: reads the secrets and, for sandbox connections, starts the
   * embedded sandbox first. Undefined while a key is missing; rejects with a FlowscopeError when
   * the connection is unknown or the sandbox cannot start. Prefer it over `backend` in commands.
   */
  resolve(name: string): Promise<Backend | undefined>;
  readonly onDidChange: vscode.Event<void>;
}

/**
 * The window's connections: settings for the shape, SecretStorage for the keys, the embedded
 * sandbox for sandbox URLs. Backends are built lazily on `resolve` and dropped whenever their
 * settings, secrets or sandbox URL change, so a corrected key takes effect without a reload
 * (the "backend connection" lifetime).
 */
export class Connections implements ConnectionRegistry, vscode.Disposable {
  private readonly built = new Map<string, Built>();
  private readonly pending = new Map<string, Promise<Backend | undefined>>();
  private readonly emitter = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[];
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly settings: Settings,
    private readonly keyring: SecretKeyring,
    private readonly sandbox: SandboxHost,
    private readonly log: Logger,
    private readonly deps: AdapterDeps = {},
  ) {
    this.subscriptions = [
      settings.onDidChange(() => this.invalidate((name) => this.built.get(name)?.key !== this.keyOf(name))),
      keyring.onDidChange((name) => this.invalidate((n) => n === name)),
      sandbox.onDidStart(() => this.invalidate((name) => this.get(name)?.sandbox === true)),
    ];
  }

  list(): readonly KnownConnection[] {
    return this.settings.current.connections.map((c) => (c.sandbox ? { ...c, baseUrl: this.sandbox.url ?? '' } : c));
  }

  get(name: string): KnownConnection | undefined {
    return this.list().find((c) => c.name === name);
  }

  backend(name: string): Backend | undefined {
    const built = this.built.get(name);
    return built && built.key === this.keyOf(name) ? built.backend : undefined;
  }

  /** Builds the backend if needed: starts the sandbox for sandbox connections and reads the keys. */
  resolve(name: string): Promise<Backend | undefined> {
    const ready = this.backend(name);
    if (ready) return Promise.resolve(ready);
    let pending = this.pending.get(name);
    if (!pending) {
      pending = this.build(name).finally(() => this.pending.delete(name));
      this.pending.set(name, pending);
    }
    return pending;
  }

  private async build(name: string): Promise<Backend | undefined> {
    let config = this.get(name);
    if (!config) throw new FlowscopeError('usage', vscode.l10n.t('No connection named "{0}".', name));
    if (config.sandbox && !this.sandbox.url) {
      await this.sandbox.ensure();
      config = this.get(name) ?? config;
    }
    if (!config.baseUrl) throw new FlowscopeError('usage', vscode.l10n.t('Connection "{0}" has no URL.', name));
    // Refused here, not only in the add/edit prompts: settings edited by hand can lack it too.
    if (missingOrgProblem(config)) {
      throw new FlowscopeError('usage', vscode.l10n.t('Connection "{0}" has no organisation: Supervity Auto needs your organisation key on every request. Set it with Edit Connection.', name));
    }
    const credentials = await this.keyring.credentials(name);
    if (!credentials) return undefined;
    if (config.kind === 'whiterabbit' && !credentials.apiSecret) return undefined;
    const backend = createBackend(config, credentials, { log: this.log, ...this.deps });
    this.built.set(name, { backend, key: this.keyOf(name) });
    this.log.debug(`connection ${name}: backend ready (${config.kind} at ${config.baseUrl})`);
    return backend;
  }

  private keyOf(name: string): string {
    const config = this.get(name);
    return config ? JSON.stringify(config) : '';
  }

  private invalidate(which: (name: string) => boolean): void {
    for (const name of [...this.built.keys()]) if (which(name)) this.built.delete(name);
    this.emitter.fire();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
    this.built.clear();
  }
}
