import { Hub } from './events';
import type { EngineEvent } from './events';
import { moduleFor, outputFor, simFor } from './sim';
import type { Sim } from './sim';
import { isTerminal } from './types';
import type { BlockRun, RunOrigin, RunRecord, RunStatus, WorkflowRecord } from './types';
import { delay, errorMessage, newId, nowIso } from './util';
import type { GraphIndex } from './engineGraph';
import { indexGraph, readiness } from './engineGraph';

export interface EngineDeps {
  timeScale: number;
  runs: Map<string, RunRecord>;
  persist: (run: RunRecord) => void;
  log: (line: string) => void;
}

/** Abort reasons: a cancel ends the run cancelled; a shutdown leaves it running so it resumes on restart. */
class CancelSignal extends Error {}
class ShutdownSignal extends Error {}
/** Powabase's run ends with its stream: blocks in flight are dropped and the run ends as it stands. */
class StopSignal extends Error {}

interface Live {
  ctl: AbortController;
  graph: GraphIndex;
  inflight: Set<Promise<void>>;
  done: Promise<void>;
  resolveDone: () => void;
}

/**
 * The one DAG engine behind all three faces. A run executes blocks in dependency order and
 * independent branches concurrently. Every timer it starts is tied to the run's AbortController,
 * so cancel and shutdown clear them all.
 */
export class Engine {
  readonly events = new Hub<EngineEvent>();
  private readonly live = new Map<string, Live>();
  private jobCounter = 1000;

  constructor(private readonly deps: EngineDeps) {
    for (const run of deps.runs.values()) {
      const n = Number(/^bull-(\d+)$/.exec(run.jobId)?.[1] ?? 0);
      if (n > this.jobCounter) this.jobCounter = n;
    }
  }

  get(runId: string): RunRecord | undefined {
    return this.deps.runs.get(runId);
  }

  /** Creates a run (status `queued`) and starts it on the next tick, so callers can subscribe first. */
  start(workflow: WorkflowRecord, origin: RunOrigin, inputs: Record<string, unknown>, envs: Record<string, string> = {}): RunRecord {
    const now = nowIso();
    const defaults: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(workflow.variables ?? {})) {
      if (spec && spec.default !== undefined) defaults[name] = spec.default;
    }
    const graph = structuredClone({ blocks: workflow.blocks, edges: workflow.edges });
    const blocks: Record<string, BlockRun> = {};
    for (const b of graph.blocks) {
      blocks[b.id] = {
        blockId: b.id,
        type: b.type,
        name: b.name,
        module: moduleFor(b),
        activityRunId: newId(),
        status: 'pending',
        attempt: 0,
        input: null,
        output: null,
        error: null,
        startedAt: null,
        completedAt: null,
        updatedAt: now,
        durationMs: null,
        executionOrder: null,
        creditUsage: 0,
      };
    }
    const run: RunRecord = {
      id: newId(),
      workflowId: workflow.id,
      workflowName: workflow.name,
      face: workflow.face,
      origin,
      jobId: `bull-${++this.jobCounter}`,
      status: 'queued',
      inputs: { ...defaults, ...inputs },
      envs,
      graph,
      blocks,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      completedAt: null,
      output: null,
      error: null,
      engineError: null,
      cancelRequestedAt: null,
      cancelReason: null,
      nextOrder: 1,
    };
    this.deps.runs.set(run.id, run);
    this.deps.persist(run);
    this.launch(run);
    return run;
  }

  /** Continues a run that was in flight when the process died: unfinished blocks start over. */
  resume(run: RunRecord): void {
    if (isTerminal(run.status)) return;
    for (const b of Object.values(run.blocks)) {
      if (b.status === 'running') {
        b.status = 'pending';
        b.attempt = Math.max(0, b.attempt - 1);
      }
    }
    this.launch(run);
  }

  /** Resolves when the run reaches a terminal state (or the engine shuts down). */
  whenDone(runId: string): Promise<void> {
    return this.live.get(runId)?.done ?? Promise.resolve();
  }

  /** Cancels a run: running blocks stop, pending ones are cancelled, the run ends `cancelled`. */
  cancel(runId: string, reason: string | null): 'cancelled' | 'already_completed' | 'not_eligible' | 'not_found' {
    const run = this.deps.runs.get(runId);
    if (!run) return 'not_found';
    if (run.status === 'cancelled') return 'not_eligible';
    if (isTerminal(run.status)) return 'already_completed';
    const live = this.live.get(runId);
    if (!live) return 'not_eligible';
    run.cancelRequestedAt = nowIso();
    run.cancelReason = reason;
    live.ctl.abort(new CancelSignal(reason ?? 'cancelled'));
    return 'cancelled';
  }

  /**
   * Stops a run where it stands, as Powabase does when its stream's client goes
   * (`routes/workflows.py`, `_sync_stream`: the generator is closed and the run saved with the
   * outputs so far). Blocks in flight or not started yet leave no output; the run then ends
   * exactly as a run whose remaining blocks were skipped.
   */
  stop(runId: string): boolean {
    const run = this.deps.runs.get(runId);
    const live = this.live.get(runId);
    if (!run || !live || isTerminal(run.status)) return false;
    live.ctl.abort(new StopSignal('stopped'));
    return true;
  }

  /** Stops every run without changing its persisted state (they resume on the next start). */
  async shutdown(): Promise<void> {
    const all = [...this.live.values()];
    for (const l of all) l.ctl.abort(new ShutdownSignal('shutdown'));
    await Promise.all(all.map((l) => l.done));
  }

  get activeRuns(): number {
    return this.live.size;
  }

  private launch(run: RunRecord): void {
    const graph = indexGraph(run);
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const live: Live = { ctl: new AbortController(), graph, inflight: new Set(), done, resolveDone };
    this.live.set(run.id, live);
    live.ctl.signal.addEventListener('abort', () => this.onAbort(run, live), { once: true });
    // Start on a later tick: the caller answers the HTTP request / subscribes before any event fires.
    delay(0, live.ctl.signal)
      .then(() => {
        this.setStatus(run, 'running');
        this.schedule(run, live);
      })
      .catch((e: unknown) => {
        if (!live.ctl.signal.aborted) this.deps.log(`engine: starting run ${run.id} failed: ${errorMessage(e)}`);
      });
  }

  private setStatus(run: RunRecord, status: RunStatus): void {
    if (run.status === status) return;
    run.status = status;
    run.updatedAt = nowIso();
    if (status === 'running' && !run.startedAt) run.startedAt = run.updatedAt;
    this.deps.persist(run);
    this.events.emit(run.id, { type: 'run-status', run, status });
  }

  /** Starts every block whose predecessors are settled; skips those that can't run. Finishes the run when nothing is left. */
  private schedule(run: RunRecord, live: Live): void {
    if (live.ctl.signal.aborted || isTerminal(run.status)) return;
    let changed = true;
    while (changed) {
      changed = false;
      for (const br of Object.values(run.blocks)) {
        if (br.status !== 'pending') continue;
        const decision = readiness(run, live.graph, br.blockId);
        if (decision === 'wait') continue;
        if (decision === 'skip') {
          this.settle(run, br, 'skipped');
          this.events.emit(run.id, { type: 'block-skip', run, block: br });
          changed = true;
          continue;
        }
        // runBlock never rejects; scheduling errors are logged here so no rejection goes unhandled.
        const p: Promise<void> = this.runBlock(run, live, br).then(() => {
          live.inflight.delete(p);
          try {
            this.schedule(run, live);
          } catch (e) {
            this.deps.log(`engine: scheduling run ${run.id} failed: ${errorMessage(e)}`);
          }
        });
        live.inflight.add(p);
      }
    }
    if (live.inflight.size > 0) return;
    const stuck = Object.values(run.blocks).filter((b) => b.status === 'pending');
    if (stuck.length > 0) {
      // Only a cycle can leave blocks waiting with nothing in flight; graphs are checked on save,
      // but a hand-edited state file could still hold one. Fail the run instead of hanging.
      for (const br of stuck) this.settle(run, br, 'skipped');
      run.engineError = 'Graph contains a cycle';
    }
    this.finish(run, live);
  }

  private async runBlock(run: RunRecord, live: Live, br: BlockRun): Promise<void> {
    const block = live.graph.blocks.get(br.blockId);
    if (!block) return;
    const signal = live.ctl.signal;
    const sim = simFor(block, run);
    const upstream = (live.graph.incoming.get(br.blockId) ?? []).map((e) => run.blocks[e.source]).filter((b): b is BlockRun => !!b && b.status === 'completed');
    br.input = Object.fromEntries(upstream.map((u) => [u.blockId, u.output]));
    br.status = 'running';
    br.executionOrder ??= run.nextOrder++;
    try {
      for (;;) {
        br.attempt += 1;
        br.startedAt ??= nowIso();
        br.updatedAt = nowIso();
        br.error = null;
        if (sim.waitForApproval) br.waitingForApproval = true;
        this.deps.persist(run);
        this.events.emit(run.id, { type: 'block-start', run, block: br, attempt: br.attempt });
        await this.simulateAttempt(run, br, sim, signal);
        if (br.attempt > sim.failCount) {
          br.output = outputFor(block, sim, run, upstream);
          br.creditUsage += sim.credits;
          this.settle(run, br, 'completed');
          this.events.emit(run.id, { type: 'block-complete', run, block: br });
          return;
        }
        if (br.attempt < sim.attempts) {
          br.error = sim.error;
          br.updatedAt = nowIso();
          this.events.emit(run.id, { type: 'block-retry', run, block: br, attempt: br.attempt, error: sim.error });
          // Exponential backoff between attempts, scaled like everything else.
          await delay(100 * 2 ** (br.attempt - 1) * this.deps.timeScale, signal);
          continue;
        }
        br.output = { error: sim.error };
        br.error = sim.error;
        this.settle(run, br, 'failed');
        this.events.emit(run.id, { type: 'block-error', run, block: br, error: sim.error });
        return;
      }
    } catch (e) {
      if (e instanceof ShutdownSignal) return; // left `running`; resume() restarts the attempt
      if (e instanceof CancelSignal || e instanceof StopSignal) return; // onAbort settled it
      this.deps.log(`engine: block ${br.blockId} of run ${run.id} crashed: ${errorMessage(e)}`);
      br.error = errorMessage(e);
      this.settle(run, br, 'failed');
      this.events.emit(run.id, { type: 'block-error', run, block: br, error: br.error });
    }
  }

  /** One attempt: waits its duration, streaming agent tokens evenly across it. */
  private async simulateAttempt(run: RunRecord, br: BlockRun, sim: Sim, signal: AbortSignal): Promise<void> {
    // No API approves (the contracts document none): only a cancel or a shutdown ends the wait.
    if (sim.waitForApproval) return untilAborted(signal);
    const total = sim.durationMs * this.deps.timeScale;
    const tokens = sim.tokens;
    if (tokens.length === 0) {
      await delay(total, signal);
      return;
    }
    const step = total / (tokens.length + 1);
    for (const chunk of tokens) {
      await delay(step, signal);
      this.events.emit(run.id, { type: 'token', run, block: br, chunk });
    }
    await delay(step, signal);
  }

  private settle(run: RunRecord, br: BlockRun, status: BlockRun['status']): void {
    const now = nowIso();
    br.status = status;
    br.updatedAt = now;
    delete br.waitingForApproval;
    if (status !== 'skipped') {
      br.completedAt = now;
      if (br.startedAt) br.durationMs = Date.parse(now) - Date.parse(br.startedAt);
    }
    run.updatedAt = now;
    this.deps.persist(run);
  }

  private onAbort(run: RunRecord, live: Live): void {
    const reason: unknown = live.ctl.signal.reason;
    if (reason instanceof StopSignal) {
      for (const br of Object.values(run.blocks)) {
        if (br.status === 'running' || br.status === 'pending') {
          // A block cut off mid-run has no output: it reads as never having run.
          br.startedAt = null;
          this.settle(run, br, 'skipped');
          this.events.emit(run.id, { type: 'block-skip', run, block: br });
        }
      }
      this.finish(run, live);
      return;
    }
    if (!(reason instanceof CancelSignal)) {
      this.live.delete(run.id);
      // In-flight blocks reject synchronously-ish; wait for them so shutdown leaves a quiet engine.
      void Promise.allSettled([...live.inflight]).then(() => live.resolveDone());
      return;
    }
    for (const br of Object.values(run.blocks)) {
      if (br.status === 'running' || br.status === 'pending') {
        this.settle(run, br, 'cancelled');
        this.events.emit(run.id, { type: 'block-cancel', run, block: br });
      }
    }
    run.error = run.cancelReason ? `Cancelled: ${run.cancelReason}` : 'Cancelled';
    this.end(run, live, 'cancelled');
  }

  private finish(run: RunRecord, live: Live): void {
    const blocks = Object.values(run.blocks);
    const failed = blocks.filter((b) => b.status === 'failed').sort((a, b) => (a.executionOrder ?? 0) - (b.executionOrder ?? 0));
    const response = blocks.filter((b) => b.type === 'response' && b.status === 'completed').pop();
    const out = response?.output as { output?: unknown } | null | undefined;
    run.output = out && typeof out === 'object' && 'output' in out ? out.output : null;
    run.error = run.engineError ?? (failed[0] ? `${failed[0].name}: ${failed[0].error ?? 'failed'}` : null);
    this.end(run, live, failed.length || run.engineError ? 'failed' : 'completed');
  }

  private end(run: RunRecord, live: Live, status: RunStatus): void {
    this.live.delete(run.id);
    run.completedAt = nowIso();
    this.setStatus(run, status);
    this.events.emit(run.id, { type: 'run-end', run, status });
    live.resolveDone();
  }
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
