// A stand-in for VS Code's extension-host tree registry, reduced to the rule issue 13 broke:
// every row id is registered once in the whole view. It follows the public source of
// `src/vs/workbench/api/common/extHostTreeViews.ts` (microsoft/vscode): `_fetchChildrenNodes`
// clears a parent's previous rows and registers the new answer, `_createAndRegisterTreeNode`
// throws "Element with id … is already registered" when the id is registered anywhere, and
// `_refreshNode` clears a refreshed row's children. Refresh events are queued and handled on
// `flush()`, as the host debounces them, so a test can interleave fetches with pending refreshes.
import type { Explorer } from '../../../src/extension/tree/viewModel';
import type { ExplorerNode } from '../../../src/extension/tree/nodes';

const ROOT = '';
const EXPANDABLE = new Set(['connection', 'workflow', 'run']);

export class HostTree {
  /** Row id → the parent it is registered under. */
  readonly registered = new Map<string, string>();
  private readonly rows = new Map<string, string[]>();
  private readonly nodes = new Map<string, ExplorerNode>();
  /** Every violation seen: an id twice in one answer, or registered under two parents. */
  readonly violations: string[] = [];
  answers = 0;
  private pending: Array<readonly ExplorerNode[] | undefined> = [];
  private readonly subscription: { dispose(): void };

  constructor(private readonly explorer: Explorer) {
    this.subscription = explorer.onDidChange((nodes) => this.pending.push(nodes));
  }

  /** Asks for a parent's children (undefined: the roots) and registers the answer. */
  async fetch(node?: ExplorerNode): Promise<ExplorerNode[]> {
    const parent = node?.id ?? ROOT;
    const answer = await this.explorer.children(node);
    this.answers++;
    const ids = answer.map((n) => n.id);
    if (new Set(ids).size !== ids.length) this.violations.push(`an id twice in one answer of "${parent}": ${ids.join(', ')}`);
    this.clear(parent);
    const registered: string[] = [];
    for (const child of answer) {
      const owner = this.registered.get(child.id);
      if (owner !== undefined) {
        this.violations.push(`Element with id ${child.id} is already registered (under "${owner}", asked under "${parent}")`);
        continue;
      }
      this.registered.set(child.id, parent);
      this.nodes.set(child.id, child);
      registered.push(child.id);
    }
    this.rows.set(parent, registered);
    return answer;
  }

  /** Fetches a subtree as a user who expanded every row would see it, siblings concurrently. */
  async expandAll(node?: ExplorerNode): Promise<void> {
    const children = await this.fetch(node);
    await Promise.all(children.filter((c) => EXPANDABLE.has(c.kind)).map((c) => this.expandAll(c)));
  }

  /**
   * Handles the queued refreshes: each refreshed row loses its children and, being expanded, is
   * asked for them again (twice at once, as the host does when a refresh lands on a fetch in flight).
   */
  async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      const work: Array<Promise<unknown>> = [];
      for (const nodes of batch) {
        if (!nodes) {
          this.clear(ROOT);
          work.push(this.expandAll());
          continue;
        }
        for (const node of nodes) {
          if (!this.registered.has(node.id) || !EXPANDABLE.has(node.kind)) continue;
          this.clear(node.id);
          work.push(this.expandAll(node), this.fetch(node));
        }
      }
      await Promise.all(work);
    }
  }

  get idle(): boolean {
    return this.pending.length === 0;
  }

  /** The parent a row is registered under, if it is. */
  parentOf(id: string): string | undefined {
    return this.registered.get(id);
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private clear(parent: string): void {
    for (const id of this.rows.get(parent) ?? []) {
      this.clear(id);
      this.registered.delete(id);
      this.nodes.delete(id);
    }
    this.rows.delete(parent);
  }
}
