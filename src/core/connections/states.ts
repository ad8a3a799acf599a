import type { Backend, ListTruncation } from '../backend';
import type { FlowscopeError } from '../errors';
import { toFlowscopeError } from '../errors';
import type { ConnectionConfig, Workflow } from '../model';
import type { RunStore } from '../runs/runStore';
import type { Disposable } from '../util/disposable';
import { DisposableBase, toDisposable } from '../util/disposable';
import { Emitter } from '../util/emitter';
import type { Logger } from '../util/log';
import { silentLogger } from '../util/log';
import type { Health } from './health';
import { OK_HEALTH, UNKNOWN_HEALTH, healthFromError, isHeldBack } from './health';
import { loadWorkflowsChecked } from './probe';

/** A configured connection: sandbox ones resolve their URL at runtime. */
export type KnownConnection = ConnectionConfig & { readonly sandbox?: boolean };

/** The connections of the window, seen from the vscode-free side. */
export interface ConnectionSource {
  list(): readonly KnownConnection[];
  /** The backend if it is already built. */
  backend(name: string): Backend | undefined;
  /** Builds the backend when needed (reads secrets, starts the sandbox); undefined when a key is missing. */
  resolve(name: string): Promise<Backend | undefined>;
  readonly onDidChange: (listener: () => void) => Disposable;
}

/** What changed about a connection: its health or catalog, its whole lifetime, or the list. */
export type ConnectionChange =
  | { readonly kind: 'health' | 'catalog' | 'reset'; readonly connection: string }
  | { readonly kind: 'list'; readonly removed: readonly string[] };

export interface ConnectionStatesOptions {
  readonly connections: ConnectionSource;
  readonly runs: RunStore;
  readonly log?: Logger;
  readonly now?: () => number;
  /** The words of the missing-key state (translated by the host). */
  readonly missingKeyMessage?: string;
}

/** One connection's lifetime: a new key, URL or removal ends it and everything tied to it. */
interface Lifetime {
  health: Health;
  workflows?: readonly Workflow[];
  /** Set when the service's list was cut short (paging bounds): the tree says so. */
  truncated?: ListTruncation;
  loading?: Promise<void>;
  /** A load was tried: a failure is shown until a refresh, a retry or a config change, not retried per read. */
  attempted: boolean;
  /** The last catalog load failed on our own bug: the tree says so, health stays as it was. */
  internalFailure?: boolean;
  /** The configuration it was started for. */
  readonly configKey: string;
  /** The backend it loaded through; another one means the key or URL changed. */
  backend?: Backend;
  /** Aborted when the lifetime ends: pending requests made for it stop. */
  readonly controller: AbortController;
}

/**
 * The state of each connection of the window (health, workflow catalog, rate-limit hold, a typed
 * missing key) and its lifetime. When a connection's key or URL changes its pending requests are
 * aborted and its live follows restart on the new backend; when it is removed they stop and its
 * runs are forgotten. The tree, the commands and the status bar read it; it has no `vscode` import.
 */
export class ConnectionStates extends DisposableBase {
  private readonly states = new Map<string, Lifetime>();
  private readonly changes = this._register(new Emitter<ConnectionChange>());
  private readonly log: Logger;
  private readonly now: () => number;
  readonly onDidChange = this.changes.event;

  constructor(private readonly options: ConnectionStatesOptions) {
    super();
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? Date.now;
    for (const config of options.connections.list()) this.states.set(config.name, fresh(config));
    this._register(options.connections.onDidChange(() => this.onSourceChange()));
    this._register(toDisposable(() => this.states.forEach((s) => s.controller.abort())));
  }

  list(): readonly KnownConnection[] {
    return this.options.connections.list();
  }

  config(connection: string): KnownConnection | undefined {
    return this.list().find((c) => c.name === connection);
  }

  backend(connection: string): Backend | undefined {
    return this.options.connections.backend(connection);
  }

  resolve(connection: string): Promise<Backend | undefined> {
    return this.options.connections.resolve(connection);
  }

  health(connection: string): Health {
    return this.states.get(connection)?.health ?? UNKNOWN_HEALTH;
  }

  /** The workflows loaded so far, undefined before the first successful load. */
  workflows(connection: string): readonly Workflow[] | undefined {
    return this.states.get(connection)?.workflows;
  }

  /** Whether the catalog failed to load because of Flowscope's own bug (not the service). */
  failedInternally(connection: string): boolean {
    return this.states.get(connection)?.internalFailure === true;
  }

  truncated(connection: string): ListTruncation | undefined {
    return this.states.get(connection)?.truncated;
  }

  /** Whether calls should wait (rate limited and not yet due). */
  isHeldBack(connection: string): boolean {
    return isHeldBack(this.health(connection), this.now());
  }

  /** Aborted when the connection's current lifetime ends (new key or URL, removal, reset). */
  signal(connection: string): AbortSignal | undefined {
    return this.lifetime(connection)?.controller.signal;
  }

  /** Loads the catalog once per lifetime; a failure stays until `reset`, not retried per read. */
  async ensureCatalog(connection: string): Promise<void> {
    const state = this.lifetime(connection);
    if (!state || state.workflows || state.attempted) return state?.loading;
    state.loading ??= this.loadCatalog(connection, state).finally(() => (state.loading = undefined));
    return state.loading;
  }

  /** Records the outcome of a call made elsewhere (commands, pollers) so the connection shows it. */
  report(connection: string, error: FlowscopeError): void {
    if (error.reason === 'internal') {
      // Our bug, not the service's: logged with its stack, the connection's health untouched.
      this.log.error(`internal error on ${connection}: ${stackOf(error)}`);
      return;
    }
    const health = healthFromError(error, this.now());
    if (health) this.setHealth(connection, health);
  }

  reportOk(connection: string): void {
    const state = this.states.get(connection);
    if (!state) return;
    if (state.health.state !== 'ok' && state.health.state !== 'unknown') this.setHealth(connection, OK_HEALTH);
    else state.health = OK_HEALTH;
  }

  /** Starts a new lifetime for a connection (a refresh, a retry, an expired rate limit). */
  reset(connection: string): void {
    const config = this.config(connection);
    if (!config) return;
    this.states.get(connection)?.controller.abort();
    this.states.set(connection, fresh(config));
    this.changes.fire({ kind: 'reset', connection });
  }

  resetAll(): void {
    for (const config of this.list()) this.reset(config.name);
  }

  /** Connections rate limited right now, for countdowns. */
  rateLimited(): string[] {
    return [...this.states].filter(([, s]) => s.health.state === 'rateLimited').map(([name]) => name);
  }

  private async loadCatalog(connection: string, state: Lifetime): Promise<void> {
    if (isHeldBack(state.health, this.now())) return;
    state.attempted = true;
    const before = state.health;
    try {
      const backend = await this.options.connections.resolve(connection);
      if (!backend) {
        state.health = { state: 'missingKey', reason: 'missingKey', message: this.options.missingKeyMessage ?? 'No API key is stored for this connection.' };
      } else {
        state.backend = backend;
        const listed = await loadWorkflowsChecked(backend, state.controller.signal);
        state.workflows = listed;
        state.truncated = listed.truncated;
        state.health = OK_HEALTH;
      }
    } catch (error) {
      const typed = toFlowscopeError(error);
      this.log.debug(`loading workflows of ${connection} failed (${typed.reason}): ${typed.message}`);
      if (typed.reason === 'internal') {
        state.internalFailure = true;
        this.log.error(`internal error loading ${connection}: ${stackOf(typed)}`);
      }
      state.health = healthFromError(typed, this.now()) ?? state.health;
    }
    if (this.states.get(connection) !== state) return; // The lifetime ended meanwhile.
    if (before.state !== state.health.state) this.changes.fire({ kind: 'health', connection });
    this.changes.fire({ kind: 'catalog', connection });
  }

  private onSourceChange(): void {
    const list = this.list();
    const names = new Set(list.map((c) => c.name));
    let structure = false;
    const removed: string[] = [];
    for (const [name, state] of [...this.states]) {
      if (names.has(name)) continue;
      state.controller.abort();
      this.states.delete(name);
      this.options.runs.forgetConnection(name);
      removed.push(name);
    }
    for (const config of list) {
      const state = this.states.get(config.name);
      if (!state) {
        this.states.set(config.name, fresh(config));
        structure = true;
        continue;
      }
      if (state.configKey === configKey(config) && !this.backendReplaced(config.name, state)) continue;
      this.reset(config.name);
      void this.restartFollows(config.name);
    }
    if (structure || removed.length) this.changes.fire({ kind: 'list', removed });
  }

  /**
   * Whether the source dropped or rebuilt the backend this lifetime used (a new key, a restarted
   * sandbox). A connection whose catalog was never loaded may still have live follows (a run
   * started from the palette): a dropped backend under them counts too.
   */
  private backendReplaced(connection: string, state: Lifetime): boolean {
    const backend = this.options.connections.backend(connection);
    if (state.backend !== undefined) return backend !== state.backend;
    return backend === undefined && this.options.runs.liveRuns().some((r) => r.connection === connection);
  }

  /** Live follows of a connection whose key or URL changed move to the new backend. */
  private async restartFollows(connection: string): Promise<void> {
    const signal = this.signal(connection);
    let backend: Backend | undefined;
    try {
      backend = await this.options.connections.resolve(connection);
    } catch (error) {
      this.report(connection, toFlowscopeError(error));
    }
    // A newer change started another lifetime: that one restarts the follows.
    if (signal?.aborted || this.isDisposed) return;
    this.log.debug(`connection ${connection} changed: live follows ${backend ? 'restart on the new backend' : 'stop (no key)'}`);
    this.options.runs.restartFollows(connection);
  }

  private setHealth(connection: string, health: Health): void {
    const state = this.states.get(connection);
    if (!state) return;
    const before = state.health;
    state.health = health;
    if (before.state !== health.state || before.message !== health.message) this.changes.fire({ kind: 'health', connection });
  }

  private lifetime(connection: string): Lifetime | undefined {
    let state = this.states.get(connection);
    if (!state) {
      const config = this.config(connection);
      if (!config) return undefined;
      state = fresh(config);
      this.states.set(connection, state);
    }
    return state;
  }
}

function fresh(config: KnownConnection): Lifetime {
  return { health: UNKNOWN_HEALTH, attempted: false, configKey: configKey(config), controller: new AbortController() };
}

/** Sandbox connections resolve their URL at runtime, so it is not part of their identity. */
function configKey(config: KnownConnection): string {
  return JSON.stringify({ ...config, baseUrl: config.sandbox ? '' : config.baseUrl });
}

function stackOf(error: FlowscopeError): string {
  const cause = error.cause instanceof Error ? error.cause : error;
  return cause.stack ?? cause.message;
}
