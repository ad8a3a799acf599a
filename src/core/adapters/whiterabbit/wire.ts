import * as z from 'zod';

const stageStatus = z.string();

export const TriggerResponse = z.looseObject({ runId: z.string().min(1), jobId: z.union([z.string(), z.number()]).nullish() });

export const RunStage = z.looseObject({
  id: z.string(),
  module: z.string(),
  status: stageStatus,
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  creditUsage: z.number().nullish(),
  executionEventId: z.string().nullish(),
  executionDispatchedAt: z.string().nullish(),
  executionAttempt: z.number().nullish(),
  updatedAt: z.string().nullish(),
});
export type RunStage = z.infer<typeof RunStage>;

export const RunDetail = z.looseObject({
  id: z.string(),
  status: z.string(),
  pendingStageCount: z.number().nullish(),
  failedStageCount: z.number().nullish(),
  cancelRequestedAt: z.string().nullish(),
  cancelReason: z.string().nullish(),
  totalUsage: z.number().nullish(),
  createdAt: z.string().nullish(),
  updatedAt: z.string().nullish(),
  runStages: z.array(RunStage).default([]),
});
export type RunDetail = z.infer<typeof RunDetail>;

/** One entry of a stream frame's `nonTerminalStages` (seed 000 lines 106-112). */
export const StreamStage = z.looseObject({
  id: z.string(),
  module: z.string().nullish(),
  status: z.string(),
  executionEventId: z.string().nullish(),
  executionAttempt: z.number().nullish(),
});
export type StreamStage = z.infer<typeof StreamStage>;

/** A `RunStreamEvent` (seed 000 lines 98-118), its in-flight stages of the shape `stages`. */
function streamEvent<S extends z.ZodType>(stages: S) {
  return z.looseObject({
    id: z.string(),
    status: z.string(),
    output: z
      .looseObject({
        totalUsage: z.number().nullish(),
        pendingStageCount: z.number().nullish(),
        failedStageCount: z.number().nullish(),
        cancelRequestedAt: z.string().nullish(),
        cancelReason: z.string().nullish(),
        nonTerminalStages: z.array(stages).nullish(),
      })
      .nullish(),
    timestamp: z.string().nullish(),
  });
}

/**
 * A run stream frame, every part checked: what `FrameReader` returns. Only a type: the frame is
 * checked as a `StreamFrame` and its stages one by one as `StreamStage`s, so no schema of the
 * whole is built.
 */
export type StreamEvent = z.infer<ReturnType<typeof streamEvent<typeof StreamStage>>>;

/**
 * A run stream frame with its in-flight stages not yet checked: a frame repeats most of the
 * previous frame's stages, and `FrameReader` checks only the ones that differ.
 */
export const StreamFrame = streamEvent(z.unknown());
export type StreamFrame = z.infer<typeof StreamFrame>;

export const ComponentExecution = z.looseObject({
  id: z.string(),
  module: z.string(),
  status: z.string(),
  completed: z.boolean().nullish(),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  totalUsage: z.number().nullish(),
  createdAt: z.string().nullish(),
  updatedAt: z.string().nullish(),
});

export const ComponentStreamEvent = z.looseObject({
  id: z.string(),
  status: z.string(),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  timestamp: z.string().nullish(),
});

export const Catalog = z.array(
  z.looseObject({
    name: z.string(),
    module: z.string(),
    type: z.string().nullish(),
    executionModes: z.array(z.string()).nullish(),
    inputs: z.looseObject({ parameters: z.array(z.looseObject({ name: z.string(), schema: z.unknown().optional() })).nullish() }).nullish(),
    configs: z.unknown().optional(),
  }),
);
