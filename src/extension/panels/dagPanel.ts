import { FramePacer } from '../../core/util/framePacer';
import * as vscode from 'vscode';
import type { Logger } from '../../core/util/log';
import type { GraphViewModel, HostToWebview, NextStepAction, NodeDetails, NodeState, PanelHeader, PersistedPanel, WebviewToHost } from '../../shared/protocol';
import { assertNever, parseWebviewMessage } from '../../shared/protocol';
import { WEBVIEW_RESOURCE_DIRS, createNonce, renderWebviewHtml } from './html';
import { diffStates, graphKeyOf } from './viewModel';

/**
 * Status bursts (a 200-block run ticking) are coalesced into at most one patch per display frame
 * (FRAME_MS, 1000/60 ms): a change waits at most one frame, and the webview never gets more
 * patches than it can paint.
 */

export interface PanelContent {
  readonly graph: GraphViewModel;
  readonly states: Readonly<Record<string, NodeState>>;
  readonly header: PanelHeader;
}

/** What a panel shows: a workflow or run (runModel.ts) or a graph file being edited (preview.ts). */
export interface PanelModel extends vscode.Disposable {
  readonly persist: PersistedPanel;
  readonly onDidChange: vscode.Event<void>;
  /** Undefined while loading. */
  content(): PanelContent | undefined;
  details(nodeId: string): Promise<NodeDetails | undefined>;
  reveal(nodeId: string): Promise<void>;
  /** The node's output as text for the clipboard, if it has one. */
  output(nodeId: string): string | undefined;
  /** A next step picked in the empty panel (only models that offer steps implement it). */
  nextStep?(action: NextStepAction): Promise<void>;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableForms: false,
    enableCommandUris: false,
    localResourceRoots: WEBVIEW_RESOURCE_DIRS.map((dir) => vscode.Uri.joinPath(extensionUri, ...dir.split('/'))),
  };
}

/**
 * One graph panel: the webview's lifecycle and the live protocol. The host owns the state; the
 * webview gets a versioned snapshot on `ready`, on `resync` and when the panel becomes visible
 * again, and in between only patches of the nodes that changed. Nothing is posted before
 * `ready` or after dispose, and nothing is posted while hidden (the webview is torn down then:
 * no retainContextWhenHidden, so a hidden panel costs nothing).
 */
export class DagPanel implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;
  private version = 0;
  private sentKey: string | undefined;
  private sentStates: Readonly<Record<string, NodeState>> = {};
  private sentHeader: string | undefined;
  private selected: string | undefined;
  private readonly throttle = new FramePacer(() => this.flush());
  private detailsRequest = 0;
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly model: PanelModel,
    extensionUri: vscode.Uri,
    private readonly log: Logger,
  ) {
    // Set on every construction, including a revive after reload (options are not persisted).
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, createNonce());
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'graph.svg');
    this.subscriptions.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (!webviewPanel.visible) this.ready = false;
        else if (this.ready) this.sendSnapshot();
      }),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      model.onDidChange(() => this.throttle.schedule()),
      model,
    );
  }

  private receive(raw: unknown): void {
    if (this.disposed) return;
    const message = parseWebviewMessage(raw);
    if (!message) {
      // Never act on what does not validate; say little, the content is untrusted.
      this.log.warn('graph panel: ignored an invalid message from the webview');
      return;
    }
    void this.handle(message).catch((error: unknown) => this.log.error(`graph panel: ${String(error)}`));
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendSnapshot();
        return;
      case 'resync':
        this.sendSnapshot();
        return;
      case 'select':
        this.selected = message.nodeId ?? undefined;
        await this.sendDetails();
        return;
      case 'revealBlock':
        await this.model.reveal(message.nodeId);
        return;
      case 'copyOutput': {
        const text = this.model.output(message.nodeId);
        if (text === undefined) return;
        await vscode.env.clipboard.writeText(text);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Output copied to the clipboard.'), 3000);
        return;
      }
      case 'nextStep':
        await this.model.nextStep?.(message.action);
        return;
      default:
        assertNever(message);
    }
  }

  private flush(): void {
    if (!this.ready || !this.panel.visible || this.disposed) return;
    const content = this.model.content();
    if (!content) return;
    if (graphKeyOf(content.graph) !== this.sentKey) {
      this.sendSnapshot(content);
      return;
    }
    const changes = diffStates(this.sentStates, content.states);
    const header = JSON.stringify(content.header);
    const headerChanged = header !== this.sentHeader;
    if (changes.length === 0 && !headerChanged) return;
    this.sentStates = content.states;
    this.sentHeader = header;
    this.panel.title = content.header.title;
    this.post({ type: 'patch', version: ++this.version, changes, ...(headerChanged ? { header: content.header } : {}) });
    if (this.selected !== undefined && changes.some((c) => c.id === this.selected)) void this.sendDetails();
  }

  private sendSnapshot(content = this.model.content()): void {
    if (!this.ready || this.disposed || !content) return;
    const graphKey = graphKeyOf(content.graph);
    this.sentKey = graphKey;
    this.sentStates = content.states;
    this.sentHeader = JSON.stringify(content.header);
    this.panel.title = content.header.title;
    this.post({ type: 'snapshot', version: ++this.version, graphKey, graph: content.graph, states: content.states, header: content.header, persist: this.model.persist });
  }

  private async sendDetails(): Promise<void> {
    const nodeId = this.selected;
    if (nodeId === undefined) return;
    const request = ++this.detailsRequest;
    let details: NodeDetails | undefined;
    try {
      details = await this.model.details(nodeId);
    } catch (error) {
      this.log.warn(`graph panel: details of ${nodeId} failed: ${String(error)}`);
    }
    // A newer selection or update superseded this one while it was loading.
    if (request === this.detailsRequest) this.post({ type: 'details', nodeId, details });
  }

  private post(message: HostToWebview): void {
    if (!this.ready || this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.throttle.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.panel.dispose();
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
  }
}
