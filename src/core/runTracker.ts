import type { Run, RunStatus, Stage } from './model';
import { isTerminalRun } from './model';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type StagePatch = Partial<Mutable<Stage>> & { readonly id: string };

const MAX_TEXT = 2_000;

/**
 * Builds a run's state from a stream of events. Adapters apply each event here and yield
 * `snapshot()`; snapshots are immutable, so consumers may keep them. A stage object is never
 * changed once built (an update replaces it), so snapshots share the unchanged ones: a frame that
 * touches one stage of a big run costs one stage, not a copy of them all.
 */
export class RunTracker {
  private run: Mutable<Omit<Run, 'stages'>>;
  private readonly stages = new Map<string, Stage>();
  /** The stage list of the last snapshot, reused until a stage changes. */
  private stageList: readonly Stage[] | undefined;
  private nextOrder = 0;

  constructor(initial: Omit<Run, 'stages'> & { stages?: readonly Stage[] }) {
    const { stages, ...rest } = initial;
    this.run = { ...rest };
    for (const s of stages ?? []) this.upsertStage(s);
  }

  get id(): string {
    return this.run.id;
  }

  get status(): RunStatus {
    return this.run.status;
  }

  get terminal(): boolean {
    return isTerminalRun(this.run.status);
  }

  get stageCount(): number {
    return this.stages.size;
  }

  setRun(patch: Partial<Mutable<Omit<Run, 'stages'>>>): void {
    Object.assign(this.run, stripUndefined(patch));
  }

  upsertStage(patch: StagePatch): void {
    const existing = this.stages.get(patch.id);
    // A stream repeats what it already said (White Rabbit lists every stage in flight in every
    // frame): an update that changes nothing keeps the stage's object and the snapshot's list, so
    // it costs neither a copy nor, downstream, a comparison or a repaint.
    if (existing && changesNothing(existing, patch)) return;
    this.stageList = undefined;
    if (existing) {
      this.stages.set(patch.id, { ...existing, ...stripUndefined(patch) });
    } else {
      this.stages.set(patch.id, {
        name: patch.id,
        status: 'queued',
        rawStatus: 'queued',
        order: this.nextOrder,
        ...stripUndefined(patch),
      } as Stage);
      this.nextOrder++;
    }
  }

  appendText(stageId: string, chunk: string): void {
    const stage = this.stages.get(stageId);
    const text = `${stage?.text ?? ''}${chunk}`;
    this.upsertStage({ id: stageId, text: text.length > MAX_TEXT ? text.slice(-MAX_TEXT) : text });
  }

  stage(id: string): Stage | undefined {
    return this.stages.get(id);
  }

  /** Replaces everything with an authoritative state read from the server. */
  reset(run: Run): void {
    const { stages, ...rest } = run;
    this.run = { ...rest };
    const previous = new Map(this.stages);
    this.stages.clear();
    this.stageList = undefined;
    for (const s of stages) this.upsertStage({ ...previous.get(s.id), ...s, text: s.text ?? previous.get(s.id)?.text });
  }

  snapshot(): Run {
    this.stageList ??= [...this.stages.values()];
    return { ...this.run, stages: this.stageList };
  }
}

/** Every defined field of the patch already has that value (by identity: outputs are replaced, not edited). */
function changesNothing(stage: Stage, patch: StagePatch): boolean {
  const current = stage as unknown as Record<string, unknown>;
  for (const key in patch) {
    const value = (patch as Record<string, unknown>)[key];
    if (value !== undefined && current[key] !== value) return false;
  }
  return true;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
