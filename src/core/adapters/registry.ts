import type { Backend } from '../backend';
import { FlowscopeError } from '../errors';
import type { ConnectionConfig, Credentials } from '../model';
import type { AdapterDeps } from './deps';
import { PowabaseBackend } from './powabase/adapter';
import { SupervityBackend } from './supervity/adapter';
import { WhiteRabbitBackend } from './whiterabbit/adapter';

/** Creates the adapter for a connection. Throws a `usage` error for incomplete credentials. */
export function createBackend(config: ConnectionConfig, credentials: Credentials, deps: AdapterDeps = {}): Backend {
  if (!credentials.apiKey) throw new FlowscopeError('usage', `Connection "${config.name}" has no API key.`);
  switch (config.kind) {
    case 'whiterabbit':
      return new WhiteRabbitBackend(config, credentials, deps);
    case 'powabase':
      return new PowabaseBackend(config, credentials, deps);
    case 'supervity':
      return new SupervityBackend(config, credentials, deps);
  }
}
