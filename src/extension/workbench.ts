import * as vscode from 'vscode';
import { closeTransport } from '../core/http';
import { RunStore } from '../core/runs/runStore';
import { ConnectionStates } from '../core/connections/states';
import { DisposableStore } from '../core/util/disposable';
import { onceUntilSuccess } from '../core/util/once';
import type { CommandId } from './commandIds';
import { registerCommands } from './commands';
import { CommandHandlers } from './commands/register';
import { Connections } from './connections/registry';
import { LastInputs } from './lastInputs';
import type { OutputLogger } from './log';
import { registerNotifications } from './notifications';
import { GraphFileNames } from './authoring/graphFileNames';
import { registerWalkthroughProgress } from './walkthrough';
import type { GraphPanels } from './panels/register';
import { OutputDocuments } from './outputDocuments';
import { Pickers } from './pick/pickers';
import { RunStarter } from './runs/startRun';
import { SandboxHost } from './sandbox';
import { SecretKeyring } from './secrets';
import type { FeatureDeps } from './features';
import { Settings } from './settings';
import { LiveRunsStatus } from './statusBar';
import type { ExplorerNode } from './tree/nodes';
import { ExplorerTree } from './tree/provider';
import { Explorer } from './tree/viewModel';

/** What activation (extension.ts) hands to the features when they are first needed. */
export interface WorkbenchHost {
  readonly context: vscode.ExtensionContext;
  readonly log: OutputLogger;
  /** The explorer's view, created at activation with a provider that defers to `tree`. */
  readonly view: vscode.TreeView<ExplorerNode>;
}

/** The features, built once by the first thing that needs them (see extension.ts). */
export interface Workbench extends vscode.Disposable {
  readonly tree: ExplorerTree;
  /** A command's handler; a command of authoring or the panels starts that feature first. */
  handler(id: CommandId): Promise<((...args: unknown[]) => Promise<void>) | undefined>;
  /** Starts graph-file authoring (diagnostics, CodeLens, code actions): a graph file is open. */
  startAuthoring(): Promise<void>;
  /** Restores a graph panel after a reload. */
  deserializePanel(panel: vscode.WebviewPanel, state: unknown): Promise<void>;
  /** Closes the shared HTTP agents (deactivation). */
  closeTransport(): Promise<void>;
}

/**
 * The features' composition root, the entry of dist/workbench.js: builds each object once, in
 * dependency order, as extension.ts did before activation was split from first use. It runs on
 * the first command, the first look at the explorer, the first graph file or a panel restore.
 *
 * Authoring and the panels are started later still, by the first graph file or panel (or one of
 * their commands): their modules are imported dynamically, so esbuild keeps them in this bundle
 * (one copy of every module: an error class or a module's state is the same object for every
 * feature) but evaluates them, and their schemas, only when imported.
 */
export function createWorkbench({ context, log, view }: WorkbenchHost): Workbench {
  const settings = new Settings(log);
  const keyring = new SecretKeyring(context.secrets, log.redactor);
  const sandbox = new SandboxHost(context.globalStorageUri.fsPath, log);
  const connections = new Connections(settings, keyring, sandbox, log);
  const runs = new RunStore({ backendFor: (name) => connections.backend(name), log });
  const lastInputs = new LastInputs(context.globalState);
  const graphFileNames = new GraphFileNames(log);
  const states = new ConnectionStates({ connections, runs, log, missingKeyMessage: vscode.l10n.t('No API key is stored for this connection.') });
  const explorer = new Explorer({
    states,
    connections,
    runs,
    log,
    t: vscode.l10n.t,
    pageSize: () => settings.current.pageSize,
    // Read per tick: a changed polling setting applies without a reload.
    pollMinMs: () => settings.current.pollMinMs,
    pollMaxMs: () => settings.current.pollMaxMs,
    hasLastInputs: (connection, workflowId) => lastInputs.has(connection, workflowId),
    graphFileName: (connection, workflowId) => graphFileNames.name(connection, workflowId),
    componentName: (connection, workflowId, module) => graphFileNames.componentName(connection, workflowId, module),
  });
  const tree = new ExplorerTree(explorer, view);
  const documents = new OutputDocuments();
  const starter = new RunStarter({ runs, connections, lastInputs, log, reportOk: (c) => states.reportOk(c), bumpPolling: () => explorer.bumpPolling() });
  const pickers = new Pickers({
    connections,
    catalog: {
      ensureCatalog: (connection) => states.ensureCatalog(connection),
      workflows: (connection) => explorer.workflows(connection),
      workflow: (connection, workflowId) => explorer.workflow(connection, workflowId),
      runsOf: (connection, workflowId) => explorer.runsOf(connection, workflowId),
    },
    runs,
    selection: () => tree.selection,
  });
  const handlers = new CommandHandlers();
  const deps: FeatureDeps = {
    context,
    log,
    showLog: () => log.show(),
    connections,
    states,
    runs,
    settings,
    keyring,
    sandbox,
    explorer,
    tree,
    lastInputs,
    documents,
    starter,
    pickers,
    reportFailure: (connection, error) => states.report(connection, error),
    handlers,
  };

  // The workbench's lifetime is the extension's (extension.ts disposes it); later features join it.
  const lifetime = new DisposableStore();
  for (const d of [settings, keyring, sandbox, connections, runs, states, explorer, graphFileNames, tree, documents]) lifetime.add(d);
  lifetime.add(graphFileNames.onDidChange(() => explorer.namesChanged()));
  lifetime.add(registerWalkthroughProgress(runs));
  for (const d of registerCommands(deps)) lifetime.add(d);
  lifetime.add(new LiveRunsStatus(runs));
  lifetime.add(registerNotifications(runs, explorer, settings, log));

  const authoring = onceUntilSuccess(async () => {
    const { registerGraphAuthoring } = await import('./authoring/register');
    lifetime.add(registerGraphAuthoring(deps));
  });
  const panels = onceUntilSuccess(async (): Promise<GraphPanels> => {
    const { registerGraphPanels } = await import('./panels/register');
    return lifetime.add(registerGraphPanels(deps));
  });

  return {
    tree,
    async handler(id) {
      // Not registered yet: the command belongs to a feature not started yet. The panels first:
      // their commands come from the tree; authoring's mostly from a graph file (authoring runs).
      for (const start of [panels, authoring]) {
        if (handlers.get(id)) break;
        await start();
      }
      return handlers.get(id);
    },
    startAuthoring: authoring,
    deserializePanel: async (panel, state) => (await panels()).deserialize(panel, state),
    closeTransport,
    dispose: () => lifetime.dispose(),
  };
}
