import type { ConnectionChange } from '../../core/connections/states';
import { ConnectionStates } from '../../core/connections/states';
import type { Health } from '../../core/connections/health';
import type { FlowscopeError } from '../../core/errors';
import { toFlowscopeError } from '../../core/errors';
import type { Run, Workflow } from '../../core/model';
import { isTerminalRun } from '../../core/model';
import { newestRunFirst } from '../../core/runOrder';
import type { RunChange } from '../../core/runs/runStore';
import type { Translate } from '../../shared/format';
import { identityTranslate } from '../../shared/format';
import { DisposableBase } from '../../core/util/disposable';
import { Emitter } from '../../core/util/emitter';
import type { Logger } from '../../core/util/log';
import { silentLogger } from '../../core/util/log';
import { RowClock, realEvery } from './clock';
import { Countdowns } from './countdowns';
import type { ExplorerNode, RunNode, WorkflowNode } from './nodes';
import { NodeCache } from './nodes';
import { ChildCache, ROOT } from './childCache';
import { ChildrenOf } from './childrenOf';
import type { ExplorerConnection, ExplorerOptions } from './options';
import type { Presentation } from './present';
import { Rows } from './rows';
import { WorkflowNaming } from './naming';
import { RunListPolling } from './runListPolling';
import { RunPages } from './runPages';
import { OnScreen } from './onScreen';

export type { ConnectionSource, ExplorerConnection, ExplorerOptions } from './options';

const DEFAULT_PAGE = 10;

/**
 * The run explorer's view model: which nodes exist, their children and how each renders. The
 * connection state lives in `ConnectionStates`, paging in `RunPages`, polling in
 * `RunListPolling`; this class ties them to what is on screen (expanded workflows stream their
 * live runs while the view is visible). It has no `vscode` import, so tests drive it in plain Node.
 */
export class Explorer extends DisposableBase {
  readonly states: ConnectionStates;
  private readonly nodes = new NodeCache();
  private readonly answers = new ChildCache();
  private readonly childrenOf: ChildrenOf;
  private readonly pages: RunPages;
  /** Node ids handed to the host: only those are worth refreshing. */
  private readonly rendered = new Set<string>();
  private readonly onScreen: OnScreen;
  private readonly rows: Rows;
  private readonly naming: WorkflowNaming;
  private readonly clock: RowClock;
  private readonly polling: RunListPolling;
  private readonly countdowns: Countdowns;
  private readonly changed = this._register(new Emitter<readonly ExplorerNode[] | undefined>());
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
    this.states = options.states ?? this._register(new ConnectionStates({ connections: options.connections, runs: options.runs, log: this.log, now: this.now, missingKeyMessage: this.t('No API key is stored for this connection.') }));
    this.pages = new RunPages({ states: this.states, runs: options.runs, pageSize: () => this.pageSize(), order: newestRunFirst, log: this.log });
    this.polling = this._register(
      new RunListPolling({
        states: this.states,
        pages: this.pages,
        minMs: options.pollMinMs ?? 5_000,
        maxMs: options.pollMaxMs ?? 60_000,
        targets: () => this.pollTargets(),
        changed: (connection, workflowId) => this.fire([this.nodes.workflow(connection, workflowId)]),
        log: this.log,
      }),
    );
    this.countdowns = this._register(
      new Countdowns({
        states: this.states,
        now: this.now,
        changed: (nodes) => this.fire(nodes.map((n) => ('workflowId' in n ? this.nodes.workflow(n.connection, n.workflowId) : this.nodes.connection(n.connection)))),
      }),
    );
    this.onScreen = this._register(new OnScreen(options.runs, this.pages, this.log));
    this.clock = this._register(new RowClock({ every: options.every ?? realEvery, rows: (all) => this.timeRows(all) }));
    this.naming = new WorkflowNaming({ states: this.states, runsOf: (c, w) => this.runsOf(c, w), graphFileName: options.graphFileName });
    this.rows = new Rows({
      states: this.states,
      runs: options.runs,
      countdowns: this.countdowns,
      t: this.t,
      now: this.now,
      runsOf: (connection, workflowId) => this.runsOf(connection, workflowId),
      workflow: (connection, workflowId) => this.workflow(connection, workflowId),
      named: (connection, workflow) => this.naming.named(connection, workflow),
      hasLastInputs: (connection, workflowId) => this.options.hasLastInputs?.(connection, workflowId) ?? false,
      componentName: options.componentName,
    });
    this.childrenOf = new ChildrenOf({
      states: this.states,
      pages: this.pages,
      nodes: this.nodes,
      onScreen: this.onScreen,
      polling: this.polling,
      runs: options.runs,
      runsOf: (connection, workflowId) => this.runsOf(connection, workflowId),
      report: (connection, error) => this.report(connection, error),
    });
    this._register(options.runs.onDidChange((change) => this.onRunChange(change)));
    this._register(this.states.onDidChange((change) => this.onConnectionChange(change)));
  }

  // ── Host gates ────────────────────────────────────────────────────────────

  /** The view became visible or hidden: live streams and polling follow it. */
  setVisible(visible: boolean): void {
    this.polling.setVisible(visible);
    this.onScreen.setVisible(visible);
    this.clock.setVisible(visible);
  }

  /** The window gained or lost focus: polling pauses without focus, streams do not. */
  setFocused(focused: boolean): void {
    this.polling.setFocused(focused);
  }

  /** The host reports a collapsed node: its runs stop being "visible". */
  collapsed(node: ExplorerNode): void {
    if (node.kind === 'workflow') {
      // The refresh makes the host drop its rows, and it asks for none while the workflow is
      // collapsed: they no longer hold their ids against another workflow (a run that moved).
      this.fire([node]);
      this.refreshParents(this.answers.drop(node.id));
    }
    if (node.kind === 'workflow') this.onScreen.collapseWorkflow(node.connection, node.workflowId);
    if (node.kind === 'connection') this.onScreen.collapseConnection(node.connection);
    this.onScreen.reconcile();
  }

  expandedNode(node: ExplorerNode): void {
    if (node.kind === 'workflow') this.onScreen.expandWorkflow(node.connection, node.workflowId);
    if (node.kind === 'connection') this.onScreen.expandConnection(node.connection);
    this.polling.wake();
    this.onScreen.reconcile();
  }

  // ── Tree reads ────────────────────────────────────────────────────────────

  /** A node's children, answered through the per-parent cache: unique ids, none under two parents. */
  async children(node?: ExplorerNode): Promise<ExplorerNode[]> {
    const ticket = this.answers.begin();
    const computed = await this.childrenOf.compute(node);
    const { nodes, refresh } = this.answers.commit(node?.id ?? ROOT, ticket, computed, node?.connection);
    this.refreshParents(refresh);
    return this.track([...nodes]);
  }


  parent(node: ExplorerNode): ExplorerNode | undefined {
    return this.nodes.parentOf(node);
  }

  /** What the host renders for a node, computed from the current state. */
  item(node: ExplorerNode): Presentation {
    return this.rows.present(node);
  }

  health(connection: string): Health {
    return this.states.health(connection);
  }

  config(connection: string): ExplorerConnection | undefined {
    return this.states.config(connection);
  }

  /** A loaded workflow under its best known name (see WorkflowNaming). */
  workflow(connection: string, workflowId: string): Workflow | undefined {
    return this.naming.workflow(connection, workflowId);
  }

  /** Any workflow, also one the catalog has not listed (yet), named as the tree would name it. */
  named(connection: string, workflow: Workflow): Workflow {
    return this.naming.named(connection, workflow);
  }

  /** The workflows loaded so far for a connection (for pickers), named as in the tree. */
  workflows(connection: string): readonly Workflow[] | undefined {
    return this.naming.workflows(connection);
  }

  /** A name source outside the tree changed (graph files): every row is drawn again. */
  namesChanged(): void {
    this.fire(undefined);
  }

  /** Known runs of a workflow, newest first (see `newestRunFirst`). */
  runsOf(connection: string, workflowId: string): Run[] {
    return this.pages.runsOf(connection, workflowId);
  }

  /** The node of a run, making sure "load more" paging does not hide it. */
  runNode(connection: string, runId: string): RunNode | undefined {
    const run = this.options.runs.get(connection, runId);
    if (!run?.workflowId) return undefined;
    const state = this.pages.get(connection, run.workflowId);
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
      this.pages.clear();
      this.states.resetAll();
      this.fire(undefined);
      return;
    }
    switch (node.kind) {
      case 'connection':
      case 'message':
        if (node.kind === 'message' && node.workflowId !== undefined) return this.refresh(this.nodes.workflow(node.connection, node.workflowId));
        this.states.reset(node.connection);
        return;
      case 'workflow':
      case 'loadMore':
        this.pages.unlist(node.connection, node.workflowId);
        this.polling.bump();
        this.fire([this.nodes.workflow(node.connection, node.workflowId)]);
        return;
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
    await this.pages.loadMore(connection, workflowId);
    this.fire([this.nodes.workflow(connection, workflowId)]);
  }

  /** Records the outcome of a call made elsewhere (commands) so the connection shows it. */
  report(connection: string, error: FlowscopeError): void {
    this.states.report(connection, error);
  }

  reportOk(connection: string): void {
    this.states.reportOk(connection);
  }

  /** A Powabase workflow was armed: its node counts down until `until`. */
  setArmed(connection: string, workflowId: string, until: number): void {
    this.countdowns.arm(connection, workflowId, until);
    this.fire([this.nodes.workflow(connection, workflowId)]);
  }

  /** Something was started here: poll run lists soon. */
  bumpPolling(): void {
    this.polling.bump();
  }

  /** Runs streamed because they are visible (tests and the log read it). */
  watchedRuns(): string[] {
    return this.onScreen.watched();
  }

  get pollerTicks(): number {
    return this.polling.ticks;
  }

  // ── Reactions ─────────────────────────────────────────────────────────────

  private onRunChange(change: RunChange): void {
    const workflowId = change.run.workflowId;
    if (!workflowId) return;
    const workflowNode = this.nodes.workflow(change.connection, workflowId);
    const runNode = this.nodes.run(change.connection, workflowId, change.run.id);
    const movedFrom = change.previous?.workflowId;
    const moved = movedFrom !== undefined && movedFrom !== workflowId;
    const membership = !change.previous || change.previousId !== undefined || moved;
    const statusChanged = change.previous?.status !== change.run.status;
    const latest = this.runsOf(change.connection, workflowId)[0]?.id === change.run.id;
    // A run now under another workflow leaves its old one: that list is asked again too.
    if (moved) this.fire([this.nodes.workflow(change.connection, movedFrom)]);
    if (membership || (statusChanged && latest)) this.fire([workflowNode]);
    else this.fire([runNode]);
    if (statusChanged || membership) this.onScreen.queueReconcile();
  }

  private onConnectionChange(change: ConnectionChange): void {
    switch (change.kind) {
      case 'list':
        this.forgetRemoved(change.removed);
        this.fire(undefined);
        return;
      case 'reset':
        // A new lifetime (refresh, new key or URL): its run lists are read again.
        this.pages.unlist(change.connection);
        this.fire([this.nodes.connection(change.connection)]);
        return;
      case 'health':
        if (this.states.health(change.connection).state === 'rateLimited') this.countdowns.start();
        this.fire([this.nodes.connection(change.connection)]);
        return;
      case 'catalog':
        return;
    }
  }

  private forgetRemoved(removed: readonly string[]): void {
    for (const connection of removed) {
      this.answers.forgetConnection(connection);
      this.onScreen.forget(connection);
      this.pages.forget(connection);
      this.nodes.forgetConnection(connection);
    }
  }

  private pollTargets(): Array<{ connection: string; workflowId: string }> {
    return this.onScreen.openWorkflows().filter((t) => this.states.backend(t.connection)?.capabilities.listRuns);
  }

  /** Run rows on screen whose text moves with time: the running ones, or all (relative times). */
  private timeRows(includeEnded: boolean): void {
    const nodes: ExplorerNode[] = [];
    for (const { connection, workflowId } of this.onScreen.openWorkflows()) {
      const shown = this.pages.get(connection, workflowId).shown;
      for (const run of this.runsOf(connection, workflowId).slice(0, shown)) {
        if (includeEnded || !isTerminalRun(run.status)) nodes.push(this.nodes.run(connection, workflowId, run.id));
      }
    }
    if (nodes.length) this.fire(nodes);
  }

  private fire(nodes: readonly ExplorerNode[] | undefined): void {
    if (this.isDisposed) return;
    if (!nodes) return this.changed.fire(undefined);
    const known = nodes.filter((n) => this.rendered.has(n.id));
    if (known.length) this.changed.fire(known);
  }

  /** Parents the child cache names (ROOT: the whole tree) are asked for their rows again. */
  private refreshParents(parents: readonly string[]): void {
    if (parents.includes(ROOT)) return this.fire(undefined);
    const nodes = parents.map((id) => this.nodes.get(id)).filter((n): n is ExplorerNode => n !== undefined);
    if (nodes.length) this.fire(nodes);
  }

  private track(nodes: ExplorerNode[]): ExplorerNode[] {
    for (const node of nodes) this.rendered.add(node.id);
    return nodes;
  }

  private pageSize(): number {
    return Math.max(1, Math.min(100, this.options.pageSize?.() ?? DEFAULT_PAGE));
  }
}

export { messageKindOf } from './messages';
