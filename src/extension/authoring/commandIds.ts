/** The graph-authoring commands, as contributed in package.json. */
export const GraphCommands = {
  validate: 'flowscope.graph.validate',
  push: 'flowscope.graph.push',
  pushNew: 'flowscope.graph.pushNew',
  pull: 'flowscope.graph.pull',
  run: 'flowscope.graph.run',
  insertWebhook: 'flowscope.graph.insertWebhook',
  /** Owned by the graph panel; takes an optional uri of a graph file. */
  preview: 'flowscope.graph.preview',
  /** Owned by the graph panel; takes `{connection, workflowId, runId?}`. */
  open: 'flowscope.graph.open',
} as const;
