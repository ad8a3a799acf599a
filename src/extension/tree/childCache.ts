import type { ExplorerNode } from './nodes';

/** The key of the roots' answer (the connections). */
export const ROOT = '';

interface Answer {
  /** The ticket of the computation that produced it: a later computation replaces it, an earlier one never does. */
  readonly ticket: number;
  readonly connection: string | undefined;
  readonly nodes: readonly ExplorerNode[];
  readonly ids: ReadonlySet<string>;
}

/** What a commit hands back: the answer for the host, and the parents whose rows must be asked again. */
export interface Committed {
  readonly nodes: readonly ExplorerNode[];
  /** Parent ids (ROOT for the roots) to refresh: they hold, or held back, a row another parent claims. */
  readonly refresh: readonly string[];
}

/**
 * The children the tree has answered, per parent, so VS Code never registers a row twice.
 *
 * VS Code requires every row id to be unique in the whole view, and fails a child fetch with
 * "Element with id … is already registered" when an id is still registered under another parent
 * (or twice in one answer). A run can move between workflows (its workflow learnt late, or a
 * poll of another workflow's page naming it), the poller's page and the live store can both hold
 * it, and the host can ask for one parent's children several times at once while runs start and
 * end. So each parent's answer is:
 * - replaced atomically, and only by a computation that started later (an older one finishing
 *   last gets the newer answer back, so concurrent fetches of a parent agree);
 * - de-duplicated by id (first kept);
 * - never holding an id that another parent's current answer holds: that row is left out and
 *   the other parent is refreshed; once its new answer drops the row (or it is forgotten), the
 *   parent left waiting is refreshed and gets it.
 */
export class ChildCache {
  private readonly answers = new Map<string, Answer>();
  /** Row id → the parent whose current answer holds it. */
  private readonly owners = new Map<string, string>();
  /** Row id → parents that wanted it while another parent held it. */
  private readonly waiting = new Map<string, Set<string>>();
  private nextTicket = 0;

  /** Called before computing a parent's children; the ticket orders concurrent computations. */
  begin(): number {
    return ++this.nextTicket;
  }

  /** The answer held for a parent, if any. */
  get(parent: string): readonly ExplorerNode[] | undefined {
    return this.answers.get(parent)?.nodes;
  }

  /** Stores the children computed under `ticket` for `parent` (connection: whose rows they are). */
  commit(parent: string, ticket: number, computed: readonly ExplorerNode[], connection?: string): Committed {
    const current = this.answers.get(parent);
    if (current && current.ticket > ticket) return { nodes: current.nodes, refresh: [] };
    const refresh = new Set<string>();
    const nodes: ExplorerNode[] = [];
    const ids = new Set<string>();
    for (const node of computed) {
      if (ids.has(node.id)) continue;
      const owner = this.owners.get(node.id);
      if (owner !== undefined && owner !== parent && this.answers.get(owner)?.ids.has(node.id)) {
        this.wait(node.id, parent);
        refresh.add(owner);
        continue;
      }
      ids.add(node.id);
      nodes.push(node);
    }
    this.release(parent, current, ids, refresh);
    for (const id of ids) this.owners.set(id, parent);
    this.answers.set(parent, { ticket, connection, nodes, ids });
    refresh.delete(parent);
    return { nodes, refresh: [...refresh] };
  }

  /** Drops a parent's answer (a collapsed or removed row): its rows are free for other parents. */
  drop(parent: string): string[] {
    const current = this.answers.get(parent);
    if (!current) return [];
    this.answers.delete(parent);
    const refresh = new Set<string>();
    this.release(parent, current, new Set(), refresh);
    return [...refresh];
  }

  /** Drops every answer of a connection (removed or reconfigured). */
  forgetConnection(connection: string): string[] {
    const refresh = new Set<string>();
    for (const [parent, answer] of [...this.answers]) {
      if (answer.connection === connection) for (const p of this.drop(parent)) refresh.add(p);
    }
    return [...refresh];
  }

  private wait(id: string, parent: string): void {
    let parents = this.waiting.get(id);
    if (!parents) this.waiting.set(id, (parents = new Set()));
    parents.add(parent);
  }

  /** Frees the ids `parent` held and no longer holds; the parents waiting for them are to be refreshed. */
  private release(parent: string, previous: Answer | undefined, kept: ReadonlySet<string>, refresh: Set<string>): void {
    if (!previous) return;
    for (const id of previous.ids) {
      if (kept.has(id) || this.owners.get(id) !== parent) continue;
      this.owners.delete(id);
      const parents = this.waiting.get(id);
      if (!parents) continue;
      this.waiting.delete(id);
      for (const p of parents) if (p !== parent) refresh.add(p);
    }
  }
}
