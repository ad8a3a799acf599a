import * as vscode from 'vscode';
import type { Backend } from '../../core/backend';
import type { KnownConnection } from '../../core/connections/states';
import { FlowscopeError } from '../../core/errors';
import { isTerminalRun } from '../../core/model';
import type { Run, Workflow } from '../../core/model';
import type { ConnectionRun } from '../../core/runs/distinctRuns';
import { distinctRuns } from '../../core/runs/distinctRuns';
import type { RunStore } from '../../core/runs/runStore';
import { Commands } from '../commandIds';
import { ConnectionScopedError, scoped } from '../commands/register';
import type { ExplorerNode } from '../tree/nodes';
import { connectionItems, runItems, workflowItems } from './items';
import { connectionOf, isNode } from './targets';
import type { RunTarget, WorkflowTarget } from './targets';

/** What the pickers read, built once in the composition root. */
export interface PickerDeps {
  readonly connections: {
    list(): readonly KnownConnection[];
    get(name: string): KnownConnection | undefined;
    resolve(name: string): Promise<Backend | undefined>;
  };
  /** The tree's catalog: workflows named and ordered as the tree shows them, and its run pages. */
  readonly catalog: {
    ensureCatalog(connection: string): Promise<void>;
    workflows(connection: string): readonly Workflow[] | undefined;
    workflow(connection: string, workflowId: string): Workflow | undefined;
    runsOf(connection: string, workflowId: string): Run[];
  };
  readonly runs: Pick<RunStore, 'liveRuns'>;
  /** The tree's current selection (what a palette command applies to when given no argument). */
  readonly selection: () => readonly ExplorerNode[];
}

export interface ConnectionPickOptions {
  readonly title?: string;
  /** Only the connections that can do what is asked (Push as New: Powabase only). */
  readonly only?: (connection: KnownConnection) => boolean;
  /** Shown instead of the "add a connection" offer when no connection passes `only`. */
  readonly noneMessage?: string;
}

export interface WorkflowPickOptions {
  /** A title naming the action (authoring flows show it over every step). */
  readonly title?: string;
  /** Offers "Enter a workflow id…" after the listed workflows (authoring: a workflow the catalog does not list). */
  readonly allowTypedId?: boolean;
  /** Ignore the tree's selection: always ask (authoring binds a file, the selection is unrelated). */
  readonly ignoreSelection?: boolean;
  /** The connection step's placeholder, when it should not repeat the workflow's. */
  readonly connectionPlaceHolder?: string;
}

/**
 * The one picker of the extension: connection → workflow → run, used by the palette commands,
 * graph authoring and the graph panels. Same labels and order everywhere (the tree's), and one
 * cancellation behaviour: Escape at any step returns undefined (or an empty list) and the caller
 * stops silently. A failure to reach the service throws a connection-scoped error, which the one
 * command wrapper shows with its fix.
 */
export class Pickers {
  constructor(private readonly deps: PickerDeps) {}

  /** A connection: the one given, the only one, or the user's pick. */
  async connection(placeHolder: string, arg?: unknown, options: ConnectionPickOptions = {}): Promise<string | undefined> {
    const { title, only, noneMessage } = options;
    const given = connectionOf(arg);
    const config = given === undefined ? undefined : this.deps.connections.get(given);
    if (given && config && (!only || only(config))) return given;
    const list = this.deps.connections.list().filter((c) => !only || only(c));
    if (list.length === 0 && noneMessage) {
      void vscode.window.showInformationMessage(noneMessage);
      return undefined;
    }
    if (list.length === 0) {
      const add = vscode.l10n.t('Add Connection…');
      const sandbox = vscode.l10n.t('Start Sandbox');
      const picked = await vscode.window.showInformationMessage(vscode.l10n.t('No Flowscope connection is configured yet.'), sandbox, add);
      if (picked === add) await vscode.commands.executeCommand(Commands.connectionAdd);
      if (picked === sandbox) await vscode.commands.executeCommand(Commands.sandboxStart);
      return undefined;
    }
    if (list.length === 1) return list[0]?.name;
    const picked = await vscode.window.showQuickPick(connectionItems(list, vscode.l10n.t), { placeHolder, title });
    return picked?.connection;
  }

  /** The backend of a connection (built, the sandbox started), or an error that offers to set the key. */
  async backend(connection: string): Promise<Backend> {
    const backend = await scoped(connection, this.deps.connections.resolve(connection));
    if (!backend) throw new ConnectionScopedError(connection, new FlowscopeError('missingKey', vscode.l10n.t('No API key is stored for this connection.')));
    return backend;
  }

  /** A workflow: the one an argument names, the tree's selected one, or connection then workflow picked. */
  async workflow(arg: unknown, placeHolder: string, options: WorkflowPickOptions = {}): Promise<WorkflowTarget | undefined> {
    if (typeof arg === 'object' && arg !== null) {
      const v = arg as { connection?: unknown; workflowId?: unknown };
      if (typeof v.connection === 'string' && typeof v.workflowId === 'string') return { connection: v.connection, workflowId: v.workflowId };
    }
    if (arg === undefined && !options.ignoreSelection) {
      const selected = this.deps.selection().find((n) => 'workflowId' in n && typeof n.workflowId === 'string');
      if (selected && 'workflowId' in selected && selected.workflowId) return { connection: selected.connection, workflowId: selected.workflowId, fromSelection: true };
    }
    const connection = await this.connection(options.connectionPlaceHolder ?? placeHolder, arg, { title: options.title });
    if (!connection) return undefined;
    const workflowId = await this.workflowOn(connection, placeHolder, options);
    return workflowId ? { connection, workflowId } : undefined;
  }

  /** The runs a run command applies to: the clicked node with the selection it belongs to, or a pick among active runs. */
  async runs(arg: unknown, selection: unknown, placeHolder: string): Promise<RunTarget[]> {
    const asRun = (n: ExplorerNode): RunTarget | undefined =>
      n.kind === 'run' || n.kind === 'stage' ? { connection: n.connection, runId: n.runId, workflowId: n.workflowId } : undefined;
    if (isNode(arg)) {
      const many = Array.isArray(selection) ? selection.filter(isNode) : [];
      const pool = many.some((n) => n.id === arg.id) ? many : [arg];
      return pool.map(asRun).filter((t): t is RunTarget => t !== undefined);
    }
    if (typeof arg === 'object' && arg !== null) {
      const v = arg as { connection?: unknown; runId?: unknown; workflowId?: unknown };
      if (typeof v.connection === 'string' && typeof v.runId === 'string') {
        return [{ connection: v.connection, runId: v.runId, workflowId: typeof v.workflowId === 'string' ? v.workflowId : undefined }];
      }
    }
    const selected = this.deps.selection().map(asRun).filter((t): t is RunTarget => t !== undefined);
    if (arg === undefined && selected.length) return selected;
    const active = this.activeRuns();
    if (active.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No active run is known in this window.'));
      return [];
    }
    const picked = await vscode.window.showQuickPick(runItems(active, vscode.l10n.t, this.workflowName), { placeHolder, canPickMany: true });
    return picked?.map((p) => p.target) ?? [];
  }

  /** One of the runs followed live in this window (the status bar's list), or undefined. */
  async liveRun(placeHolder: string): Promise<RunTarget | undefined> {
    const live = distinctRuns(this.deps.runs.liveRuns());
    if (live.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No run is live in this window.'));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(runItems(live, vscode.l10n.t, this.workflowName, '$(sync~spin)'), { placeHolder });
    return picked?.target;
  }

  /** Runs known to be active: those followed live and those listed in the tree, each once. */
  activeRuns(): ConnectionRun[] {
    const all: ConnectionRun[] = [...this.deps.runs.liveRuns()];
    for (const config of this.deps.connections.list()) {
      for (const workflow of this.deps.catalog.workflows(config.name) ?? []) {
        for (const run of this.deps.catalog.runsOf(config.name, workflow.id)) if (!isTerminalRun(run.status)) all.push({ connection: config.name, run });
      }
    }
    return distinctRuns(all);
  }

  private readonly workflowName = (connection: string, workflowId: string): string | undefined => this.deps.catalog.workflow(connection, workflowId)?.name;

  private async workflowOn(connection: string, placeHolder: string, options: WorkflowPickOptions): Promise<string | undefined> {
    const workflows = await this.workflowsOf(connection);
    const items: Array<vscode.QuickPickItem & { workflowId?: string }> = workflowItems(workflows);
    if (items.length === 0 && !options.allowTypedId) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} has no workflows. Add workflow ids to the connection first.', connection));
      return undefined;
    }
    const enter: vscode.QuickPickItem = { label: vscode.l10n.t('$(edit) Enter a workflow id…') };
    if (options.allowTypedId) items.push(enter);
    const picked = await vscode.window.showQuickPick(items, { placeHolder, title: options.title, matchOnDetail: true });
    if (!picked) return undefined;
    if (picked !== enter && picked.workflowId) return picked.workflowId;
    const typed = await vscode.window.showInputBox({ title: options.title, prompt: vscode.l10n.t('Workflow id on {0}', connection), ignoreFocusOut: true });
    return typed?.trim() || undefined;
  }

  /** The tree's workflows for a connection, its catalog loaded first (the palette may come before the tree). */
  private async workflowsOf(connection: string): Promise<readonly Workflow[]> {
    const backend = await this.backend(connection);
    await this.deps.catalog.ensureCatalog(connection);
    // A catalog that could not load shows its problem on the connection's row; asking the service
    // here surfaces the same failure to the command wrapper, with its fix.
    return this.deps.catalog.workflows(connection) ?? (await scoped(connection, backend.listWorkflows()));
  }
}
