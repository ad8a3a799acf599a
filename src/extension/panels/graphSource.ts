import * as vscode from 'vscode';
import type { Backend } from '../../core/backend';
import { toFlowscopeError } from '../../core/errors';
import { FILE_SUFFIX } from '../../core/graph/fileSuffix';
import type { Graph } from '../../core/graph/schema';
import type { GraphOrigin } from '../../shared/protocol';
import { readBinding } from '../authoring/graphFiles';
import type { BlockSpan } from './graphText';
import { parseGraphText } from './graphText';

/**
 * Where a workflow's drawing comes from, in order of trust:
 *  1. the service, where it serves graphs (Powabase);
 *  2. the workspace `*.workflow.json` bound to this connection and workflow;
 *  3. nothing: the panel then draws the run's stages in the order they ran (viewModel.ts).
 * The bound file is looked up in every case, so "Reveal in graph file" works on Powabase too.
 */
export interface GraphSource {
  readonly graph?: Graph;
  readonly origin: GraphOrigin;
  readonly file?: vscode.Uri;
  readonly spans: readonly BlockSpan[];
  /** Why the service's graph could not be read, when it could not. */
  readonly problem?: string;
}

const MAX_FILES = 500;

export async function resolveGraphSource(backend: Backend | undefined, connection: string, workflowId: string, signal?: AbortSignal): Promise<GraphSource> {
  const bound = await findBoundFile(connection, workflowId);
  let problem: string | undefined;
  if (backend?.capabilities.getGraph && backend.getGraph) {
    try {
      const graph = await backend.getGraph(workflowId, signal);
      return { graph, origin: 'server', file: bound?.uri, spans: bound?.spans ?? [] };
    } catch (error) {
      problem = vscode.l10n.t('Could not read the graph from the service: {0}', toFlowscopeError(error).message);
    }
  }
  if (bound?.graph) return { graph: bound.graph, origin: 'file', file: bound.uri, spans: bound.spans, problem };
  return { origin: 'stages', file: bound?.uri, spans: bound?.spans ?? [], problem };
}

interface BoundFile {
  readonly uri: vscode.Uri;
  readonly graph?: Graph;
  readonly spans: readonly BlockSpan[];
}

async function findBoundFile(connection: string, workflowId: string): Promise<BoundFile | undefined> {
  const uris = await vscode.workspace.findFiles(`**/*${FILE_SUFFIX}`, '**/node_modules/**', MAX_FILES);
  for (const uri of uris) {
    // One unreadable file must not hide the bound one, nor fail the panel.
    try {
      const text = await readText(uri);
      if (text === undefined) continue;
      const binding = readBinding(text);
      if (binding?.connection !== connection || binding.workflowId !== workflowId) continue;
      const parsed = parseGraphText(text);
      return { uri, graph: parsed.graph, spans: parsed.spans };
    } catch {
      continue;
    }
  }
  return undefined;
}

/** An open editor's text (unsaved edits included), else the file on disk. */
export async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** Opens a graph file with the block's id selected. */
export async function revealBlock(file: vscode.Uri, blockId: string): Promise<boolean> {
  const text = await readText(file);
  if (text === undefined) return false;
  const span = parseGraphText(text).spans.find((s) => s.id === blockId);
  const document = await vscode.workspace.openTextDocument(file);
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  if (span) {
    const range = new vscode.Range(document.positionAt(span.idOffset), document.positionAt(span.idOffset + span.idLength));
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
  return span !== undefined;
}
