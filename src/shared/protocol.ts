import * as z from 'zod';

/**
 * The one protocol between the graph panel's host side (src/extension/panels) and its webview
 * (src/webview). Host → webview messages are plain typed unions (the host is trusted); webview →
 * host messages are parsed with zod before the host acts on them, because the webview renders
 * server-provided strings and must be treated as a less trusted peer.
 *
 * Live state is versioned: each snapshot or patch carries the next version of one panel-wide
 * counter. A webview that sees a patch skip a version asks for a new snapshot (`resync`), so a
 * hidden-and-restored webview or a dropped message can never leave stale colours on screen.
 *
 * No credential or connection secret ever appears in these types: only ids, names and run data.
 */

/** What a node can show. `idle` is a block no run has touched (a workflow or preview panel). */
export const NODE_STATUSES = ['idle', 'queued', 'running', 'waiting', 'finishing', 'completed', 'failed', 'cancelled', 'skipped', 'unknown'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

export interface NodeView {
  readonly id: string;
  /** Block or stage name (falls back to the id). Rendered as text, never as markup. */
  readonly label: string;
  /** Block type or White Rabbit module. */
  readonly kind: string;
}

export interface EdgeView {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** The edge's condition, shown as its label. */
  readonly label?: string;
  /** The edge lies on a cycle (a graph file being edited may loop): drawn highlighted. */
  readonly cycle?: boolean;
}

/** Where the drawing came from, shown in the panel's header so nobody mistakes a guess for the truth. */
export type GraphOrigin = 'server' | 'file' | 'stages' | 'preview';

export interface GraphViewModel {
  readonly nodes: readonly NodeView[];
  readonly edges: readonly EdgeView[];
  readonly origin: GraphOrigin;
}

/** The live part of a node: what a status patch carries. */
export interface NodeState {
  readonly status: NodeStatus;
  readonly attempt?: number;
  readonly durationMs?: number;
  /** When the stage (its current attempt, as the service reports it) started and ended, in ms since the epoch: the timeline's bars. */
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** Tail of the streamed text (agent tokens), already shortened by the host. */
  readonly text?: string;
  /** Diagnostics of the previewed file that point at this block. */
  readonly problems?: number;
}

export interface NodeStateChange {
  readonly id: string;
  /** Undefined when the node went back to having no state (e.g. a diagnostic was fixed). */
  readonly state: NodeState | undefined;
}

export interface PanelHeader {
  readonly title: string;
  readonly subtitle?: string;
  /** Overall run status, when a run is shown. */
  readonly runStatus?: string;
  /** A non-fatal message shown above the graph (e.g. "file is invalid: showing the last good drawing"). */
  readonly notice?: string;
  /** The bound workspace file the graph was read from (its name), when it came from one. */
  readonly sourceFile?: string;
  /** Nothing to draw yet: what the panel shows instead, with the steps that would give it a graph. */
  readonly empty?: EmptyState;
}

/** What a user can do from an empty panel; the host runs the matching command. */
export const NEXT_STEP_ACTIONS = ['trigger', 'bindFile'] as const;
export type NextStepAction = (typeof NEXT_STEP_ACTIONS)[number];

export interface EmptyState {
  readonly message: string;
  readonly steps: ReadonlyArray<{ readonly action: NextStepAction; readonly label: string }>;
}

/**
 * What the host persists for the reload serializer. The webview stores it with `setState` and
 * hands it back untouched; the host validates it with `PersistedPanel` on revive.
 */
export const PersistedPanel = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('run'),
    connection: z.string().min(1).max(200),
    workflowId: z.string().min(1).max(500),
    runId: z.string().min(1).max(500).optional(),
  }),
  z.object({ kind: z.literal('preview'), file: z.string().min(1).max(4000) }),
]);
export type PersistedPanel = z.infer<typeof PersistedPanel>;

export interface NodeDetails {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
  readonly status: NodeStatus;
  readonly rawStatus?: string;
  readonly attempt?: number;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  /** Pre-formatted JSON (two-space indent), capped by the host. */
  readonly input?: string;
  readonly output?: string;
  readonly error?: string;
  readonly text?: string;
  /** The stage's log entries as readable lines (shared/logText.ts, as Show Run Logs writes them), when the service serves logs. */
  readonly logs?: string;
  /** Diagnostics of the previewed file that point at this block. */
  readonly problems?: readonly string[];
  readonly canReveal: boolean;
  readonly canCopyOutput: boolean;
}

export type HostToWebview =
  | {
      readonly type: 'snapshot';
      readonly version: number;
      /** Changes whenever the structure (nodes, edges, labels) changes; the webview relays out only then. */
      readonly graphKey: string;
      readonly graph: GraphViewModel;
      readonly states: Readonly<Record<string, NodeState>>;
      readonly header: PanelHeader;
      readonly persist: PersistedPanel;
    }
  | {
      readonly type: 'patch';
      readonly version: number;
      readonly changes: readonly NodeStateChange[];
      readonly header?: PanelHeader;
    }
  | { readonly type: 'details'; readonly nodeId: string; readonly details: NodeDetails | undefined }
  | { readonly type: 'error'; readonly message: string };

const NodeId = z.string().min(1).max(1000);

/** Messages from the webview, validated by the host with `parseWebviewMessage` before use. */
export const WebviewToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('resync'), haveVersion: z.number().int().min(-1) }),
  z.object({ type: z.literal('select'), nodeId: NodeId.nullable() }),
  z.object({ type: z.literal('revealBlock'), nodeId: NodeId }),
  z.object({ type: z.literal('copyOutput'), nodeId: NodeId }),
  z.object({ type: z.literal('nextStep'), action: z.enum(NEXT_STEP_ACTIONS) }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHost>;

/** Parses an untrusted message; undefined when it is not one the protocol knows. */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  const parsed = WebviewToHost.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

export function assertNever(value: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(value)}`);
}
