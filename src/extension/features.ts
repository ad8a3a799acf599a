import type * as vscode from 'vscode';
import type { ConnectionStates } from '../core/connections/states';
import type { FlowscopeError } from '../core/errors';
import type { RunStore } from '../core/runs/runStore';
import type { Logger } from '../core/util/log';
import type { CommandHandlers } from './commands/register';
import type { Connections } from './connections/registry';
import type { LastInputs } from './lastInputs';
import type { OutputDocuments } from './outputDocuments';
import type { Pickers } from './pick/pickers';
import type { RunStarter } from './runs/startRun';
import type { SandboxHost } from './sandbox';
import type { SecretKeyring } from './secrets';
import type { Settings } from './settings';
import type { ExplorerTree } from './tree/provider';
import type { Explorer } from './tree/viewModel';

/**
 * The one set of dependencies: everything the features' composition root (`createWorkbench` in
 * workbench.ts, run on first use; activation in extension.ts builds none of it) builds once.
 * No feature takes it whole: each names the narrow part it uses (the `Pick`s below), so a
 * feature's signature says what it touches. One logger type everywhere: the core's `Logger`
 * (redacting, over the output channel); the channel itself is only reachable through `showLog`.
 */
export interface FeatureDeps {
  readonly context: vscode.ExtensionContext;
  readonly log: Logger;
  /** Reveals the Flowscope output channel (the "Show Log" command). */
  readonly showLog: () => void;
  readonly connections: Connections;
  readonly states: ConnectionStates;
  readonly runs: RunStore;
  readonly settings: Settings;
  readonly keyring: SecretKeyring;
  readonly sandbox: SandboxHost;
  readonly explorer: Explorer;
  readonly tree: ExplorerTree;
  readonly lastInputs: LastInputs;
  readonly documents: OutputDocuments;
  /** The one "start a run" use case. */
  readonly starter: RunStarter;
  /** The one picker (connection → workflow → run). */
  readonly pickers: Pickers;
  /** Records a connection's failure so its tree node shows the health (used by the command wrapper). */
  readonly reportFailure: (connection: string, error: FlowscopeError) => void;
  /** The handlers the command stubs registered at activation dispatch to (commands/register.ts). */
  readonly handlers: CommandHandlers;
}

/** What the one command wrapper (`commands/register.ts`) needs: logging and health reporting. */
export type WrapperDeps = Pick<FeatureDeps, 'log' | 'reportFailure' | 'handlers'>;

/** The palette and tree commands (`commands/`, `connections/commands.ts`). */
export type PaletteDeps = WrapperDeps &
  Pick<
    FeatureDeps,
    'showLog' | 'connections' | 'runs' | 'settings' | 'keyring' | 'sandbox' | 'explorer' | 'tree' | 'lastInputs' | 'documents' | 'starter' | 'pickers'
  >;

/** Graph-file authoring (`authoring/`): validation, push, pull, run, bindings. */
export type AuthoringDeps = WrapperDeps & Pick<FeatureDeps, 'context' | 'connections' | 'starter' | 'pickers'>;

/** The graph panels (`panels/`). */
export type PanelDeps = WrapperDeps & Pick<FeatureDeps, 'context' | 'connections' | 'runs' | 'pickers' | 'explorer'>;
