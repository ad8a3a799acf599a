/**
 * The sandbox the extension started, seen from the test: its URL and keys (read from the files
 * the extension writes: its log and the sandbox's state folder) and its own record of workflows
 * and runs. Re-exported by flowscope.ts, where the scenarios import it from.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from './harness';
import type { VsCode } from './harness';
import type { Face } from './flowscope';

// ---------------------------------------------------------------------------
// Files the extension writes
// ---------------------------------------------------------------------------

/** Every file under `dir`, recursively (missing folder: none). */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** The text of the extension's "Flowscope" log output channel (a file in the server's logs folder). */
export async function flowscopeLog(vscode: VsCode): Promise<string> {
  const files = (await listFiles(vscode.logsDir)).filter((f) => f.endsWith(join('flowscope.flowscope', 'Flowscope.log')));
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')));
  return texts.join('\n');
}

/**
 * The embedded sandbox's URL. The extension logs "sandbox listening on <url>" at info level when
 * it starts the sandbox (src/extension/sandbox.ts); LogOutputChannels are written to the logs
 * folder, so the test reads it from there without any hook in the product.
 */
export async function sandboxUrl(vscode: VsCode, timeoutMs = 60_000): Promise<string> {
  let url: string | undefined;
  await waitFor(
    async () => {
      const match = /sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(await flowscopeLog(vscode));
      url = match?.[1];
      return url !== undefined;
    },
    timeoutMs,
    250,
  );
  return url as string;
}

export interface SandboxCredentials {
  whiterabbit: { apiKey: string; apiSecret: string };
  powabase: { apiKey: string };
  supervity: { apiKey: string; org: string };
}

/** Where the embedded sandbox keeps its state (the extension's global storage). */
export function sandboxStateDir(vscode: VsCode): string {
  return join(vscode.userDataDir, 'User', 'globalStorage', 'flowscope.flowscope', 'sandbox');
}

/** The keys the sandbox accepts, from its credentials.json (written before it listens). */
export async function sandboxCredentials(vscode: VsCode): Promise<SandboxCredentials> {
  const raw = JSON.parse(await readFile(join(sandboxStateDir(vscode), 'credentials.json'), 'utf8')) as {
    whiterabbit: Array<{ apiKey: string; apiSecret: string }>;
    powabase: { apiKey: string };
    supervity: { apiKey: string; org: string };
  };
  const wr = raw.whiterabbit[0];
  if (!wr) throw new Error('the sandbox has no White Rabbit key');
  return { whiterabbit: { apiKey: wr.apiKey, apiSecret: wr.apiSecret }, powabase: raw.powabase, supervity: raw.supervity };
}

export interface SandboxBlockRun {
  blockId: string;
  name: string;
  /** White Rabbit's module name (its stage records carry no block names; the tree says the module in words). */
  module: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'cancelled';
  error: string | null;
  /** Null while the block has not started (a run cancelled early leaves some so). */
  startedAt: string | null;
}

export interface SandboxRun {
  id: string;
  workflowId: string;
  origin: 'whiterabbit' | 'powabase' | 'supervity' | 'webhook';
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  inputs: Record<string, unknown>;
  envs?: Record<string, string>;
  blocks: Record<string, SandboxBlockRun>;
  createdAt: string;
  cancelRequestedAt: string | null;
  cancelReason: string | null;
}

export interface SandboxWorkflow {
  id: string;
  /** The face that owns it: only that face's connection lists it. */
  face: Face;
  name: string;
  version: number;
  blocks: Array<{ id: string; type: string; name: string; config: Record<string, unknown> }>;
  edges: Array<{ source: string; target: string; condition: string | null }>;
}

export interface SandboxState {
  workflows: SandboxWorkflow[];
  runs: SandboxRun[];
}

/** `GET /__sandbox/state`: the sandbox's own record of workflows and runs (loopback only). */
export async function sandboxState(url: string): Promise<SandboxState> {
  const res = await fetch(`${url}/__sandbox/state`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET /__sandbox/state: ${res.status}`);
  return (await res.json()) as SandboxState;
}

/** Waits for a run in the sandbox that matches `pick`, and returns it. */
export async function waitForSandboxRun(url: string, pick: (run: SandboxRun) => boolean, timeoutMs = 30_000): Promise<SandboxRun> {
  let found: SandboxRun | undefined;
  await waitFor(
    async () => {
      found = (await sandboxState(url)).runs.find(pick);
      return found !== undefined;
    },
    timeoutMs,
    200,
  );
  return found as SandboxRun;
}
