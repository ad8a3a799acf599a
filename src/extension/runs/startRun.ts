import * as vscode from 'vscode';
import type { Run } from '../../core/model';
import type { RunStore } from '../../core/runs/runStore';
import type { Logger } from '../../core/util/log';
import { scoped } from '../commands/register';
import { confirmProtected } from '../commands/trigger';
import type { LastInputs } from '../lastInputs';

export interface StartRunRequest {
  readonly connection: string;
  readonly workflowId: string;
  /** The workflow's name, for the confirmation and the progress. */
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly envs?: Readonly<Record<string, string>>;
  /** The protected-connection question (what will happen). */
  readonly question: string;
}

export interface RunStarterDeps {
  readonly runs: RunStore;
  readonly connections: { get(name: string): { readonly protected?: boolean } | undefined };
  readonly lastInputs: LastInputs;
  readonly log: Logger;
  /** The connection answered: its health shows it. */
  readonly reportOk: (connection: string) => void;
  /** Something started here: run lists are polled soon. */
  readonly bumpPolling: () => void;
}

/**
 * The one way a run is started, for the tree, the palette, Re-run and a graph file's Run: the
 * protected-connection confirmation, the remembered inputs, the trigger through the run store
 * (which follows the run live) and the polling bookkeeping. The workspace-trust check comes first,
 * in the caller, before it asks for inputs.
 */
export class RunStarter {
  constructor(private readonly deps: RunStarterDeps) {}

  /** Resolves with the started run, or undefined when the user declined the confirmation. */
  async start(request: StartRunRequest): Promise<Run | undefined> {
    const { connection, workflowId, name, inputs, envs } = request;
    if (!(await confirmProtected(this.deps, connection, request.question))) return undefined;
    await this.deps.lastInputs.set(connection, workflowId, inputs);
    const run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Starting {0}…', name) }, () =>
      scoped(connection, this.deps.runs.trigger(connection, workflowId, inputs, envs && Object.keys(envs).length ? envs : undefined)),
    );
    this.deps.log.info(`started run ${run.id} of ${workflowId} on ${connection}`);
    this.deps.reportOk(connection);
    this.deps.bumpPolling();
    return run;
  }
}
