import assert from 'node:assert/strict';
import { FlowscopeError } from '../../../src/core/errors';
import type { Run } from '../../../src/core/model';

/** Awaits a promise expected to fail with a FlowscopeError and returns that error. */
export async function rejection(p: Promise<unknown>): Promise<FlowscopeError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof FlowscopeError, `expected FlowscopeError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

export async function drain(runs: AsyncIterable<Run>): Promise<Run[]> {
  const out: Run[] = [];
  for await (const r of runs) out.push(r);
  return out;
}

/** A Powabase execution record as the executions route returns it. */
export function pbExecution(id: string, status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    status,
    input: { text: 'hi' },
    output: null,
    error: null,
    started_at: '2026-01-01T00:00:00',
    completed_at: null,
    created_at: '2026-01-01T00:00:00',
    ...extra,
  };
}

/** A Powabase block log row. */
export function pbBlockLog(id: string, status: string, order: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { block_id: id, block_type: 'code', block_name: `Block ${id}`, status, duration_ms: 12.5, input: {}, output: { v: id }, error: null, execution_order: order, ...extra };
}

/** A Supervity workflow run as the list and get routes return it. */
export function svRun(id: string, status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    workflowId: 'wf-1',
    workflowName: 'Invoice triage',
    status,
    inputs: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:05.000Z',
    ...extra,
  };
}
