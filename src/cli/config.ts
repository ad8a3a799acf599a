import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { missingOrgProblem } from '../core/adapters/supervity/org';
import { FlowscopeError } from '../core/errors';
import type { ConnectionConfig, Credentials } from '../core/model';
import { BACKEND_KINDS } from '../core/model';
import { formatZodIssues } from '../core/wire';

const ConnectionEntry = z.object({
  name: z.string().min(1),
  kind: z.enum(BACKEND_KINDS),
  baseUrl: z.url({ protocol: /^https?$/ }),
  apiKey: z.string().optional(),
  apiSecret: z.string().optional(),
  workflowIds: z.array(z.string().min(1)).optional(),
  org: z.string().optional(),
  protected: z.boolean().optional(),
});

const ConfigFile = z.object({ connections: z.array(ConnectionEntry).min(1) });

export interface CliConnection {
  readonly config: ConnectionConfig;
  readonly credentials: Credentials;
}

/**
 * Reads the CLI's config file and picks a connection. Secrets may live in the environment
 * instead of the file (`FLOWSCOPE_<NAME>_API_KEY`, `FLOWSCOPE_<NAME>_API_SECRET`, or the
 * unnamed `FLOWSCOPE_API_KEY` / `FLOWSCOPE_API_SECRET`), so CI need not write them to disk.
 */
export async function loadConnection(path: string, name: string | undefined, env: NodeJS.ProcessEnv): Promise<CliConnection> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FlowscopeError('usage', `Cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FlowscopeError('usage', `The config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = ConfigFile.safeParse(json);
  if (!parsed.success) throw new FlowscopeError('usage', `The config file ${path} is invalid: ${formatZodIssues(parsed.error)}`);
  const entries = parsed.data.connections;
  const entry = name === undefined ? entries[0] : entries.find((c) => c.name === name);
  if (!entry) {
    throw new FlowscopeError('usage', `No connection named "${name}" in ${path}; it has: ${entries.map((c) => c.name).join(', ')}.`);
  }
  const noOrg = missingOrgProblem(entry);
  if (noOrg) throw new FlowscopeError('usage', `${noOrg} Add "org": "<your organisation key>" to it in ${path}.`);
  const envName = entry.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  const apiKey = entry.apiKey ?? env[`FLOWSCOPE_${envName}_API_KEY`] ?? env.FLOWSCOPE_API_KEY;
  const apiSecret = entry.apiSecret ?? env[`FLOWSCOPE_${envName}_API_SECRET`] ?? env.FLOWSCOPE_API_SECRET;
  if (!apiKey) {
    throw new FlowscopeError('usage', `Connection "${entry.name}" has no API key: set "apiKey" in ${path} or FLOWSCOPE_${envName}_API_KEY.`);
  }
  const { apiKey: _k, apiSecret: _s, ...config } = entry;
  return { config, credentials: { apiKey, ...(apiSecret ? { apiSecret } : {}) } };
}
