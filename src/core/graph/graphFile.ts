import * as z from 'zod';
import { BLOCK_TYPE_ALIASES, BLOCK_TYPES, Block, Edge, SimConfig } from './schema';
import type { Graph } from './schema';

/**
 * The schema of a `*.workflow.json` file. It is the single source of truth: the validator parses
 * with it, and `scripts/generate-schema.ts` turns it into `schemas/graph.schema.json`, which VS
 * Code's JSON editor uses for completion and hover. The `.describe()` texts are the hover texts.
 */

const KNOWN_TYPE_NAMES = [...BLOCK_TYPES, ...Object.keys(BLOCK_TYPE_ALIASES)] as [string, ...string[]];

/**
 * Any non-empty string validates (which types a service accepts depends on the target, and the
 * validator reports that with a precise message); the enum branch exists so the JSON editor
 * offers the known types as completions.
 */
const BlockTypeField = z
  .union([z.enum(KNOWN_TYPE_NAMES), z.string().min(1)])
  .describe(
    'Block type. Powabase accepts: starter, webhook, agent, orchestration, code, condition, general_api, platform_api, response, split (aliases: function → code, api_call → general_api).',
  );

const BlockConfig = SimConfig.extend({
  webhook_id: z.string().optional().describe('Webhook blocks: the webhook\'s UUID, minted by the client (use "Flowscope: Insert Webhook Block").'),
  webhook_secret: z
    .string()
    .optional()
    .describe('Webhook blocks: the shared secret callers send as `Authorization: Bearer <secret>`. Keep it out of version control if the file is shared.'),
}).describe('Block configuration. Free-form for the service; the keys listed here are read by the sandbox and by webhook blocks.');

export const FileBlock = Block.extend({
  id: z.string().min(1).describe('Unique id of the block within the graph; edges refer to it.'),
  type: BlockTypeField,
  name: z.string().optional().describe('Display name.'),
  position: z.object({ x: z.number(), y: z.number() }).optional().describe('Canvas position, in pixels.'),
  config: BlockConfig.optional(),
  enabled: z.boolean().optional().describe('A disabled block is skipped (default true).'),
}).describe('A step of the workflow.');

export const FileEdge = Edge.extend({
  id: z.string().optional().describe('Edge id; the server generates one when omitted.'),
  source: z.string().min(1).describe('Id of the block the edge leaves.'),
  target: z.string().min(1).describe('Id of the block the edge enters.'),
  sourceHandle: z.string().nullable().optional().describe('Output handle of the source (default "output").'),
  targetHandle: z.string().nullable().optional().describe('Input handle of the target (default "input").'),
  condition: z
    .string()
    .nullable()
    .optional()
    .describe("For edges leaving a condition block: the edge is taken when it equals the block's output `route`."),
}).describe('A connection from one block to another.');

export const VARIABLE_TYPES = ['string', 'number', 'boolean', 'object', 'array'] as const;

export const VariableDecl = z
  .strictObject({
    type: z.enum(VARIABLE_TYPES).optional().describe('Type of the value.'),
    default: z.unknown().optional().describe('Value used when a run does not provide one.'),
    description: z.string().optional().describe('Shown in the run form.'),
  })
  .describe('A workflow input.');

export const Binding = z
  .strictObject({
    connection: z.string().min(1).describe('Name of the Flowscope connection the workflow lives on.'),
    workflowId: z.string().min(1).describe('Id of the workflow on that connection.'),
  })
  .describe('Where Push, Pull and Run go. Without a binding the file is local only.');

// Top level and local-only parts are strict so a typo ("blcoks") is reported; blocks and edges
// stay loose because services add fields of their own that a pull must keep.
export const GraphFile = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema of this file (optional; *.workflow.json files get it automatically).'),
    name: z.string().optional().describe('Workflow name.'),
    description: z.string().optional().describe('What the workflow does.'),
    variables: z.record(z.string(), VariableDecl).optional().describe('Workflow inputs by name.'),
    binding: Binding.optional(),
    blocks: z.array(FileBlock).describe('The blocks (steps) of the workflow.'),
    edges: z.array(FileEdge).describe('The connections between blocks.'),
  })
  .describe('A Flowscope workflow graph.');
export type GraphFile = z.infer<typeof GraphFile>;

/** The part of a file a service stores: blocks and edges, nothing local. */
export function toGraph(file: GraphFile): Graph {
  return { blocks: file.blocks, edges: file.edges };
}
