import * as vscode from 'vscode';
import type { StageLog } from '../../core/backend';
import { toFlowscopeError } from '../../core/errors';
import type { Run } from '../../core/model';
import { isTerminalRun } from '../../core/model';
import type { GraphViewModel, NextStepAction, NodeDetails, PersistedPanel } from '../../shared/protocol';
import { baseName, readBoundFacts } from '../authoring/graphFiles';
import type { PanelDeps } from '../features';
import type { PanelContent, PanelModel } from './dagPanel';
import type { GraphSource } from './graphSource';
import { resolveGraphSource, revealBlock } from './graphSource';
import { bindGraphFile, emptyStateOf, triggerRun } from './nextSteps';
import { graphFromStages, graphViewOf, nodeDetailsOf, nodeStatesOf, stagesByNode } from './viewModel';
import { newestRunFirst } from '../../core/runOrder';
import { shortId } from '../../shared/format';

export interface RunTarget {
  readonly connection: string;
  readonly workflowId: string;
  /** Absent: a workflow panel, which shows the newest run the store knows of that workflow. */
  readonly runId?: string;
}

/**
 * A workflow's or a run's graph, fed by the same RunStore as the tree: it listens to
 * `onDidChange` and holds a `watch` on the run it shows (the store shares one live stream per
 * run), released with the panel.
 */
export class RunPanelModel implements PanelModel {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private source: GraphSource | undefined;
  private sourceView: GraphViewModel | undefined;
  private run: Run | undefined;
  private runId: string | undefined;
  private workflowName: string | undefined;
  /** The name in the graph file bound from this panel's next step. */
  private boundFileName: string | undefined;
  private watching: { id: string; handle: vscode.Disposable } | undefined;
  private problem: string | undefined;
  private logs: { runId: string; status: string; entries: readonly StageLog[] } | undefined;
  private readonly abort = new AbortController();
  private disposed = false;

  constructor(
    private readonly deps: Pick<PanelDeps, 'connections' | 'runs' | 'explorer'>,
    private readonly target: RunTarget,
  ) {
    this.runId = target.runId;
    this.subscriptions.push(
      deps.runs.onDidChange((change) => {
        if (change.connection !== target.connection) return;
        const id = change.run.id;
        if (this.runId !== undefined && (id === this.runId || change.previousId === this.runId)) {
          this.runId = id; // Powabase replaces a provisional id with the real one.
          this.setRun(change.run);
        } else if (target.runId === undefined && (change.run.workflowId ?? '') === target.workflowId && this.isNewer(change.run)) {
          this.runId = id;
          this.setRun(change.run);
        }
      }),
    );
    void this.load();
  }

  get persist(): PersistedPanel {
    return { kind: 'run', connection: this.target.connection, workflowId: this.target.workflowId, ...(this.target.runId ? { runId: this.runId } : {}) };
  }

  private async load(): Promise<void> {
    const { connection, workflowId } = this.target;
    // Resolve, not just look up: a panel revived after a reload (or opened before anything used
    // the connection) must start the sandbox and read the keys like any command does, or it stays
    // empty with "not available" although the connection works.
    let backend = this.deps.connections.backend(connection);
    if (!backend) {
      try {
        backend = await this.deps.connections.resolve(connection);
      } catch (error) {
        this.problem = toFlowscopeError(error).message;
      }
      if (this.disposed) return;
    }
    if (!backend) this.problem ??= vscode.l10n.t('The connection "{0}" is not available.', connection);
    // The title names the workflow; runs carry its name only on some services.
    void backend
      ?.getWorkflow(workflowId, this.abort.signal)
      .then((workflow) => {
        this.workflowName = workflow.name;
        this.changed.fire();
      })
      .catch(() => undefined);
    try {
      this.source = await resolveGraphSource(backend, connection, workflowId, this.abort.signal);
      this.sourceView = this.source.graph ? graphViewOf(this.source.graph, this.source.origin) : undefined;
    } catch (error) {
      this.source = { origin: 'stages', spans: [], problem: toFlowscopeError(error).message };
    }
    if (this.disposed) return;
    const runs = this.deps.runs;
    if (this.runId !== undefined) {
      let run = runs.get(connection, this.runId);
      if ((!run || run.status === 'unknown') && backend) {
        try {
          run = await runs.refresh(connection, { id: this.runId, workflowId }, this.abort.signal);
        } catch (error) {
          this.problem = vscode.l10n.t('Could not read run {0}: {1}', this.runId, toFlowscopeError(error).message);
        }
      }
      if (this.disposed) return;
      if (run) this.setRun(run);
    } else {
      const newest = runs.runsOf(connection, workflowId)[0];
      if (newest) {
        this.runId = newest.id;
        this.setRun(newest);
      }
    }
    this.changed.fire();
  }

  private isNewer(run: Run): boolean {
    return !this.run || newestRunFirst(run, this.run) <= 0;
  }

  private setRun(run: Run): void {
    this.run = run;
    // Follow the run live while it is going; the watch is shared with the tree and released with the panel.
    if (!isTerminalRun(run.status) && this.watching?.id !== run.id && !this.disposed) {
      this.watching?.handle.dispose();
      const handle = this.deps.runs.watch(this.target.connection, { id: run.id, workflowId: run.workflowId ?? this.target.workflowId });
      this.watching = { id: run.id, handle };
    }
    this.changed.fire();
  }

  private view(): GraphViewModel | undefined {
    if (!this.source) return undefined;
    return this.sourceView ?? graphViewOf(graphFromStages(this.run), 'stages');
  }

  content(): PanelContent | undefined {
    const graph = this.view();
    if (!graph) return undefined;
    const name = this.workflowTitle();
    const title = this.target.runId ? vscode.l10n.t('{0} · run {1}', name, shortId(this.runId ?? '')) : name;
    let notice = this.problem ?? this.source?.problem;
    const empty = graph.origin === 'stages' && graph.nodes.length === 0;
    if (!notice && empty && this.run) notice = vscode.l10n.t('This run has no stages yet.');
    // No run and nothing to draw: say so in the panel itself, with the steps that would fill it.
    const nextSteps = empty && !this.run && !this.problem ? emptyStateOf() : undefined;
    return {
      graph,
      states: nodeStatesOf(graph, this.run),
      header: {
        title,
        subtitle: this.run && !this.target.runId ? vscode.l10n.t('{0} · latest run {1}', this.target.connection, shortId(this.run.id)) : this.target.connection,
        ...(this.run ? { runStatus: this.run.status } : {}),
        ...(notice ? { notice } : {}),
        ...(graph.origin === 'file' && this.source?.file ? { sourceFile: baseName(this.source.file) } : {}),
        ...(nextSteps ? { empty: nextSteps } : {}),
      },
    };
  }

  /**
   * The workflow named as the tree names it (the user's label, the service's name, a bound graph
   * file's, its runs'; else its short id). A file just bound from this panel names it at once,
   * before the tree's index of graph files has read the saved file.
   */
  private workflowTitle(): string {
    const { connection, workflowId: id } = this.target;
    // White Rabbit answers a workflow's name with its id: not a name.
    const name = [this.run?.workflowName, this.workflowName, this.boundFileName].find((n) => n?.trim() && n.trim() !== id) ?? id;
    return this.deps.explorer.named(connection, { id, name }).name;
  }

  async nextStep(action: NextStepAction): Promise<void> {
    const target = { connection: this.target.connection, workflowId: this.target.workflowId };
    if (action === 'trigger') return triggerRun(target);
    if (!(await bindGraphFile(target, this.run?.workflowName ?? this.workflowName))) return;
    // Draw from the file now bound (the run store's changes keep coming as before).
    const backend = this.deps.connections.backend(this.target.connection);
    this.source = await resolveGraphSource(backend, this.target.connection, this.target.workflowId, this.abort.signal);
    this.sourceView = this.source.graph ? graphViewOf(this.source.graph, this.source.origin) : undefined;
    if (this.source.file) {
      const text = await vscode.workspace.fs.readFile(this.source.file).then((bytes) => new TextDecoder().decode(bytes), () => '');
      this.boundFileName = readBoundFacts(text)?.name;
    }
    if (!this.disposed) this.changed.fire();
  }

  async details(nodeId: string): Promise<NodeDetails | undefined> {
    const view = this.view();
    if (!view) return undefined;
    const stage = stagesByNode(view, this.run).get(nodeId);
    return nodeDetailsOf({ nodeId, view, stage, logs: stage ? await this.stageLogs() : undefined, canReveal: this.source?.file !== undefined });
  }

  /** The run's logs where the service serves them (Powabase), re-read while the run changes. */
  private async stageLogs(): Promise<readonly StageLog[] | undefined> {
    const run = this.run;
    const backend = this.deps.connections.backend(this.target.connection);
    if (!run || !backend?.capabilities.logs || !backend.logs) return undefined;
    if (this.logs?.runId === run.id && this.logs.status === run.status && isTerminalRun(run.status)) return this.logs.entries;
    try {
      const entries = await backend.logs({ id: run.id, workflowId: run.workflowId ?? this.target.workflowId }, this.abort.signal);
      this.logs = { runId: run.id, status: run.status, entries };
      return entries;
    } catch {
      return this.logs?.runId === run.id ? this.logs.entries : undefined;
    }
  }

  async reveal(nodeId: string): Promise<void> {
    const file = this.source?.file;
    if (!file) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No workspace graph file is bound to this workflow.'));
      return;
    }
    if (!(await revealBlock(file, nodeId))) void vscode.window.showInformationMessage(vscode.l10n.t('The block is not in the graph file.'));
  }

  output(nodeId: string): string | undefined {
    const view = this.view();
    const output = view ? stagesByNode(view, this.run).get(nodeId)?.output : undefined;
    if (output === undefined) return undefined;
    return typeof output === 'string' ? output : JSON.stringify(output, null, 2);
  }

  dispose(): void {
    this.disposed = true;
    this.abort.abort();
    this.watching?.handle.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.changed.dispose();
  }
}
