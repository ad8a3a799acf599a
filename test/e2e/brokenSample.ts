/**
 * What Flowscope's validator says about samples/broken.workflow.json, written down literally so
 * that the end-to-end tests compare the editor's Problems with fixed expectations instead of with
 * the product's own output. If the sample or a message changes on purpose, change it here.
 *
 * The schema-level problem ("durationMs" given as a string) is not listed: in the editor VS Code's
 * JSON language service reports it through the contributed schema, in its own words.
 */

/** Flowscope's own diagnostics for the sample, by code, with their messages (any target kind). */
export const BROKEN_SAMPLE_PROBLEMS: Readonly<Record<string, string>> = {
  'missing-response': 'The graph has no response block, so its runs produce no output.',
  'duplicate-block-id': 'Duplicate block id "fetch": block ids must be unique.',
  'unknown-block-type': 'Unknown block type "llm". Powabase accepts: starter, webhook, agent, orchestration, code, condition, general_api, platform_api, response, split.',
  'webhook-missing-id': 'Webhook block "hook" has no config.webhook_id. Powabase expects the client to mint it: use "Flowscope: Insert Webhook Block".',
  'webhook-missing-secret': 'Webhook block "hook" has no config.webhook_secret: callers could not authenticate.',
  'unreachable-block': 'Block "orphan" is not reachable from a starter or webhook block, so it never runs.',
  'condition-edge-missing-condition': 'Edge from condition block "gate" has no "condition": it would be taken on every route.',
  cycle: 'Cycle: fetch → gate → think → fetch. A workflow graph must not loop.',
  'missing-block': 'Edge target "respond" is not a block in this graph.',
};

/** The messages alone, as the Problems panel lists them. */
export const BROKEN_SAMPLE_MESSAGES: readonly string[] = Object.values(BROKEN_SAMPLE_PROBLEMS);

/**
 * The severity of each of them for a file bound to no connection (the in-host suite's case): an
 * unknown block type is only a warning until a target kind is known.
 */
export const BROKEN_SAMPLE_SEVERITIES_UNBOUND: Readonly<Record<string, 'error' | 'warning'>> = {
  'condition-edge-missing-condition': 'error',
  cycle: 'error',
  'duplicate-block-id': 'error',
  'missing-block': 'error',
  'missing-response': 'warning',
  'unknown-block-type': 'warning',
  'unreachable-block': 'warning',
  'webhook-missing-id': 'error',
  'webhook-missing-secret': 'error',
};
