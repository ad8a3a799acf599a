import * as vscode from 'vscode';
import { Redactor } from '../core/redact';
import type { Logger } from '../core/util/log';

/**
 * The core's Logger over a LogOutputChannel ("Flowscope" in the Output view, level chosen by the
 * user). Every line passes through the redactor, which knows the stored keys and masks
 * token-shaped strings, so nothing a server echoes back can leak a secret into the log.
 */
export class OutputLogger implements Logger, vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  readonly redactor = new Redactor();

  constructor(name = 'Flowscope') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  trace(message: string): void {
    this.channel.trace(this.redactor.redact(message));
  }
  debug(message: string): void {
    this.channel.debug(this.redactor.redact(message));
  }
  info(message: string): void {
    this.channel.info(this.redactor.redact(message));
  }
  warn(message: string): void {
    this.channel.warn(this.redactor.redact(message));
  }
  error(message: string): void {
    this.channel.error(this.redactor.redact(message));
  }

  /** Reveals the channel (the "Show Log" command); features never write to it directly. */
  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
