import type { Run, Stage } from '../../model';
import { isTerminalRun, isTerminalStage } from '../../model';
import { RunTracker } from '../../runTracker';
import { failedRunMessage, MAX_STAGES_PER_RUN, RUN_STATUS, STAGE_STATUS, stageCounts, tooManyStages } from './map';
import { moduleInWords } from './moduleName';
import type * as wire from './wire';

/** A stage in flight: the frame that last listed it, and the entry it was last written from. */
interface InFlight {
  /**
   * The frame's entry the tracker's stage was last written from, undefined once anything else
   * wrote it. `FrameReader` returns the same object for an entry repeated unchanged, and such an
   * entry is not applied again: that is most of a 200-stage run's entries in most frames.
   */
  from: wire.StreamStage | undefined;
  frame: number;
}

/**
 * One White Rabbit run as its stream and its detail reads describe it.
 *
 * The stream (seed 000 lines 98-118) carries counts and `nonTerminalStages`, the stages still
 * CREATED or RUNNING; a stage that leaves that list has ended, but the stream does not say how.
 * Such a stage is shown `finishing` until a detail read (`GET …/executions/:runId`, whose
 * `runStages` carry each stage's status, seed 000 lines 34-64) tells its outcome: the stream
 * alone never makes a stage completed, so a failed stage is never painted green, not even for
 * one update.
 */
export class LiveRun {
  private readonly tracker: RunTracker;
  /** The stages the latest frame listed as in flight: the stream is the truth for these. */
  private inFlight = new Map<string, InFlight>();
  /** Counts frames, to tell the entries the latest frame listed from those it no longer does. */
  private frames = 0;
  private failedSeen = 0;
  /** The stream itself said the run ended (a detail read may lag behind it). */
  private ended = false;

  constructor(private readonly id: string, workflowId: string | undefined) {
    this.tracker = new RunTracker({ id, workflowId, status: 'queued', rawStatus: 'CREATED' });
  }

  get terminal(): boolean {
    return this.tracker.terminal;
  }

  snapshot(): Run {
    return this.tracker.snapshot();
  }

  /** Starts again from a detail read (a re-subscribe after a drop). */
  reset(run: Run): void {
    this.tracker.reset(run);
    this.inFlight = new Map(run.stages.filter((s) => s.status === 'queued' || s.status === 'running').map((s) => [s.id, { from: undefined, frame: this.frames }]));
    this.failedSeen = run.stageCounts?.failed ?? 0;
  }

  /**
   * Applies one stream event. Returns true when the detail should be read: a stage left the
   * in-flight list, or `failedStageCount` rose. Throws past the stage cap.
   */
  applyEvent(event: wire.StreamEvent): boolean {
    const out = event.output ?? {};
    const listed = out.nonTerminalStages ?? [];
    this.checkCap(listed);
    const status = RUN_STATUS[event.status] ?? 'unknown';
    this.ended = isTerminalRun(status);
    this.tracker.setRun({
      status,
      rawStatus: event.status,
      updatedAt: event.timestamp ?? undefined,
      totalUsage: out.totalUsage ?? undefined,
      stageCounts: stageCounts(out.pendingStageCount, out.failedStageCount),
      error: status === 'cancelled' ? (out.cancelReason ?? undefined) : undefined,
    });
    // Updated in place, not rebuilt: a frame usually changes one or two of 200 entries.
    const frame = ++this.frames;
    let distinctListed = 0;
    for (const s of listed) {
      let entry = this.inFlight.get(s.id);
      if (!entry) this.inFlight.set(s.id, (entry = { from: undefined, frame: 0 }));
      if (entry.frame !== frame) distinctListed++;
      entry.frame = frame;
      if (entry.from === s) continue;
      entry.from = s;
      this.tracker.upsertStage({
        id: s.id,
        name: s.module ? moduleInWords(s.module) : s.id,
        type: s.module ?? undefined,
        status: STAGE_STATUS[s.status] ?? 'unknown',
        rawStatus: s.status,
        attempt: s.executionAttempt ?? undefined,
      });
    }
    const left = this.inFlight.size > distinctListed;
    if (left) {
      for (const [id, entry] of this.inFlight) {
        if (entry.frame === frame) continue;
        this.inFlight.delete(id);
        // Ended, outcome unknown: the service's own word is not known either.
        this.tracker.upsertStage({ id, status: 'finishing', rawStatus: '' });
      }
    }
    const failed = out.failedStageCount ?? 0;
    const rose = failed > this.failedSeen;
    this.failedSeen = Math.max(this.failedSeen, failed);
    if (status === 'failed') this.describeFailure();
    return left || rose;
  }

  /**
   * Applies a detail read. Stages the latest frame lists as in flight keep the stream's status
   * (the frame may be newer than the read); every other stage takes the outcome the detail gives,
   * but a stage the read still shows running stays `finishing` (the read was older than the frame
   * that let it go). At the end of the run the detail is authoritative.
   */
  applyDetail(detail: Run): void {
    if (this.ended && isTerminalRun(detail.status)) {
      this.tracker.reset(detail);
      this.inFlight.clear();
      return;
    }
    if (!this.tracker.snapshot().createdAt && detail.createdAt) this.tracker.setRun({ createdAt: detail.createdAt });
    for (const stage of detail.stages) {
      const known = this.tracker.stage(stage.id);
      const settled = isTerminalStage(stage.status);
      if (!known) {
        this.checkCap([stage]);
        this.tracker.upsertStage(stage);
        if (!settled) this.inFlight.set(stage.id, { from: undefined, frame: this.frames });
      } else if (settled && !this.inFlight.has(stage.id)) {
        if (!sameSettledRecord(known, stage)) this.tracker.upsertStage(stage);
      } else {
        const { status: _status, rawStatus: _raw, endedAt: _end, durationMs: _duration, ...facts } = stage;
        this.tracker.upsertStage(facts);
        // Written from the read now: the next frame applies its entry again, even unchanged.
        const entry = this.inFlight.get(stage.id);
        if (entry) entry.from = undefined;
      }
    }
    if (this.ended && this.tracker.status === 'failed') this.describeFailure();
  }

  /** A FAILED run's message, from its failed stages' errors as far as they are known. */
  private describeFailure(): void {
    const run = this.tracker.snapshot();
    this.tracker.setRun({ error: failedRunMessage(run.stages, run.stageCounts?.failed) });
  }

  private checkCap(stages: readonly { id: string }[]): void {
    // Far from the cap (always, but for a runaway run), the stages need not be counted.
    if (this.tracker.stageCount + stages.length <= MAX_STAGES_PER_RUN) return;
    let added = 0;
    for (const s of stages) if (!this.tracker.stage(s.id)) added++;
    if (this.tracker.stageCount + added > MAX_STAGES_PER_RUN) throw tooManyStages(this.id);
  }
}

/**
 * A settled stage that a later read repeats as it was: the same outcome and attempt, stamped with
 * the same `updatedAt` (seed 000 line 61; the service stamps a stage when it changes it). Its
 * output is the one already held. Re-applying it would copy the stage, because the re-read output
 * is a new object, and make every listener compare the two outputs as JSON: 200 stages per read,
 * several reads a second per run. Without an `updatedAt` nothing is assumed. Mid-run only: the
 * run's end replaces every stage with the final read (`reset`), so the final state is the server's.
 */
function sameSettledRecord(known: Stage, read: Stage): boolean {
  return read.endedAt !== undefined && known.endedAt === read.endedAt && known.rawStatus === read.rawStatus && known.attempt === read.attempt;
}
