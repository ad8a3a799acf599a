import type { StoredBlock, StoredEdge, VariableSpec, WorkflowRecord } from '../types';

/** The Supervity sample that waits for approval: a fixed v4 UUID, like every sample id. */
export const APPROVAL_SAMPLE_ID = '5a4d0b00-5a01-4000-8000-000000005a01';

const PREFIX = 'appr';

function step(key: string, type: StoredBlock['type'], name: string, x: number, config: Record<string, unknown> = {}): StoredBlock {
  return { id: `${PREFIX}-${key}`, type, name, position: { x, y: 0 }, config, enabled: true };
}

/**
 * An invoice payment that stops at a manager's approval: the run goes `waiting` (human review,
 * contracts C.8) when the approval step starts. Neither the seed nor the contracts document a
 * way to approve through the API, so it stays waiting until it is cancelled; the payment steps
 * after it never run.
 */
export function approvalSample(createdAt: string): WorkflowRecord {
  const blocks = [
    step('start', 'starter', 'Start', 0),
    step('extract', 'agent', 'Extract invoice', 220, { durationMs: 600, tokens: ['Invoice ', '{{invoice}}: ', '1 240.00 EUR ', 'to Acme Supplies.'] }),
    step('budget', 'code', 'Check budget', 440, { durationMs: 300, output: { withinBudget: true } }),
    step('approve', 'code', 'Manager approval', 660, { waitForApproval: true }),
    step('pay', 'general_api', 'Schedule payment', 880, { durationMs: 400, output: { scheduled: true } }),
    step('respond', 'response', 'Respond', 1100),
  ];
  const edges: StoredEdge[] = blocks.slice(1).map((b, i) => {
    const source = blocks[i]?.id ?? '';
    return { id: `${source}->${b.id}`, source, target: b.id, sourceHandle: 'output', targetHandle: 'input', condition: null };
  });
  const variables: Record<string, VariableSpec> = { invoice: { type: 'string', default: 'INV-2026-0042', description: 'Invoice number to pay' } };
  return {
    id: APPROVAL_SAMPLE_ID,
    name: 'Invoice payment (waits for approval)',
    description: 'Stops at "Manager approval": the run stays waiting until it is cancelled.',
    variables,
    version: 1,
    color: '#4f7cff',
    created_at: createdAt,
    updated_at: createdAt,
    state: 'internal',
    schedule_config: null,
    webhook_armed_until: null,
    blocks,
    edges,
  };
}
