import type { StageLog } from '../../core/backend';
import type { Block, Graph } from '../../core/graph/schema';
import type { Run, Stage, StageStatus } from '../../core/model';
import type { GraphOrigin, GraphViewModel, NodeDetails, NodeState, NodeStateChange, NodeStatus } from '../../shared/protocol';
import { formatLogText, logLinesOf } from '../../shared/logText';

/**
 * Pure mapping from the domain (graph, run, stages) to the panel's view model, kept free of
 * `vscode` so it is tested in plain Node (test/unit/panel-viewModel.test.ts).
 */

/** Every stage status is a node status: this line fails to compile if the model grows one. */
const _stageIsNode: StageStatus extends NodeStatus ? true : never = true;
void _stageIsNode;

const TEXT_TAIL = 80;
const JSON_CAP = 200_000;

export function graphViewOf(graph: Graph, origin: GraphOrigin): GraphViewModel {
  return {
    origin,
    nodes: graph.blocks.map((b) => ({ id: b.id, label: b.name?.trim() || b.id, kind: kindOf(b) })),
    edges: graph.edges.map((e, i) => ({
      id: e.id ?? `${e.source}->${e.target}#${i}`,
      source: e.source,
      target: e.target,
      ...(e.condition ? { label: e.condition } : {}),
    })),
  };
}

function kindOf(block: Block): string {
  const module = block.config?.module;
  return typeof module === 'string' && module ? `${block.type} · ${module}` : block.type;
}

/** The order stages ran in: the API's order, else start time, else the order they were listed. */
export function stagesInRunOrder(run: Run): Stage[] {
  return run.stages
    .map((stage, index) => ({ stage, index }))
    .sort((a, b) => {
      const ao = a.stage.order ?? Infinity;
      const bo = b.stage.order ?? Infinity;
      if (ao !== bo) return ao - bo;
      const as = a.stage.startedAt ? Date.parse(a.stage.startedAt) : NaN;
      const bs = b.stage.startedAt ? Date.parse(b.stage.startedAt) : NaN;
      if (Number.isFinite(as) && Number.isFinite(bs) && as !== bs) return as - bs;
      return a.index - b.index;
    })
    .map((x) => x.stage);
}

/** A chain of the run's stages in the order they ran: the fallback when no graph is known. */
export function graphFromStages(run: Run | undefined): Graph {
  const stages = run ? stagesInRunOrder(run) : [];
  return {
    blocks: stages.map((s) => ({ id: s.id, type: s.type ?? 'stage', ...(s.name ? { name: s.name } : {}) })),
    edges: stages.slice(1).map((s, i) => ({ source: stages[i]!.id, target: s.id })),
  };
}

/** A string that changes exactly when what the webview must lay out changes. */
export function graphKeyOf(view: GraphViewModel): string {
  // FNV-1a over the structure: cheap, and collisions only cost a skipped relayout of an identical-looking graph.
  let h = 0x811c9dc5;
  const feed = (s: string): void => {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xff, 0x01000193);
  };
  feed(view.origin);
  for (const n of view.nodes) {
    feed(n.id);
    feed(n.label);
    feed(n.kind);
  }
  for (const e of view.edges) {
    feed(e.source);
    feed(e.target);
    feed(e.label ?? '');
  }
  return `${view.nodes.length}:${view.edges.length}:${(h >>> 0).toString(36)}`;
}

/**
 * The stage shown on each node: matched by id (Powabase block ids, White Rabbit component ids),
 * else by name, since some services key stages by display name.
 */
export function stagesByNode(view: GraphViewModel, run: Run | undefined): Map<string, Stage> {
  const out = new Map<string, Stage>();
  if (!run) return out;
  const byId = new Map(run.stages.map((s) => [s.id, s]));
  const byName = new Map(run.stages.filter((s) => s.name).map((s) => [s.name, s]));
  for (const node of view.nodes) {
    const stage = byId.get(node.id) ?? byName.get(node.label);
    if (stage) out.set(node.id, stage);
  }
  return out;
}

export function nodeStateOf(stage: Stage): NodeState {
  const text = stage.text ? (stage.text.length > TEXT_TAIL ? `…${stage.text.slice(-TEXT_TAIL)}` : stage.text) : undefined;
  const duration = stage.durationMs ?? (stage.startedAt && stage.endedAt ? Date.parse(stage.endedAt) - Date.parse(stage.startedAt) : undefined);
  const startedAt = stage.startedAt ? Date.parse(stage.startedAt) : NaN;
  const endedAt = stage.endedAt ? Date.parse(stage.endedAt) : NaN;
  return {
    status: stage.status,
    ...(stage.attempt !== undefined ? { attempt: stage.attempt } : {}),
    ...(duration !== undefined && Number.isFinite(duration) && duration >= 0 ? { durationMs: duration } : {}),
    ...(Number.isFinite(startedAt) ? { startedAt } : {}),
    ...(Number.isFinite(endedAt) ? { endedAt } : {}),
    ...(text ? { text: text.replace(/\s+/g, ' ') } : {}),
  };
}

/** The states of every node that has one; nodes without a stage or problem are absent (idle). */
export function nodeStatesOf(view: GraphViewModel, run: Run | undefined, problems?: ReadonlyMap<string, readonly string[]>): Record<string, NodeState> {
  const states: Record<string, NodeState> = {};
  for (const [id, stage] of stagesByNode(view, run)) states[id] = nodeStateOf(stage);
  for (const [id, list] of problems ?? []) {
    if (list.length) states[id] = { ...(states[id] ?? { status: 'idle' }), problems: list.length };
  }
  return states;
}

/** The changes from `before` to `after`, one entry per node whose state differs. */
export function diffStates(before: Readonly<Record<string, NodeState>>, after: Readonly<Record<string, NodeState>>): NodeStateChange[] {
  const changes: NodeStateChange[] = [];
  for (const [id, state] of Object.entries(after)) {
    if (!sameState(before[id], state)) changes.push({ id, state });
  }
  for (const id of Object.keys(before)) if (!(id in after)) changes.push({ id, state: undefined });
  return changes;
}

function sameState(a: NodeState | undefined, b: NodeState | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.status === b.status &&
    a.attempt === b.attempt &&
    a.durationMs === b.durationMs &&
    a.startedAt === b.startedAt &&
    a.endedAt === b.endedAt &&
    a.text === b.text &&
    a.problems === b.problems
  );
}

/** Pretty JSON for the details pane, capped so a huge output cannot stall the webview. */
export function formatJson(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > JSON_CAP ? `${text.slice(0, JSON_CAP)}\n… (${text.length - JSON_CAP} more characters; use Copy output)` : text;
}

export interface DetailsInput {
  readonly nodeId: string;
  readonly view: GraphViewModel;
  readonly stage?: Stage;
  readonly logs?: readonly StageLog[];
  readonly problems?: readonly string[];
  readonly canReveal: boolean;
  /** Zone of the logs' times; the machine's own when absent (tests pin one). */
  readonly timeZone?: string;
}

export function nodeDetailsOf(input: DetailsInput): NodeDetails | undefined {
  const node = input.view.nodes.find((n) => n.id === input.nodeId);
  if (!node) return undefined;
  const s = input.stage;
  const state = s ? nodeStateOf(s) : undefined;
  const logs = input.logs?.filter((l) => l.stageId === input.nodeId || (s && l.stageId === s.id));
  return {
    id: node.id,
    label: node.label,
    kind: node.kind,
    status: s?.status ?? 'idle',
    ...(s ? { rawStatus: s.rawStatus } : {}),
    ...(s?.attempt !== undefined ? { attempt: s.attempt } : {}),
    ...(s?.startedAt ? { startedAt: s.startedAt } : {}),
    ...(s?.endedAt ? { endedAt: s.endedAt } : {}),
    ...(state?.durationMs !== undefined ? { durationMs: state.durationMs } : {}),
    ...(s && s.input !== undefined ? { input: formatJson(s.input) } : {}),
    ...(s && s.output !== undefined ? { output: formatJson(s.output) } : {}),
    ...(s?.error ? { error: s.error } : {}),
    ...(s?.text ? { text: s.text } : {}),
    // The same readable lines as Show Run Logs, in the user's local time.
    ...(logs?.length ? { logs: formatLogText([], logLinesOf(logs, s ? [s] : []), { timeZone: input.timeZone }) } : {}),
    ...(input.problems?.length ? { problems: input.problems } : {}),
    canReveal: input.canReveal,
    canCopyOutput: s?.output !== undefined,
  };
}
