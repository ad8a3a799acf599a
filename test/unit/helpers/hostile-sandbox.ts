// Shared plumbing for the reliability tests that drive the RunStore and the tree model against
// the real sandbox: a ConnectionSource with tunable adapter deps, fault queueing, state reads,
// and a "wait for the run to settle" helper.
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { createBackend } from '../../../src/core/adapters/registry';
import type { AdapterDeps } from '../../../src/core/adapters/deps';
import type { Backend } from '../../../src/core/backend';
import type { FlowscopeError } from '../../../src/core/errors';
import type { BackendKind, ConnectionConfig, Credentials, Run } from '../../../src/core/model';
import { isTerminalRun } from '../../../src/core/model';
import { RunStore } from '../../../src/core/runs/runStore';
import type { StreamError } from '../../../src/core/runs/runStore';
import { Explorer } from '../../../src/extension/tree/viewModel';
import type { ConnectionSource, ExplorerConnection } from '../../../src/extension/tree/viewModel';
import { reportStreamFailures } from '../../../src/core/connections/streamFailures';
import { silentLogger } from '../../../src/core/util/log';
import type { ExplorerNode, RunNode, WorkflowNode } from '../../../src/extension/tree/nodes';
import type { Disposable } from '../../../src/core/util/disposable';
import { Emitter } from '../../../src/core/util/emitter';
import type { Sandbox } from '../../../src/sandbox/server';

export type ApiName = 'wr' | 'pb' | 'sv';

export const KIND: Readonly<Record<ApiName, BackendKind>> = { wr: 'whiterabbit', pb: 'powabase', sv: 'supervity' };

/** The sandbox's connection for one API, as the extension would configure it. */
export function sandboxConnection(sb: Sandbox, api: ApiName, overrides: Partial<Credentials> = {}): { config: ConnectionConfig; credentials: Credentials } {
  const { info } = sb;
  switch (api) {
    case 'wr':
      return {
        config: { name: 'wr', kind: 'whiterabbit', baseUrl: sb.url, workflowIds: info.whiterabbit.workflowIds },
        credentials: { apiKey: info.whiterabbit.apiKey, apiSecret: info.whiterabbit.apiSecret, ...overrides },
      };
    case 'pb':
      return { config: { name: 'pb', kind: 'powabase', baseUrl: sb.url }, credentials: { apiKey: info.powabase.apiKey, ...overrides } };
    case 'sv':
      return {
        config: { name: 'sv', kind: 'supervity', baseUrl: sb.url, org: info.supervity.org, workflowIds: info.supervity.workflowIds },
        credentials: { apiKey: info.supervity.apiKey, ...overrides },
      };
  }
}

/** One connection with fixed adapter deps (the explorer harness fixes its own; these tests need a short watchdog). */
export class FixedConnections implements ConnectionSource {
  private built: Backend | undefined;
  /** Reads of a run through the adapter's getRun (reconciliation, polling, probes). */
  reads = 0;
  private readonly emitter = new Emitter<void>();
  readonly onDidChange = (listener: () => void): Disposable => this.emitter.event(listener);

  constructor(
    private readonly config: ExplorerConnection,
    private readonly credentials: Credentials,
    private readonly deps: AdapterDeps,
  ) {}

  list(): readonly ExplorerConnection[] {
    return [this.config];
  }

  backend(name: string): Backend | undefined {
    return name === this.config.name ? this.built : undefined;
  }

  async resolve(name: string): Promise<Backend | undefined> {
    if (name !== this.config.name) return undefined;
    if (!this.built) {
      const backend = createBackend(this.config, this.credentials, this.deps);
      // Count REST reads of a run: the adapters call their own getRun to reconcile, so an
      // instance-level wrapper sees every one of them.
      const getRun = backend.getRun.bind(backend);
      backend.getRun = (ref, signal) => {
        this.reads++;
        return getRun(ref, signal);
      };
      this.built = backend;
    }
    return this.built;
  }
}

export interface Rig {
  readonly api: ApiName;
  readonly connections: FixedConnections;
  readonly runs: RunStore;
  readonly explorer: Explorer;
  /** Stream failures the store reported (the extension shows them on the connection node). */
  readonly failures: StreamError[];
  backend(): Promise<Backend>;
  /** Renders connection → workflow → its children, as the tree view would when expanded. */
  open(workflowId: string): Promise<WorkflowNode>;
  /** The run node of a run under its workflow, as the tree shows it now. */
  runNode(workflowId: string, runId: string): Promise<RunNode>;
  dispose(): void;
}

/** A RunStore and an Explorer over one sandbox connection, wired as the extension wires them. */
export function rig(sb: Sandbox, api: ApiName, deps: AdapterDeps, credentials?: Partial<Credentials>): Rig {
  const { config, credentials: creds } = sandboxConnection(sb, api, credentials);
  const connections = new FixedConnections(config, creds, deps);
  const runs = new RunStore({ backendFor: (name) => connections.backend(name) });
  // Polling is slowed right down: the run under test must be followed by its own stream and reads.
  const explorer = new Explorer({ connections, runs, pageSize: () => 50, pollMinMs: 600_000, pollMaxMs: 600_000 });
  const failures: StreamError[] = [];
  // The product's own wiring of stream failures to the tree (as src/extension/notifications.ts
  // uses it); the rig only records what the store reported, for the assertions.
  const wiring = reportStreamFailures(runs, explorer, silentLogger);
  const recording = runs.onDidFail((failure) => failures.push(failure));
  const open = async (workflowId: string): Promise<WorkflowNode> => {
    const [root] = await explorer.children();
    assert.ok(root, 'the connection node is shown');
    const children = await explorer.children(root);
    const node = children.find((n): n is WorkflowNode => n.kind === 'workflow' && n.workflowId === workflowId);
    assert.ok(node, `workflow ${workflowId} is listed under ${api}: ${children.map((c) => c.id).join(', ')}`);
    await explorer.children(node);
    return node;
  };
  return {
    api,
    connections,
    runs,
    explorer,
    failures,
    async backend() {
      const backend = await connections.resolve(api);
      assert.ok(backend);
      return backend;
    },
    open,
    async runNode(workflowId, runId) {
      const children = await explorer.children(explorer.workflowNode(api, workflowId));
      const node = children.find((n): n is RunNode => n.kind === 'run' && n.runId === runId);
      assert.ok(node, `run ${runId} is shown under its workflow: ${children.map((c: ExplorerNode) => c.id).join(', ')}`);
      return node;
    },
    dispose() {
      recording.dispose();
      wiring.dispose();
      explorer.dispose();
      runs.dispose();
    },
  };
}

export async function control(sb: Sandbox, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  const res = await request(`${sb.url}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  const text = await res.body.text();
  assert.ok(res.statusCode < 300, `${method} ${path}: ${res.statusCode} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** Queues `fault` for the next `count` requests whose path starts with `pathPrefix`. */
export async function queueFault(sb: Sandbox, pathPrefix: string, fault: string, count = 1): Promise<void> {
  await control(sb, 'POST', '/__sandbox/faults', { pathPrefix, fault, count });
}

export async function pendingFaults(sb: Sandbox): Promise<number> {
  const { faults } = (await control(sb, 'GET', '/__sandbox/faults')) as { faults: Array<{ remaining: number }> };
  return faults.reduce((n, f) => n + f.remaining, 0);
}

export interface SandboxRun {
  readonly id: string;
  readonly workflowId: string;
  readonly status: string;
  readonly blocks: Record<string, { status: string; activityRunId: string }>;
}

export async function sandboxRuns(sb: Sandbox, workflowId?: string): Promise<SandboxRun[]> {
  const { runs } = (await control(sb, 'GET', '/__sandbox/state')) as { runs: SandboxRun[] };
  return workflowId === undefined ? runs : runs.filter((r) => r.workflowId === workflowId);
}

/** Resolves when `check` holds, polling every 25 ms; fails naming `what` after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until the store holds a terminal state for the run and follows nothing any more. */
export async function settled(r: Rig, runId: () => string | undefined, timeoutMs = 10_000): Promise<Run> {
  await eventually(
    () => {
      const id = runId();
      const run = id === undefined ? undefined : r.runs.get(r.api, id);
      return run !== undefined && isTerminalRun(run.status) && r.runs.liveRuns().length === 0 && !r.runs.isLive(r.api, run.id);
    },
    `run ${runId() ?? '?'} on ${r.api} to settle`,
    timeoutMs,
  );
  const run = r.runs.get(r.api, runId() ?? '');
  assert.ok(run);
  return run;
}

/** The part of a run both the store and a fresh read must agree on. */
export function essence(run: Run): { id: string; status: string; stages: string[] } {
  return {
    id: run.id,
    status: run.status,
    stages: run.stages.map((s) => `${s.id}=${s.status}`).sort(),
  };
}

export function describeFailures(failures: readonly { error: FlowscopeError }[]): string {
  return failures.map((f) => `${f.error.reason}: ${f.error.message}`).join('; ');
}

/** One response seen on the wire: method, path and status. */
export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

/**
 * An undici dispatcher that records the status of every response it carries, for assertions
 * like "exactly one 401". It observes only; requests and responses pass through untouched.
 */
export function recordingDispatcher(seen: Seen[]): Dispatcher {
  const record: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
    const note = (status: unknown): void => {
      if (typeof status === 'number') seen.push({ method: String(opts.method), path: String(opts.path).split('?')[0] ?? '', status });
    };
    const observed = new Proxy(handler, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        const fn = value as (...args: unknown[]) => unknown;
        // Legacy handlers get the status first; new-style ones after the controller.
        if (key === 'onHeaders') return (...args: unknown[]) => (note(args[0]), fn.apply(target, args));
        if (key === 'onResponseStart') return (...args: unknown[]) => (note(args[1]), fn.apply(target, args));
        return fn.bind(target);
      },
    });
    return dispatch(opts, observed);
  };
  return new Agent({ keepAliveTimeout: 1_000 }).compose(record);
}
