import * as vscode from 'vscode';
import type { FlowscopeError } from '../core/errors';
import { closeTransport } from '../core/http';
import { RunStore } from '../core/runs/runStore';
import { ConnectionStates } from '../core/connections/states';
import { registerGraphAuthoring } from './authoring/register';
import { registerCommands } from './commands';
import { Connections } from './connections/registry';
import { registerContextKeys } from './contextKeys';
import { LastInputs } from './lastInputs';
import { OutputLogger } from './log';
import { registerNotifications } from './notifications';
import { GraphFileNames } from './authoring/graphFileNames';
import { registerWalkthroughProgress } from './walkthrough';
import { registerGraphPanels } from './panels/register';
import { OutputDocuments } from './outputDocuments';
import { Pickers } from './pick/pickers';
import { RunStarter } from './runs/startRun';
import { SandboxHost } from './sandbox';
import { SecretKeyring } from './secrets';
import type { FeatureDeps } from './features';
import { Settings } from './settings';
import { LiveRunsStatus } from './statusBar';
import { ExplorerTree } from './tree/provider';
import { Explorer } from './tree/viewModel';

/**
 * The composition root: builds each object once, in dependency order, and hands every
 * registration's Disposable to the extension's lifetime. No logic lives here.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = new OutputLogger('Flowscope');
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
  const tree = new ExplorerTree(explorer);
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
    reportFailure: (connection: string, error: FlowscopeError) => states.report(connection, error),
  };

  context.subscriptions.push(
    log,
    settings,
    keyring,
    sandbox,
    connections,
    runs,
    states,
    explorer,
    graphFileNames,
    graphFileNames.onDidChange(() => explorer.namesChanged()),
    tree,
    documents,
    registerContextKeys(settings),
    registerWalkthroughProgress(settings, runs),
    ...registerCommands(deps),
    new LiveRunsStatus(runs),
    registerNotifications(runs, explorer, settings, log),
    registerGraphAuthoring(deps),
    registerGraphPanels(deps),
  );
  log.info(`Flowscope activated (VS Code ${vscode.version}, ${settings.current.connections.length} connection(s))`);
}

export async function deactivate(): Promise<void> {
  // Everything else is owned by context.subscriptions. The shared HTTP agents are closed here so
  // their keep-alive sockets do not outlive the extension (requests still open are destroyed).
  await closeTransport();
}
