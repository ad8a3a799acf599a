import type { BlockType } from '../../core/graph/schema';
import type { VariableSpec, WorkflowRecord } from '../types';
import { GraphBuilder, layeredGraph, sampleWorkflow, words } from './builder';
import type { SampleMeta } from './builder';

/**
 * Supervity Auto's samples: business workflows made of named steps (an activity run per step,
 * with its `stepId` and `stepName`; the seed's "Workflow step ID" / "Step name"), some of them AI
 * steps that stream their reasoning as `thinking` events. Variables are the run inputs, sent as
 * `inputs[name]` multipart fields.
 *
 * `5a4d0b03` marks Supervity's workflow ids, and no other face uses them.
 */
export const SUPERVITY_SAMPLE_IDS = {
  linear: '5a4d0b03-0001-4000-8000-000000000301',
  fanout: '5a4d0b03-0002-4000-8000-000000000302',
  condition: '5a4d0b03-0003-4000-8000-000000000303',
  retry: '5a4d0b03-0004-4000-8000-000000000304',
  failing: '5a4d0b03-0005-4000-8000-000000000305',
  long: '5a4d0b03-0006-4000-8000-000000000306',
  large: '5a4d0b03-0007-4000-8000-000000000307',
  approval: '5a4d0b03-0008-4000-8000-000000000308',
} as const;

const meta = (id: string, name: string, description: string, variables: Record<string, VariableSpec> = {}): SampleMeta => ({ face: 'supervity', id, name, description, variables });

function linear(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  g.chain(
    g.block('start', 'starter', 'Receive invoice', {}, 0, 0),
    g.block('extract', 'agent', 'Extract invoice fields', { durationMs: 1500, tokens: words('Reading {{invoice}}: vendor, amount and due date found. ') }, 240, 0),
    g.block('match', 'code', 'Match purchase order', { durationMs: 400, output: { purchaseOrder: 'PO-7731', matched: true } }, 480, 0),
    g.block('summary', 'agent', 'Write approval summary', { durationMs: 1800, tokens: words('{{invoice}} matches PO-7731 and can be approved. ') }, 720, 0),
    g.block('result', 'response', 'Return result', { output: { invoice: '{{invoice}}', approved: true } }, 960, 0),
  );
  const vars: Record<string, VariableSpec> = { invoice: { type: 'string', default: 'INV-1042 from Acme Corp', description: 'The invoice to process' } };
  return sampleWorkflow(meta(SUPERVITY_SAMPLE_IDS.linear, 'Invoice intake', 'Five steps in a row: extract, match, summarize.', vars), g, at);
}

function fanout(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  const start = g.block('start', 'starter', 'Receive vendor form');
  const split = g.block('split', 'split', 'Run checks in parallel', { output: { checks: ['tax', 'bank', 'sanctions'] } }, 200, 0);
  const merge = g.block('combine', 'orchestration', 'Combine check results', { durationMs: 500 }, 640, 0);
  g.edge(start, split);
  ([['tax', 'Verify tax id', 700], ['bank', 'Verify bank details', 1100], ['sanctions', 'Screen sanctions lists', 1500]] as const).forEach(([key, name, ms], i) => {
    const id = g.block(`check-${key}`, 'general_api', name, { durationMs: ms, output: { check: key, passed: true } }, 420, (i - 1) * 140);
    g.edge(split, id);
    g.edge(id, merge);
  });
  const decide = g.block('recommend', 'agent', 'Recommend decision', { durationMs: 1000, tokens: words('All three checks passed for {{vendor}}: approve. ') }, 860, 0);
  const done = g.block('result', 'response', 'Return result', {}, 1080, 0);
  g.chain(merge, decide, done);
  const vars: Record<string, VariableSpec> = { vendor: { type: 'string', default: 'Acme Corp', description: 'The vendor to onboard' } };
  return sampleWorkflow(meta(SUPERVITY_SAMPLE_IDS.fanout, 'Vendor onboarding checks', 'Three checks run in parallel, then one recommendation.', vars), g, at);
}

function condition(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  const start = g.block('start', 'starter', 'Receive ticket');
  const classify = g.block('classify', 'agent', 'Classify ticket', { durationMs: 800, tokens: words('This ticket reads as {{priority}}. ') }, 200, 0);
  const route = g.block('route', 'condition', 'Is it urgent?', { route: '{{priority}}' }, 420, 0);
  const page = g.block('page', 'platform_api', 'Page on-call', { durationMs: 600, output: { paged: true } }, 640, -100);
  const queue = g.block('backlog', 'general_api', 'Add to backlog', { durationMs: 500, output: { queued: true } }, 640, 100);
  const done = g.block('result', 'response', 'Return result', {}, 860, 0);
  g.chain(start, classify, route);
  g.edge(route, page, 'urgent');
  g.edge(route, queue, 'normal');
  g.edge(page, done);
  g.edge(queue, done);
  const vars: Record<string, VariableSpec> = { priority: { type: 'string', default: 'normal', description: '"urgent" pages on-call; anything else goes to the backlog' } };
  return sampleWorkflow(meta(SUPERVITY_SAMPLE_IDS.condition, 'Support ticket triage', 'A condition step routes urgent tickets to on-call, the rest to the backlog.', vars), g, at);
}

function retry(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  g.chain(
    g.block('start', 'starter', 'Receive journal entry'),
    g.block('post', 'platform_api', 'Post to ERP (flaky)', { durationMs: 500, failAttempts: 2, attempts: 3, error: 'ERP timed out', output: { documentNumber: '5100004211' } }, 220, 0),
    g.block('confirm', 'agent', 'Confirm posting', { durationMs: 700, tokens: words('Posted as document 5100004211 after retries. ') }, 440, 0),
    g.block('result', 'response', 'Return result', {}, 660, 0),
  );
  return sampleWorkflow(meta(SUPERVITY_SAMPLE_IDS.retry, 'ERP posting (flaky: succeeds on the third attempt)', 'Attempts 1 and 2 of the ERP step fail, attempt 3 succeeds.'), g, at);
}

function failing(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  g.chain(
    g.block('start', 'starter', 'Receive application'),
    g.block('lookup', 'general_api', 'Look up customer', { durationMs: 400, output: { customer: 'C-2231' } }, 220, 0),
    g.block('bureau', 'general_api', 'Query credit bureau', { durationMs: 500, failAttempts: 2, attempts: 2, error: 'credit bureau returned 503 Service Unavailable' }, 440, 0),
    g.block('decide', 'agent', 'Decide credit limit', { durationMs: 600 }, 660, 0),
    g.block('result', 'response', 'Return result', {}, 880, 0),
  );
  return sampleWorkflow(meta(SUPERVITY_SAMPLE_IDS.failing, 'Credit check (bureau down)', 'The bureau step fails on both attempts; the rest is skipped.'), g, at);
}

function long(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  const ids = [g.block('start', 'starter', 'Start close')];
  const steps: [string, string][] = [['export', 'Export ledger'], ['reconcile', 'Reconcile bank accounts'], ['accruals', 'Book accruals'], ['review', 'Review variances'], ['lock', 'Lock the period'], ['report', 'Send close report']];
  steps.forEach(([key, name], i) => {
    const type: BlockType = key === 'review' ? 'agent' : 'code';
    const cfg: Record<string, unknown> = { durationMs: 10_000 };
    if (type === 'agent') cfg.tokens = words('Reviewing {{period}} variances slowly, one account at a time, so there is time to cancel. ');
    ids.push(g.block(key, type, name, cfg, (i + 1) * 200, 0));
  });
  ids.push(g.block('result', 'response', 'Return result', {}, 1400, 0));
  g.chain(...ids);
  const vars: Record<string, VariableSpec> = { period: { type: 'string', default: '2026-10', description: 'The accounting period to close' } };
  return sampleWorkflow(meta(SUPERVITY_SAMPLE_IDS.long, 'Month-end close (long run, ~60 s)', 'Six ten-second steps: a good one to cancel.', vars), g, at);
}

function large(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  const types: BlockType[] = ['code', 'general_api', 'agent', 'platform_api'];
  layeredGraph(g, {
    start: ['starter', 'Start', {}],
    end: ['response', 'Return result', { output: { steps: 200 } }],
    layer: (layer, i) => {
      const type = types[(layer + i) % types.length] as BlockType;
      return [type, `Step ${layer + 1}.${i + 1}`, type === 'agent' ? { tokens: ['step ', `${layer}.${i} `, 'done'] } : {}];
    },
  });
  return sampleWorkflow(meta(SUPERVITY_SAMPLE_IDS.large, 'Big graph (200 steps)', 'Nine layers of 22 steps between start and result.'), g, at);
}

/**
 * An invoice payment that stops at a manager's approval: the run goes `waiting` (human review,
 * contracts C.8) when the approval step starts. Neither the seed nor the contracts document a way
 * to approve through the API, so it stays waiting until it is cancelled; the payment steps after
 * it never run.
 */
function approval(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  g.chain(
    g.block('start', 'starter', 'Receive invoice', {}, 0, 0),
    g.block('extract', 'agent', 'Extract invoice', { durationMs: 600, tokens: words('Invoice {{invoice}}: 1 240.00 EUR to Acme Supplies. ') }, 220, 0),
    g.block('budget', 'code', 'Check budget', { durationMs: 300, output: { withinBudget: true } }, 440, 0),
    g.block('approve', 'code', 'Manager approval', { waitForApproval: true }, 660, 0),
    g.block('pay', 'general_api', 'Schedule payment', { durationMs: 400, output: { scheduled: true } }, 880, 0),
    g.block('result', 'response', 'Return result', {}, 1100, 0),
  );
  const vars: Record<string, VariableSpec> = { invoice: { type: 'string', default: 'INV-2026-0042', description: 'Invoice number to pay' } };
  return sampleWorkflow(meta(SUPERVITY_SAMPLE_IDS.approval, 'Invoice payment (waits for approval)', 'Stops at "Manager approval": the run stays waiting until it is cancelled.', vars), g, at);
}

export function supervitySamples(createdAt: string): WorkflowRecord[] {
  return [linear(createdAt), fanout(createdAt), condition(createdAt), retry(createdAt), failing(createdAt), long(createdAt), large(createdAt), approval(createdAt)];
}
