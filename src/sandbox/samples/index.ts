import type { FaceName, WorkflowRecord } from '../types';
import { SAMPLES_CREATED_AT } from './builder';
import { POWABASE_SAMPLE_IDS, POWABASE_SAMPLE_WEBHOOK, powabaseSamples } from './powabase';
import { SUPERVITY_SAMPLE_IDS, supervitySamples } from './supervity';
import { WHITERABBIT_SAMPLE_IDS, whiteRabbitSamples } from './whiterabbit';

/**
 * Each face's sample workflows, one file per face: the same roles (linear, fan-out, retry, a
 * failure, a long run, a 200-block graph, and a condition where the service can branch) shaped
 * as that service's users would write them. Ids are disjoint across faces.
 */
export const SAMPLE_IDS = {
  whiterabbit: WHITERABBIT_SAMPLE_IDS,
  powabase: POWABASE_SAMPLE_IDS,
  supervity: SUPERVITY_SAMPLE_IDS,
} as const satisfies Record<FaceName, Record<string, string>>;

export const SAMPLE_WEBHOOK = POWABASE_SAMPLE_WEBHOOK;

/** One face's sample ids, in the order the samples are listed. */
export function sampleIdsOf(face: FaceName): string[] {
  return Object.values(SAMPLE_IDS[face]);
}

export function sampleWorkflows(createdAt = SAMPLES_CREATED_AT): WorkflowRecord[] {
  return [...whiteRabbitSamples(createdAt), ...powabaseSamples(createdAt), ...supervitySamples(createdAt)];
}
