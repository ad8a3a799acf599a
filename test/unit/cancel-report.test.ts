// The one message a cancel ends with (issue 13, "one action, one message"): per-run outcomes in
// a single sentence that says each thing once. Pure function: no server is involved.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cancelAllButton, cancelReport, restatesStatus } from '../../src/core/cancelReport';
import { identityTranslate } from '../../src/shared/format';

const A = '40528bd1-0000-4000-8000-000000000001';
const B = '7c1e99aa-0000-4000-8000-000000000002';
const C = 'e0f1a2b3-0000-4000-8000-000000000003';

describe('cancelReport', () => {
  it('one run cancelled: said once, with its short id', () => {
    assert.deepEqual(cancelReport([{ runId: A, status: 'cancelled' }], identityTranslate), { severity: 'info', text: 'Run 40528bd1 cancelled.' });
  });

  it('one run that had already ended: says why it was not cancelled', () => {
    assert.deepEqual(cancelReport([{ runId: A, status: 'already_completed' }], identityTranslate), {
      severity: 'warning',
      text: 'Run 40528bd1 was not cancelled: it had already ended.',
    });
  });

  it('all runs of a workflow cancelled: one sentence naming each', () => {
    const outcomes = [
      { runId: A, status: 'cancelled' as const },
      { runId: B, status: 'cancelled' as const },
    ];
    assert.deepEqual(cancelReport(outcomes, identityTranslate, 'Monthly report'), {
      severity: 'info',
      text: 'Cancelled 2 runs of Monthly report: 40528bd1, 7c1e99aa.',
    });
  });

  it('mixed outcomes: what was cancelled, then what was not and why, in one message', () => {
    const outcomes = [
      { runId: A, status: 'cancelled' as const },
      { runId: B, status: 'error' as const, message: 'step is committing' },
      { runId: C, status: 'already_completed' as const },
    ];
    assert.deepEqual(cancelReport(outcomes, identityTranslate, 'Monthly report'), {
      severity: 'warning',
      text: 'Cancelled 1 of 3 runs of Monthly report: 40528bd1. Not cancelled: 7c1e99aa: the service reported an error (step is committing); e0f1a2b3: it had already ended.',
    });
  });

  it('no active run: says so instead of staying silent', () => {
    assert.deepEqual(cancelReport([], identityTranslate, 'Monthly report'), { severity: 'info', text: 'Monthly report had no active run to cancel.' });
  });
});

describe('cancelAllButton says what it does', () => {
  it('counts the runs it cancels', () => {
    assert.equal(cancelAllButton(2, identityTranslate), 'Cancel 2 runs');
    assert.equal(cancelAllButton(1, identityTranslate), 'Cancel 1 run');
    assert.equal(cancelAllButton(0, identityTranslate), 'Cancel All Runs');
  });
});

describe('restatesStatus', () => {
  it('"The run was cancelled." on a cancelled run adds nothing', () => {
    assert.equal(restatesStatus('The run was cancelled.', 'cancelled'), true);
  });
  it('an error that says more is kept', () => {
    assert.equal(restatesStatus('Cancelled by admin: budget exceeded', 'cancelled'), false);
    assert.equal(restatesStatus('The run failed.', 'cancelled'), false);
  });
});
