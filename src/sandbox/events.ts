import type { BlockRun, ComponentExecution, RunRecord, RunStatus } from './types';

/** What the engine reports while a run progresses. Faces translate these into their SSE vocabularies. */
export type EngineEvent =
  | { type: 'run-status'; run: RunRecord; status: RunStatus }
  | { type: 'block-start'; run: RunRecord; block: BlockRun; attempt: number }
  | { type: 'block-retry'; run: RunRecord; block: BlockRun; attempt: number; error: string }
  | { type: 'block-complete'; run: RunRecord; block: BlockRun }
  | { type: 'block-error'; run: RunRecord; block: BlockRun; error: string }
  | { type: 'block-skip'; run: RunRecord; block: BlockRun }
  | { type: 'block-cancel'; run: RunRecord; block: BlockRun }
  | { type: 'token'; run: RunRecord; block: BlockRun; chunk: string }
  | { type: 'run-end'; run: RunRecord; status: RunStatus };

export type ComponentEvent = { type: 'component'; execution: ComponentExecution };

type Listener<E> = (event: E) => void;

/**
 * A keyed emitter: subscribers listen to one run (or component execution) id, so a busy sandbox
 * doesn't fan every event out to every stream. A throwing listener is isolated from the others.
 */
export class Hub<E> {
  private readonly listeners = new Map<string, Set<Listener<E>>>();

  on(key: string, listener: Listener<E>): () => void {
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      const s = this.listeners.get(key);
      if (!s) return;
      s.delete(listener);
      if (s.size === 0) this.listeners.delete(key);
    };
  }

  emit(key: string, event: E): void {
    const set = this.listeners.get(key);
    if (!set) return;
    for (const l of [...set]) {
      try {
        l(event);
      } catch {
        // A broken subscriber (e.g. a socket that just died) must not stop the run or other streams.
      }
    }
  }

  get size(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
}
