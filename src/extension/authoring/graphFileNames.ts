import * as vscode from 'vscode';
import { FILE_SUFFIX } from '../../core/graph/fileSuffix';
import type { Logger } from '../../core/util/log';
import type { BoundFacts } from './graphFiles';
import { readBoundFacts } from './graphFiles';

/** Enough for any real repository; a workspace with more is read up to this many. */
const MAX_FILES = 500;
/** Graph files are small; a huge one is not read just for its name. */
const MAX_BYTES = 2_000_000;

/**
 * The names that the workspace's graph files give the workflows they are bound to (one of the
 * explorer's name sources, `nameWorkflow`) and their components (White Rabbit stage labels). Kept
 * up to date by a file watcher; the event fires only when a name actually changes.
 */
export class GraphFileNames implements vscode.Disposable {
  private readonly byFile = new Map<string, BoundFacts>();
  /** The files bound to each workflow, in `byFile`'s order; rebuilt on the first lookup after a change. */
  private byWorkflow: Map<string, Map<string, BoundFacts[]>> | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  private readonly watcher = vscode.workspace.createFileSystemWatcher(`**/*${FILE_SUFFIX}`);
  readonly onDidChange = this.emitter.event;

  constructor(private readonly log: Logger) {
    this.watcher.onDidCreate((uri) => void this.read(uri));
    this.watcher.onDidChange((uri) => void this.read(uri));
    this.watcher.onDidDelete((uri) => this.forget(uri));
    void this.scan();
  }

  /** The name a graph file bound to this workflow gives it (the first such file found). */
  name(connection: string, workflowId: string): string | undefined {
    return this.boundTo(connection, workflowId).find((entry) => entry.name)?.name;
  }

  /** The name a graph file bound to this workflow gives the one component running `module`. */
  componentName(connection: string, workflowId: string, module: string): string | undefined {
    return this.boundTo(connection, workflowId).find((entry) => Object.hasOwn(entry.components, module))?.components[module];
  }

  /** Every stage row asks, at each refresh of a live run: answered from an index, not a scan. */
  private boundTo(connection: string, workflowId: string): readonly BoundFacts[] {
    if (!this.byWorkflow) {
      this.byWorkflow = new Map();
      for (const entry of this.byFile.values()) {
        let workflows = this.byWorkflow.get(entry.connection);
        if (!workflows) this.byWorkflow.set(entry.connection, (workflows = new Map()));
        workflows.set(entry.workflowId, [...(workflows.get(entry.workflowId) ?? []), entry]);
      }
    }
    return this.byWorkflow.get(connection)?.get(workflowId) ?? [];
  }

  private async scan(): Promise<void> {
    const files = await vscode.workspace.findFiles(`**/*${FILE_SUFFIX}`, '**/node_modules/**', MAX_FILES);
    for (const uri of files) await this.read(uri, false);
    if (this.byFile.size > 0) this.emitter.fire();
  }

  private async read(uri: vscode.Uri, announce = true): Promise<void> {
    let entry: BoundFacts | undefined;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size <= MAX_BYTES) entry = readBoundFacts(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
    } catch (error) {
      this.log.debug(`graph file names: could not read ${uri.toString()}: ${String(error)}`);
    }
    const before = this.byFile.get(uri.toString());
    if (entry) this.byFile.set(uri.toString(), entry);
    else this.byFile.delete(uri.toString());
    this.byWorkflow = undefined;
    const changed =
      before?.name !== entry?.name ||
      before?.connection !== entry?.connection ||
      before?.workflowId !== entry?.workflowId ||
      JSON.stringify(before?.components ?? {}) !== JSON.stringify(entry?.components ?? {});
    if (announce && changed) this.emitter.fire();
  }

  private forget(uri: vscode.Uri): void {
    if (!this.byFile.delete(uri.toString())) return;
    this.byWorkflow = undefined;
    this.emitter.fire();
  }

  dispose(): void {
    this.watcher.dispose();
    this.emitter.dispose();
  }
}
