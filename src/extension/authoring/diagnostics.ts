import * as vscode from 'vscode';
import type { GraphDiagnostic } from '../../core/graph/graphDiagnostic';
import { SCHEMA_LEVEL_CODES } from '../../core/graph/graphDiagnostic';
import { validateGraphText } from '../../core/graph/validate';
import type { BackendKind } from '../../core/model';
import type { AuthoringDeps } from '../features';
import { readBinding } from './graphFiles';
import { isGraphDocument } from './isGraphDocument';
import { toVscodeDiagnostic } from './toVscode';

const DEBOUNCE_MS = 150;

/**
 * Live diagnostics for `*.workflow.json`. Syntax and schema problems are left to VS Code's JSON
 * language service, which reports them from the same generated schema (showing both would list
 * every typo twice); this collection adds everything beyond the schema, plus the server's own
 * rejections after a push, which stay until the file changes.
 */
export class GraphDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('flowscope-graph');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly server = new Map<string, readonly GraphDiagnostic[]>();
  private readonly latest = new Map<string, readonly GraphDiagnostic[]>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Fires after a file's diagnostics were recomputed (CodeLens titles show the counts). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly deps: Pick<AuthoringDeps, 'connections' | 'log'>) {
    this.subscriptions.push(
      this.collection,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((d) => this.update(d)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0) return;
        this.server.delete(e.document.uri.toString());
        this.schedule(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      // A binding's connection may appear, disappear or change kind: target-specific checks follow.
      deps.connections.onDidChange(() => this.refreshAll()),
    );
    this.refreshAll();
  }

  /** Validates now and returns every diagnostic, schema-level ones included. */
  update(document: vscode.TextDocument): readonly GraphDiagnostic[] {
    if (!isGraphDocument(document)) return [];
    const key = document.uri.toString();
    this.cancel(key);
    const all = validateGraphText(document.getText(), { targetKind: this.targetKindOf(document.getText()) });
    this.latest.set(key, all);
    const jsonServiceOwnsSchema = document.languageId === 'json' || document.languageId === 'jsonc';
    const shown = jsonServiceOwnsSchema ? all.filter((d) => !SCHEMA_LEVEL_CODES.has(d.code)) : all;
    this.collection.set(document.uri, [...shown, ...(this.server.get(key) ?? [])].map(toVscodeDiagnostic));
    this.changed.fire(document.uri);
    return all;
  }

  /** The most recent full result for a file, if it was validated. */
  current(uri: vscode.Uri): readonly GraphDiagnostic[] | undefined {
    return this.latest.get(uri.toString());
  }

  /** Shows a server-side rejection in the file until its next edit. */
  setServerDiagnostics(document: vscode.TextDocument, diagnostics: readonly GraphDiagnostic[]): void {
    this.server.set(document.uri.toString(), diagnostics);
    this.update(document);
  }

  targetKindOf(text: string): BackendKind | undefined {
    const binding = readBinding(text);
    return binding ? this.deps.connections.get(binding.connection)?.kind : undefined;
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isGraphDocument(document)) return;
    const key = document.uri.toString();
    this.cancel(key);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        // The document may have been closed while the timer ran.
        if (!document.isClosed) this.update(document);
      }, DEBOUNCE_MS),
    );
  }

  private refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) {
      // One file that cannot be validated must not stop the others (nor activation).
      try {
        this.update(document);
      } catch (error) {
        this.deps.log.warn(`could not validate ${document.uri.toString()}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.cancel(key);
    this.server.delete(key);
    this.latest.delete(key);
    this.collection.delete(uri);
  }

  private cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const s of this.subscriptions) s.dispose();
  }
}
