import type { ComponentExecution } from '../../backend';
import { FlowscopeError } from '../../errors';
import type { Run, RunStatus, Stage, StageStatus } from '../../model';
import { durationBetween } from '../../model';
import { errorText } from '../common';
import { moduleInWords } from './moduleName';
import type * as wire from './wire';

/**
 * Most stages one White Rabbit run may have. Real workflows have tens of stages (a FOR_EACH over
 * a long list, hundreds); past this a stream is runaway or hostile, and every further frame would
 * cost memory and CPU in proportion to the whole run. Documented in README.md and SECURITY.md.
 */
export const MAX_STAGES_PER_RUN = 10_000;

export const RUN_STATUS: Readonly<Record<string, RunStatus>> = {
  CREATED: 'queued',
  EXECUTING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELED: 'cancelled',
};

export const STAGE_STATUS: Readonly<Record<string, StageStatus>> = {
  CREATED: 'queued',
  RUNNING: 'running',
  EXECUTING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELED: 'cancelled',
};

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELED']);

/** Failed stages named in a FAILED run's message; the rest are counted. */
const NAMED_FAILURES = 3;

/** The `code` of the stage-cap error: following such a run again would replay the same flood. */
export const STAGE_LIMIT = 'STAGE_LIMIT';

export function tooManyStages(runId: string): FlowscopeError {
  return new FlowscopeError(
    'protocol',
    `White Rabbit run ${runId} reported more than ${MAX_STAGES_PER_RUN.toLocaleString('en-US')} stages; Flowscope stopped following it ` +
      '(the limit protects this window from a runaway stream). Look at the run in the White Rabbit dashboard.',
    { code: STAGE_LIMIT },
  );
}

/** A run detail (`GET /v1/sdk/workflows/executions/:runId`) as a normalized run. */
export function toRun(detail: wire.RunDetail, workflowId?: string): Run {
  if (detail.runStages.length > MAX_STAGES_PER_RUN) throw tooManyStages(detail.id);
  const status = RUN_STATUS[detail.status] ?? 'unknown';
  const stages = detail.runStages.map(toStage);
  return {
    id: detail.id,
    workflowId,
    status,
    rawStatus: detail.status,
    createdAt: detail.createdAt ?? undefined,
    updatedAt: detail.updatedAt ?? undefined,
    endedAt: TERMINAL.has(detail.status) ? (detail.updatedAt ?? undefined) : undefined,
    totalUsage: detail.totalUsage ?? undefined,
    stageCounts: stageCounts(detail.pendingStageCount, detail.failedStageCount),
    error: status === 'failed' ? failedRunMessage(stages, detail.failedStageCount ?? undefined) : (detail.cancelReason ?? undefined),
    stages,
  };
}

function toStage(s: wire.RunStage, order: number): Stage {
  const ended = TERMINAL.has(s.status);
  return {
    id: s.id,
    name: moduleInWords(s.module),
    type: s.module,
    status: STAGE_STATUS[s.status] ?? 'unknown',
    rawStatus: s.status,
    attempt: s.executionAttempt ?? undefined,
    startedAt: s.executionDispatchedAt ?? undefined,
    endedAt: ended ? (s.updatedAt ?? undefined) : undefined,
    durationMs: ended ? durationBetween(s.executionDispatchedAt ?? undefined, s.updatedAt ?? undefined) : undefined,
    output: s.output ?? undefined,
    error: errorText(s.error),
    creditUsage: s.creditUsage ?? undefined,
    order,
  };
}

export function stageCounts(pending: number | null | undefined, failed: number | null | undefined): Run['stageCounts'] {
  if (pending === undefined && failed === undefined) return undefined;
  if (pending === null && failed === null) return undefined;
  return { pending: pending ?? undefined, failed: failed ?? undefined };
}

/**
 * The run-level message of a FAILED run. White Rabbit puts the reasons on the stages only, so a
 * user looking at the run (tree tooltip, notification, CLI summary) would otherwise see "failed"
 * and nothing to act on.
 */
export function failedRunMessage(stages: readonly Stage[], failedCount: number | undefined): string {
  const failed = stages.filter((s) => s.status === 'failed');
  const count = Math.max(failed.length, failedCount ?? 0);
  if (count === 0) return 'The run failed; White Rabbit reported no failed stage.';
  const noun = count === 1 ? '1 stage failed' : `${count} stages failed`;
  const named = failed.slice(0, NAMED_FAILURES).map((s) => `${s.name}: ${s.error ? oneLine(s.error) : 'no error text'}`);
  if (named.length === 0) return `${noun}; their errors are not known yet.`;
  const more = count - named.length;
  return `${noun}: ${named.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function toExecution(record: { id: string; module: string; status: string; completed?: boolean | null; output?: unknown; error?: unknown }): ComponentExecution {
  return {
    id: record.id,
    module: record.module,
    status: record.status,
    completed: record.completed ?? (record.status === 'COMPLETED' || record.status === 'FAILED'),
    output: record.output ?? undefined,
    error: record.error ?? undefined,
  };
}

/** Folds the catalog's parameter list into one JSON Schema object for input validation. */
export function inputSchemaOf(parameters: readonly { name: string; schema?: unknown }[]): unknown {
  return {
    type: 'object',
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema ?? {}])),
  };
}
