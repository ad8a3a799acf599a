import type { Store } from './store';
import type { FaceName, RunRecord, WorkflowRecord } from './types';

/**
 * One face's window onto the shared store: only the workflows it owns and the runs of those
 * workflows. Every face reads records through this, never through the store's maps directly, so
 * an id that belongs to another face reads exactly like an id that does not exist (a 404 in that
 * face's own shape) and lists never show another face's records.
 */
export class FaceRecords {
  constructor(
    private readonly store: Store,
    readonly face: FaceName,
  ) {}

  workflow(id: string): WorkflowRecord | undefined {
    const wf = this.store.workflows.get(id);
    return wf?.face === this.face ? wf : undefined;
  }

  workflows(): WorkflowRecord[] {
    return [...this.store.workflows.values()].filter((wf) => wf.face === this.face);
  }

  run(id: string): RunRecord | undefined {
    const run = this.store.runs.get(id);
    return run?.face === this.face ? run : undefined;
  }

  runs(): RunRecord[] {
    return [...this.store.runs.values()].filter((run) => run.face === this.face);
  }
}
