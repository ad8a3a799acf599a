import type * as z from 'zod';
import { FlowscopeError, toFlowscopeError } from '../../errors';
import { isTransient } from '../../live';
import { parseJson } from '../../json';
import type { Run } from '../../model';
import { isTerminalRun, isTerminalStage } from '../../model';
import { RunTracker } from '../../runTracker';
import type { SseMessage } from '../../sse';
import { readSseBatches } from '../../sse';
import type { Timers } from '../../sse';
import type { Logger } from '../../util/log';
import { isRecord, readOutputs, runStatusOf, stageStatusOf, textOf, toRun } from './map';
import { SvActivityEvent, SvAnyContent, SvErrorEvent, SvResultEvent, SvThinkingEvent, SvWorkflowRunEvent } from './wire';

export interface SessionOptions {
  readonly workflowId: string;
  readonly inputs: unknown;
  readonly idleTimeoutMs: number;
  /** The watchdog's timers (default: the real ones). */
  readonly timers?: Timers;
  readonly log: Logger;
  readonly signal?: AbortSignal;
  /** Reads a run through REST (after a drop or silence). */
  readonly getRun: (runId: string, signal?: AbortSignal) => Promise<Run>;
  /** Best-effort lookup of the run this execute created, when the stream died before naming it. */
  readonly discover: (sentAt: number, signal?: AbortSignal) => Promise<string | undefined>;
}

/**
 * One `POST /execute/stream`, followed to its end. Snapshots start once the run id is known
 * (the first event naming `workflowRunId`): a run without its real id cannot be followed,
 * cancelled or found again, so none is shown.
 */
export class ExecuteSession {
  private readonly tracker: RunTracker;
  private id: string | undefined;
  private readonly sentAt = Date.now();
  /** The run ended (`result` or `error`) with its steps uncertain: it is read once before it is shown ended. */
  private inDoubt = false;
  /** Steps seen on the stream whose names are not known yet: `activity-run` carries ids only. */
  private readonly unnamed = new Set<string>();
  /** The run detail cannot be read (e.g. a key without run history): steps keep their ids. */
  private namesUnreadable = false;

  constructor(private readonly options: SessionOptions) {
    this.tracker = new RunTracker({
      id: '',
      workflowId: options.workflowId,
      status: 'queued',
      rawStatus: 'scheduled',
      inputs: options.inputs,
    });
  }

  get runId(): string | undefined {
    return this.id;
  }

  /** Reads the stream; ends without a terminal state when it drops, or throws when it goes silent. */
  async *stream(body: AsyncIterable<Uint8Array>): AsyncGenerator<Run> {
    const { log, signal } = this.options;
    const sse = readSseBatches(body, {
      signal,
      idleTimeoutMs: this.options.idleTimeoutMs,
      timers: this.options.timers,
      onMalformed: (why) => log.debug(`Supervity stream: malformed line skipped (${why})`),
    });
    let shown = false;
    // A batch is the events of one read; each is its own update (they are changes, and a viewer
    // may see every step of them), but the batch costs one step of the reader, not one per event.
    for await (const batch of sse) {
      for (const msg of batch) {
        const changed = this.apply(msg);
        if (!this.id) continue;
        if (this.tracker.terminal && this.inDoubt) await this.reconcile();
        else if (!this.tracker.terminal) await this.nameSteps();
        if (changed || !shown) {
          shown = true;
          yield this.tracker.snapshot();
        }
        if (this.tracker.terminal) return;
      }
    }
  }

  /** Reads the run through REST (after a drop or silence); its stages merge into the known ones. */
  async read(signal?: AbortSignal): Promise<Run> {
    this.id ??= await this.options.discover(this.sentAt, signal);
    if (!this.id) {
      throw new FlowscopeError('protocol', 'Supervity: the stream ended before naming the run, and no new run was found yet.');
    }
    mergeRun(this.tracker, await this.options.getRun(this.id, signal));
    return this.tracker.snapshot();
  }

  /**
   * The run ended but its steps are in doubt: `GET /:runId` is documented to return every
   * activity run (seed 004 line 91), so its steps, names and outputs are merged in. The ending
   * itself stays the stream's (a lagging read must not reopen a finished run); when the read
   * fails, the steps stay as the events left them.
   */
  private async reconcile(): Promise<void> {
    this.inDoubt = false;
    const { log, signal } = this.options;
    try {
      const read = await this.options.getRun(this.id ?? '', signal);
      const { status, rawStatus, error } = this.tracker.snapshot();
      mergeRun(this.tracker, read);
      this.tracker.setRun({ status, rawStatus, error });
    } catch (failure) {
      const typed = toFlowscopeError(failure);
      if (typed.reason === 'aborted') throw typed;
      log.debug(`Supervity stream: reading run ${this.id ?? ''} after its result failed, keeping the streamed steps: ${typed.message}`);
    }
  }

  /**
   * Live `activity-run` events carry a step's id but not its name (contracts C.3); the run detail
   * does (`stepName`, seed 004 line 91; contracts C.7). So a step seen for the first time is
   * named from one detail read before it is shown: the user never sees it under its id. A read
   * names every step started so far, so steps that start together cost one read; a step never
   * costs a second one. A detail that cannot be read leaves the ids (and is not asked again when
   * the refusal is lasting, such as a key without access to run history).
   */
  private async nameSteps(): Promise<void> {
    if (this.unnamed.size === 0 || this.namesUnreadable || !this.id) return;
    const { log, signal } = this.options;
    const wanted = [...this.unnamed];
    this.unnamed.clear();
    try {
      const read = await this.options.getRun(this.id, signal);
      const names = new Map(read.stages.filter((s) => s.name !== s.id).map((s) => [s.id, s.name]));
      for (const id of wanted) {
        const name = names.get(id);
        if (name !== undefined) this.tracker.upsertStage({ id, name });
      }
    } catch (failure) {
      const typed = toFlowscopeError(failure);
      if (typed.reason === 'aborted') throw typed;
      if (!isTransient(typed)) this.namesUnreadable = true;
      log.debug(`Supervity stream: could not read run ${this.id} for its step names, showing step ids: ${typed.message}`);
    }
  }

  /** A step whose name is still its id is named at the next `nameSteps`. */
  private noteName(id: string): void {
    if (this.tracker.stage(id)?.name === id) this.unnamed.add(id);
  }

  /** Applies one event; true when the run's state changed. */
  private apply(msg: SseMessage): boolean {
    const { log } = this.options;
    if (msg.event === 'ping') return false;
    let json: unknown;
    try {
      json = parseJson(msg.data);
    } catch {
      log.debug(`Supervity stream: ${msg.event} frame is not JSON, skipped: ${msg.data.slice(0, 120)}`);
      return false;
    }
    const named = parse(SvAnyContent, json);
    if (named) this.learn(named.content.workflowRunId);
    switch (msg.event) {
      case 'activity-run':
        return this.activity(json, msg.event);
      case 'workflow-run':
        return this.workflowRun(json);
      case 'thinking':
        return this.thinking(json);
      case 'result':
        return this.result(json);
      case 'error':
        return this.error(json);
      default:
        // Unknown events are informational; one that carries a step status still counts.
        log.debug(`Supervity stream: unknown event "${msg.event}"`);
        return isRecord(json) && isRecord(json.content) && typeof json.content.status === 'string' && this.activity(json, msg.event);
    }
  }

  private activity(json: unknown, event: string): boolean {
    const e = parse(SvActivityEvent, json);
    if (!e) return this.skip(event, json);
    const c = e.content;
    // A condition step reports every branch under its own stepId; only the taken one is real.
    if (c.conditionMet === false) return false;
    const id = c.stepId ?? c.activityRunId;
    if (!id) return this.skip(event, json);
    const status = stageStatusOf(c.status);
    const { output, error } = readOutputs(c.outputs);
    const known = this.tracker.stage(id);
    this.tracker.upsertStage({
      id,
      name: c.stepName ?? known?.name ?? id,
      status,
      rawStatus: c.status,
      attempt: c.attempt ?? undefined,
      startedAt: known?.startedAt ?? new Date().toISOString(),
      output,
      error: status === 'failed' ? (error ?? 'The step failed.') : error,
    });
    this.noteName(id);
    if (this.tracker.status === 'queued') this.tracker.setRun({ status: 'running', rawStatus: 'running' });
    return true;
  }

  private workflowRun(json: unknown): boolean {
    const e = parse(SvWorkflowRunEvent, json);
    if (!e) return this.skip('workflow-run', json);
    const status = runStatusOf(e.content.status);
    // Only `result`/`error` end a stream: a terminal status here would stop reading before the
    // authoritative `result` arrives. If the stream ends instead, the run is read through REST.
    if (isTerminalRun(status)) return false;
    this.tracker.setRun({ status, rawStatus: e.content.status });
    return true;
  }

  private thinking(json: unknown): boolean {
    const e = parse(SvThinkingEvent, json);
    const stageId = e?.stepId ?? e?.activityRunId;
    if (!e || !stageId) return this.skip('thinking', json);
    if (!this.tracker.stage(stageId)) this.tracker.upsertStage({ id: stageId, status: 'running', rawStatus: 'running' });
    this.tracker.appendText(stageId, e.content);
    this.noteName(stageId);
    return true;
  }

  private result(json: unknown): boolean {
    const e = parse(SvResultEvent, json);
    if (!e) {
      // `success: false` without a run body still ends the run.
      if (isRecord(json) && json.success === false) return this.fail(json, 'The run failed.');
      return this.skip('result', json);
    }
    this.learn(e.workflowRun.id);
    const run = toRun({ ...e.workflowRun, workflowId: e.workflowRun.workflowId ?? this.options.workflowId });
    // The seed documents `workflowRun: { ... }` without its activity runs (004 line 39); some
    // results carry them. Merge what came: an absent or empty list must not erase the steps the
    // `activity-run` events built, and leaves them in doubt (no names, maybe a missed ending).
    mergeRun(this.tracker, { ...run, inputs: run.inputs ?? this.options.inputs });
    this.inDoubt = run.stages.length === 0 || this.unsettledSteps();
    if (e.success === false) {
      // A cancelled run also ends with `success: false`; its own status says so and wins.
      const status = run.status === 'cancelled' ? 'cancelled' : 'failed';
      this.tracker.setRun({ status, error: textOf(e.error) ?? e.message ?? (status === 'cancelled' ? 'The run was cancelled.' : 'The run failed.') });
    }
    return true;
  }

  private error(json: unknown): boolean {
    return this.fail(parse(SvErrorEvent, json) ?? {}, 'The run failed.');
  }

  private fail(body: Record<string, unknown>, fallback: string): boolean {
    const parts = [body.error, body.message, body.details].map((v) => (typeof v === 'string' ? v : isRecord(v) ? textOf(v.message) : undefined));
    const message = [...new Set(parts.filter((p): p is string => !!p))].join(': ') || fallback;
    if (!this.id) {
      // Nothing to follow: the service refused the execute before a run existed.
      throw new FlowscopeError('validation', `Supervity: ${message}`);
    }
    this.tracker.setRun({ status: 'failed', rawStatus: 'failed', error: message });
    this.inDoubt = this.unsettledSteps();
    return true;
  }

  /** Steps the events left unfinished although the run ended: their real ending was missed. */
  private unsettledSteps(): boolean {
    return this.tracker.snapshot().stages.some((s) => !isTerminalStage(s.status));
  }

  private learn(id: string): void {
    if (this.id) return;
    this.id = id;
    this.tracker.setRun({ id });
  }

  private skip(event: string, json: unknown): boolean {
    this.options.log.debug(`Supervity stream: ${event} event lacks required fields, skipped: ${JSON.stringify(json).slice(0, 120)}`);
    return false;
  }
}

/**
 * Merges a run read from the service into the tracked one: the run fields it carries replace
 * the known ones, each step it carries is updated in place (keeping what the events taught, such
 * as `thinking` text), and steps it does not carry are kept: an empty list never wipes them.
 */
export function mergeRun(tracker: RunTracker, run: Run): void {
  const { stages, ...fields } = run;
  tracker.setRun(fields);
  for (const { order: _order, ...stage } of stages) tracker.upsertStage(stage);
}

function parse<T>(schema: z.ZodType<T>, json: unknown): T | undefined {
  const r = schema.safeParse(json);
  return r.success ? r.data : undefined;
}
