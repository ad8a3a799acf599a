import * as path from 'node:path';
import * as vscode from 'vscode';
import { onceUntilSuccess } from '../core/util/once';
import { GRAPH_VIEW_TYPE } from './commandIds';
import { registerLazyCommands } from './commands/register';
import { registerContextKeys } from './contextKeys';
import { startOnGraphFile } from './authoring/startOnGraphFile';
import { OutputLogger } from './log';
import { ExplorerViewShell } from './tree/shell';
import type * as WorkbenchModule from './workbench';
import type { Workbench } from './workbench';

/** The features once loaded (deactivate closes their HTTP agents). */
let workbench: Workbench | undefined;

/**
 * Activation does only what VS Code needs at once: every command id (from the one table), the
 * explorer's view, the panel serializer and the `when`-clause keys. Each is a shell over the
 * features, which live in a separate bundle, dist/workbench.js (src/extension/workbench.ts),
 * `require`d by the first thing that needs them: a command, the explorer's first rows, a graph
 * file, a panel to restore. Its code (the adapters and their zod schemas, the run store, the
 * tree's presentation, authoring, the panels) costs more to load than the whole activation
 * budget, and most of it is not needed in a window that has not used Flowscope yet.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = new OutputLogger('Flowscope');
  const view = new ExplorerViewShell(async () => (await features()).tree, log);
  let disposed = false;
  // A failed load is not cached: the next command, row or panel tries again.
  const features = onceUntilSuccess(async (): Promise<Workbench> => {
    const module = await loadWorkbench();
    if (disposed) throw new Error('Flowscope was deactivated while its features were loading');
    const created = module.createWorkbench({ context, log, view: view.view });
    workbench = created;
    view.attach(created.tree);
    log.info('Flowscope features loaded');
    return created;
  });

  context.subscriptions.push(
    log,
    view,
    {
      // A load still in flight sees the flag and builds nothing (nothing would dispose it).
      dispose: () => {
        disposed = true;
        workbench?.dispose();
      },
    },
    registerContextKeys(),
    registerLazyCommands(async () => {
      const loaded = await features();
      return (id) => loaded.handler(id);
    }, log),
    startOnGraphFile(() => void features().then((w) => w.startAuthoring()).catch((error: unknown) => log.error(`graph authoring failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`))),
    vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => (await features()).deserializePanel(panel, state),
    }),
  );
  log.info(`Flowscope activated (VS Code ${vscode.version})`);
}

export async function deactivate(): Promise<void> {
  // Everything else is owned by context.subscriptions. The shared HTTP agents are closed here so
  // their keep-alive sockets do not outlive the extension (requests still open are destroyed).
  // Features never loaded made no request.
  await workbench?.closeTransport();
}

/** The features' bundle, dist/workbench.js, beside extension.js (esbuild.mjs builds both). */
async function loadWorkbench(): Promise<typeof WorkbenchModule> {
  // A computed path: the bundler leaves it alone, and Node resolves it beside extension.js.
  const file = path.join(__dirname, 'workbench.js');
  return (await import(file)) as typeof WorkbenchModule;
}
