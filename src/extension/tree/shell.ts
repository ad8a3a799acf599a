import * as vscode from 'vscode';
import { VIEW_ID } from '../commandIds';
import type { Logger } from '../../core/util/log';
import type { ExplorerNode } from './nodes';

type Provider = vscode.TreeDataProvider<ExplorerNode>;

/**
 * The explorer's view, registered at activation so VS Code finds a provider the moment the view
 * shows, with a provider that is a shell: the first `getChildren` loads the explorer (`load`,
 * the features bundle) and from then on every call goes to it. A view that is never shown
 * never loads it. `attach` connects the explorer once it exists, whoever loaded it.
 */
export class ExplorerViewShell implements Provider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<ExplorerNode | ExplorerNode[] | undefined>();
  readonly onDidChangeTreeData = this.changes.event;
  readonly view: vscode.TreeView<ExplorerNode>;
  private provider: Provider | undefined;
  private forwarding: vscode.Disposable | undefined;

  constructor(
    private readonly load: () => Promise<Provider>,
    private readonly log: Pick<Logger, 'error'>,
  ) {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, canSelectMany: true, showCollapseAll: true });
  }

  attach(provider: Provider): void {
    if (this.provider) return;
    this.provider = provider;
    this.forwarding = provider.onDidChangeTreeData?.((nodes) => this.changes.fire(nodes ?? undefined));
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    try {
      const provider = this.provider ?? (await this.load());
      return (await provider.getChildren(node)) ?? [];
    } catch (error) {
      // VS Code shows a rejected getChildren as an empty view with no word anywhere: the log is
      // the only place the reason can be found. Rethrown so VS Code still knows it failed.
      this.log.error(`the explorer could not list its rows (loading its features or reading them): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      throw error;
    }
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem | Thenable<vscode.TreeItem> {
    // Nodes only exist once getChildren has loaded the explorer.
    return this.loaded().getTreeItem(node);
  }

  getParent(node: ExplorerNode): vscode.ProviderResult<ExplorerNode> {
    return this.loaded().getParent?.(node);
  }

  private loaded(): Provider {
    if (!this.provider) throw new Error('the explorer is not loaded yet');
    return this.provider;
  }

  dispose(): void {
    this.forwarding?.dispose();
    this.changes.dispose();
    this.view.dispose();
  }
}
