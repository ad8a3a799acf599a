import type { Translate } from '../shared/format';
import { shortId } from '../shared/format';
import type { CancelOutcome, CancelOutcomeStatus } from './backend';

export interface CancelReport {
  /** `warning` as soon as one run was not cancelled: the user asked for all of them. */
  readonly severity: 'info' | 'warning';
  /** One sentence or two, saying each thing once. */
  readonly text: string;
}


/** Why one run was not cancelled, in the user's words rather than the service's status code. */
function why(status: Exclude<CancelOutcomeStatus, 'cancelled'>, t: Translate): string {
  switch (status) {
    case 'already_completed':
      return t('it had already ended');
    case 'not_eligible':
      return t('the service cannot cancel it in its current state');
    case 'not_found':
      return t('the service does not know it');
    case 'error':
      return t('the service reported an error');
    case 'unknown':
      return t('the service gave no clear answer');
  }
}

function notCancelledPart(outcome: CancelOutcome, t: Translate): string {
  const reason = why(outcome.status as Exclude<CancelOutcomeStatus, 'cancelled'>, t);
  return outcome.message ? t('{0}: {1} ({2})', shortId(outcome.runId), reason, outcome.message) : t('{0}: {1}', shortId(outcome.runId), reason);
}

/**
 * The one message a cancel ends with: what the service did to each run, said once. `workflow`
 * names the workflow when the user cancelled all runs of one (or the runs belong to one).
 */
export function cancelReport(outcomes: readonly CancelOutcome[], t: Translate, workflow?: string): CancelReport {
  if (outcomes.length === 0) {
    return { severity: 'info', text: workflow ? t('{0} had no active run to cancel.', workflow) : t('There was no active run to cancel.') };
  }
  const cancelled = outcomes.filter((o) => o.status === 'cancelled');
  const others = outcomes.filter((o) => o.status !== 'cancelled');
  if (outcomes.length === 1) {
    const [only] = outcomes as [CancelOutcome];
    if (only.status === 'cancelled') {
      return { severity: 'info', text: workflow ? t('Run {0} of {1} cancelled.', shortId(only.runId), workflow) : t('Run {0} cancelled.', shortId(only.runId)) };
    }
    const reason = why(only.status, t);
    return {
      severity: 'warning',
      text: only.message ? t('Run {0} was not cancelled: {1} ({2}).', shortId(only.runId), reason, only.message) : t('Run {0} was not cancelled: {1}.', shortId(only.runId), reason),
    };
  }
  const ids = cancelled.map((o) => shortId(o.runId)).join(', ');
  const head =
    cancelled.length === 0
      ? t('None of the {0} runs was cancelled.', outcomes.length)
      : workflow
        ? t('Cancelled {0} of {1} runs of {2}: {3}.', cancelled.length, outcomes.length, workflow, ids)
        : t('Cancelled {0} of {1} runs: {2}.', cancelled.length, outcomes.length, ids);
  if (others.length === 0) {
    return { severity: 'info', text: workflow ? t('Cancelled {0} runs of {1}: {2}.', cancelled.length, workflow, ids) : t('Cancelled {0} runs: {1}.', cancelled.length, ids) };
  }
  return { severity: 'warning', text: `${head} ${t('Not cancelled: {0}.', others.map((o) => notCancelledPart(o, t)).join('; '))}` };
}

/** The confirmation button of Cancel All Runs: it says how many runs it cancels, when known. */
export function cancelAllButton(activeRuns: number, t: Translate): string {
  if (activeRuns <= 0) return t('Cancel All Runs');
  return activeRuns === 1 ? t('Cancel 1 run') : t('Cancel {0} runs', activeRuns);
}

/**
 * True when a run's error text only repeats its status ("The run was cancelled." on a cancelled
 * run): appended to "Run … cancelled." it would say the same thing twice.
 */
export function restatesStatus(error: string, status: string): boolean {
  const words = error.toLowerCase().replace(/[^a-z_ ]/g, ' ').split(/\s+/).filter(Boolean);
  const filler = new Set(['the', 'this', 'run', 'was', 'has', 'been', 'is', 'workflow', 'execution', status]);
  return words.includes(status) && words.every((w) => filler.has(w));
}
