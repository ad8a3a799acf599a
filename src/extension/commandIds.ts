/**
 * Every command Flowscope registers, in one place: the explorer, graph authoring and the graph
 * panels all register through `registerCommand` (commands/register.ts) with an id from here, and
 * the manifest test checks this table against package.json in both directions.
 */
export const Commands = {
  sandboxStart: 'flowscope.sandbox.start',
  connectionAdd: 'flowscope.connection.add',
  connectionEdit: 'flowscope.connection.edit',
  connectionTest: 'flowscope.connection.test',
  connectionRemove: 'flowscope.connection.remove',
  connectionSetApiKey: 'flowscope.connection.setApiKey',
  connectionEditUrl: 'flowscope.connection.editUrl',
  connectionRetry: 'flowscope.connection.retry',
  treeRefresh: 'flowscope.tree.refresh',
  runsLoadMore: 'flowscope.runs.loadMore',
  runsShowLive: 'flowscope.runs.showLive',
  runTrigger: 'flowscope.run.trigger',
  runRerun: 'flowscope.run.rerun',
  runCancel: 'flowscope.run.cancel',
  runStopFollowing: 'flowscope.run.stopFollowing',
  runStop: 'flowscope.run.stop',
  runOpenGraph: 'flowscope.run.openGraph',
  runCopyId: 'flowscope.run.copyId',
  runShowLogs: 'flowscope.run.showLogs',
  runReveal: 'flowscope.run.reveal',
  stageShowOutput: 'flowscope.stage.showOutput',
  workflowCancelRuns: 'flowscope.workflow.cancelRuns',
  workflowDeploy: 'flowscope.workflow.deploy',
  workflowUndeploy: 'flowscope.workflow.undeploy',
  workflowArm: 'flowscope.workflow.arm',
  workflowRename: 'flowscope.workflow.rename',
  workflowDelete: 'flowscope.workflow.delete',
  componentExecute: 'flowscope.component.execute',
  logShow: 'flowscope.log.show',
  graphValidate: 'flowscope.graph.validate',
  graphPush: 'flowscope.graph.push',
  graphPushNew: 'flowscope.graph.pushNew',
  graphPull: 'flowscope.graph.pull',
  graphRun: 'flowscope.graph.run',
  graphInsertWebhook: 'flowscope.graph.insertWebhook',
  /** A workflow's or run's live graph; takes `{connection, workflowId, runId?}` or asks. */
  graphOpen: 'flowscope.graph.open',
  /** A graph file's live preview; takes an optional uri. */
  graphPreview: 'flowscope.graph.preview',
  /** The answers of a push or pull review, as editor-title actions of its diff. */
  reviewPush: 'flowscope.review.push',
  reviewDontPush: 'flowscope.review.dontPush',
  reviewPull: 'flowscope.review.pull',
  reviewKeepLocal: 'flowscope.review.keepLocal',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/** The graph panel's command, opened from tree nodes. */
export const GRAPH_OPEN_COMMAND = Commands.graphOpen;

export const VIEW_ID = 'flowscope.explorer';

/** The graph panels' webview type (`onWebviewPanel:flowscope.graph` restores them). */
export const GRAPH_VIEW_TYPE = 'flowscope.graph';

/** Context keys set by the extension, read by `when` clauses in package.json. */
export const ContextKeys = {
  hasConnections: 'flowscope.hasConnections',
  sandboxRunning: 'flowscope.sandboxRunning',
} as const;
