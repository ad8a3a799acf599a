import * as vscode from 'vscode';

export const OUTPUT_SCHEME = 'flowscope-output';

/**
 * Read-only documents for run logs (text) and stage outputs (JSON). A content provider (not untitled
 * files) means no "save changes?" prompt and a stable URI per run and stage, so showing the same
 * output again reuses its tab with fresh content.
 */
export class OutputDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration: vscode.Disposable;
  readonly onDidChange = this.emitter.event;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(OUTPUT_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  async show(segments: readonly string[], value: unknown): Promise<void> {
    const uri = vscode.Uri.from({ scheme: OUTPUT_SCHEME, path: `/${segments.map((s) => s.replace(/[\\/]/g, '_')).join('/')}.json` });
    this.contents.set(uri.toString(), JSON.stringify(value, null, 2) ?? 'null');
    this.emitter.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'json');
    await vscode.window.showTextDocument(document, { preview: true });
  }

  /**
   * Shows text in a tab titled `title` (the last path segment is what the tab shows), under
   * `segments` so each run keeps its own tab. `language` colours it where VS Code knows it.
   */
  async showText(segments: readonly string[], title: string, text: string, language = 'log'): Promise<void> {
    const safe = (s: string): string => s.replace(/[\\/]/g, '_');
    const uri = vscode.Uri.from({ scheme: OUTPUT_SCHEME, path: `/${[...segments, title].map(safe).join('/')}` });
    this.contents.set(uri.toString(), text);
    this.emitter.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    if ((await vscode.languages.getLanguages()).includes(language)) await vscode.languages.setTextDocumentLanguage(document, language);
    await vscode.window.showTextDocument(document, { preview: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
    this.contents.clear();
  }
}
