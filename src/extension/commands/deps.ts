import type { Explorer } from '../tree/viewModel';
import type { Logger } from '../../core/util/log';
import type { Connections } from '../connections/registry';
import type { LastInputs } from '../lastInputs';
import type { OutputDocuments } from '../outputDocuments';
import type { SandboxHost } from '../sandbox';
import type { SecretKeyring } from '../secrets';
import type { Pickers } from '../pick/pickers';
import type { Services } from '../services';
import type { Settings } from '../settings';
import type { ExplorerTree } from '../tree/provider';
import type { CommandHost } from './register';

/** What the command modules are given, built once in the composition root. */
export interface CommandDeps {
  readonly services: Services;
  readonly connections: Connections;
  readonly settings: Settings;
  readonly keyring: SecretKeyring;
  readonly sandbox: SandboxHost;
  readonly explorer: Explorer;
  readonly tree: ExplorerTree;
  readonly lastInputs: LastInputs;
  readonly documents: OutputDocuments;
  readonly log: Logger;
  readonly host: CommandHost;
  /** The one picker (connection → workflow → run). */
  readonly pickers: Pickers;
}
