import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../core/util/log';
import type { Sandbox, SandboxInfo } from '../sandbox/server';
import type * as SandboxServer from '../sandbox/server';

type SandboxModule = typeof SandboxServer;

/**
 * The sandbox server is its own bundle (dist/sandboxServer.js), loaded on first use: most
 * windows never start it, and keeping it out of extension.js keeps activation light.
 */
async function loadSandboxModule(): Promise<SandboxModule> {
  // A computed path: the bundler leaves it alone, and Node resolves it beside extension.js.
  const file = path.join(__dirname, 'sandboxServer.js');
  return (await import(file)) as SandboxModule;
}

/**
 * The embedded sandbox, owned for the extension's lifetime. It starts lazily, the first time a
 * sandbox connection is used (or from "Start Sandbox"), on a free port with its state under the
 * extension's global storage, and closes with the extension.
 */
export class SandboxHost implements vscode.Disposable {
  private sandbox: Sandbox | undefined;
  private starting: Promise<Sandbox> | undefined;
  private disposed = false;
  private readonly started = new vscode.EventEmitter<SandboxInfo>();
  /** Fires after each start: sandbox connections must resolve the new URL. */
  readonly onDidStart = this.started.event;

  constructor(
    private readonly storageDir: string,
    private readonly log: Logger,
  ) {}

  get url(): string | undefined {
    return this.sandbox?.url;
  }

  get info(): SandboxInfo | undefined {
    return this.sandbox?.info;
  }

  ensure(): Promise<Sandbox> {
    if (this.sandbox) return Promise.resolve(this.sandbox);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<Sandbox> {
    const stateDir = path.join(this.storageDir, 'sandbox');
    this.log.info(`starting the embedded sandbox (state in ${stateDir})`);
    const { startSandbox } = await loadSandboxModule();
    const sandbox = await startSandbox({ port: 0, stateDir, log: (line) => this.log.debug(`sandbox: ${line}`) });
    if (this.disposed) {
      await sandbox.close();
      throw new Error('Flowscope is shutting down.');
    }
    this.sandbox = sandbox;
    this.log.info(`sandbox listening on ${sandbox.url}`);
    void vscode.commands.executeCommand('setContext', 'flowscope.sandboxRunning', true);
    this.started.fire(sandbox.info);
    return sandbox;
  }

  dispose(): void {
    this.disposed = true;
    this.started.dispose();
    const sandbox = this.sandbox;
    this.sandbox = undefined;
    if (sandbox) void sandbox.close().catch((error: unknown) => this.log.warn(`sandbox close failed: ${String(error)}`));
  }
}
