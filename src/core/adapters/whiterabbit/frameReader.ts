import { parseJson } from '../../json';
import type { SseMessage } from '../../sse';
import type { Logger } from '../../util/log';
import * as wire from './wire';

/**
 * Reads the frames of one White Rabbit run stream, checking each against the wire schema at a
 * fraction of the cost of checking it whole.
 *
 * Every frame carries the run's whole in-flight list (seed 000 lines 98-118): a 200-stage run
 * sends each stage that has not started yet in every frame until it starts, so a hundred
 * followed runs had zod check, and copy, thousands of the same stage objects a second: the
 * largest share of the client's CPU and allocations in the scale bench. Two shortcuts, both
 * exact:
 *
 * - A frame whose data is the previous frame's, character for character, is not parsed at all:
 *   it tells nothing the run has not already applied. (Applied again, it could only undo what a
 *   detail read learnt since: a stage the read found started, not yet in this older list, would
 *   be marked finishing.)
 * - The frame's envelope is checked by zod as before; each in-flight stage is checked by zod
 *   unless it repeats a stage of the previous frame in every field Flowscope reads (id, module,
 *   status, executionEventId, executionAttempt), compared with `===` against values zod already
 *   accepted, so they have the types zod checked. Such a stage is replaced by the object zod
 *   returned for it then; the extra fields a looseObject lets through are never read.
 *
 * One malformed stage still skips its whole frame, with the same warning as before.
 */
export class FrameReader {
  private lastData: string | undefined;
  /** The previous frame's in-flight stages, as zod returned them, by id. */
  private checked = new Map<string, wire.StreamStage>();

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
    let json: unknown;
    try {
      json = parseJson(message.data);
    } catch {
      this.log.warn(`${this.what}: skipped a frame whose data is not JSON (${message.data.slice(0, 80)})`);
      return undefined;
    }
    const frame = wire.StreamFrame.safeParse(json);
    if (!frame.success) return this.skip(message, frame.error.issues[0]?.message);
    const listed = frame.data.output?.nonTerminalStages;
    if (!listed) return frame.data as wire.StreamEvent;
    const stages: wire.StreamStage[] = [];
    const checked = new Map<string, wire.StreamStage>();
    for (const item of listed) {
      let stage = this.repeated(item);
      if (!stage) {
        const parsed = wire.StreamStage.safeParse(item);
        if (!parsed.success) return this.skip(message, parsed.error.issues[0]?.message);
        stage = parsed.data;
      }
      stages.push(stage);
      checked.set(stage.id, stage);
    }
    this.checked = checked;
    return { ...frame.data, output: { ...frame.data.output, nonTerminalStages: stages } } as wire.StreamEvent;
  }

  /** The previous frame's checked stage that `item` repeats in every field read, if any. */
  private repeated(item: unknown): wire.StreamStage | undefined {
    if (typeof item !== 'object' || item === null) return undefined;
    const raw = item as Record<string, unknown>;
    const before = typeof raw.id === 'string' ? this.checked.get(raw.id) : undefined;
    if (!before) return undefined;
    const same =
      raw.module === before.module &&
      raw.status === before.status &&
      raw.executionEventId === before.executionEventId &&
      raw.executionAttempt === before.executionAttempt;
    return same ? before : undefined;
  }

  private skip(message: SseMessage, issue: string | undefined): undefined {
    this.log.warn(`${this.what}: skipped a "${message.event}" frame with an unexpected shape: ${issue ?? ''}`);
    return undefined;
  }
}
