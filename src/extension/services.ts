import type * as vscode from 'vscode';
import type { Backend } from '../core/backend';
import type { ConnectionConfig } from '../core/model';
import type { ConnectionStates } from '../core/connections/states';
import type { RunStore } from '../core/runs/runStore';
import type { CommandHost } from './commands/register';
import type { Pickers } from './pick/pickers';
import type { RunStarter } from './runs/startRun';

/** The connections of this window, with their live backends (credentials resolved from SecretStorage). */
export interface ConnectionRegistry {
  list(): readonly ConnectionConfig[];
  get(name: string): ConnectionConfig | undefined;
  /** The backend of a connection, or undefined while its secrets are missing or invalid. */
  backend(name: string): Backend | undefined;
  /**
   * The backend, built if needed: reads the secrets and, for sandbox connections, starts the
   * embedded sandbox first. Undefined while a key is missing; rejects with a FlowscopeError when
   * the connection is unknown or the sandbox cannot start. Prefer it over `backend` in commands.
   */
  resolve(name: string): Promise<Backend | undefined>;
  readonly onDidChange: vscode.Event<void>;
}

/** What the composition root builds once and hands to every feature's `register*` function. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly connections: ConnectionRegistry;
  readonly runs: RunStore;
  /** Health, catalog and lifetime of each connection. */
  readonly states: ConnectionStates;
  /** What the one command wrapper needs (logging, health reporting). */
  readonly commandHost: CommandHost;
  /** The one "start a run" use case. */
  readonly starter: RunStarter;
  /** The one picker (connection → workflow → run). */
  readonly pickers: Pickers;
}
