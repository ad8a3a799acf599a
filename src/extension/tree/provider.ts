import * as vscode from 'vscode';
import type { Explorer } from './viewModel';
import type { ExplorerNode } from './nodes';
import type { NodeAction, Presentation } from './present';
import { Commands } from '../commandIds';

const ACTIONS: Readonly<Record<NodeAction, { command: string; title: string }>> = {
  setApiKey: { command: Commands.connectionSetApiKey, title: 'Update API key…' },
  retry: { command: Commands.connectionRetry, title: 'Retry' },
  editUrl: { command: Commands.connectionEditUrl, title: 'Edit URL…' },
  editConnection: { command: Commands.connectionEdit, title: 'Edit connection…' },
  loadMore: { command: Commands.runsLoadMore, title: 'Load more' },
  showOutput: { command: Commands.stageShowOutput, title: 'Show output' },
  startSandbox: { command: Commands.sandboxStart, title: 'Start sandbox' },
};

const COLLAPSIBLE: Readonly<Record<Presentation['collapsible'], vscode.TreeItemCollapsibleState>> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

/**
 * Adapts the vscode-free Explorer to a TreeView: items are rendered from its presentations, its
 * change events refresh exactly the nodes it names, and the view's visibility, expansion and the
 * window's focus are fed back so streams and polling follow what is on screen.
 */
export class ExplorerTree implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ExplorerNode | readonly ExplorerNode[] | undefined>();
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly onDidChangeTreeData = this.emitter.event as vscode.Event<ExplorerNode | ExplorerNode[] | undefined>;
  /** Reveals in progress, and the changes held back meanwhile ('all': a full refresh). */
  private revealing = 0;
  private held: Set<ExplorerNode> | 'all' | undefined;
  /** The last non-empty selection (see `selection`). */
  private lastSelection: readonly ExplorerNode[] = [];

  /**
   * `view` is created at activation, before this class is loaded (extension.ts: its provider is
   * a shell that loads the explorer on the first `getChildren` and then asks this class).
   */
  constructor(
    private readonly explorer: Explorer,
    readonly view: vscode.TreeView<ExplorerNode>,
  ) {
    const change = explorer.onDidChange((nodes) => this.changed(nodes));
    this.subscriptions.push(
      this.emitter,
      { dispose: () => change.dispose() },
      this.view.onDidChangeSelection((e) => {
        if (e.selection.length > 0) this.lastSelection = e.selection;
      }),
      this.view.onDidChangeVisibility((e) => explorer.setVisible(e.visible)),
      this.view.onDidExpandElement((e) => explorer.expandedNode(e.element)),
      this.view.onDidCollapseElement((e) => explorer.collapsed(e.element)),
      vscode.window.onDidChangeWindowState((state) => explorer.setFocused(state.focused)),
    );
    explorer.setFocused(vscode.window.state.focused);
    explorer.setVisible(this.view.visible);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const p = this.explorer.item(node);
    const item = new vscode.TreeItem(p.label, COLLAPSIBLE[p.collapsible]);
    item.id = node.id;
    item.description = p.description;
    if (p.tooltip) item.tooltip = new vscode.MarkdownString(p.tooltip);
    item.iconPath = new vscode.ThemeIcon(p.icon.id, p.icon.color ? new vscode.ThemeColor(p.icon.color) : undefined);
    if (p.contextValue) item.contextValue = p.contextValue;
    if (p.action) {
      const action = ACTIONS[p.action];
      item.command = { command: action.command, title: vscode.l10n.t(action.title), arguments: [node] };
    }
    return item;
  }

  getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    return this.explorer.children(node);
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return this.explorer.parent(node);
  }

  /**
   * Shows a node (a run after a trigger, from a notification or the status bar).
   *
   * Changes are held back while a reveal runs. VS Code's extension host does not deduplicate
   * concurrent child fetches of one parent: a refresh of the run's workflow that lands while
   * reveal resolves the parent chain makes the host fetch that workflow's children twice, the
   * second registration fails with "Element with id … is already registered", and the
   * connection's subtree stays empty until a full refresh. A live run fires such refreshes
   * every few hundred milliseconds, so the race is easy to hit right after a trigger.
   */
  async reveal(node: ExplorerNode, options: { focus?: boolean; expand?: boolean } = {}): Promise<void> {
    this.revealing++;
    try {
      // `reveal` opens the view itself, focused only when asked: a reveal after a trigger must not
      // take the focus, which would close a quick pick the user has opened since.
      await this.view.reveal(node, { select: true, focus: options.focus ?? true, expand: options.expand ?? true });
    } finally {
      this.revealing--;
      if (this.revealing === 0 && this.held) {
        const held = this.held;
        this.held = undefined;
        this.emitter.fire(held === 'all' ? undefined : [...held]);
      }
    }
  }

  private changed(changed: readonly ExplorerNode[] | undefined): void {
    // A connection's children load over the network. If VS Code refreshes the connection's item
    // while that load is in flight, the host replaces the parent's tree node and the load then
    // registers the workflows under the discarded one; the next load of the connection finds
    // them still registered ("Element with id wf/… is already registered") and the connection
    // shows no children until a full refresh. Connection-level changes (health, keys, settings)
    // are rare, so they refresh everything: a full refresh cancels loads in flight.
    const nodes = changed?.some((n) => n.kind === 'connection') ? undefined : changed;
    if (this.revealing === 0) {
      this.emitter.fire(nodes ? [...nodes] : undefined);
      return;
    }
    if (!nodes) this.held = 'all';
    else if (this.held !== 'all') {
      this.held ??= new Set();
      for (const n of nodes) this.held.add(n);
    }
  }

  /**
   * The selected nodes, for keybindings (and context actions) that arrive without arguments.
   * While a row's children are being replaced VS Code can deliver a context action with no
   * element and an empty selection; the row the user last selected is then the one meant.
   */
  get selection(): readonly ExplorerNode[] {
    return this.view.selection.length > 0 ? this.view.selection : this.lastSelection;
  }

  dispose(): void {
    for (const s of this.subscriptions.reverse()) s.dispose();
  }
}
