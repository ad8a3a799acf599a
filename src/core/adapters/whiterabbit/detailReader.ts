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
 * (`cutArray`, exact), such a record is neither parsed nor checked again: it is the record zod
 * returned for that text then, and the stage made from it, the same objects, so `LiveRun` can
 * tell it has applied them already. The envelope and each new record are checked by zod as a
 * whole read would check them. Whenever a piece does not parse or check, the text is read
 * whole, which then reports the error exactly as before.
 */
export class DetailReader {
  /** The last read's records in order, their texts when that read was cut, and the stages made from them. */
  private records: readonly wire.RunStage[] = [];
  private texts: readonly string[] = [];
  private stages: readonly Stage[] = [];

  /** The run `text` describes; `whole` parses and checks the text whole, throwing what a one-off read would. */
  read(text: string, whole: () => wire.RunDetail, workflowId: string | undefined): Run {
    const cut = cutArray(text, STAGES, MAX_JSON_DEPTH, this.texts);
    const fromCut = cut && this.fromCut(cut.envelope, cut.entries);
    const detail = fromCut ?? whole();
    const records = this.records;
    const stages = this.stages;
    const run = toRun(detail, workflowId, (record, order) => (records[order] === record ? (stages[order] as Stage) : toStage(record, order)));
    this.texts = cut && fromCut ? cut.entries.map((entry) => (typeof entry === 'number' ? (this.texts[entry] as string) : entry)) : [];
    this.records = detail.runStages;
    this.stages = run.stages;
    return run;
  }

  /** The detail from its cut pieces, or undefined when one does not parse or check. */
  private fromCut(envelope: string, entries: ReadonlyArray<number | string>): wire.RunDetail | undefined {
    const detail = wire.RunDetail.safeParse(parse(envelope));
    if (!detail.success) return undefined;
    const records: wire.RunStage[] = [];
    for (const entry of entries) {
      const record = typeof entry === 'number' ? this.records[entry] : wire.RunStage.safeParse(parse(entry)).data;
      if (!record) return undefined;
      records.push(record);
    }
    return { ...detail.data, runStages: records };
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
