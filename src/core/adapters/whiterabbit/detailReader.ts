import { MAX_JSON_DEPTH } from '../../json';
import { cutArray } from '../../jsonCut';
import type { Run, Stage } from '../../model';
import { toRun, toStage } from './map';
import * as wire from './wire';

/** Where a run detail lists its stages (seed 000 lines 45-64). */
const STAGES = ['runStages'];

/**
 * Reads the detail of one followed run again and again (`GET …/executions/:runId`, seed 000
 * lines 34-64), parsing and checking only the stage records that changed since the last read.
 *
 * A detail lists every stage of the run, and a follow reads it each time stages end: for a
 * 200-stage run, most records are the previous read's, character for character (a stage is
 * stamped with `updatedAt` when it changes, line 61). With the text cut at `runStages`
 * (`cutArray`, exact), such a record is neither parsed nor checked again: its stage is the one
 * made from that text then, the same object (a copy when the record moved in the list), so
 * `LiveRun` can tell it has applied it already. The envelope and each new record are checked by zod as a
 * whole read would check them. Whenever a piece does not parse or check, the text is read
 * whole, which then reports the error exactly as before.
 */
export class DetailReader {
  /** The last read's stages in order, and their records' texts when that read could be cut. */
  private stages: readonly Stage[] = [];
  private texts: readonly string[] = [];

  /** The run `text` describes; `whole` parses and checks the text whole, throwing what a one-off read would. */
  read(text: string, whole: () => wire.RunDetail, workflowId: string | undefined): Run {
    const cut = cutArray(text, STAGES, MAX_JSON_DEPTH, this.texts);
    const fromCut = cut && this.fromCut(cut.envelope, cut.entries);
    const run = fromCut ? toRun(fromCut.detail, workflowId, fromCut.stages) : toRun(whole(), workflowId);
    this.texts = cut && fromCut ? cut.entries.map((entry) => (typeof entry === 'number' ? (this.texts[entry] as string) : entry)) : [];
    this.stages = run.stages;
    return run;
  }

  /** The detail's envelope and its stages from the cut pieces, or undefined when one does not parse or check. */
  private fromCut(envelope: string, entries: ReadonlyArray<number | string>): { detail: wire.RunDetail; stages: Stage[] } | undefined {
    const detail = wire.RunDetail.safeParse(parse(envelope));
    if (!detail.success) return undefined;
    const stages: Stage[] = [];
    for (const [order, entry] of entries.entries()) {
      if (typeof entry === 'number') {
        // The stage made from the same text before: `toStage` of it differs only by its place.
        const before = this.stages[entry] as Stage;
        stages.push(before.order === order ? before : { ...before, order });
        continue;
      }
      const record = wire.RunStage.safeParse(parse(entry));
      if (!record.success) return undefined;
      stages.push(toStage(record.data, order));
    }
    return { detail: detail.data, stages };
  }
}

/** The text's JSON, or undefined (which no schema here accepts) when it is not JSON. */
function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
