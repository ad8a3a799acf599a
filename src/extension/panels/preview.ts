import * as vscode from 'vscode';
import type { GraphViewModel, NodeDetails, PersistedPanel } from '../../shared/protocol';
import type { PanelContent, PanelModel } from './dagPanel';
import { readText, revealBlock } from './graphSource';
import type { BlockSpan } from './graphText';
import { parseGraphText, problemsByBlock } from './graphText';
import { markCycles } from './cycles';
import { graphViewOf, nodeDetailsOf, nodeStatesOf } from './viewModel';

/** Typing bursts are re-parsed at most this often. */
const DEBOUNCE_MS = 120;

/**
 * Live preview of a `*.workflow.json` file: follows the document as the user types (unsaved
 * text included), keeps the last good drawing while the text is invalid, and marks the blocks
 * that the file's diagnostics (from the authoring validator and the JSON service) point at.
 */
export class PreviewModel implements PanelModel {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private lastGood: GraphViewModel | undefined;
  private spans: readonly BlockSpan[] = [];
  private problems = new Map<string, string[]>();
  private notice: string | undefined;
  private loaded = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(readonly uri: vscode.Uri) {
    const same = (u: vscode.Uri): boolean => u.toString() === uri.toString();
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => same(e.document.uri) && this.schedule()),
      vscode.workspace.onDidOpenTextDocument((d) => same(d.uri) && this.schedule()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some(same)) this.schedule();
      }),
    );
    void this.update();
  }

  get persist(): PersistedPanel {
    return { kind: 'preview', file: this.uri.toString() };
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), DEBOUNCE_MS);
  }

  private async update(): Promise<void> {
    const text = await readText(this.uri);
    if (this.disposed) return;
    this.loaded = true;
    if (text === undefined) {
      this.notice = vscode.l10n.t('The file cannot be read.');
      this.changed.fire();
      return;
    }
    const parsed = parseGraphText(text);
    this.spans = parsed.spans;
    if (parsed.graph) {
      // A loop is drawn, highlighted, and named: it is what the user has to fix.
      const { view, labels } = markCycles(graphViewOf(parsed.graph, 'preview'));
      this.lastGood = view;
      this.notice = labels.length ? vscode.l10n.t('The graph loops through {0} (dashed in red): a workflow graph must not loop.', labels.join(', ')) : undefined;
    } else {
      this.notice = this.lastGood
        ? vscode.l10n.t('{0} Showing the last valid drawing.', parsed.error ?? '')
        : (parsed.error ?? vscode.l10n.t('The file is not a valid graph.'));
    }
    this.problems = problemsByBlock(this.spans, this.offsetDiagnostics(text));
    this.changed.fire();
  }

  private offsetDiagnostics(text: string): Array<{ offset: number; message: string }> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.uri.toString());
    const lines = document ? undefined : lineStarts(text);
    return vscode.languages
      .getDiagnostics(this.uri)
      .filter((d) => d.severity === vscode.DiagnosticSeverity.Error || d.severity === vscode.DiagnosticSeverity.Warning)
      .map((d) => ({
        offset: document ? document.offsetAt(d.range.start) : (lines?.[d.range.start.line] ?? 0) + d.range.start.character,
        message: d.message,
      }));
  }

  content(): PanelContent | undefined {
    if (!this.loaded) return undefined;
    const graph = this.lastGood ?? { nodes: [], edges: [], origin: 'preview' as const };
    return {
      graph,
      states: nodeStatesOf(graph, undefined, this.problems),
      header: { title: vscode.l10n.t('Preview {0}', baseName(this.uri)), ...(this.notice ? { notice: this.notice } : {}) },
    };
  }

  async details(nodeId: string): Promise<NodeDetails | undefined> {
    if (!this.lastGood) return undefined;
    return nodeDetailsOf({ nodeId, view: this.lastGood, problems: this.problems.get(nodeId), canReveal: true });
  }

  async reveal(nodeId: string): Promise<void> {
    await revealBlock(this.uri, nodeId);
  }

  output(): string | undefined {
    return undefined;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.changed.dispose();
  }
}

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}
