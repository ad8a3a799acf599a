import * as vscode from 'vscode';
import * as z from 'zod';
import { FILE_SUFFIX } from '../../core/graph/fileSuffix';
import { PersistedPanel } from '../../shared/protocol';
import { Commands, GRAPH_VIEW_TYPE } from '../commandIds';
import { registerCommand } from '../commands/register';
import type { PanelDeps } from '../features';
import type { PanelModel } from './dagPanel';
import { DagPanel } from './dagPanel';
import { PreviewModel } from './preview';
import type { RunTarget } from './runModel';
import { RunPanelModel } from './runModel';

export const GraphPanelCommands = {
  open: Commands.graphOpen,
  preview: Commands.graphPreview,
} as const;

/** Arguments of `flowscope.graph.open`, checked: other commands and tree nodes pass them. */
const OpenArgs = z.object({
  connection: z.string().min(1),
  workflowId: z.string().min(1),
  runId: z.string().min(1).optional(),
});

/**
 * The graph panels: `flowscope.graph.open` (a workflow's or a run's live graph),
 * `flowscope.graph.preview` (a graph file's live preview) and the serializer that brings them
 * back after a reload. One panel per workflow, per run and per file: opening again reveals it.
 */
export interface GraphPanels extends vscode.Disposable {
  /** Restores a panel after a reload (the serializer itself is registered at activation). */
  deserialize(panel: vscode.WebviewPanel, state: unknown): Promise<void>;
}

export function registerGraphPanels(deps: PanelDeps): GraphPanels {
  const panels = new Map<string, DagPanel>();
  const extensionUri = deps.context.extensionUri;

  const adopt = (key: string, panel: vscode.WebviewPanel, model: PanelModel): DagPanel => {
    const dag = new DagPanel(panel, model, extensionUri, deps.log);
    panels.set(key, dag);
    dag.onDidDispose(() => {
      if (panels.get(key) === dag) panels.delete(key);
    });
    return dag;
  };

  const open = (key: string, title: string, model: () => PanelModel): void => {
    const existing = panels.get(key);
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {});
    adopt(key, panel, model());
  };

  const openRun = (target: RunTarget): void =>
    open(runKey(target), target.runId ? vscode.l10n.t('Run {0}', target.runId) : target.workflowId, () => new RunPanelModel(deps, target));

  const openPreview = (uri: vscode.Uri): void => open(`preview\u0000${uri.toString()}`, vscode.l10n.t('Preview'), () => new PreviewModel(uri));

  const deserialize = (panel: vscode.WebviewPanel, state: unknown): Promise<void> => {
    // The state was written by the webview: validate it like any other message from there.
    const parsed = PersistedPanel.safeParse(typeof state === 'object' && state !== null ? Reflect.get(state, 'panel') : undefined);
    if (!parsed.success) {
      panel.dispose();
      return Promise.resolve();
    }
    const p = parsed.data;
    if (p.kind === 'preview') {
      const uri = vscode.Uri.parse(p.file, true);
      adopt(`preview\u0000${uri.toString()}`, panel, new PreviewModel(uri));
    } else {
      const target: RunTarget = { connection: p.connection, workflowId: p.workflowId, ...(p.runId ? { runId: p.runId } : {}) };
      adopt(runKey(target), panel, new RunPanelModel(deps, target));
    }
    return Promise.resolve();
  };

  const registrations = vscode.Disposable.from(
    registerCommand(
      Commands.graphOpen,
      async (arg?: unknown) => {
        const parsed = OpenArgs.safeParse(arg);
        const target = parsed.success ? parsed.data : await deps.pickers.workflow(undefined, vscode.l10n.t('Workflow to show'), { ignoreSelection: true, connectionPlaceHolder: vscode.l10n.t('Connection') });
        if (target) openRun(target);
      },
      deps,
    ),
    registerCommand(
      Commands.graphPreview,
      (arg?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      if (!uri || !uri.path.toLowerCase().endsWith(FILE_SUFFIX)) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Open a {0} file to preview its graph.', FILE_SUFFIX));
        return;
      }
        openPreview(uri);
      },
      deps,
    ),
    { dispose: () => [...panels.values()].forEach((p) => p.dispose()) },
  );
  return {
    deserialize,
    dispose: () => registrations.dispose(),
  };
}

function runKey(t: RunTarget): string {
  return `run\u0000${t.connection}\u0000${t.workflowId}\u0000${t.runId ?? ''}`;
}
