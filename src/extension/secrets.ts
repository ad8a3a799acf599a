import * as vscode from 'vscode';
import type { Credentials } from '../core/model';
import type { Redactor } from '../core/redact';

export type SecretField = 'apiKey' | 'apiSecret';
/** The only keys Flowscope stores: one API key and, for White Rabbit, one signing secret per connection. */
export type SecretKey = `flowscope.connection.${string}.${SecretField}`;

const PREFIX = 'flowscope.connection.';

export function secretKey(connection: string, field: SecretField): SecretKey {
  return `${PREFIX}${connection}.${field}`;
}

/**
 * SecretStorage behind a closed key shape. Values never leave memory except into SecretStorage
 * and the backend that uses them; every value read is registered with the log redactor.
 * Changes from other windows arrive through `onDidChange` with the connection name.
 */
export class SecretKeyring implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<string>();
  private readonly listener: vscode.Disposable;
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly redactor: Redactor,
  ) {
    this.listener = storage.onDidChange((e) => {
      if (!e.key.startsWith(PREFIX)) return;
      const rest = e.key.slice(PREFIX.length);
      const name = rest.replace(/\.(apiKey|apiSecret)$/, '');
      this.emitter.fire(name);
    });
  }

  async credentials(connection: string): Promise<Credentials | undefined> {
    const apiKey = await this.storage.get(secretKey(connection, 'apiKey'));
    if (!apiKey) return undefined;
    const apiSecret = await this.storage.get(secretKey(connection, 'apiSecret'));
    this.redactor.add(apiKey);
    this.redactor.add(apiSecret);
    return apiSecret ? { apiKey, apiSecret } : { apiKey };
  }

  /** Masks a secret that is not stored (a run's environment override) in every log line. */
  mask(value: string): void {
    this.redactor.add(value);
  }

  async store(connection: string, field: SecretField, value: string): Promise<void> {
    this.redactor.add(value);
    await this.storage.store(secretKey(connection, field), value);
  }

  async storeCredentials(connection: string, credentials: Credentials): Promise<void> {
    await this.store(connection, 'apiKey', credentials.apiKey);
    if (credentials.apiSecret) await this.store(connection, 'apiSecret', credentials.apiSecret);
    else await this.storage.delete(secretKey(connection, 'apiSecret'));
  }

  async delete(connection: string): Promise<void> {
    await this.storage.delete(secretKey(connection, 'apiKey'));
    await this.storage.delete(secretKey(connection, 'apiSecret'));
  }

  dispose(): void {
    this.listener.dispose();
    this.emitter.dispose();
  }
}
