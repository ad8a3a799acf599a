import type { Backend, RunRef } from '../backend';
import { FlowscopeError, toFlowscopeError } from '../errors';
import type { Run, Stage } from '../model';
import { isTerminalRun, sameRun } from '../model';
import { newestRunFirst } from '../runOrder';
import type { Disposable } from '../util/disposable';
import { toDisposable } from '../util/disposable';
import { Emitter } from '../util/emitter';
import type { Logger } from '../util/log';
import { silentLogger } from '../util/log';

export interface RunKey {
  readonly connection: string;
  readonly runId: string;
}

export interface RunChange {
  readonly connection: string;
  readonly run: Run;
  /** The run as it was before, if known. */
  readonly previous?: Run;
  /** Set when a provisional id (Powabase before `done`) was replaced by the real one. */
  readonly previousId?: string;
  /** The run was started from this store (notifications apply only to those). */
  readonly startedHere: boolean;
}

export interface StreamError {
  readonly connection: string;
  readonly runId: string;
  readonly error: FlowscopeError;
}

interface Entry {
  run: Run;
  startedHere: boolean;
  /** Live follow shared by every watcher; absent when nobody needs it or the run ended. */
  live?: AbortController;
  watchers: number;
}

export interface RunStoreOptions {
  /** The backend of a connection, or undefined when it is gone or not configured. */
  readonly backendFor: (connection: string) => Backend | undefined;
  readonly log?: Logger;
}

/**
 * One store of runs per window. The tree, the graph panels, the status bar and the
 * notifications all read from it and listen to `onDidChange`. It opens at most one live follow
 * per run, shared by every watcher, and closes it when the last watcher leaves (runs started
 * here are followed to their end regardless, so their notification is never missed).
 */
export class RunStore implements Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changes = new Emitter<RunChange>((e) => this.log.error(`run listener failed: ${String(e)}`));
  private readonly errors = new Emitter<StreamError>();
  private readonly log: Logger;
  private disposed = false;

  readonly onDidChange = this.changes.event;
  readonly onDidFail = this.errors.event;

  constructor(private readonly options: RunStoreOptions) {
    this.log = options.log ?? silentLogger;
  }

  get(connection: string, runId: string): Run | undefined {
    return this.entries.get(keyOf(connection, runId))?.run;
  }

  /** Known runs of a workflow, newest first (the one order of tree, panel and status bar). */
  runsOf(connection: string, workflowId: string): Run[] {
    const runs: Run[] = [];
    for (const [key, entry] of this.entries) {
      if (key.startsWith(`${connection}\u0000`) && entry.run.workflowId === workflowId) runs.push(entry.run);
    }
    return runs.sort(newestRunFirst);
  }

  /** Runs currently followed live (for the status bar). */
  liveRuns(): Array<{ connection: string; run: Run }> {
    const out: Array<{ connection: string; run: Run }> = [];
    for (const [key, entry] of this.entries) {
      if (entry.live && !isTerminalRun(entry.run.status)) out.push({ connection: key.split('\u0000')[0] ?? '', run: entry.run });
    }
    return out;
  }

  isLive(connection: string, runId: string): boolean {
    return this.entries.get(keyOf(connection, runId))?.live !== undefined;
  }

  /** The run's live follow is the stream that started it here (closing it may end the run). */
  ownsStream(connection: string, runId: string): boolean {
    const entry = this.entries.get(keyOf(connection, runId));
    return entry?.live !== undefined && entry.startedHere;
  }

  /** Records runs read through REST (a list or a detail) without opening streams. */
  ingest(connection: string, runs: readonly Run[]): void {
    for (const run of runs) {
      // A list row is a summary: Powabase and Supervity list runs without their stages. It must
      // not erase the stages a stream or a detail read already gave this run (the tree would drop
      // them the moment a poll lands after the run ended).
      const known = this.entries.get(keyOf(connection, run.id))?.run.stages;
      this.update(connection, run.stages.length === 0 && known && known.length > 0 ? withStages(run, known) : run, false);
    }
  }

  /**
   * Starts a run and follows it to its end. Resolves with the first state the server reported
   * (which carries the run id), or rejects when the trigger itself failed. `envs` are environment
   * overrides, for backends with `capabilities.triggerEnvs`.
   */
  trigger(connection: string, workflowId: string, inputs: Readonly<Record<string, unknown>>, envs?: Readonly<Record<string, string>>): Promise<Run> {
    const backend = this.requireBackend(connection);
    const controller = new AbortController();
    return new Promise<Run>((resolve, reject) => {
      let first = true;
      let currentId: string | undefined;
      const pump = async (): Promise<void> => {
        try {
          for await (const run of backend.trigger(workflowId, inputs, { signal: controller.signal, ...(envs ? { envs } : {}) })) {
            const previousId = currentId !== undefined && currentId !== run.id ? currentId : undefined;
            if (previousId) this.rekey(connection, previousId, run.id);
            currentId = run.id;
            const entry = this.update(connection, run, true, previousId);
            entry.live ??= controller;
            if (first) {
              first = false;
              resolve(run);
            }
          }
        } catch (error) {
          const typed = toFlowscopeError(error);
          if (first) return reject(typed);
          if (typed.reason !== 'aborted') this.fail(connection, currentId ?? '', typed);
        } finally {
          if (currentId) this.endLive(connection, currentId, controller);
        }
      };
      void pump();
    });
  }

  /**
   * Follows a run while the returned disposable is alive. Watchers of the same run share one
   * stream; a finished run needs none.
   */
  watch(connection: string, ref: RunRef): Disposable {
    const key = keyOf(connection, ref.id);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { run: { id: ref.id, workflowId: ref.workflowId, status: 'unknown', rawStatus: '', stages: [] }, startedHere: false, watchers: 0 };
      this.entries.set(key, entry);
    }
    entry.watchers++;
    if (!entry.live && !isTerminalRun(entry.run.status)) this.openFollow(connection, ref, entry);
    return toDisposable(() => {
      const current = this.entries.get(key);
      if (!current) return;
      current.watchers = Math.max(0, current.watchers - 1);
      if (current.watchers === 0 && current.live && !current.startedHere) {
        current.live.abort();
        current.live = undefined;
      }
    });
  }

  /** Reads a run once through REST and records it. */
  async refresh(connection: string, ref: RunRef, signal?: AbortSignal): Promise<Run> {
    const run = await this.requireBackend(connection).getRun(ref, signal);
    this.update(connection, run, false);
    return run;
  }

  /** Stops following a run here (the run itself goes on on the server). */
  stopFollowing(connection: string, runId: string): void {
    const entry = this.entries.get(keyOf(connection, runId));
    if (!entry) return;
    entry.startedHere = false;
    const controller = entry.live;
    if (!controller) return;
    // Ended here rather than by the follow's own end, which would no longer find its controller:
    // the change event is what lets the status bar stop counting the run as live.
    this.endLive(connection, runId, controller);
    controller.abort();
  }

  /**
   * Stops a run that lives on the stream that started it here (Powabase: closing the stream ends
   * the run at its next step), then reads it until the service has recorded its end, which it
   * does only after noticing the closed stream. Resolves with that final state.
   */
  stopRun(connection: string, ref: RunRef): Promise<Run> {
    this.stopFollowing(connection, ref.id);
    const known = this.get(connection, ref.id);
    if (known && isTerminalRun(known.status)) return Promise.resolve(known);
    return new Promise<Run>((resolve, reject) => {
      const subscriptions: Disposable[] = [];
      const settle = (finish: () => void): void => {
        for (const d of subscriptions) d.dispose();
        finish();
      };
      subscriptions.push(
        this.onDidChange((c) => {
          if (c.connection === connection && c.run.id === ref.id && isTerminalRun(c.run.status)) settle(() => resolve(c.run));
        }),
        this.onDidFail((e) => {
          if (e.connection === connection && e.runId === ref.id) settle(() => reject(e.error));
        }),
      );
      subscriptions.push(this.watch(connection, ref));
    });
  }

  /**
   * The connection's backend was replaced (a new key or URL): every live follow of its runs is
   * closed and reopened on the current backend, or stays closed when there is none (key
   * removed). A stream that carries its run is kept, and so is one that might (no backend to
   * ask): Powabase ends a run when the stream that started it closes, so that run goes on with
   * the key it started with.
   */
  restartFollows(connection: string): void {
    const backend = this.options.backendFor(connection);
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(`${connection}\u0000`) || !entry.live) continue;
      // Without a backend we cannot tell whether the stream carries the run: never risk ending it.
      if (entry.startedHere && (!backend || backend.capabilities.runEndsWithStream)) continue;
      entry.live.abort();
      entry.live = undefined;
      if (!isTerminalRun(entry.run.status)) this.openFollow(connection, { id: entry.run.id, workflowId: entry.run.workflowId }, entry);
    }
  }

  /** Forgets every run of a connection (removed or re-keyed). */
  forgetConnection(connection: string): void {
    for (const [key, entry] of [...this.entries]) {
      if (key.startsWith(`${connection}\u0000`)) {
        entry.live?.abort();
        this.entries.delete(key);
      }
    }
  }

  private openFollow(connection: string, ref: RunRef, entry: Entry): void {
    const backend = this.options.backendFor(connection);
    if (!backend) return;
    const controller = new AbortController();
    entry.live = controller;
    const pump = async (): Promise<void> => {
      try {
        for await (const run of backend.follow(ref, { signal: controller.signal })) this.update(connection, run, false);
      } catch (error) {
        const typed = toFlowscopeError(error);
        if (typed.reason !== 'aborted') this.fail(connection, ref.id, typed);
      } finally {
        this.endLive(connection, ref.id, controller);
      }
    };
    void pump();
  }

  private update(connection: string, run: Run, startedHere: boolean, previousId?: string): Entry {
    const key = keyOf(connection, run.id);
    let entry = this.entries.get(key);
    const previous = entry?.run;
    if (!entry) {
      entry = { run, startedHere, watchers: 0 };
      this.entries.set(key, entry);
    } else {
      // Keep the workflow id a list gave us when a stream event lacks it.
      entry.run = run.workflowId || !previous?.workflowId ? run : { ...run, workflowId: previous.workflowId };
      entry.startedHere ||= startedHere;
    }
    if (!this.disposed && (!previous || !sameRun(previous, entry.run) || previousId)) {
      this.changes.fire({ connection, run: entry.run, previous, previousId, startedHere: entry.startedHere });
    }
    return entry;
  }

  private rekey(connection: string, from: string, to: string): void {
    const entry = this.entries.get(keyOf(connection, from));
    if (!entry) return;
    this.entries.delete(keyOf(connection, from));
    this.entries.set(keyOf(connection, to), entry);
  }

  private endLive(connection: string, runId: string, controller: AbortController): void {
    const entry = this.entries.get(keyOf(connection, runId));
    if (entry?.live === controller) {
      entry.live = undefined;
      // A change event lets the status bar drop a run that ended or was abandoned.
      if (!this.disposed) this.changes.fire({ connection, run: entry.run, previous: entry.run, startedHere: entry.startedHere });
    }
  }

  private fail(connection: string, runId: string, error: FlowscopeError): void {
    this.log.warn(`following run ${runId} on ${connection} stopped: ${error.message}`);
    if (!this.disposed) this.errors.fire({ connection, runId, error });
  }

  private requireBackend(connection: string): Backend {
    const backend = this.options.backendFor(connection);
    if (!backend) throw new FlowscopeError('usage', `No connection named "${connection}".`);
    return backend;
  }

  dispose(): void {
    this.disposed = true;
    for (const entry of this.entries.values()) entry.live?.abort();
    this.entries.clear();
    this.changes.dispose();
    this.errors.dispose();
  }
}

function keyOf(connection: string, runId: string): string {
  return `${connection}\u0000${runId}`;
}


/**
 * A list summary merged with the stages already known. Powabase lists a run whose blocks failed
 * as plain `completed`; with the stages at hand the run keeps its `completed_with_errors`.
 */
function withStages(run: Run, stages: readonly Stage[]): Run {
  const failed = run.status === 'completed' && stages.some((s) => s.status === 'failed');
  return { ...run, stages, ...(failed ? { status: 'completed_with_errors' as const } : {}) };
}
