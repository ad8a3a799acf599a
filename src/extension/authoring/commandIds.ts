import { Commands } from '../commandIds';

/** The graph-authoring commands, named from the one command table (commandIds.ts). */
export const GraphCommands = {
  validate: Commands.graphValidate,
  push: Commands.graphPush,
  pushNew: Commands.graphPushNew,
  pull: Commands.graphPull,
  run: Commands.graphRun,
  insertWebhook: Commands.graphInsertWebhook,
  /** Owned by the graph panel; takes an optional uri of a graph file. */
  preview: Commands.graphPreview,
  /** Owned by the graph panel; takes `{connection, workflowId, runId?}`. */
  open: Commands.graphOpen,
} as const;
