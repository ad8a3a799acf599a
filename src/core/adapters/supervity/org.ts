import type { ConnectionConfig } from '../../model';

/**
 * Supervity's documentation says to always include `x-active-org` (contracts C.1): the service
 * scopes every call to the organisation it names. A connection without one is refused wherever
 * it is configured (extension, CLI) and by the adapter itself, rather than sending requests the
 * service may answer for the wrong organisation or not at all.
 */
export function missingOrgProblem(config: Pick<ConnectionConfig, 'name' | 'kind' | 'org'>): string | undefined {
  if (config.kind !== 'supervity' || (config.org ?? '').trim() !== '') return undefined;
  return `Connection "${config.name}" has no organisation: Supervity Auto needs your organisation key on every request (the x-active-org header).`;
}
