import { MAX_JSON_DEPTH, parseJson } from '../../json';
import type { SseMessage } from '../../sse';
import type { Logger } from '../../util/log';
import { cutArray } from '../../jsonCut';
import * as wire from './wire';

/** Where a frame lists the stages in flight. */
const IN_FLIGHT = ['output', 'nonTerminalStages'];

/** What `parse` returns for text that is not JSON (a value no JSON text parses to). */
const NOT_JSON: unique symbol = Symbol('not JSON');

/**
 * Reads the frames of one White Rabbit run stream, parsing and checking only what is new in each.
 *
 * Every frame carries the run's whole in-flight list (seed 000 lines 98-118): a 200-stage run
 * sends each stage that has not started yet in every frame until it starts, so a hundred
 * followed runs had `JSON.parse` and zod read thousands of the same stage entries a second: the
 * largest share of the client's CPU and allocations in the scale bench. Two shortcuts, both exact:
 *
 * - A frame whose data is the previous frame's, character for character, is not parsed at all:
 *   it tells nothing the run has not already applied. (Applied again, it could only undo what a
 *   detail read learnt since: a stage the read found started, not yet in this older list, would
 *   be marked finishing.)
 * - The frame is cut into its envelope and the text of each in-flight entry (`cutArray`, whose
 *   comment says why the cut is exact). An entry whose text is, character for character, one of
 *   the previous frame's is neither parsed nor checked: it is the stage zod returned for that text
 *   then, the same object, which `LiveRun` then knows it has applied. The envelope is parsed and
 *   checked by zod as before, and so is each entry not seen before. A frame that cannot be cut
 *   is parsed and checked whole.
 *
 * One malformed stage still skips its whole frame, with the same warning as before.
 */
export class FrameReader {
  private lastData: string | undefined;
  /** The previous frame's in-flight stages in order, as zod returned them. */
  private stages: readonly wire.StreamStage[] = [];
  /** Their entries' texts, when that frame could be cut (`cutArray`). */
  private texts: readonly string[] = [];

  constructor(
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  /** The frame's event; `repeat` when it repeats the previous frame exactly; undefined when malformed (logged). */
  read(message: SseMessage): wire.StreamEvent | 'repeat' | undefined {
    if (message.data === this.lastData) return 'repeat';
    const event = this.check(message);
    // A malformed frame is not remembered: the next one is compared with the last good one.
    if (event) this.lastData = message.data;
    return event;
  }

  private check(message: SseMessage): wire.StreamEvent | undefined {
    const cut = cutArray(message.data, IN_FLIGHT, MAX_JSON_DEPTH, this.texts);
    const json = this.parse(message, cut ? cut.envelope : message.data);
    if (json === NOT_JSON) return undefined;
    // A repeated entry is the stage read from it before; a new one is parsed here, before anything
    // is checked, so that a frame that is not JSON is reported as such, as a whole parse would.
    const items: unknown[] = [];
    for (const entry of cut?.entries ?? []) {
      const item = typeof entry === 'number' ? this.stages[entry] : this.parse(message, entry);
      if (item === NOT_JSON) return undefined;
      items.push(item);
    }
    const frame = wire.StreamFrame.safeParse(json);
    if (!frame.success) return this.skip(message, frame.error.issues[0]?.message);
    const output = frame.data.output;
    if (!output?.nonTerminalStages) return frame.data as wire.StreamEvent;
    const listed = cut ? items : output.nonTerminalStages;
    const stages: wire.StreamStage[] = [];
    for (let n = 0; n < listed.length; n++) {
      // A repeated entry's item is already its stage.
      let stage = typeof cut?.entries[n] === 'number' ? (listed[n] as wire.StreamStage) : undefined;
      if (!stage) {
        const parsed = wire.StreamStage.safeParse(listed[n]);
        if (!parsed.success) return this.skip(message, parsed.error.issues[0]?.message);
        stage = parsed.data;
      }
      stages.push(stage);
    }
    const texts = this.texts;
    this.texts = cut ? cut.entries.map((entry) => (typeof entry === 'number' ? (texts[entry] as string) : entry)) : [];
    this.stages = stages;
    return { ...frame.data, output: { ...output, nonTerminalStages: stages } } as wire.StreamEvent;
  }

  /** The text's JSON, or NOT_JSON (logged with the frame's first characters). */
  private parse(message: SseMessage, text: string): unknown {
    try {
      return text === message.data ? parseJson(text) : JSON.parse(text);
    } catch {
      this.log.warn(`${this.what}: skipped a frame whose data is not JSON (${message.data.slice(0, 80)})`);
      return NOT_JSON;
    }
  }

  private skip(message: SseMessage, issue: string | undefined): undefined {
    this.log.warn(`${this.what}: skipped a "${message.event}" frame with an unexpected shape: ${issue ?? ''}`);
    return undefined;
  }
}
