import * as z from 'zod';
import { LEGACY_SAMPLE_IDS } from './legacy';
import { sampleWorkflows } from './samples';
import type { Store } from './store';
import { FACE_NAMES } from './types';
import type { FaceName, RunOrigin } from './types';

/**
 * The state layout this version writes. Layout 1 (no `layout` in sandbox.json) had one set of
 * samples shared by every face, and records without a `face`.
 */
export const STATE_LAYOUT = 2;

/** `sandbox.json`: when the samples were seeded, and for which layout. Anything else: unseeded. */
const Meta = z.object({ samplesSeeded: z.boolean().optional(), layout: z.number().optional() });

const FaceField = z.object({ face: z.enum(FACE_NAMES) });
const LegacyRun = z.object({ workflowId: z.string(), origin: z.enum(['whiterabbit', 'powabase', 'supervity', 'webhook']).optional() });

/** Whether the samples of this layout still have to be seeded into the store. */
export function needsSeeding(rawMeta: unknown): boolean {
  const meta = Meta.safeParse(rawMeta);
  return !meta.success || !meta.data.samplesSeeded || meta.data.layout !== STATE_LAYOUT;
}

export const seededMeta = (): z.infer<typeof Meta> => ({ samplesSeeded: true, layout: STATE_LAYOUT });

/**
 * Gives every loaded record a face, so no record is ever visible through the wrong face:
 *   - the shared samples of layout 1, and their runs, are dropped (each face has its own now);
 *   - any other workflow without a face was created through Powabase, the only face that can
 *     create one, so it becomes Powabase's;
 *   - a run without a face follows its workflow's face, else its origin's; a run whose
 *     face cannot be told at all is dropped.
 * Never throws: a record it cannot read is dropped with a log line.
 */
export function assignFaces(store: Store, log: (line: string) => void): void {
  const legacy = new Set(LEGACY_SAMPLE_IDS);
  for (const [id, wf] of [...store.workflows]) {
    if (FaceField.safeParse(wf).success) continue;
    if (legacy.has(id)) {
      store.remove('workflows', id);
      continue;
    }
    wf.face = 'powabase';
    store.save('workflows', id);
  }
  let retired = 0;
  for (const [id, run] of [...store.runs]) {
    if (FaceField.safeParse(run).success) continue;
    const parsed = LegacyRun.safeParse(run);
    if (parsed.success && legacy.has(parsed.data.workflowId)) {
      store.remove('runs', id);
      retired++;
      continue;
    }
    const face = parsed.success ? (store.workflows.get(parsed.data.workflowId)?.face ?? faceOfOrigin(parsed.data.origin)) : undefined;
    if (!face) {
      store.remove('runs', id);
      log(`state: dropped run ${id}: no face can be told from its workflow or origin`);
      continue;
    }
    run.face = face;
    store.save('runs', id);
  }
  if (retired > 0) log(`state: dropped ${retired} run(s) of the retired shared samples (each API has its own samples now)`);
}

/** Seeds every face's samples that are not in the store yet. */
export function seedSamples(store: Store): void {
  for (const wf of sampleWorkflows()) {
    if (store.workflows.has(wf.id)) continue;
    store.workflows.set(wf.id, wf);
    store.save('workflows', wf.id);
  }
}

function faceOfOrigin(origin: RunOrigin | undefined): FaceName | undefined {
  if (origin === 'webhook') return 'powabase';
  return origin;
}
