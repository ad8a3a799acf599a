import * as vscode from 'vscode';
import { Redactor } from '../core/redact';
import type { Logger } from '../core/util/log';

/**
 * The core's Logger over a LogOutputChannel ("Flowscope" in the Output view, level chosen by the
 * user). Every line passes through the redactor, which knows the stored keys and masks
 * token-shaped strings, so nothing a server echoes back can leak a secret into the log.
 */
export class OutputLogger implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
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

  dispose(): void {
    this.channel.dispose();
  }
}

/**
 * The LogOutputChannel handed to other features through `Services.log`, with the same redaction:
 * every feature logs through one channel and none can bypass the mask by accident.
 */
export function redactingChannel(channel: vscode.LogOutputChannel, redactor: Redactor): vscode.LogOutputChannel {
  const r = (message: string, args: readonly unknown[]): string =>
    redactor.redact([message, ...args.map((a) => (typeof a === 'string' ? a : safeJson(a)))].join(' '));
  return {
    get name() {
      return channel.name;
    },
    get logLevel() {
      return channel.logLevel;
    },
    onDidChangeLogLevel: channel.onDidChangeLogLevel,
    trace: (message: string, ...args: unknown[]) => channel.trace(r(message, args)),
    debug: (message: string, ...args: unknown[]) => channel.debug(r(message, args)),
    info: (message: string, ...args: unknown[]) => channel.info(r(message, args)),
    warn: (message: string, ...args: unknown[]) => channel.warn(r(message, args)),
    error: (error: string | Error, ...args: unknown[]) => channel.error(r(typeof error === 'string' ? error : (error.stack ?? error.message), args)),
    append: (value: string) => channel.append(redactor.redact(value)),
    appendLine: (value: string) => channel.appendLine(redactor.redact(value)),
    replace: (value: string) => channel.replace(redactor.redact(value)),
    clear: () => channel.clear(),
    show: (columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean) => {
      if (typeof columnOrPreserveFocus === 'number') channel.show(columnOrPreserveFocus, preserveFocus);
      else channel.show(columnOrPreserveFocus);
    },
    hide: () => channel.hide(),
    // The channel belongs to the extension's lifetime, not to whichever feature holds this view.
    dispose: () => undefined,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
