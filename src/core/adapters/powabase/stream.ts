import { randomUUID } from 'node:crypto';
import type * as z from 'zod';
import { FlowscopeError, toFlowscopeError } from '../../errors';
import { parseJson } from '../../json';
import { isTransient } from '../../live';
import type { Run, Stage } from '../../model';
import { RunTracker } from '../../runTracker';
import { readSseBatches } from '../../sse';
import type { Timers } from '../../sse';
import type { Logger } from '../../util/log';
import { blockFailure, errorText, isRecord, runStatusOf, toStage } from './map';
import { awaitSaved } from './settle';
import type { SettleOptions } from './settle';
import type { PbBlockLog, PbEventKind, PbExecution } from './wire';
import { PbBlockChunk, PbBlockComplete, PbBlockError, PbBlockStart, PbDone, PbError, PbFrame, eventKind } from './wire';

/** What an execute session needs from the adapter: REST reads, never another execute. */
export interface SessionIo {
  readonly newestExecution: (signal?: AbortSignal) => Promise<PbExecution | undefined>;
  readonly blockLogs: (executionId: string, signal?: AbortSignal) => Promise<readonly PbBlockLog[]>;
  readonly getRun: (executionId: string, signal?: AbortSignal) => Promise<Run>;
  /** The execution's row in the executions list (newest first), if it is there. */
  readonly findExecution: (executionId: string, signal?: AbortSignal) => Promise<PbExecution | undefined>;
}

/** A block of the workflow's graph, read when the run starts: stream events carry no names. */
export interface KnownBlock {
  readonly id: string;
  readonly name?: string;
  readonly type: string;
}

export interface SessionOptions {
  readonly workflowId: string;
  readonly inputs: unknown;
  readonly idleTimeoutMs: number;
  /** The watchdog's timers (default: the real ones). */
  readonly timers?: Timers;
  readonly log: Logger;
  readonly signal?: AbortSignal;
  /** The graph's blocks, or undefined when it could not be read (stages are then named by id). */
  readonly blocks?: readonly KnownBlock[];
  readonly settle: SettleOptions;
}

/**
 * Shown on a run whose stream dropped without us asking. In the published service the run
 * executes inside the stream's generator (`routes/workflows.py`, `_sync_stream`): when the
 * connection goes, the generator is closed at its next event and the run is saved `completed`
 * with the outputs so far.
 */
export const STREAM_LOST_NOTICE =
  'The connection to Powabase dropped. Powabase stops this run at its next step and records it as completed with the outputs so far; its final state is read from the executions list.';

/**
 * A newest execution older than this (relative to when we sent the execute) is someone else's.
 * Generous, because the server's clock is not ours.
 */
const DISCOVERY_SKEW_MS = 120_000;

/**
 * One `POST /execute/stream`, followed to its end. Powabase only names the execution in the
 * terminal `done` frame, so the id is learned out of band (newest execution) and replaced with
 * the authoritative one when `done` arrives; until then snapshots carry a provisional id.
 */
export class ExecuteSession {
  private readonly tracker: RunTracker;
  private executionId: string | undefined;
  private readonly sentAt = Date.now();
  private discoveryTries = 0;

  constructor(
    private readonly io: SessionIo,
    private readonly options: SessionOptions,
  ) {
    this.tracker = new RunTracker({
      id: `pending:${randomUUID()}`,
      workflowId: options.workflowId,
      status: 'running',
      rawStatus: 'running',
      inputs: options.inputs,
    });
    // Every block is listed from the start, named as in the graph; the stream fills in the rest.
    for (const b of options.blocks ?? []) {
      this.tracker.upsertStage({ id: b.id, name: b.name || b.id, type: b.type, status: 'queued', rawStatus: 'queued' });
    }
  }

  get runId(): string | undefined {
    return this.executionId;
  }

  /** Reads the stream; ends (without a terminal state) when the stream drops or goes silent. */
  async *stream(body: AsyncIterable<Uint8Array>): AsyncGenerator<Run> {
    const { log, signal } = this.options;
    await this.discover(signal);
    yield this.tracker.snapshot();
    const sse = readSseBatches(body, {
      signal,
      idleTimeoutMs: this.options.idleTimeoutMs,
      timers: this.options.timers,
      onMalformed: (why) => log.debug(`Powabase stream: malformed line skipped (${why})`),
    });
    try {
      // A batch is the events of one read; each is its own update (they are changes, and a viewer
      // may see every step of them), but the batch costs one step of the reader, not one per event.
      for await (const batch of sse) {
        for (const msg of batch) {
          const kind = this.apply(msg.data);
          if (kind === undefined) continue;
          if (kind === 'done' || kind === 'error') {
            await this.finish(kind, signal);
            yield this.tracker.snapshot();
            return;
          }
          if (!this.executionId && kind === 'block_start') await this.discover(signal);
          yield this.tracker.snapshot();
        }
      }
    } catch (error) {
      const typed = toFlowscopeError(error);
      if (typed.reason === 'aborted' || !isTransient(typed)) throw typed;
      log.debug(`Powabase stream: ${typed.message}`);
    }
    // The stream ended without `done` or `error`, and not because we aborted it: the service
    // stops the run at its next step. Say so; the caller then reads the final state.
    this.tracker.setRun({ notice: STREAM_LOST_NOTICE });
    yield this.tracker.snapshot();
  }

  /** The run's state through REST, after a drop: the execute is never sent again. */
  async read(signal?: AbortSignal): Promise<Run> {
    if (!this.executionId) await this.discover(signal, true);
    if (!this.executionId) {
      throw new FlowscopeError('protocol', 'Powabase: the stream ended before the execution id was known, and no new execution was found yet.');
    }
    const run = await this.io.getRun(this.executionId, signal);
    this.tracker.reset({ ...run, stages: this.withNames(run.stages) });
    // Until the service has saved the stopped run, it still reads `running`: keep saying why.
    if (!this.tracker.terminal) this.tracker.setRun({ notice: STREAM_LOST_NOTICE });
    return this.tracker.snapshot();
  }

  private apply(data: string): PbEventKind | undefined {
    const { log } = this.options;
    let json: unknown;
    try {
      json = parseJson(data);
    } catch {
      log.debug(`Powabase stream: frame is not JSON, skipped: ${data.slice(0, 120)}`);
      return undefined;
    }
    const frame = PbFrame.safeParse(json);
    const type = frame.success ? (frame.data.type ?? frame.data.event) : undefined;
    const kind = eventKind(type);
    if (!kind) {
      log.debug(`Powabase stream: ignoring frame of type ${type ?? '(none)'}`);
      return undefined;
    }
    const ok = this.applyKind(kind, json);
    if (!ok) log.debug(`Powabase stream: ${kind} frame lacks required fields, skipped: ${data.slice(0, 120)}`);
    return ok ? kind : undefined;
  }

  private applyKind(kind: PbEventKind, json: unknown): boolean {
    const t = this.tracker;
    switch (kind) {
      case 'block_start': {
        const e = parse(PbBlockStart, json);
        if (e) t.upsertStage({ id: e.block_id, type: e.block_type, status: 'running', rawStatus: 'running', startedAt: now() });
        return !!e;
      }
      case 'block_chunk': {
        const e = parse(PbBlockChunk, json);
        const text = e?.chunk ?? e?.delta ?? e?.content;
        if (!e || text === undefined) return false;
        if (!t.stage(e.block_id)) t.upsertStage({ id: e.block_id, status: 'running', rawStatus: 'running' });
        t.appendText(e.block_id, text);
        return true;
      }
      case 'block_complete': {
        const e = parse(PbBlockComplete, json);
        if (e) {
          t.upsertStage({
            id: e.block_id,
            type: e.block_type,
            status: 'completed',
            rawStatus: 'success',
            output: e.data ?? e.output,
            durationMs: e.duration_ms ?? undefined,
            endedAt: now(),
          });
        }
        return !!e;
      }
      case 'block_error': {
        const e = parse(PbBlockError, json);
        if (e) {
          t.upsertStage({
            id: e.block_id,
            type: e.block_type,
            status: 'failed',
            rawStatus: 'error',
            error: errorText(e.data) ?? errorText(e.error) ?? 'The block failed.',
            output: e.data ?? undefined,
            durationMs: e.duration_ms ?? undefined,
            endedAt: now(),
          });
        }
        return !!e;
      }
      case 'done': {
        const e = parse(PbDone, json);
        if (e?.execution_id) this.learn(e.execution_id);
        return true;
      }
      case 'error': {
        const e = parse(PbError, json);
        const message = errorText(e?.error) ?? e?.message ?? 'The workflow failed.';
        const code = e?.error_code;
        t.setRun({ status: 'failed', rawStatus: 'failed', error: code ? `${message} (${code})` : message });
        return true;
      }
    }
  }

  /**
   * Completes the stage list from the logs (skipped blocks appear only there) and settles the
   * status. After `done` the service has not saved the run yet: wait until the executions list
   * says it is terminal before trusting the logs.
   */
  private async finish(kind: 'done' | 'error', signal?: AbortSignal): Promise<void> {
    const t = this.tracker;
    if (!this.executionId) await this.discover(signal, true);
    const id = this.executionId;
    const saved = id && kind === 'done' ? await awaitSaved((s) => this.io.findExecution(id, s), this.options.settle, this.options.log, signal) : undefined;
    if (id) {
      try {
        for (const log of await this.io.blockLogs(id, signal)) t.upsertStage(this.named(toStage(log)));
      } catch (error) {
        const typed = toFlowscopeError(error);
        if (typed.reason === 'aborted') throw typed;
        this.options.log.debug(`Powabase: could not read the logs of ${id}: ${typed.message}`);
      }
    }
    // Blocks that never started did not run, and Powabase records nothing for them: the run
    // ends with the stages the service keeps, as a later read of it shows.
    const snapshot = t.snapshot();
    t.reset({ ...snapshot, stages: snapshot.stages.filter((s) => s.status !== 'queued') });
    const stages = t.snapshot().stages;
    if (kind === 'error') {
      // The engine stopped: a block still "running" did not finish.
      const why = t.snapshot().error;
      for (const s of stages) if (s.status === 'running') t.upsertStage({ id: s.id, status: 'failed', error: why });
      return;
    }
    if (saved && runStatusOf(saved.status) === 'failed') {
      t.setRun({ status: 'failed', rawStatus: saved.status, error: errorText(saved.error) ?? 'The workflow failed.', endedAt: saved.completed_at ?? undefined });
      return;
    }
    const failed = t.snapshot().stages.find((s) => s.status === 'failed');
    const response = stages.find((s) => s.type === 'response' && s.status === 'completed');
    const output = saved?.output ?? (isRecord(response?.output) ? response.output.output : undefined);
    t.setRun({
      status: failed ? 'completed_with_errors' : 'completed',
      rawStatus: 'completed',
      error: failed ? blockFailure(failed) : undefined,
      output: output ?? undefined,
      endedAt: saved?.completed_at ?? undefined,
    });
  }

  /** Logs name their blocks too; when they don't, keep the graph's name. */
  private named<T extends { id: string; name: string }>(stage: T): T {
    const known = this.tracker.stage(stage.id)?.name;
    return stage.name === stage.id && known ? { ...stage, name: known } : stage;
  }

  private withNames(stages: readonly Stage[]): Stage[] {
    return stages.map((s) => this.named(s));
  }

  private learn(id: string): void {
    if (this.executionId && this.executionId !== id) {
      this.options.log.debug(`Powabase: execution id corrected from ${this.executionId} to ${id}`);
    }
    this.executionId = id;
    this.tracker.setRun({ id });
  }

  /**
   * Best effort: takes the newest execution as ours when it is running or started around our
   * request. `done` settles it for good, so a wrong guess (a concurrent run) lives briefly.
   */
  private async discover(signal?: AbortSignal, force = false): Promise<void> {
    if (this.executionId || (!force && this.discoveryTries >= 2)) return;
    this.discoveryTries++;
    try {
      const newest = await this.io.newestExecution(signal);
      if (!newest) return;
      const created = serverTime(newest.created_at ?? newest.started_at);
      const recent = created !== undefined && created >= this.sentAt - DISCOVERY_SKEW_MS;
      if (runStatusOf(newest.status) === 'running' || recent) this.learn(newest.id);
    } catch (error) {
      const typed = toFlowscopeError(error);
      // A reconcile (force) must not hide a rejected key behind "no new execution was found".
      if (typed.reason === 'aborted' || (force && !isTransient(typed))) throw typed;
      this.options.log.debug(`Powabase: could not look up the new execution: ${typed.message}`);
    }
  }
}

function parse<T>(schema: z.ZodType<T>, json: unknown): T | undefined {
  const r = schema.safeParse(json);
  return r.success ? r.data : undefined;
}

function now(): string {
  return new Date().toISOString();
}

/** Python's `isoformat()` may lack a zone; the service stores UTC. */
export function serverTime(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const zoned = /([zZ]|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s}Z`;
  const t = Date.parse(zoned);
  return Number.isFinite(t) ? t : undefined;
}
