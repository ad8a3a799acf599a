import type * as vscode from 'vscode';
import { registerConnectionCommands } from '../connections/commands';
import { registerCancelCommands } from './cancel';
import { registerComponentCommands } from './component';
import type { PaletteDeps } from '../features';
import { registerRunCommands } from './runs';
import { registerManageCommands } from './manage';
import { registerSandboxCommands } from './sandbox';
import { registerStopRunCommand } from './stopRun';
import { registerTriggerCommands } from './trigger';
import { registerWorkflowCommands } from './workflows';

/** Every command of the run explorer; each group registers through the uniform wrapper. */
export function registerCommands(deps: PaletteDeps): vscode.Disposable[] {
  return [
    registerSandboxCommands(deps),
    registerConnectionCommands(deps),
    registerTriggerCommands(deps),
    registerCancelCommands(deps),
    registerStopRunCommand(deps),
    registerRunCommands(deps),
    registerWorkflowCommands(deps),
    registerManageCommands(deps),
    registerComponentCommands(deps),
  ];
}
