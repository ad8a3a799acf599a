import * as z from 'zod';
import { looseNumber, optString } from '../../wire';

/**
 * Supervity Auto's wire shapes (`/api/v1/workflow-runs`). Response bodies are only partly
 * documented, so everything is loose and alternatives are accepted where clients saw them.
 */

export const SvActivityRun = z.looseObject({
  id: optString,
  activityRunId: optString,
  kind: optString,
  stepId: optString,
  stepName: optString,
  status: z.string(),
  attempt: looseNumber,
  outputs: z.unknown().optional(),
  conditionMet: z.boolean().nullish(),
  createdAt: optString,
  updatedAt: optString,
});
export type SvActivityRun = z.infer<typeof SvActivityRun>;

export const SvWorkflowRun = z.looseObject({
  id: z.string(),
  workflowId: optString,
  workflowName: optString,
  status: z.string(),
  inputs: z.unknown().optional(),
  createdAt: optString,
  updatedAt: optString,
  /** Present in the stream's `result`; some GET answers nest them here too. */
  activityRuns: z.array(SvActivityRun).nullish(),
});
export type SvWorkflowRun = z.infer<typeof SvWorkflowRun>;

export const SvRunList = z.looseObject({
  workflowRuns: z.array(SvWorkflowRun),
  pagination: z
    .looseObject({
      total: looseNumber,
      totalCount: looseNumber,
      page: looseNumber,
      limit: looseNumber,
      totalPages: looseNumber,
      hasMore: z.boolean().nullish(),
      hasNextPage: z.boolean().nullish(),
    })
    .nullish(),
});

/**
 * GET /:runId → `{workflowRun, activityRuns}`, or the activity runs nested in `workflowRun`. A
 * bare run object is wrapped first, so a missing field is still reported by its path.
 */
export const SvRunDetail = z.preprocess(
  (v) => (isBareRun(v) ? { workflowRun: v } : v),
  z.looseObject({
    workflowRun: SvWorkflowRun,
    activityRuns: z.array(SvActivityRun).nullish(),
  }),
);

function isBareRun(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !('workflowRun' in v) && 'id' in v && 'status' in v;
}

/** The dashboard body is not public; normalized in code (flat map, `{counts}`, or `[{status,count}]`). */
export const SvDashboard = z.unknown();

/** The cancel envelope is not public; outcomes are found in code. */
export const SvCancelResponse = z.unknown();

// ---- SSE `/execute/stream`: named events, `data` is JSON. ----

export const SvActivityEvent = z.looseObject({
  content: z.looseObject({
    workflowRunId: optString,
    activityRunId: optString,
    stepId: optString,
    stepName: optString,
    status: z.string(),
    attempt: looseNumber,
    outputs: z.unknown().optional(),
    conditionMet: z.boolean().nullish(),
  }),
});

export const SvWorkflowRunEvent = z.looseObject({
  content: z.looseObject({ workflowRunId: z.string(), status: z.string() }),
});

export const SvThinkingEvent = z.looseObject({
  content: z.string(),
  stepId: optString,
  activityRunId: optString,
});

export const SvResultEvent = z.looseObject({
  success: z.boolean().nullish(),
  workflowRun: SvWorkflowRun,
  error: z.unknown().optional(),
  message: optString,
});

export const SvErrorEvent = z.looseObject({ error: z.unknown().optional(), details: z.unknown().optional(), message: z.unknown().optional() });

/** Any event whose content names the run: used to learn the run id from whatever comes first. */
export const SvAnyContent = z.looseObject({ content: z.looseObject({ workflowRunId: z.string() }) });
