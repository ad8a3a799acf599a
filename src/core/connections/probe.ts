import type { Backend, WorkflowList } from '../backend';
import { FlowscopeError } from '../errors';

/** A well-formed id no service will have: asking for it proves the credentials without side effects. */
export const PROBE_RUN_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Lists a connection's workflows and proves its credentials. Where listing needs no request
 * (White Rabbit reads configured ids; Supervity too when none are configured), a read of a
 * run that cannot exist answers "not found" with good credentials and 401 with bad ones.
 */
export async function loadWorkflowsChecked(backend: Backend, signal?: AbortSignal): Promise<WorkflowList> {
  const workflows = await backend.listWorkflows(signal);
  const listingCalledTheApi = backend.capabilities.listWorkflows || (backend.capabilities.dashboard && workflows.length > 0);
  if (!listingCalledTheApi) await probeCredentials(backend, signal);
  return workflows;
}

export async function probeCredentials(backend: Backend, signal?: AbortSignal): Promise<void> {
  try {
    await backend.getRun({ id: PROBE_RUN_ID }, signal);
  } catch (error) {
    // Not found (or a rejected id) means the request got past authentication.
    if (FlowscopeError.is(error, 'notFound', 'validation')) return;
    throw error;
  }
}
