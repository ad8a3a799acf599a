import * as z from 'zod';

/**
 * The block types of Powabase's registry. The sandbox engine runs exactly these, and graph files
 * are checked against them. `function` and `api_call` are aliases Powabase accepts on input.
 */
export const BLOCK_TYPES = [
  'starter',
  'webhook',
  'agent',
  'orchestration',
  'code',
  'condition',
  'general_api',
  'platform_api',
  'response',
  'split',
] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];

export const BLOCK_TYPE_ALIASES: Readonly<Record<string, BlockType>> = { function: 'code', api_call: 'general_api' };

/** Resolves an alias to its block type; undefined for a type the registry does not know. */
export function canonicalBlockType(type: string): BlockType | undefined {
  if ((BLOCK_TYPES as readonly string[]).includes(type)) return type as BlockType;
  return BLOCK_TYPE_ALIASES[type];
}

export const Position = z.object({ x: z.number(), y: z.number() });

/**
 * A block of a workflow graph. `config` is free-form on every service; the sandbox reads the
 * simulation keys documented in `SimConfig` from it.
 */
export const Block = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  name: z.string().optional(),
  position: Position.optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  enabled: z.boolean().optional(),
});
export type Block = z.infer<typeof Block>;

export const Edge = z.looseObject({
  id: z.string().optional(),
  source: z.string().min(1),
  target: z.string().min(1),
  sourceHandle: z.string().nullable().optional(),
  targetHandle: z.string().nullable().optional(),
  condition: z.string().nullable().optional(),
});
export type Edge = z.infer<typeof Edge>;

export const Graph = z.object({
  blocks: z.array(Block),
  edges: z.array(Edge),
});
export type Graph = z.infer<typeof Graph>;

/**
 * How the sandbox simulates a block, read from `block.config`. Every key is optional; a block
 * with none of them completes after a short default duration with a small generated output.
 */
export const SimConfig = z.looseObject({
  /** How long one attempt takes, in milliseconds. */
  durationMs: z.number().int().min(0).max(3_600_000).optional().describe('Sandbox: how long one attempt takes, in milliseconds.'),
  /** The block's output when it succeeds. */
  output: z.unknown().optional().describe('Sandbox: the block\'s output when it succeeds.'),
  /** Number of attempts that fail before one succeeds (needs `attempts` > failAttempts to succeed). */
  failAttempts: z.number().int().min(0).max(10).optional().describe('Sandbox: attempts that fail before one succeeds.'),
  /** Total attempts allowed (default 1). */
  attempts: z.number().int().min(1).max(10).optional().describe('Sandbox: total attempts allowed (default 1).'),
  /** The error message of a failing attempt. */
  error: z.string().optional().describe('Sandbox: the error message of a failing attempt.'),
  /** Tokens streamed by an agent block while it runs. */
  tokens: z.array(z.string()).optional().describe('Sandbox: tokens an agent block streams while it runs.'),
  /** A condition block's route: edges whose `condition` equals it are taken. */
  route: z.string().optional().describe('Sandbox: a condition block\'s route; edges whose `condition` equals it are taken.'),
  /** The block waits for a human approval no API can give: the run waits until cancelled. */
  waitForApproval: z.boolean().optional().describe('Sandbox: the block waits for a human approval that no API call can give; the run stays waiting until cancelled.'),
  /** White Rabbit module name shown for this block (defaults from the block type). */
  module: z.string().optional().describe('White Rabbit module name shown for this block (defaults from the block type).'),
});
export type SimConfig = z.infer<typeof SimConfig>;
