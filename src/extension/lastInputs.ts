import type * as vscode from 'vscode';

const KEY = 'flowscope.lastInputs';
/** Enough for everyday use; the oldest entries go first. */
const MAX_ENTRIES = 100;

type Stored = Record<string, { readonly inputs: Record<string, unknown>; readonly at: number }>;

/**
 * The inputs last used per workflow, for pre-filled forms and "Run again with the same inputs".
 * They are the user's own run inputs (not credentials), kept in global state across windows.
 */
export class LastInputs {
  constructor(private readonly memento: vscode.Memento) {}

  get(connection: string, workflowId: string): Record<string, unknown> | undefined {
    return this.all()[key(connection, workflowId)]?.inputs;
  }

  has(connection: string, workflowId: string): boolean {
    return this.get(connection, workflowId) !== undefined;
  }

  async set(connection: string, workflowId: string, inputs: Record<string, unknown>): Promise<void> {
    const all = { ...this.all(), [key(connection, workflowId)]: { inputs, at: Date.now() } };
    const entries = Object.entries(all).sort((a, b) => b[1].at - a[1].at).slice(0, MAX_ENTRIES);
    await this.memento.update(KEY, Object.fromEntries(entries));
  }

  private all(): Stored {
    const value = this.memento.get<unknown>(KEY);
    return typeof value === 'object' && value !== null ? (value as Stored) : {};
  }
}

function key(connection: string, workflowId: string): string {
  return `${connection}\u0000${workflowId}`;
}
