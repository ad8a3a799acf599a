import type { GraphViewModel, HostToWebview, NodeState, PanelHeader, PersistedPanel } from '../shared/protocol';

/**
 * The webview's live state and its pure reducer. The renderer applies the returned effects; the
 * reducer itself touches no DOM, so it is tested in plain Node (test/unit/webview-state.test.ts).
 */
export interface ViewState {
  /** Version of the last snapshot or patch applied; -1 before the first snapshot. */
  readonly version: number;
  readonly graphKey?: string;
  readonly graph?: GraphViewModel;
  readonly states: ReadonlyMap<string, NodeState>;
  readonly header?: PanelHeader;
  readonly persist?: PersistedPanel;
  /** A resync was asked for and no snapshot has come yet: further gaps do not ask again. */
  readonly awaitingResync: boolean;
}

export type Effect =
  /** The structure changed: lay out again and redraw everything. */
  | { readonly kind: 'relayout' }
  /** Same structure, new states for every node (a snapshot): restyle all nodes, no layout. */
  | { readonly kind: 'restyleAll' }
  /** Only these nodes changed: touch their elements and nothing else. */
  | { readonly kind: 'restyle'; readonly ids: readonly string[] }
  | { readonly kind: 'header' }
  | { readonly kind: 'resync'; readonly haveVersion: number };

export interface Reduction {
  readonly state: ViewState;
  readonly effects: readonly Effect[];
}

export const initialState: ViewState = { version: -1, states: new Map(), awaitingResync: false };

type LiveMessage = Extract<HostToWebview, { type: 'snapshot' | 'patch' }>;

export function reduce(state: ViewState, message: LiveMessage): Reduction {
  if (message.type === 'snapshot') {
    // A snapshot is complete by definition, so it is taken whatever its version: messages are
    // delivered in order, and the host's counter only grows within one panel.
    const effects: Effect[] = [message.graphKey === state.graphKey && state.graph ? { kind: 'restyleAll' } : { kind: 'relayout' }, { kind: 'header' }];
    return {
      state: {
        version: message.version,
        graphKey: message.graphKey,
        graph: message.graph,
        states: new Map(Object.entries(message.states)),
        header: message.header,
        persist: message.persist,
        awaitingResync: false,
      },
      effects,
    };
  }

  // A patch older than what we have is a leftover from before a snapshot: ignore it.
  if (message.version <= state.version) return { state, effects: [] };
  if (state.version < 0 || message.version !== state.version + 1) {
    // A gap (or a patch before any snapshot): the deltas in between are lost, so ask for a
    // complete snapshot once and ignore patches until it comes.
    if (state.awaitingResync) return { state, effects: [] };
    return { state: { ...state, awaitingResync: true }, effects: [{ kind: 'resync', haveVersion: state.version }] };
  }
  const states = new Map(state.states);
  const ids: string[] = [];
  for (const change of message.changes) {
    if (change.state) states.set(change.id, change.state);
    else states.delete(change.id);
    ids.push(change.id);
  }
  const effects: Effect[] = [{ kind: 'restyle', ids }];
  if (message.header) effects.push({ kind: 'header' });
  return { state: { ...state, version: message.version, states, header: message.header ?? state.header }, effects };
}

/**
 * Edges a run has taken: the source finished successfully and the target was reached. Derived
 * here rather than sent, so a status patch stays one entry per node.
 */
export function isEdgeTaken(source: NodeState | undefined, target: NodeState | undefined): boolean {
  if (!source || !target) return false;
  return source.status === 'completed' && target.status !== 'idle' && target.status !== 'queued' && target.status !== 'skipped' && target.status !== 'unknown';
}
