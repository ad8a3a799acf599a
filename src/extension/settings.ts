import * as vscode from 'vscode';
import * as z from 'zod';
import { BACKEND_KINDS } from '../core/model';
import type { Logger } from '../core/util/log';
import { WorkflowEntry, joinWorkflowEntries, splitWorkflowEntries } from '../core/workflowEntries';

/**
 * One entry of `flowscope.connections`. Secrets are never part of it. Workflow entries are ids or
 * `{id, name}` objects; the code sees `workflowIds` and `workflowNames` (see workflowEntries.ts).
 */
export const ConnectionSetting = z
  .object({
    name: z.string().trim().min(1),
    kind: z.enum(BACKEND_KINDS),
    baseUrl: z.string().default(''),
    workflowIds: z.array(WorkflowEntry).optional(),
    org: z.string().optional(),
    protected: z.boolean().optional(),
    /** The embedded sandbox: its URL is resolved at runtime because its port changes per start. */
    sandbox: z.boolean().optional(),
  })
  .transform(({ workflowIds, ...rest }) => ({ ...rest, ...splitWorkflowEntries(workflowIds) }));
export type ConnectionSetting = z.output<typeof ConnectionSetting>;

export type RunEndedNotifications = 'all' | 'failures' | 'none';

export interface FlowscopeSettings {
  readonly connections: readonly ConnectionSetting[];
  readonly pageSize: number;
  readonly notifyRunEnded: RunEndedNotifications;
  readonly pollMinMs: number;
  readonly pollMaxMs: number;
}

const SECTION = 'flowscope';
const KEYS = {
  connections: 'connections',
  pageSize: 'runs.pageSize',
  notify: 'notifications.runEnded',
  pollMin: 'polling.minIntervalSeconds',
  pollMax: 'polling.maxIntervalSeconds',
} as const;

/**
 * Typed settings, parsed once per change. Connections are application-scoped and read only from
 * the user's own settings (`globalValue`): a workspace's `.vscode/settings.json` must never be able
 * to point a user's stored credentials at another host.
 */
export class Settings implements vscode.Disposable {
  private value: FlowscopeSettings;
  private readonly emitter = new vscode.EventEmitter<FlowscopeSettings>();
  private readonly listener: vscode.Disposable;
  readonly onDidChange = this.emitter.event;

  constructor(private readonly log: Logger) {
    this.value = this.read();
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      this.value = this.read();
      this.emitter.fire(this.value);
    });
  }

  get current(): FlowscopeSettings {
    return this.value;
  }

  /** Writes the connection list to the user's settings (never to a workspace). */
  async setConnections(connections: readonly ConnectionSetting[]): Promise<void> {
    const plain = connections.map(({ workflowNames, ...c }) => {
      const stored = { ...c, workflowIds: joinWorkflowEntries(c.workflowIds, workflowNames) };
      return Object.fromEntries(Object.entries(stored).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)));
    });
    await vscode.workspace.getConfiguration(SECTION).update(KEYS.connections, plain, vscode.ConfigurationTarget.Global);
    this.value = this.read();
  }

  private read(): FlowscopeSettings {
    const config = vscode.workspace.getConfiguration(SECTION);
    const raw = config.inspect<unknown>(KEYS.connections)?.globalValue;
    const connections: ConnectionSetting[] = [];
    const seen = new Set<string>();
    for (const [index, entry] of (Array.isArray(raw) ? raw : []).entries()) {
      const parsed = ConnectionSetting.safeParse(entry);
      if (!parsed.success) {
        this.log.warn(`Ignoring flowscope.connections[${index}]: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        continue;
      }
      if (seen.has(parsed.data.name)) {
        this.log.warn(`Ignoring flowscope.connections[${index}]: the name "${parsed.data.name}" is used twice`);
        continue;
      }
      seen.add(parsed.data.name);
      connections.push(parsed.data);
    }
    const seconds = (key: string, fallback: number, min: number): number => {
      const v = config.get<number>(key, fallback);
      return Math.max(min, Number.isFinite(v) ? v : fallback) * 1_000;
    };
    const notify = config.get<string>(KEYS.notify, 'all');
    const pollMinMs = seconds(KEYS.pollMin, 5, 2);
    return {
      connections,
      pageSize: Math.max(1, Math.min(100, Math.round(config.get<number>(KEYS.pageSize, 10)))),
      notifyRunEnded: notify === 'failures' || notify === 'none' ? notify : 'all',
      pollMinMs,
      pollMaxMs: Math.max(pollMinMs, seconds(KEYS.pollMax, 60, 5)),
    };
  }

  dispose(): void {
    this.listener.dispose();
    this.emitter.dispose();
  }
}
