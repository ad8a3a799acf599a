import { RunWatches } from './runWatches';
import type { WatchTarget } from './runWatches';
import type { Backend, ListTruncation } from '../backend';
import type { FlowscopeError } from '../errors';
import { toFlowscopeError } from '../errors';
import type { ConnectionConfig, Run, Workflow } from '../model';
import { isTerminalRun } from '../model';
import type { RunChange, RunStore } from '../runs/runStore';
import type { Disposable } from '../util/disposable';
import { DisposableBase, toDisposable } from '../util/disposable';
import { Emitter } from '../util/emitter';
import type { Logger } from '../util/log';
import { silentLogger } from '../util/log';
import type { Translate } from './format';
import { identityTranslate } from './format';
import type { Health } from './health';
import { OK_HEALTH, UNKNOWN_HEALTH, healthFromError, isHeldBack } from './health';
import { nameWorkflow } from './workflowName';
import type { ExplorerNode, MessageKind, RunNode, WorkflowNode } from './nodes';
import { NodeCache } from './nodes';
import { RunListPoller } from './poller';
import type { Presentation } from './present';
import { presentConnection, presentLoadMore, presentMessage, presentRun, presentStage, presentWorkflow } from './present';
import { loadWorkflowsChecked } from './probe';

/** A configured connection as the explorer sees it: sandbox ones resolve their URL at runtime. */
export type ExplorerConnection = ConnectionConfig & { readonly sandbox?: boolean };

/** The connections of the window, seen from the vscode-free side. */
export interface ConnectionSource {
  list(): readonly ExplorerConnection[];
  /** The backend if it is already built. */
  backend(name: string): Backend | undefined;
  /** Builds the backend when needed (reads secrets, starts the sandbox); undefined when a key is missing. */
  resolve(name: string): Promise<Backend | undefined>;
  readonly onDidChange: (listener: () => void) => Disposable;
}

export interface ExplorerOptions {
  readonly connections: ConnectionSource;
  readonly runs: RunStore;
  readonly log?: Logger;
  readonly t?: Translate;
  readonly now?: () => number;
  /** Runs per page and per "load more". */
  readonly pageSize?: () => number;
  readonly pollMinMs?: number;
  readonly pollMaxMs?: number;
  /** Whether "run again with the same inputs" has inputs to use. */
  readonly hasLastInputs?: (connection: string, workflowId: string) => boolean;
  /** The name of a workspace graph file bound to the workflow, one of its name sources. */
  readonly graphFileName?: (connection: string, workflowId: string) => string | undefined;
}

interface ConnectionState {
  health: Health;
  workflows?: readonly Workflow[];
  /** Set when the service's list was cut short (paging bounds): the tree says so. */
  truncated?: ListTruncation;
  loading?: Promise<void>;
  /** A load was tried: a failure is shown until a refresh, a retry or a config change, not retried per read. */
  attempted: boolean;
  /** The configuration the state was loaded for; a change resets the state. */
  configKey: string;
  backend?: Backend;
}

interface WorkflowState {
  shown: number;
  next?: string;
  listed: boolean;
  loading?: Promise<void>;
  failed?: MessageKind;
}

const DEFAULT_PAGE = 10;

/**
 * The run explorer's model: what each node shows, its children, paging, connection health, which
 * runs are streamed live (those visible in an expanded workflow while the view is visible) and
 * the polling of run lists. It has no `vscode` import; the tree data provider adapts it, and
 * the tests drive it in plain Node against the sandbox.
 */
export class Explorer extends DisposableBase {
  private readonly nodes = new NodeCache();
  private readonly connState = new Map<string, ConnectionState>();
  private readonly wfState = new Map<string, WorkflowState>();
  /** Workflows whose children were asked for and not collapsed since. */
  private readonly expanded = new Set<string>();
  private readonly collapsedConnections = new Set<string>();
  /** Node ids handed to the host: only those are worth refreshing. */
  private readonly rendered = new Set<string>();
  private readonly watches: RunWatches;
  private readonly armed = new Map<string, number>();
  private readonly changed = this._register(new Emitter<readonly ExplorerNode[] | undefined>());
  private readonly poller: RunListPoller<{ connection: string; workflowId: string }>;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private visible = false;
  private focused = true;
  private reconcileQueued = false;
  private readonly log: Logger;
  private readonly t: Translate;
  private readonly now: () => number;

  /** Fires the nodes whose item or children changed; undefined means the whole tree. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: ExplorerOptions) {
    super();
    this.log = options.log ?? silentLogger;
    this.t = options.t ?? identityTranslate;
    this.now = options.now ?? Date.now;
    this.poller = this._register(
      new RunListPoller({
        minMs: options.pollMinMs ?? 5_000,
        maxMs: options.pollMaxMs ?? 60_000,
        isActive: () => this.visible && this.focused,
        targets: () => this.pollTargets(),
        poll: (target, signal) => this.pollRuns(target.connection, target.workflowId, signal),
        onError: (target, error) => this.report(target.connection, error),
        log: this.log,
      }),
    );
    this._register(options.runs.onDidChange((change) => this.onRunChange(change)));
    this._register(options.connections.onDidChange(() => this.onConnectionsChange()));
    this._register(toDisposable(() => this.stopTicker()));
    this.watches = this._register(new RunWatches(options.runs, this.log));
    for (const config of options.connections.list()) this.connState.set(config.name, this.freshState(config));
  }

  // ── Host gates ────────────────────────────────────────────────────────────

  /** The view became visible or hidden: live streams and polling follow it. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.poller.wake();
    this.reconcileWatches();
  }

  /** The window gained or lost focus: polling pauses without focus, streams do not. */
  setFocused(focused: boolean): void {
    this.focused = focused;
    this.poller.wake();
  }

  /** The host reports a collapsed node: its runs stop being "visible". */
  collapsed(node: ExplorerNode): void {
    if (node.kind === 'workflow') this.expanded.delete(wfKey(node.connection, node.workflowId));
    if (node.kind === 'connection') this.collapsedConnections.add(node.connection);
    this.reconcileWatches();
  }

  expandedNode(node: ExplorerNode): void {
    if (node.kind === 'workflow') this.expanded.add(wfKey(node.connection, node.workflowId));
    if (node.kind === 'connection') this.collapsedConnections.delete(node.connection);
    this.poller.wake();
    this.reconcileWatches();
  }

  // ── Tree reads ────────────────────────────────────────────────────────────

  roots(): ExplorerNode[] {
    return this.track(this.options.connections.list().map((c) => this.nodes.connection(c.name)));
  }

  async children(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) return this.roots();
    switch (node.kind) {
      case 'connection':
        return this.track(await this.connectionChildren(node.connection));
      case 'workflow':
        return this.track(await this.workflowChildren(node));
      case 'run':
        return this.track(this.stageNodes(node));
      default:
        return [];
    }
  }

  parent(node: ExplorerNode): ExplorerNode | undefined {
    switch (node.kind) {
      case 'connection':
        return undefined;
      case 'workflow':
        return this.nodes.connection(node.connection);
      case 'run':
      case 'loadMore':
        return this.nodes.workflow(node.connection, node.workflowId);
      case 'stage':
        return this.nodes.run(node.connection, node.workflowId, node.runId);
      case 'message':
        return node.workflowId === undefined ? this.nodes.connection(node.connection) : this.nodes.workflow(node.connection, node.workflowId);
    }
  }

  /** What the host renders for a node, computed from the current state. */
  item(node: ExplorerNode): Presentation {
    const ctx = { now: this.now(), t: this.t };
    const config = this.config(node.connection);
    const health = this.health(node.connection);
    const capabilities = this.options.connections.backend(node.connection)?.capabilities;
    switch (node.kind) {
      case 'connection':
        return presentConnection(config ?? { name: node.connection, kind: 'whiterabbit', baseUrl: '' }, health, capabilities, ctx);
      case 'workflow': {
        const workflow = this.workflow(node.connection, node.workflowId) ?? this.named(node.connection, { id: node.workflowId, name: node.workflowId });
        const key = wfKey(node.connection, node.workflowId);
        return presentWorkflow(
          {
            workflow,
            latestRun: this.runsOf(node.connection, node.workflowId)[0],
            capabilities: capabilities ?? NO_CAPABILITIES,
            armedUntil: this.armed.get(key),
            hasLastInputs: this.options.hasLastInputs?.(node.connection, node.workflowId) ?? false,
          },
          ctx,
        );
      }
      case 'run': {
        const run = this.options.runs.get(node.connection, node.runId) ?? placeholderRun(node);
        const live = this.options.runs.isLive(node.connection, node.runId);
        const stopsWithStream = capabilities?.runEndsWithStream === true && this.options.runs.ownsStream(node.connection, node.runId);
        return presentRun({ run, capabilities: capabilities ?? NO_CAPABILITIES, live, stopsWithStream }, ctx);
      }
      case 'stage': {
        const stage = this.options.runs.get(node.connection, node.runId)?.stages.find((s) => s.id === node.stageId);
        return presentStage(stage ?? { id: node.stageId, name: node.stageId, status: 'unknown', rawStatus: '' }, ctx);
      }
      case 'loadMore':
        return presentLoadMore(ctx);
      case 'message':
        return presentMessage(node, health, ctx, this.conn(node.connection)?.truncated);
    }
  }

  health(connection: string): Health {
    return this.connState.get(connection)?.health ?? UNKNOWN_HEALTH;
  }

  config(connection: string): ExplorerConnection | undefined {
    return this.options.connections.list().find((c) => c.name === connection);
  }

  /** A loaded workflow, named by its runs when the service gave only its id. */
  workflow(connection: string, workflowId: string): Workflow | undefined {
    const workflow = this.connState.get(connection)?.workflows?.find((w) => w.id === workflowId);
    return workflow && this.named(connection, workflow);
  }

  /** The workflow under its best known name (see nameWorkflow). */
  private named(connection: string, workflow: Workflow): Workflow {
    return nameWorkflow(workflow, {
      configured: this.config(connection)?.workflowNames?.[workflow.id],
      graphFile: this.options.graphFileName?.(connection, workflow.id),
      runs: this.runsOf(connection, workflow.id),
    });
  }

  /** A name source outside the explorer changed (graph files): every row is drawn again. */
  namesChanged(): void {
    this.fire(undefined);
  }

  /** The workflows loaded so far for a connection (for pickers), named as in the tree. */
  workflows(connection: string): readonly Workflow[] | undefined {
    return this.connState.get(connection)?.workflows?.map((w) => this.named(connection, w));
  }

  /** Known runs of a workflow, newest first; runs not yet dated (just started) come first. */
  runsOf(connection: string, workflowId: string): Run[] {
    return this.options.runs.runsOf(connection, workflowId).sort(byNewest);
  }

  /** The node of a run, making sure "load more" paging does not hide it. */
  runNode(connection: string, runId: string): RunNode | undefined {
    const run = this.options.runs.get(connection, runId);
    if (!run?.workflowId) return undefined;
    const state = this.wf(connection, run.workflowId);
    const index = this.runsOf(connection, run.workflowId).findIndex((r) => r.id === runId);
    if (index >= state.shown) {
      state.shown = index + 1;
      this.fire([this.nodes.workflow(connection, run.workflowId)]);
    }
    return this.nodes.run(connection, run.workflowId, runId);
  }

  connectionNode(connection: string): ExplorerNode {
    return this.nodes.connection(connection);
  }

  workflowNode(connection: string, workflowId: string): WorkflowNode {
    return this.nodes.workflow(connection, workflowId);
  }

  // ── Actions ───────────────────────────────────────────────────────────────

  /** Reloads a node (or everything): clears what was loaded and lets the host ask again. */
  async refresh(node?: ExplorerNode): Promise<void> {
    if (!node) {
      for (const config of this.options.connections.list()) this.connState.set(config.name, this.freshState(config));
      this.wfState.clear();
      this.fire(undefined);
      return;
    }
    switch (node.kind) {
      case 'connection':
      case 'message':
        if (node.kind === 'message' && node.workflowId !== undefined) return this.refresh(this.nodes.workflow(node.connection, node.workflowId));
        this.resetConnection(node.connection);
        this.fire([this.nodes.connection(node.connection)]);
        return;
      case 'workflow':
      case 'loadMore': {
        const state = this.wf(node.connection, node.workflowId);
        state.listed = false;
        state.next = undefined;
        state.failed = undefined;
        this.poller.bump();
        this.fire([this.nodes.workflow(node.connection, node.workflowId)]);
        return;
      }
      case 'run':
      case 'stage':
        try {
          await this.options.runs.refresh(node.connection, { id: node.runId, workflowId: node.workflowId });
          this.reportOk(node.connection);
        } catch (error) {
          this.report(node.connection, toFlowscopeError(error));
          throw error;
        }
    }
  }

  /** Shows one more page of runs, fetching it when the known runs are all shown. */
  async loadMore(connection: string, workflowId: string): Promise<void> {
    const state = this.wf(connection, workflowId);
    state.shown += this.pageSize();
    if (this.runsOf(connection, workflowId).length < state.shown && state.next) await this.loadRuns(connection, workflowId, state.next);
    this.fire([this.nodes.workflow(connection, workflowId)]);
  }

  /** Records the outcome of a call made elsewhere (commands) so the connection shows it. */
  report(connection: string, error: FlowscopeError): void {
    const health = healthFromError(error, this.now());
    if (health) this.setHealth(connection, health);
  }

  reportOk(connection: string): void {
    const state = this.connState.get(connection);
    if (state && state.health.state !== 'ok' && state.health.state !== 'unknown') this.setHealth(connection, OK_HEALTH);
    else if (state) state.health = OK_HEALTH;
  }

  /** A Powabase workflow was armed: its node counts down until `until`. */
  setArmed(connection: string, workflowId: string, until: number): void {
    this.armed.set(wfKey(connection, workflowId), until);
    this.fire([this.nodes.workflow(connection, workflowId)]);
    this.startTicker();
  }

  /** Something was started here: poll run lists soon. */
  bumpPolling(): void {
    this.poller.bump();
  }

  /** Runs streamed because they are visible (tests and the log read it). */
  watchedRuns(): string[] {
    return this.watches.keys();
  }

  get pollerTicks(): number {
    return this.poller.ticks;
  }

  // ── Loading ───────────────────────────────────────────────────────────────

  private async connectionChildren(connection: string): Promise<ExplorerNode[]> {
    const state = this.conn(connection);
    if (!state) return [];
    if (!state.workflows && !state.attempted) {
      state.loading ??= this.loadWorkflows(connection, state).finally(() => (state.loading = undefined));
      await state.loading;
    }
    const health = state.health;
    const problem = messageFor(health);
    if (!state.workflows) return [this.nodes.message(connection, undefined, problem ?? 'error')];
    const out: ExplorerNode[] = [];
    if (problem) out.push(this.nodes.message(connection, undefined, problem));
    if (state.workflows.length === 0) out.push(this.nodes.message(connection, undefined, 'noWorkflows'));
    if (state.truncated) out.push(this.nodes.message(connection, undefined, 'truncated'));
    for (const workflow of state.workflows) out.push(this.nodes.workflow(connection, workflow.id));
    return out;
  }

  private async loadWorkflows(connection: string, state: ConnectionState): Promise<void> {
    if (isHeldBack(state.health, this.now())) return;
    state.attempted = true;
    const before = state.health;
    try {
      const backend = await this.options.connections.resolve(connection);
      if (!backend) {
        state.health = { state: 'missingKey', message: this.t('No API key is stored for this connection.') };
        return;
      }
      state.backend = backend;
      const listed = await loadWorkflowsChecked(backend);
      state.workflows = listed;
      state.truncated = listed.truncated;
      state.health = OK_HEALTH;
    } catch (error) {
      const typed = toFlowscopeError(error);
      this.log.debug(`loading workflows of ${connection} failed (${typed.reason}): ${typed.message}`);
      state.health = healthFromError(typed, this.now()) ?? state.health;
      if (state.health.state === 'rateLimited') this.startTicker();
    }
    // The connection's own item shows the health: re-render it (its children are cached now).
    if (before.state !== state.health.state && this.connState.get(connection) === state) this.fire([this.nodes.connection(connection)]);
  }

  private async workflowChildren(node: WorkflowNode): Promise<ExplorerNode[]> {
    const { connection, workflowId } = node;
    const key = wfKey(connection, workflowId);
    // The host asks for children only of expanded nodes, and restored expansion fires no event:
    // asking is the one reliable sign that the workflow's runs are on screen.
    this.expanded.add(key);
    this.collapsedConnections.delete(connection);
    const state = this.wf(connection, workflowId);
    let backend: Backend | undefined;
    try {
      backend = await this.options.connections.resolve(connection);
    } catch (error) {
      this.report(connection, toFlowscopeError(error));
    }
    if (backend?.capabilities.listRuns && !state.listed && !state.failed) {
      state.loading ??= this.loadRuns(connection, workflowId, undefined).finally(() => (state.loading = undefined));
      await state.loading;
    }
    const runs = this.runsOf(connection, workflowId);
    const out: ExplorerNode[] = [];
    if (state.failed) out.push(this.nodes.message(connection, workflowId, state.failed));
    for (const run of runs.slice(0, state.shown)) out.push(this.nodes.run(connection, workflowId, run.id));
    if (runs.length > state.shown || state.next) out.push(this.nodes.loadMore(connection, workflowId));
    if (out.length === 0) out.push(this.nodes.message(connection, workflowId, backend && !backend.capabilities.listRuns ? 'runsNotListed' : 'noRuns'));
    this.queueReconcile();
    this.poller.wake();
    return out;
  }

  private async loadRuns(connection: string, workflowId: string, cursor: string | undefined): Promise<void> {
    const state = this.wf(connection, workflowId);
    if (isHeldBack(this.health(connection), this.now())) return;
    try {
      const backend = await this.options.connections.resolve(connection);
      if (!backend) return;
      const page = await backend.listRuns(workflowId, { limit: this.pageSize(), cursor });
      this.options.runs.ingest(connection, page.runs.map((run) => (run.workflowId ? run : { ...run, workflowId })));
      state.next = page.next;
      state.listed = true;
      state.failed = undefined;
      this.reportOk(connection);
    } catch (error) {
      const typed = toFlowscopeError(error);
      if (typed.reason === 'aborted') return;
      state.failed = messageFor(healthFromError(typed, this.now()) ?? UNKNOWN_HEALTH) ?? 'error';
      this.report(connection, typed);
    }
  }

  private async pollRuns(connection: string, workflowId: string, signal: AbortSignal): Promise<boolean> {
    const backend = this.options.connections.backend(connection);
    if (!backend?.capabilities.listRuns || isHeldBack(this.health(connection), this.now())) return false;
    const known = new Set(this.options.runs.runsOf(connection, workflowId).map((r) => r.id));
    const page = await backend.listRuns(workflowId, { limit: this.pageSize() }, signal);
    const fresh = page.runs.filter((run) => !known.has(run.id));
    this.options.runs.ingest(connection, page.runs.map((run) => (run.workflowId ? run : { ...run, workflowId })));
    const state = this.wf(connection, workflowId);
    if (!state.listed) {
      state.listed = true;
      state.next = page.next;
    }
    // New runs push older ones down: show them without hiding what the user was looking at.
    state.shown += fresh.length;
    if (state.failed) {
      state.failed = undefined;
      this.fire([this.nodes.workflow(connection, workflowId)]);
    }
    this.reportOk(connection);
    return fresh.length > 0;
  }

  private stageNodes(node: RunNode): ExplorerNode[] {
    const run = this.options.runs.get(node.connection, node.runId);
    if (!run) return [];
    return run.stages.map((stage) => this.nodes.stage(node.connection, node.workflowId, node.runId, stage.id));
  }

  // ── Reactions ─────────────────────────────────────────────────────────────

  private onRunChange(change: RunChange): void {
    const workflowId = change.run.workflowId;
    if (!workflowId) return;
    const workflowNode = this.nodes.workflow(change.connection, workflowId);
    const runNode = this.nodes.run(change.connection, workflowId, change.run.id);
    const membership = !change.previous || change.previousId !== undefined;
    const statusChanged = change.previous?.status !== change.run.status;
    const latest = this.runsOf(change.connection, workflowId)[0]?.id === change.run.id;
    if (membership || (statusChanged && latest)) this.fire([workflowNode]);
    else this.fire([runNode]);
    if (statusChanged || membership) this.queueReconcile();
  }

  private onConnectionsChange(): void {
    const list = this.options.connections.list();
    const names = new Set(list.map((c) => c.name));
    let structure = false;
    const changed: ExplorerNode[] = [];
    for (const name of [...this.connState.keys()]) {
      if (!names.has(name)) {
        this.forget(name);
        structure = true;
      }
    }
    for (const config of list) {
      const state = this.connState.get(config.name);
      if (!state) {
        this.connState.set(config.name, this.freshState(config));
        structure = true;
        continue;
      }
      const backend = this.options.connections.backend(config.name);
      const replaced = state.backend !== undefined && backend !== state.backend;
      if (state.configKey !== configKey(config) || replaced) {
        this.resetConnection(config.name);
        changed.push(this.nodes.connection(config.name));
      }
    }
    if (structure) this.fire(undefined);
    else if (changed.length) this.fire(changed);
  }

  private resetConnection(connection: string): void {
    const config = this.config(connection);
    if (!config) return;
    this.connState.set(connection, this.freshState(config));
    for (const [key, state] of this.wfState) {
      if (key.startsWith(`${connection}\u0000`)) {
        state.listed = false;
        state.next = undefined;
        state.failed = undefined;
      }
    }
  }

  private forget(connection: string): void {
    this.connState.delete(connection);
    for (const key of [...this.wfState.keys()]) if (key.startsWith(`${connection}\u0000`)) this.wfState.delete(key);
    for (const key of [...this.expanded]) if (key.startsWith(`${connection}\u0000`)) this.expanded.delete(key);
    this.watches.releaseConnection(connection);
    this.nodes.forgetConnection(connection);
    this.options.runs.forgetConnection(connection);
  }

  private setHealth(connection: string, health: Health): void {
    const state = this.connState.get(connection);
    if (!state) return;
    const before = state.health;
    state.health = health;
    if (health.state === 'rateLimited') this.startTicker();
    if (before.state !== health.state || before.message !== health.message) this.fire([this.nodes.connection(connection)]);
  }

  /**
   * Streams exactly the runs on screen: non-terminal runs shown in an expanded workflow of an
   * expanded connection while the view is visible. The store shares one stream per run among
   * all its watchers (graph panels too) and keeps runs started here live regardless.
   */
  private reconcileWatches(): void {
    const desired: WatchTarget[] = [];
    if (this.visible && !this.isDisposed) {
      for (const key of this.expanded) {
        const [connection = '', workflowId = ''] = key.split('\u0000');
        if (this.collapsedConnections.has(connection)) continue;
        const state = this.wf(connection, workflowId);
        for (const run of this.runsOf(connection, workflowId).slice(0, state.shown)) {
          if (!isTerminalRun(run.status)) desired.push({ connection, runId: run.id, workflowId });
        }
      }
    }
    this.watches.reconcile(desired);
  }

  private queueReconcile(): void {
    if (this.reconcileQueued) return;
    this.reconcileQueued = true;
    queueMicrotask(() => {
      this.reconcileQueued = false;
      this.reconcileWatches();
    });
  }

  private pollTargets(): Array<{ connection: string; workflowId: string }> {
    const out: Array<{ connection: string; workflowId: string }> = [];
    for (const key of this.expanded) {
      const [connection = '', workflowId = ''] = key.split('\u0000');
      if (this.collapsedConnections.has(connection)) continue;
      if (this.options.connections.backend(connection)?.capabilities.listRuns) out.push({ connection, workflowId });
    }
    return out;
  }

  /** One ticker for countdowns (rate-limit retry, armed webhooks); it stops when none is left. */
  private startTicker(): void {
    if (this.ticker || this.isDisposed) return;
    this.ticker = setInterval(() => this.tick(), 1_000);
    (this.ticker as { unref?: () => void }).unref?.();
  }

  private tick(): void {
    const now = this.now();
    const nodes: ExplorerNode[] = [];
    for (const [name, state] of this.connState) {
      if (state.health.state !== 'rateLimited') continue;
      if ((state.health.retryAt ?? 0) <= now) {
        // Due: forget the failure so the next read tries again.
        this.resetConnection(name);
      }
      nodes.push(this.nodes.connection(name));
    }
    for (const [key, until] of [...this.armed]) {
      const [connection = '', workflowId = ''] = key.split('\u0000');
      if (until <= now) this.armed.delete(key);
      nodes.push(this.nodes.workflow(connection, workflowId));
    }
    if (nodes.length) this.fire(nodes);
    else this.stopTicker();
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  // ── Helpers ───────────────────────────────────────────────────────────────

  private fire(nodes: readonly ExplorerNode[] | undefined): void {
    if (this.isDisposed) return;
    if (!nodes) return this.changed.fire(undefined);
    const known = nodes.filter((n) => this.rendered.has(n.id));
    if (known.length) this.changed.fire(known);
  }

  private track(nodes: ExplorerNode[]): ExplorerNode[] {
    for (const node of nodes) this.rendered.add(node.id);
    return nodes;
  }

  private conn(connection: string): ConnectionState | undefined {
    let state = this.connState.get(connection);
    if (!state) {
      const config = this.config(connection);
      if (!config) return undefined;
      state = this.freshState(config);
      this.connState.set(connection, state);
    }
    return state;
  }

  private wf(connection: string, workflowId: string): WorkflowState {
    const key = wfKey(connection, workflowId);
    let state = this.wfState.get(key);
    if (!state) {
      state = { shown: this.pageSize(), listed: false };
      this.wfState.set(key, state);
    }
    return state;
  }

  private freshState(config: ExplorerConnection): ConnectionState {
    return { health: UNKNOWN_HEALTH, attempted: false, configKey: configKey(config) };
  }

  private pageSize(): number {
    return Math.max(1, Math.min(100, this.options.pageSize?.() ?? DEFAULT_PAGE));
  }

  override dispose(): void {
    this.stopTicker();
    super.dispose();
  }
}

const NO_CAPABILITIES: Backend['capabilities'] = {
  listWorkflows: false,
  listRuns: false,
  getGraph: false,
  pushGraph: 'none',
  triggerInputs: false,
  cancel: 'none',
  stream: 'trigger',
  logs: false,
  deploy: false,
  arm: false,
  dashboard: false,
  componentUpdate: false,
  componentExecute: false,
};

function messageFor(health: Health): MessageKind | undefined {
  switch (health.state) {
    case 'missingKey':
    case 'auth':
    case 'unreachable':
    case 'rateLimited':
    case 'error':
      return health.state;
    default:
      return undefined;
  }
}

function wfKey(connection: string, workflowId: string): string {
  return `${connection}\u0000${workflowId}`;
}

/** Sandbox connections resolve their URL at runtime, so it is not part of their identity. */
function configKey(config: ExplorerConnection): string {
  return JSON.stringify({ ...config, baseUrl: config.sandbox ? '' : config.baseUrl });
}

function placeholderRun(node: RunNode): Run {
  return { id: node.runId, workflowId: node.workflowId, status: 'unknown', rawStatus: '', stages: [] };
}

function byNewest(a: Run, b: Run): number {
  if (!a.createdAt !== !b.createdAt) return a.createdAt ? 1 : -1;
  return (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.id.localeCompare(b.id);
}

/** Exposed for tests: the message kinds an error maps to. */
export function messageKindOf(error: FlowscopeError, now = Date.now()): MessageKind | undefined {
  return messageFor(healthFromError(error, now) ?? UNKNOWN_HEALTH);
}
