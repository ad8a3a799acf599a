import { SimConfig } from '../core/graph/schema';
import type { BlockType } from '../core/graph/schema';
import { interpolate, isRecord } from './util';
import type { BlockRun, RunRecord, StoredBlock } from './types';

/** Default duration of one attempt per block type at timeScale 1: a few hundred ms, agents longer. */
const DEFAULT_DURATION: Record<BlockType, number> = {
  starter: 60,
  webhook: 60,
  agent: 900,
  orchestration: 400,
  code: 250,
  condition: 120,
  general_api: 350,
  platform_api: 350,
  response: 60,
  split: 120,
};

/** White Rabbit module shown for a block when its config names none. */
const DEFAULT_MODULE: Record<BlockType, string> = {
  starter: 'ON_API_CALLED',
  webhook: 'ON_API_CALLED',
  agent: 'AGENT',
  orchestration: 'FOR_EACH',
  code: 'STRING_CONSTANT',
  condition: 'CONDITION',
  general_api: 'API_CALL',
  platform_api: 'GET_EVM_ACCOUNT_BALANCE',
  response: 'ARRAY_BUILDER',
  split: 'FOR_EACH',
};

const CREDITS: Record<BlockType, number> = {
  starter: 0,
  webhook: 0,
  agent: 3,
  orchestration: 1,
  code: 1,
  condition: 1,
  general_api: 2,
  platform_api: 3,
  response: 0,
  split: 1,
};

export interface Sim {
  durationMs: number;
  attempts: number;
  /** Number of leading attempts that fail (Infinity: every attempt fails). */
  failCount: number;
  error: string;
  tokens: string[];
  route: string | undefined;
  output: unknown;
  module: string;
  credits: number;
  /** Each attempt waits, without end, for an approval (ended only by a cancel or a shutdown). */
  waitForApproval: boolean;
}

/** Reads a block's simulation keys; invalid keys fall back to defaults (graphs are validated on save). */
export function simFor(block: StoredBlock, run: RunRecord): Sim {
  const parsed = SimConfig.safeParse(block.config ?? {});
  const cfg: SimConfig = parsed.success ? parsed.data : {};
  const vars = run.inputs;
  const tokens = (cfg.tokens ?? (block.type === 'agent' ? defaultTokens(block, vars) : [])).map((t) => String(interpolate(t, vars)));
  // An `error` without `failAttempts` means the block always fails: the simplest way to model "fails for good".
  const failCount = cfg.failAttempts ?? (cfg.error !== undefined ? Number.POSITIVE_INFINITY : 0);
  return {
    durationMs: cfg.durationMs ?? DEFAULT_DURATION[block.type],
    attempts: cfg.attempts ?? 1,
    failCount,
    error: String(interpolate(cfg.error ?? `${block.name} failed (simulated)`, vars)),
    tokens,
    route: cfg.route === undefined ? undefined : String(interpolate(cfg.route, vars)),
    output: cfg.output === undefined ? undefined : interpolate(cfg.output, vars),
    module: cfg.module ?? DEFAULT_MODULE[block.type],
    credits: CREDITS[block.type],
    waitForApproval: cfg.waitForApproval === true,
  };
}

export function moduleFor(block: StoredBlock): string {
  const m = block.config?.module;
  return typeof m === 'string' && m ? m : DEFAULT_MODULE[block.type];
}

function defaultTokens(block: StoredBlock, vars: Record<string, unknown>): string[] {
  const topic = typeof vars.topic === 'string' ? vars.topic : 'the request';
  return `${block.name} considered ${topic} and wrote a short answer.`.split(/(?<= )/);
}

/** The data a block produces when it succeeds (Powabase's `block_outputs[id]`). */
export function outputFor(block: StoredBlock, sim: Sim, run: RunRecord, upstream: BlockRun[]): unknown {
  const upstreamData = Object.fromEntries(upstream.map((b) => [b.name, b.output]));
  switch (block.type) {
    case 'starter':
    case 'webhook':
      return sim.output ?? { input: run.inputs };
    case 'agent':
      return sim.output ?? { content: sim.tokens.join(''), model: 'sandbox-sim-1', tokens: sim.tokens.length };
    case 'condition': {
      const base = isRecord(sim.output) ? sim.output : {};
      const route = sim.route ?? (typeof base.route === 'string' ? base.route : 'true');
      return { ...base, route };
    }
    case 'response':
      // Powabase's final output is the `output` field of the response block's data.
      return { output: sim.output ?? upstreamData };
    default:
      return sim.output ?? { result: `${block.name} ok`, inputs: Object.keys(upstreamData) };
  }
}
