import * as vscode from 'vscode';

export const GRAPH_DOCUMENT_SCHEME = 'flowscope-graph';
/** Enough for a few reviews open at once; older ones are dropped (a reopened tab shows it empty). */
const MAX_DOCUMENTS = 20;

/**
 * Read-only virtual documents for the push review: the server's graph and the local one, both
 * normalized so the diff shows only real changes. Read-only because editing the server's side
 * of a diff would suggest it changes the server.
 */
export class GraphDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private sequence = 0;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(GRAPH_DOCUMENT_SCHEME, this);

  /** Stores `text` and returns a fresh uri for it; the `.json` suffix gives JSON highlighting. */
  show(label: string, text: string): vscode.Uri {
    const safe = label.replace(/[^\w.-]+/g, '-').slice(0, 80) || 'graph';
    const uri = vscode.Uri.from({ scheme: GRAPH_DOCUMENT_SCHEME, path: `/${safe}.json`, query: String(++this.sequence) });
    this.contents.set(uri.toString(), text);
    while (this.contents.size > MAX_DOCUMENTS) {
      const oldest = this.contents.keys().next().value;
      if (oldest === undefined) break;
      this.contents.delete(oldest);
    }
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.registration.dispose();
    this.contents.clear();
  }
}
