import type { ConnectionSource, ConnectionStates, KnownConnection } from '../../core/connections/states';
import type { RunStore } from '../../core/runs/runStore';
import type { Translate } from '../../shared/format';
import type { Logger } from '../../core/util/log';
import type { Every } from './clock';

/** A configured connection, as the registry and the tests name it. */
export type ExplorerConnection = KnownConnection;
export type { ConnectionSource };

export interface ExplorerOptions {
  /** The window's connection service; built here from `connections` when not given (tests). */
  readonly states?: ConnectionStates;
  readonly connections: ConnectionSource;
  readonly runs: RunStore;
  readonly log?: Logger;
  readonly t?: Translate;
  readonly now?: () => number;
  /** Runs per page and per "load more". */
  readonly pageSize?: () => number;
  /** Polling intervals, read per tick so a changed setting applies without a reload. */
  readonly pollMinMs?: number | (() => number);
  readonly pollMaxMs?: number | (() => number);
  /** Whether "run again with the same inputs" has inputs to use. */
  readonly hasLastInputs?: (connection: string, workflowId: string) => boolean;
  /** The name of a workspace graph file bound to the workflow, one of its name sources. */
  readonly graphFileName?: (connection: string, workflowId: string) => string | undefined;
  /** The name a bound graph file gives the one component running `module` (White Rabbit stage labels). */
  readonly componentName?: (connection: string, workflowId: string, module: string) => string | undefined;
  /** The row clock's timer (tests step it by hand). */
  readonly every?: Every;
}
